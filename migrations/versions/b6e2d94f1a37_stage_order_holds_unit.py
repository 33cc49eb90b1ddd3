"""project list's order index holds the unit

The project list's default order on PostgreSQL holds each project's unit (INCLUDE unit_id): a
page of a scope that is a small part of the table (a province's projects in a country) walks the
index alone, skipping other units' entries without reading their rows, and fetches only its own
(app/projects/services.py, ``search(…, for_page=True)``). SQLite is left as it is.

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

INDEX = "ix_project_stage_on_id_nulls_last"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {INDEX}")
        op.execute(f"CREATE INDEX {INDEX} ON project (stage_on DESC NULLS LAST, id DESC) INCLUDE (unit_id)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {INDEX}")
        op.execute(f"CREATE INDEX {INDEX} ON project (stage_on DESC NULLS LAST, id DESC)")
