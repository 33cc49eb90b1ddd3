"""API: changes since a moment read through (updated_at, id) indexes

A higher level's platform pulls the projects and enterprises changed since its last pull
(updated_since), a page at a time in that order: these indexes serve the filter and the order.

Revision ID: b3f12d91a1d5
Revises: abc37684be28
Create Date: 2026-12-07 01:26:30.477452

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b3f12d91a1d5'
down_revision = 'abc37684be28'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.create_index('ix_enterprise_updated_at_id', ['updated_at', 'id'], unique=False)

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index('ix_project_updated_at_id', ['updated_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index('ix_project_updated_at_id')

    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_updated_at_id')
