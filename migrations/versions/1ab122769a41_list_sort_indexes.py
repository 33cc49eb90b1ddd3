"""indexes for the list sort orders

Revision ID: 1ab122769a41
Revises: 0281fcc31bbb
Create Date: 2026-11-23 19:15:18.318483

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1ab122769a41'
down_revision = '0281fcc31bbb'
branch_labels = None
depends_on = None


# Plain CREATE/DROP INDEX, not batch mode: a batch on `enterprise` would recreate the table on
# SQLite and drop the name-search triggers.
def upgrade():
    op.create_index('ix_activity_occurred_on_id', 'activity', ['occurred_on', 'id'], unique=False)
    op.create_index('ix_enterprise_created_at_id', 'enterprise', ['created_at', 'id'], unique=False)
    op.create_index('ix_enterprise_name_id', 'enterprise', ['name', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_enterprise_name_id', table_name='enterprise')
    op.drop_index('ix_enterprise_created_at_id', table_name='enterprise')
    op.drop_index('ix_activity_occurred_on_id', table_name='activity')
