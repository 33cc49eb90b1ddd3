"""chain map indexes: a chain's projects per node and stage, and its enterprises per node and role
(still active), counted from indexes alone, within a user's scope too (the unit ids are in them);
each replaces the single-column index it extends

Revision ID: 09c7334e5bc7
Revises: 567a53da9741
Create Date: 2026-11-24 00:16:13.144626

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '09c7334e5bc7'
down_revision = '567a53da9741'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_enterprise_id_is_active_unit_id', 'enterprise', ['id', 'is_active', 'unit_id'])
    op.create_index('ix_enterprise_node_node_id_role', 'enterprise_node', ['node_id', 'role', 'enterprise_id'])
    op.drop_index('ix_enterprise_node_node_id', table_name='enterprise_node')
    op.create_index('ix_project_chain_node_id_stage', 'project', ['chain_node_id', 'stage', 'unit_id'])
    op.drop_index('ix_project_chain_node_id', table_name='project')


def downgrade():
    op.create_index('ix_project_chain_node_id', 'project', ['chain_node_id'])
    op.drop_index('ix_project_chain_node_id_stage', table_name='project')
    op.create_index('ix_enterprise_node_node_id', 'enterprise_node', ['node_id'])
    op.drop_index('ix_enterprise_node_node_id_role', table_name='enterprise_node')
    op.drop_index('ix_enterprise_id_is_active_unit_id', table_name='enterprise')
