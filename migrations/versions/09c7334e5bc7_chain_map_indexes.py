"""chain map and dashboard indexes: a chain's projects per node and stage, and its enterprises per
node and role (still active), counted from indexes alone, within a user's scope too (the unit ids
are in them), each replacing the single-column index it extends; and the approved first-reached
dates with 协议投资 and the keys the dashboard's aggregates group and scope by, scanned instead of
the wide project rows

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

APPROVED_DATES = ['approved_negotiating_on', 'approved_signed_on', 'approved_started_on', 'approved_producing_on',
                  'approved_terminated_on', 'agreed_investment_wan', 'chain_node_id', 'unit_id', 'investor_id']


def upgrade():
    op.create_index('ix_enterprise_id_is_active_unit_id', 'enterprise', ['id', 'is_active', 'unit_id'])
    op.create_index('ix_enterprise_node_node_id_role', 'enterprise_node', ['node_id', 'role', 'enterprise_id'])
    op.drop_index('ix_enterprise_node_node_id', table_name='enterprise_node')
    op.create_index('ix_project_chain_node_id_stage', 'project', ['chain_node_id', 'stage', 'unit_id'])
    op.drop_index('ix_project_chain_node_id', table_name='project')
    op.create_index('ix_project_approved_dates', 'project', APPROVED_DATES)


def downgrade():
    op.drop_index('ix_project_approved_dates', table_name='project')
    op.create_index('ix_project_chain_node_id', 'project', ['chain_node_id'])
    op.drop_index('ix_project_chain_node_id_stage', table_name='project')
    op.create_index('ix_enterprise_node_node_id', 'enterprise_node', ['node_id'])
    op.drop_index('ix_enterprise_node_node_id_role', table_name='enterprise_node')
    op.drop_index('ix_enterprise_id_is_active_unit_id', table_name='enterprise')
