"""capacity revisions: the history of each park's capacity list; 标准地 share, floor height and load

Revision ID: d705c41104e3
Revises: 65e5f9a695e8
Create Date: 2026-11-23 22:59:12.078835

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd705c41104e3'
down_revision = '65e5f9a695e8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('capacity_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('park_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('total', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('standard_land_mu', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('floor_height_m', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('floor_load_kn_m2', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_capacity_revision_changed_by_id_user')),
    sa.ForeignKeyConstraint(['park_id'], ['park.id'], name=op.f('fk_capacity_revision_park_id_park')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capacity_revision'))
    )
    op.create_index(op.f('ix_capacity_revision_park_id'), 'capacity_revision', ['park_id'], unique=False)
    # 标准地 share of land, floor height and load of factory space.
    for column, type_ in (('standard_land_mu', sa.Numeric(16, 2)), ('floor_height_m', sa.Numeric(6, 2)),
                          ('floor_load_kn_m2', sa.Numeric(8, 2))):
        op.add_column('capacity_item', sa.Column(column, type_, nullable=True))
    # Two people editing one item: the second save is refused (a version column, as on projects).
    op.add_column('capacity_item', sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    # Each existing item starts its history as it is, from when it was created.
    item = sa.table('capacity_item', *[sa.column(c) for c in (
        'id', 'park_id', 'kind', 'name', 'total', 'unit', 'as_of', 'notes', 'updated_by_id', 'created_at')])
    revision = sa.table('capacity_revision', *[sa.column(c) for c in (
        'park_id', 'item_id', 'kind', 'name', 'total', 'unit', 'as_of', 'notes', 'removed', 'changed_by_id',
        'changed_at')])
    op.execute(revision.insert().from_select(
        [c.name for c in revision.columns],
        sa.select(item.c.park_id, item.c.id, item.c.kind, item.c.name, item.c.total, item.c.unit, item.c.as_of,
                  item.c.notes, sa.false(), item.c.updated_by_id, item.c.created_at)))


def downgrade():
    with op.batch_alter_table('capacity_item', schema=None) as batch_op:
        for column in ('version', 'floor_load_kn_m2', 'floor_height_m', 'standard_land_mu'):
            batch_op.drop_column(column)
    op.drop_index(op.f('ix_capacity_revision_park_id'), table_name='capacity_revision')
    op.drop_table('capacity_revision')
