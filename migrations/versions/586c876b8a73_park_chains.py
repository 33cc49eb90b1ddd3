"""park chains: a park's 主导产业

Revision ID: 586c876b8a73
Revises: d705c41104e3
Create Date: 2026-11-23 23:05:02.132836

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '586c876b8a73'
down_revision = 'd705c41104e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('park_chain',
    sa.Column('park_id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['chain_id'], ['chain.id'], name=op.f('fk_park_chain_chain_id_chain'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['park_id'], ['park.id'], name=op.f('fk_park_chain_park_id_park'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('park_id', 'chain_id', name=op.f('pk_park_chain'))
    )
    op.create_index(op.f('ix_park_chain_chain_id'), 'park_chain', ['chain_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_park_chain_chain_id'), table_name='park_chain')
    op.drop_table('park_chain')
