"""enterprise list's order index holds the unit

The enterprise list's default order (录入时间) on PostgreSQL holds each enterprise's unit
(INCLUDE unit_id), as the project list's does (b6e2d94f1a37): a page of a province's enterprises
in a country walks the index alone (app/web.py, ``list_order``). SQLite is left as it is.

Revision ID: c3f8a1d5e7b2
Revises: b6e2d94f1a37
Create Date: 2026-12-08 01:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3f8a1d5e7b2'
down_revision = 'b6e2d94f1a37'
branch_labels = None
depends_on = None

INDEX = "ix_enterprise_created_at_id"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {INDEX}")
        op.execute(f"CREATE INDEX {INDEX} ON enterprise (created_at, id) INCLUDE (unit_id)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {INDEX}")
        op.execute(f"CREATE INDEX {INDEX} ON enterprise (created_at, id)")
