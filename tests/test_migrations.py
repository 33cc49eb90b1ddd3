"""Schema comes only from the migrations, and they match the models."""
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db

from tests.conftest import make_app

APP_DIR = Path(__file__).resolve().parent.parent / "app"


def test_head_matches_the_models(app, runner):
    # The session database was upgraded from empty to head; autogenerate must find no difference.
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
    assert runner.invoke(args=["db", "check"]).exit_code == 0


def test_downgrade_to_base_and_up_again(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'roundtrip.sqlite'}")
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        assert "project" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_the_app_never_creates_tables_itself():
    sources = "".join(p.read_text() for p in APP_DIR.rglob("*.py"))
    assert "create_all" not in sources
