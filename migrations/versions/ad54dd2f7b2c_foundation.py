"""foundation: org units, users, audit log and first cut of the domain objects

Revision ID: ad54dd2f7b2c
Revises: 
Create Date: 2026-11-23 17:39:55.404023

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ad54dd2f7b2c'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('record_type', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('record_label', sa.String(length=200), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_log_record', ['record_type', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_user_id'), ['user_id'], unique=False)

    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=50), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempt_username_address', ['username', 'address', 'at'], unique=False)

    op.create_table('org_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['org_unit.id'], name=op.f('fk_org_unit_parent_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_org_unit_code'))
    )
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_unit_parent_id'), ['parent_id'], unique=False)

    op.create_table('chain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('cluster', sa.String(length=100), nullable=False),
    sa.Column('leader', sa.String(length=50), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_chain_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain')),
    sa.UniqueConstraint('name', name=op.f('uq_chain_name'))
    )
    with op.batch_alter_table('chain', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chain_unit_id'), ['unit_id'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('leaders', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_event_dates_in_order')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_event_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_starts_on'), ['starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_unit_id'), ['unit_id'], unique=False)

    op.create_table('park',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('city', sa.String(length=20), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('area_km2', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('leading_industries', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('contact', sa.String(length=100), nullable=True),
    sa.Column('investment_intensity_wan_per_mu', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('tax_per_mu_wan', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('plot_ratio_min', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('plot_ratio_max', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('energy_per_unit_max', sa.Numeric(precision=10, scale=4), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_park_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_park')),
    sa.UniqueConstraint('name', name=op.f('uq_park_name'))
    )
    with op.batch_alter_table('park', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_park_unit_id'), ['unit_id'], unique=False)

    op.create_table('chain_node',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('segment', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('industry_codes', sa.String(length=100), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('key_technologies', sa.Text(), nullable=True),
    sa.Column('gap', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chain_id'], ['chain.id'], name=op.f('fk_chain_node_chain_id_chain')),
    sa.ForeignKeyConstraint(['parent_id'], ['chain_node.id'], name=op.f('fk_chain_node_parent_id_chain_node')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_node')),
    sa.UniqueConstraint('chain_id', 'parent_id', 'name', name=op.f('uq_chain_node_chain_id'))
    )
    with op.batch_alter_table('chain_node', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chain_node_chain_id'), ['chain_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chain_node_parent_id'), ['parent_id'], unique=False)

    op.create_table('target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=True),
    sa.Column('indicator', sa.String(length=30), nullable=False),
    sa.Column('value', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chain_id'], ['chain.id'], name=op.f('fk_target_chain_id_chain')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_target_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target')),
    sa.UniqueConstraint('year', 'unit_id', 'chain_id', 'indicator', name=op.f('uq_target_year'))
    )
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_unit_id'), ['unit_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=50), nullable=False),
    sa.Column('display_name', sa.String(length=50), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('park_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['park_id'], ['park.id'], name=op.f('fk_user_park_id_park')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_user_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_unit_id'), ['unit_id'], unique=False)

    op.create_table('capacity_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('park_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('total', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['park_id'], ['park.id'], name=op.f('fk_capacity_item_park_id_park')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_capacity_item_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capacity_item'))
    )
    with op.batch_alter_table('capacity_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capacity_item_park_id'), ['park_id'], unique=False)

    op.create_table('enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('normalized_name', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('province', sa.String(length=20), nullable=True),
    sa.Column('city', sa.String(length=20), nullable=True),
    sa.Column('source_region', sa.String(length=20), nullable=True),
    sa.Column('industry_code', sa.String(length=5), nullable=True),
    sa.Column('revenue_wan', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['user.id'], name=op.f('fk_enterprise_officer_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_enterprise_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise')),
    sa.UniqueConstraint('uscc', name=op.f('uq_enterprise_uscc'))
    )
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_normalized_name'), ['normalized_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_unit_id'), ['unit_id'], unique=False)

    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('title', sa.String(length=50), nullable=True),
    sa.Column('mobile', sa.String(length=11), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.Column('wechat', sa.String(length=50), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_contact_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_mobile'), ['mobile'], unique=False)

    op.create_table('enterprise_node',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_enterprise_node_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['node_id'], ['chain_node.id'], name=op.f('fk_enterprise_node_node_id_chain_node'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enterprise_id', 'node_id', name=op.f('pk_enterprise_node'))
    )
    with op.batch_alter_table('enterprise_node', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_node_node_id'), ['node_id'], unique=False)

    op.create_table('enterprise_tag',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_enterprise_tag_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enterprise_id', 'tag', name=op.f('pk_enterprise_tag'))
    )
    with op.batch_alter_table('enterprise_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_tag_tag'), ['tag'], unique=False)

    op.create_table('event_enterprise',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_event_enterprise_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_enterprise_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'enterprise_id', name=op.f('pk_event_enterprise'))
    )
    with op.batch_alter_table('event_enterprise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_enterprise_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('investor_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('park_id', sa.Integer(), nullable=True),
    sa.Column('chain_node_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('responsible_person', sa.String(length=50), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('total_investment_wan', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('agreed_investment_wan', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('phase1_investment_wan', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('is_foreign', sa.Boolean(), nullable=False),
    sa.Column('source_region', sa.String(length=50), nullable=True),
    sa.Column('land_mu', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('factory_m2', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('energy_tce', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('power_kva', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('water_t_per_day', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('emissions', sa.String(length=200), nullable=True),
    sa.Column('is_key', sa.Boolean(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('problems', sa.Text(), nullable=True),
    sa.Column('next_steps', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chain_node_id'], ['chain_node.id'], name=op.f('fk_project_chain_node_id_chain_node')),
    sa.ForeignKeyConstraint(['investor_id'], ['enterprise.id'], name=op.f('fk_project_investor_id_enterprise')),
    sa.ForeignKeyConstraint(['officer_id'], ['user.id'], name=op.f('fk_project_officer_id_user')),
    sa.ForeignKeyConstraint(['park_id'], ['park.id'], name=op.f('fk_project_park_id_park')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_project_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_chain_node_id'), ['chain_node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_investor_id'), ['investor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_park_id'), ['park_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_unit_id'), ['unit_id'], unique=False)

    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('participants', sa.String(length=200), nullable=True),
    sa.Column('led_by_top_leader', sa.Boolean(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('next_step', sa.Text(), nullable=True),
    sa.Column('next_follow_up_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_activity_project_id_project')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_activity_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_activity_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_next_follow_up_on'), ['next_follow_up_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_occurred_on'), ['occurred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_unit_id'), ['unit_id'], unique=False)

    op.create_table('event_project',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('signed_here', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_project_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_event_project_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'project_id', name=op.f('pk_event_project'))
    )
    with op.batch_alter_table('event_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_project_project_id'), ['project_id'], unique=False)

    op.create_table('fund_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('amount_wan', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('amount_usd_wan', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('evidence', sa.String(length=200), nullable=True),
    sa.Column('review_status', sa.String(length=20), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_opinion', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_fund_entry_project_id_project')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_fund_entry_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_fund_entry_reviewed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_entry'))
    )
    with op.batch_alter_table('fund_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_entry_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_entry_project_id'), ['project_id'], unique=False)

    op.create_table('stage_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('review_status', sa.String(length=20), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_opinion', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_stage_event_project_id_project')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_stage_event_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_stage_event_reviewed_by_id_user')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['stage_event.id'], name=op.f('fk_stage_event_supersedes_id_stage_event')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_event'))
    )
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_event_effective_on'), ['effective_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_stage_event_project_id'), ['project_id'], unique=False)

    op.create_table('activity_enterprise',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_enterprise_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_activity_enterprise_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'enterprise_id', name=op.f('pk_activity_enterprise'))
    )
    with op.batch_alter_table('activity_enterprise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_enterprise_enterprise_id'), ['enterprise_id'], unique=False)



def downgrade():
    with op.batch_alter_table('activity_enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_enterprise_enterprise_id'))

    op.drop_table('activity_enterprise')
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_event_project_id'))
        batch_op.drop_index(batch_op.f('ix_stage_event_effective_on'))

    op.drop_table('stage_event')
    with op.batch_alter_table('fund_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_entry_project_id'))
        batch_op.drop_index(batch_op.f('ix_fund_entry_month'))

    op.drop_table('fund_entry')
    with op.batch_alter_table('event_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_project_project_id'))

    op.drop_table('event_project')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_unit_id'))
        batch_op.drop_index(batch_op.f('ix_activity_project_id'))
        batch_op.drop_index(batch_op.f('ix_activity_occurred_on'))
        batch_op.drop_index(batch_op.f('ix_activity_next_follow_up_on'))

    op.drop_table('activity')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_unit_id'))
        batch_op.drop_index(batch_op.f('ix_project_stage'))
        batch_op.drop_index(batch_op.f('ix_project_park_id'))
        batch_op.drop_index(batch_op.f('ix_project_investor_id'))
        batch_op.drop_index(batch_op.f('ix_project_chain_node_id'))

    op.drop_table('project')
    with op.batch_alter_table('event_enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_enterprise_enterprise_id'))

    op.drop_table('event_enterprise')
    with op.batch_alter_table('enterprise_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_tag_tag'))

    op.drop_table('enterprise_tag')
    with op.batch_alter_table('enterprise_node', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_node_node_id'))

    op.drop_table('enterprise_node')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_mobile'))
        batch_op.drop_index(batch_op.f('ix_contact_enterprise_id'))

    op.drop_table('contact')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_unit_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_officer_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_normalized_name'))

    op.drop_table('enterprise')
    with op.batch_alter_table('capacity_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capacity_item_park_id'))

    op.drop_table('capacity_item')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_unit_id'))

    op.drop_table('user')
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_unit_id'))

    op.drop_table('target')
    with op.batch_alter_table('chain_node', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chain_node_parent_id'))
        batch_op.drop_index(batch_op.f('ix_chain_node_chain_id'))

    op.drop_table('chain_node')
    with op.batch_alter_table('park', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_park_unit_id'))

    op.drop_table('park')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_unit_id'))
        batch_op.drop_index(batch_op.f('ix_event_starts_on'))

    op.drop_table('event')
    with op.batch_alter_table('chain', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chain_unit_id'))

    op.drop_table('chain')
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_unit_parent_id'))

    op.drop_table('org_unit')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempt_username_address')

    op.drop_table('login_attempt')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_user_id'))
        batch_op.drop_index('ix_audit_log_record')
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
