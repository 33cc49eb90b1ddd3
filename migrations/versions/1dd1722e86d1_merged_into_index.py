"""An index on enterprise.merged_into_id: deleting enterprises (an import undone) checks that no
other enterprise was merged into each one, which without it read the whole table once per
deleted enterprise (undoing a 50,000-row import did not finish)

Revision ID: 1dd1722e86d1
Revises: c41d7e2a9b10
Create Date: 2026-12-07 05:25:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '1dd1722e86d1'
down_revision = 'c41d7e2a9b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_merged_into_id'), ['merged_into_id'], unique=False)


def downgrade():
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_merged_into_id'))
