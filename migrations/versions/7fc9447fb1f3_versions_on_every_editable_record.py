"""versions on every editable record: a save based on an older version is refused (409)

Existing rows start at version 1.

Revision ID: 7fc9447fb1f3
Revises: 38e6278007b1
Create Date: 2026-12-06 16:06:03.040510

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7fc9447fb1f3'
down_revision = '38e6278007b1'
branch_labels = None
depends_on = None

TABLES = ("activity", "contact", "event", "fund_entry", "org_unit", "park", "setting", "stage_event", "target", "user")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
