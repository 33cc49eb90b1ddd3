"""考核: assessment schemes, their indicators, bonus and penalty points, frozen months

A unit's yearly scheme for the units under it (assessment_scheme, one per unit and year), its
weighted indicators (assessment_item), the points entered by hand with a reason
(assessment_adjustment), and each unit's score and place in a finalised month
(assessment_result). New tables only.

Revision ID: 379b24013d35
Revises: a440fd650dad
Create Date: 2026-12-06 23:12:36.281365

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '379b24013d35'
down_revision = 'a440fd650dad'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_scheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_assessment_scheme_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_scheme')),
    sa.UniqueConstraint('unit_id', 'year', name='uq_assessment_scheme_unit_year')
    )
    with op.batch_alter_table('assessment_scheme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_scheme_unit_id'), ['unit_id'], unique=False)

    op.create_table('assessment_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=30), nullable=False),
    sa.Column('weight', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('cap', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['assessment_scheme.id'], name=op.f('fk_assessment_item_scheme_id_assessment_scheme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_item'))
    )
    with op.batch_alter_table('assessment_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_item_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('assessment_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('points', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], name=op.f('fk_assessment_adjustment_by_id_user')),
    sa.ForeignKeyConstraint(['scheme_id'], ['assessment_scheme.id'], name=op.f('fk_assessment_adjustment_scheme_id_assessment_scheme'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_assessment_adjustment_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_adjustment'))
    )
    with op.batch_alter_table('assessment_adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_adjustment_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('assessment_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('frozen_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['frozen_by_id'], ['user.id'], name=op.f('fk_assessment_result_frozen_by_id_user')),
    sa.ForeignKeyConstraint(['scheme_id'], ['assessment_scheme.id'], name=op.f('fk_assessment_result_scheme_id_assessment_scheme'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_assessment_result_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_result')),
    sa.UniqueConstraint('scheme_id', 'month', 'unit_id', name='uq_assessment_result_month_unit')
    )
    with op.batch_alter_table('assessment_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_result_scheme_id'), ['scheme_id'], unique=False)



def downgrade():
    with op.batch_alter_table('assessment_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_result_scheme_id'))

    op.drop_table('assessment_result')
    with op.batch_alter_table('assessment_adjustment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_adjustment_scheme_id'))

    op.drop_table('assessment_adjustment')
    with op.batch_alter_table('assessment_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_item_scheme_id'))

    op.drop_table('assessment_item')
    with op.batch_alter_table('assessment_scheme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_scheme_unit_id'))

    op.drop_table('assessment_scheme')
