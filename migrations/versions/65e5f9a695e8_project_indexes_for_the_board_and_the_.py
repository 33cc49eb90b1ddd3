"""project indexes for the board and the list order

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


def downgrade():
    op.drop_index('ix_project_stage_stage_on_id', table_name='project')
    op.drop_index('ix_project_stage_on_id', table_name='project')
