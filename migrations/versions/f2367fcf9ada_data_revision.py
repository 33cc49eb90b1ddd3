"""The data revision: one row whose token every commit that changes records replaces, so that
figures kept between requests are used only while nothing changed (app/revision.py)

Revision ID: f2367fcf9ada
Revises: 345a9b6ebb9a
Create Date: 2026-12-07 04:31:20.864330

"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2367fcf9ada'
down_revision = '345a9b6ebb9a'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('data_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_revision'))
    )
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex}])


def downgrade():
    op.drop_table('data_revision')
