"""The figures kept per unit (figure_tally) also hold what projects signed (or later) into each
park need of it (``needs:<kind>``: the overcommitted parks read these instead of every committing
project) and the projects with any warning (``warning:any``: the warning list's total). No
change of schema: the figures are counted again where there are projects.

Revision ID: 73287e82f99a
Revises: 3593fc7d6057
Create Date: 2026-12-07 16:58:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


# revision identifiers, used by Alembic.
revision = '73287e82f99a'
down_revision = '3593fc7d6057'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.scalar(sa.text("SELECT count(*) FROM project")):
        from app import tally  # the counting lives in one place
        tally.rebuild(Session(bind=bind))


def downgrade():
    pass  # the rows of the new measures are read by nothing before this revision
