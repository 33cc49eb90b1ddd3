"""three officers: roles granted apart, second factor, per-unit settings

A user's role may be empty (an admin opens the account, a security admin grants the role). The
warning thresholds and report settings an admin had set system-wide become the root unit's,
which every unit below inherits.

Revision ID: 408abcfc66ea
Revises: 280e42a5b691
Create Date: 2026-12-06 19:35:16.558207

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '408abcfc66ea'
down_revision = '280e42a5b691'
branch_labels = None
depends_on = None

# The settings that became per unit (app/projects/warnings.py THRESHOLDS, app/reports/settings.py).
UNIT_KEYS = ("signed_idle_days", "no_funds_months", "low_funds_months", "low_funds_percent", "stale_talks_days",
             "report_tiers_wan", "report_total_first")


def upgrade():
    op.create_table('unit_setting',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_unit_setting_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('unit_id', 'key', name=op.f('pk_unit_setting'))
    )
    keys = ", ".join(f"'{key}'" for key in UNIT_KEYS)
    op.execute(f"INSERT INTO unit_setting (unit_id, key, value, version, created_at, updated_at) "
               f"SELECT org_unit.id, setting.key, setting.value, 1, setting.created_at, setting.updated_at "
               f"FROM setting CROSS JOIN org_unit WHERE org_unit.parent_id IS NULL AND setting.key IN ({keys})")
    op.execute(f"DELETE FROM setting WHERE key IN ({keys})")
    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
        batch_op.alter_column('role',
               existing_type=sa.VARCHAR(length=20),
               nullable=True)


def downgrade():
    op.execute("DELETE FROM \"user\" WHERE role IS NULL")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('role',
               existing_type=sa.VARCHAR(length=20),
               nullable=False)
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')

    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
    # Back to one system-wide value per key: the first root unit's.
    keys = ", ".join(f"'{key}'" for key in UNIT_KEYS)
    op.execute(f"INSERT INTO setting (key, value, version, created_at, updated_at) "
               f"SELECT key, value, version, created_at, updated_at FROM unit_setting "
               f"WHERE key IN ({keys}) AND unit_id = (SELECT min(id) FROM org_unit WHERE parent_id IS NULL)")
    op.drop_table('unit_setting')
