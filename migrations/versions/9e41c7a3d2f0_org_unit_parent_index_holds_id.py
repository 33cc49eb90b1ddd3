"""The units under a unit read from an index of (parent_id, id): a scope's subtree is a
recursive walk of the tree, and with (parent_id) alone PostgreSQL scanned every unit of a
country at each of its four levels (4 ms for a province's 102 units, 0.15 ms from the index).

Revision ID: 9e41c7a3d2f0
Revises: 5d1e7a0c2b94
Create Date: 2026-12-07 23:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9e41c7a3d2f0'
down_revision = '5d1e7a0c2b94'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_org_unit_parent_id_id', 'org_unit', ['parent_id', 'id'], unique=False)
    op.drop_index('ix_org_unit_parent_id', table_name='org_unit')


def downgrade():
    op.create_index('ix_org_unit_parent_id', 'org_unit', ['parent_id'], unique=False)
    op.drop_index('ix_org_unit_parent_id_id', table_name='org_unit')
