"""imports: batches keep their file, mapping and claim; rows their sheet; remembered column mappings; month-only stage dates

A batch keeps the uploaded file and the user's column choices (to preview it again with other
columns), the time a commit claimed it and why a commit failed; a row keeps the sheet it came
from. import_mapping remembers a unit's column choices per kind of import and header. A stage
event dated by a ledger that gave only the month (201602) says so.

Revision ID: e2299ed9e382
Revises: 09c7334e5bc7
Create Date: 2026-12-06 03:50:23.772631

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2299ed9e382'
down_revision = '09c7334e5bc7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('header_key', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=50), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_import_mapping_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_import_mapping_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mapping')),
    sa.UniqueConstraint('unit_id', 'kind', 'header_key', name=op.f('uq_import_mapping_unit_id'))
    )
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_path', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('mapping', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('message', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('import_row', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sheet', sa.String(length=100), nullable=True))

    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('month_only', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.drop_column('month_only')

    with op.batch_alter_table('import_row', schema=None) as batch_op:
        batch_op.drop_column('sheet')

    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('message')
        batch_op.drop_column('mapping')
        batch_op.drop_column('file_path')

    op.drop_table('import_mapping')
