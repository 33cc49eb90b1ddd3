"""Schema comes only from the migrations, and they match the models."""
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.enterprises.search import include_name
from app.extensions import db
from app.names import search_tokens
from tests.conftest import make_app

APP_DIR = Path(__file__).resolve().parent.parent / "app"


def test_head_matches_the_models(app, runner):
    # The session database was upgraded from empty to head; autogenerate must find no difference.
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
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


def test_the_name_search_index_exists_at_head(app):
    with app.app_context():
        dialect = db.engine.dialect.name
        with db.engine.connect() as conn:
            if dialect == "sqlite":
                triggers = set(conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
                assert {"enterprise_name_fts_delete", "enterprise_name_fts_update"} <= triggers
            else:
                assert "ix_enterprise_name_tsv" in set(conn.execute(sa.text(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'enterprise'")).scalars())


def test_the_pair_migration_reindexes_existing_names(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'pairs.sqlite'}")
    with app.app_context():
        upgrade(revision="1ab122769a41")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO org_unit (id, name, code, kind, is_active, created_at, updated_at) "
                                 "VALUES (1, '省', 'P', 'province', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            conn.execute(sa.text(
                "INSERT INTO enterprise (name, normalized_name, name_tokens, status, unit_id, is_active, version, "
                "source_region, created_at, updated_at) VALUES ('汾酒集团', '汾酒', '汾 酒 集 团', 'target', 1, 1, 1, "
                "'local', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT name_tokens FROM enterprise")).scalar() == search_tokens("汾酒集团")
            assert conn.execute(sa.text(
                "SELECT count(*) FROM enterprise_name_fts WHERE enterprise_name_fts MATCH '酒集'")).scalar() == 1
        downgrade(revision="1ab122769a41")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT name_tokens FROM enterprise")).scalar() == "汾 酒 集 团"
        db.engine.dispose()


def a_province_and_its_city(conn) -> None:
    """Units 1 (省) and 2 (市, under it), written in SQL at an older revision."""
    conn.execute(sa.text("INSERT INTO org_unit (id, name, code, kind, is_active, version, created_at, updated_at) "
                         "VALUES (1, '省', 'P', 'province', 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
                         "(2, '市', 'C', 'city', 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    conn.execute(sa.text("UPDATE org_unit SET parent_id = 1 WHERE id = 2"))


def test_system_wide_thresholds_become_the_root_units_and_come_back(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'unit-settings.sqlite'}")
    with app.app_context():
        upgrade(revision="280e42a5b691")
        with db.engine.begin() as conn:
            a_province_and_its_city(conn)
            conn.execute(sa.text("INSERT INTO setting (key, value, version, created_at, updated_at) VALUES "
                                 "('signed_idle_days', '200', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
                                 "('report_tiers_wan', '5000,20000', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
                                 "('audit_chain_head', '0:x', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        upgrade()
        with db.engine.connect() as conn:
            moved = conn.execute(sa.text("SELECT unit_id, key, value FROM unit_setting ORDER BY key")).all()
            kept = conn.execute(sa.text("SELECT key FROM setting")).scalars().all()
        assert moved == [(1, "report_tiers_wan", "5000,20000"), (1, "signed_idle_days", "200")]
        assert kept == ["audit_chain_head"]
        downgrade(revision="280e42a5b691")
        with db.engine.connect() as conn:
            assert sorted(conn.execute(sa.text("SELECT key FROM setting")).scalars()) == [
                "audit_chain_head", "report_tiers_wan", "signed_idle_days"]
        db.engine.dispose()


def test_the_figure_tally_migration_counts_the_projects_there_are(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'tally.sqlite'}")
    with app.app_context():
        upgrade(revision="81468b18f61c")
        with db.engine.begin() as conn:
            a_province_and_its_city(conn)
            conn.execute(sa.text(
                "INSERT INTO project (name, unit_id, channel, stage, stage_on, signed_on, approved_signed_on, "
                "agreed_investment_wan, is_foreign, is_key, funds_wan, version, created_at, updated_at) "
                "VALUES ('项目', 2, 'other', 'signed', '2026-03-02', '2026-03-02', '2026-03-02', 12000, 0, 0, 0, 1, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT unit_id, own, projects, amount_wan, big FROM figure_tally "
                                        "WHERE measure = 'reached:signed' AND NOT with_pending ORDER BY unit_id, own"))
            assert [tuple(row) for row in rows] == [(1, 0, 1, 12000, 1), (2, 0, 1, 12000, 1), (2, 1, 1, 12000, 1)]
        downgrade(revision="81468b18f61c")
        db.engine.dispose()


def test_the_tally_is_counted_again_for_parks_needs_and_any_warning(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'needs.sqlite'}")
    with app.app_context():
        upgrade(revision="3593fc7d6057")
        with db.engine.begin() as conn:
            a_province_and_its_city(conn)
            conn.execute(sa.text("INSERT INTO park (name, level, unit_id, version, created_at, updated_at) "
                                 "VALUES ('园区', 'provincial', 2, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            conn.execute(sa.text(
                "INSERT INTO project (name, unit_id, park_id, land_mu, channel, stage, stage_on, signed_on, "
                "approved_signed_on, agreed_investment_wan, is_foreign, is_key, funds_wan, version, created_at, "
                "updated_at) VALUES ('项目', 2, 1, 40, 'other', 'signed', '2020-03-02', '2020-03-02', '2020-03-02', "
                "12000, 0, 0, 0, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))  # signed long ago, not started
            # As kept before this revision (its rebuild is today's code): without the new measures.
            conn.execute(sa.text("DELETE FROM figure_tally WHERE measure LIKE 'needs:%' OR measure = 'warning:any'"))
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT unit_id, own, key_id, projects, amount_wan FROM figure_tally "
                                        "WHERE measure = 'needs:land' ORDER BY unit_id, own"))
            assert [tuple(row) for row in rows] == [(1, 0, 1, 1, 40), (2, 0, 1, 1, 40), (2, 1, 1, 1, 40)]
            assert conn.scalar(sa.text("SELECT count(*) FROM figure_tally WHERE measure = 'warning:any'"))
        downgrade(revision="3593fc7d6057")
        db.engine.dispose()
