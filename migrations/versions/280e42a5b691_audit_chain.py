"""audit chain: each log row's place (seq) and the hash of its content chained to the row before

Existing rows are given theirs by the first seal after the upgrade (a request that writes to the
log, or `flask audit verify`).

Revision ID: 280e42a5b691
Revises: 7375991311d0
Create Date: 2026-12-06 17:42:51.693084

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '280e42a5b691'
down_revision = '7375991311d0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_log_seq'), ['seq'])



def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_log_seq'), type_='unique')
        batch_op.drop_column('row_hash')
        batch_op.drop_column('seq')

