"""list orders' indexes hold the unit

The default orders of the project list (stage date, newest first, empty last) and of the
enterprise list (录入时间) on PostgreSQL hold each row's unit (INCLUDE unit_id): a page of a scope
that is a small part of the table (a province's rows in a country) walks the index alone,
passing over other units' entries without reading their rows, and reads only its own
(app/web.py, ``list_order``). SQLite is left as it is.

Revision ID: b6e2d94f1a37
Revises: 9e41c7a3d2f0
Create Date: 2026-12-08 02:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b6e2d94f1a37'
down_revision = '9e41c7a3d2f0'
branch_labels = None
depends_on = None

INDEXES = {"ix_project_stage_on_id_nulls_last": "project (stage_on DESC NULLS LAST, id DESC)",
           "ix_enterprise_created_at_id": "enterprise (created_at, id)"}


def _make(include: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, columns in INDEXES.items():
            op.execute(f"DROP INDEX {name}")
            op.execute(f"CREATE INDEX {name} ON {columns}{include}")


def upgrade():
    _make(" INCLUDE (unit_id)")


def downgrade():
    _make("")
