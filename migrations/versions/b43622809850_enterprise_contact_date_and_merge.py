"""enterprise: notes, last contacted date, merged-into link

Revision ID: b43622809850
Revises: ad54dd2f7b2c
Create Date: 2026-11-23 17:55:04.612363

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b43622809850'
down_revision = 'ad54dd2f7b2c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('last_contacted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_enterprise_last_contacted_on'), ['last_contacted_on'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_enterprise_merged_into_id_enterprise'), 'enterprise', ['merged_into_id'], ['id'])

    # Fill the new column from the visit log already recorded.
    op.execute("""
        UPDATE enterprise SET last_contacted_on = latest.day
        FROM (SELECT activity_enterprise.enterprise_id, MAX(activity.occurred_on) AS day
              FROM activity JOIN activity_enterprise ON activity_enterprise.activity_id = activity.id
              GROUP BY activity_enterprise.enterprise_id) AS latest
        WHERE enterprise.id = latest.enterprise_id
    """)


def downgrade():
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enterprise_merged_into_id_enterprise'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_enterprise_last_contacted_on'))
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('last_contacted_on')
        batch_op.drop_column('notes')

