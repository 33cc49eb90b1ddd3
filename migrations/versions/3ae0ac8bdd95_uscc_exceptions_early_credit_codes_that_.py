"""uscc exceptions: early credit codes that fail the GB 32100 check, verified by an admin

Codes issued before GB 32100 (early pilot codes) may fail its check character yet be real; an admin
who has verified one lists it here, with how, and it is then accepted where codes are entered and
marked where shown. The admins of the unit that listed it, and of the units above, may remove it.

Revision ID: 3ae0ac8bdd95
Revises: e2299ed9e382
Create Date: 2026-12-06 04:33:23.963376

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3ae0ac8bdd95'
down_revision = 'e2299ed9e382'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('uscc_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=18), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_uscc_exception_created_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_uscc_exception_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uscc_exception')),
    sa.UniqueConstraint('code', name=op.f('uq_uscc_exception_code'))
    )


def downgrade():
    op.drop_table('uscc_exception')
