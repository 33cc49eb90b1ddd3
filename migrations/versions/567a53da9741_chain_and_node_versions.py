"""chain and node versions: a stale edit of a chain or of a node of its tree is refused, and a
chain import's undo checks that the nodes it wrote are unchanged

Revision ID: 567a53da9741
Revises: fab3b953ef30
Create Date: 2026-11-24 00:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '567a53da9741'
down_revision = 'fab3b953ef30'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('chain', 'chain_node'):
        op.add_column(table, sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    for table in ('chain_node', 'chain'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
