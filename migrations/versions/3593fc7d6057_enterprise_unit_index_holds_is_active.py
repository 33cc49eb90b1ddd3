"""The enterprise list's total in a scope (counted to 10,000) reads an index of (unit_id,
is_active) only; with (unit_id) alone PostgreSQL walked the (id, is_active, unit_id) index for a
province inside a country and dropped nineteen rows in twenty (82 ms).

Revision ID: 3593fc7d6057
Revises: beb203b56cb3
Create Date: 2026-12-07 14:58:29.276748

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3593fc7d6057'
down_revision = 'beb203b56cb3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_enterprise_unit_id_is_active', 'enterprise', ['unit_id', 'is_active'], unique=False)
    op.drop_index('ix_enterprise_unit_id', table_name='enterprise')


def downgrade():
    op.create_index('ix_enterprise_unit_id', 'enterprise', ['unit_id'], unique=False)
    op.drop_index('ix_enterprise_unit_id_is_active', table_name='enterprise')
