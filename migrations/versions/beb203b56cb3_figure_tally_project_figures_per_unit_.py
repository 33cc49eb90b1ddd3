"""Project figures per unit and month (figure_tally, app/tally.py): the dashboard reads these
instead of every project in scope. Counted from the projects here where there are any; kept
from then on by every commit that changes projects or fund entries.

Revision ID: beb203b56cb3
Revises: 81468b18f61c
Create Date: 2026-12-07 13:37:31.098445

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


# revision identifiers, used by Alembic.
revision = 'beb203b56cb3'
down_revision = '81468b18f61c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('figure_tally',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('own', sa.Boolean(), nullable=False),
    sa.Column('with_pending', sa.Boolean(), nullable=False),
    sa.Column('measure', sa.String(length=32), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('projects', sa.Integer(), nullable=False),
    sa.Column('amount_wan', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('big', sa.Integer(), nullable=False),
    sa.Column('usd_wan', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'own', 'with_pending', 'measure', 'month', 'key_id', name=op.f('pk_figure_tally'))
    )
    op.create_index('ix_figure_tally_subtree', 'figure_tally', ['unit_id', 'with_pending', 'measure', 'month', 'key_id'],
                    postgresql_include=['projects', 'amount_wan', 'big', 'usd_wan'],
                    postgresql_where=sa.text('NOT own'), sqlite_where=sa.text('NOT own'))
    bind = op.get_bind()
    if bind.scalar(sa.text("SELECT count(*) FROM project")):
        from app import tally  # the counting lives in one place; at this revision it reads these columns
        tally.rebuild(Session(bind=bind))


def downgrade():
    op.drop_index('ix_figure_tally_subtree', table_name='figure_tally')
    op.drop_table('figure_tally')
