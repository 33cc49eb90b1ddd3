"""project indexes for the board and the list order; open follow-ups

Revision ID: 65e5f9a695e8
Revises: 31cc20cf41ef
Create Date: 2026-11-23 21:57:24.274320

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '65e5f9a695e8'
down_revision = '31cc20cf41ef'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_project_stage_on_id', 'project', ['stage_on', 'id'], unique=False)
    op.create_index('ix_project_stage_stage_on_id', 'project', ['stage', 'stage_on', 'id'], unique=False)
    op.create_index('ix_activity_open_follow_up', 'activity', ['next_follow_up_on', 'project_id'], unique=False,
                    sqlite_where=sa.text('follow_up_done_at IS NULL'),
                    postgresql_where=sa.text('follow_up_done_at IS NULL'))


def downgrade():
    op.drop_index('ix_activity_open_follow_up', table_name='activity')
    op.drop_index('ix_project_stage_stage_on_id', table_name='project')
    op.drop_index('ix_project_stage_on_id', table_name='project')
