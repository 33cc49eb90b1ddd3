"""capacity removals dated: a removal's revision is valid from the day it was made

The list as of a day now goes by the date each revision is valid for (截至日期), not the time it
was typed in. A removal used to copy the removed item's 截至日期; it now carries the (Beijing)
day it was made, so that a removal stays out of the days before it.

Revision ID: 7c1e5a9d2b40
Revises: 3ae0ac8bdd95
Create Date: 2026-12-06 07:40:00

"""
from datetime import UTC, timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5a9d2b40'
down_revision = '3ae0ac8bdd95'
branch_labels = None
depends_on = None

revision_table = sa.table('capacity_revision', sa.column('id', sa.Integer), sa.column('as_of', sa.Date),
                          sa.column('removed', sa.Boolean), sa.column('changed_at', sa.DateTime(timezone=True)))


def upgrade():
    connection = op.get_bind()
    removals = connection.execute(sa.select(revision_table.c.id, revision_table.c.changed_at)
                                  .where(revision_table.c.removed.is_(True))).all()
    for revision_id, changed_at in removals:  # UTC (SQLite gives it naive); Beijing is 8 hours ahead
        utc = changed_at.astimezone(UTC).replace(tzinfo=None) if changed_at.tzinfo else changed_at
        connection.execute(revision_table.update().where(revision_table.c.id == revision_id)
                           .values(as_of=(utc + timedelta(hours=8)).date()))


def downgrade():
    pass  # the earlier 截至日期 of a removal is not kept; the new one is as good for the old reading
