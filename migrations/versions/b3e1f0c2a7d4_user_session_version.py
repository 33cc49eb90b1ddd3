"""user session version: a user's sessions are revocable

The session cookie carries the user's id and this number; logging out, a password reset,
deactivation and a change of role or unit raise it, and every cookie issued before no longer
logs anyone in. Existing users start at 0 (their current cookies, which carry no number, end).

Revision ID: b3e1f0c2a7d4
Revises: 99544733fd5d
Create Date: 2026-12-06 14:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e1f0c2a7d4'
down_revision = '99544733fd5d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
