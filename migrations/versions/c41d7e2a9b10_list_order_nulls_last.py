"""The project list's default order on PostgreSQL: newest stage date first, empty dates last, as an
index walks it (the plain (stage_on, id) index walked backwards puts empty dates first, so the list
sorted every project in scope for each page). SQLite walks its plain index in that order already.

Revision ID: c41d7e2a9b10
Revises: f2367fcf9ada
Create Date: 2026-12-07 05:05:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c41d7e2a9b10'
down_revision = 'f2367fcf9ada'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_project_stage_on_id_nulls_last ON project (stage_on DESC NULLS LAST, id DESC)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_project_stage_on_id_nulls_last")
