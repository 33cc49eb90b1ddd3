"""index contact names for search

Revision ID: b7b6819f6041
Revises: bdd520c8491f
Create Date: 2026-11-23 18:13:10.110992

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7b6819f6041'
down_revision = 'bdd520c8491f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_name'), ['name'], unique=False)



def downgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_name'))

