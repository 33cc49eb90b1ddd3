"""project emission needs: COD, 氨氮, SO₂ and NOx quotas in 吨/年, committed against parks

Revision ID: fab3b953ef30
Revises: 586c876b8a73
Create Date: 2026-11-23 23:29:19.954275

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fab3b953ef30'
down_revision = '586c876b8a73'
branch_labels = None
depends_on = None


COLUMNS = ('cod_t', 'ammonia_t', 'so2_t', 'nox_t')  # 排污指标 a project needs, 吨/年


def upgrade():
    for column in COLUMNS:
        op.add_column('project', sa.Column(column, sa.Numeric(precision=12, scale=2), nullable=True))


def downgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
