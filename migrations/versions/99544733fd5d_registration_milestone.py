"""registration (注册): a milestone between 签约 and 开工, dated and reviewed like a stage move

A stage event of stage 'registered' carries the local company's name and 注册资本; the project keeps
the date it was first registered, with pending events and with approved ones only, as it keeps
its other first-reached dates. Existing projects have none.

Revision ID: 99544733fd5d
Revises: 7c1e5a9d2b40
Create Date: 2026-12-06 07:38:33.708463

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '99544733fd5d'
down_revision = '7c1e5a9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('approved_registered_on', sa.Date(), nullable=True))

    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('company_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('registered_capital_wan', sa.Numeric(precision=16, scale=2), nullable=True))



def downgrade():
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.drop_column('registered_capital_wan')
        batch_op.drop_column('company_name')

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('approved_registered_on')
        batch_op.drop_column('registered_on')

