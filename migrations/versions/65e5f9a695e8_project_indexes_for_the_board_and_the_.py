"""project indexes for the board and the list order; a project's activity and funds facts;
enterprises by last contact with their ids

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

# As projects.services.refresh_facts computes them.
FACTS = {
    'last_activity_on': "SELECT MAX(a.occurred_on) FROM activity a WHERE a.project_id = project.id",
    'follow_up_due_on': "SELECT MIN(a.next_follow_up_on) FROM activity a WHERE a.project_id = project.id "
                        "AND a.follow_up_done_at IS NULL",
    'funds_wan': "SELECT COALESCE(SUM(f.amount_wan), 0) FROM fund_entry f WHERE f.project_id = project.id "
                 "AND f.review_status != 'rejected'",
}


def upgrade():
    # Plain CREATE/DROP INDEX on enterprise: a batch would recreate it on SQLite without its triggers.
    op.drop_index('ix_enterprise_last_contacted_on', table_name='enterprise')
    op.create_index('ix_enterprise_last_contacted_on_id', 'enterprise', ['last_contacted_on', 'id'], unique=False)
    op.create_index('ix_project_stage_on_id', 'project', ['stage_on', 'id'], unique=False)
    op.create_index('ix_project_stage_stage_on_id', 'project', ['stage', 'stage_on', 'id'], unique=False)
    op.create_index('ix_project_stage_agreed', 'project', ['stage', 'agreed_investment_wan'], unique=False)
    op.add_column('project', sa.Column('last_activity_on', sa.Date(), nullable=True))
    op.add_column('project', sa.Column('follow_up_due_on', sa.Date(), nullable=True))
    op.add_column('project', sa.Column('funds_wan', sa.Numeric(precision=16, scale=2), server_default='0',
                                       nullable=False))
    for column, value in FACTS.items():
        op.execute(f"UPDATE project SET {column} = ({value})")


def downgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        for column in reversed(FACTS):
            batch_op.drop_column(column)
    op.drop_index('ix_project_stage_agreed', table_name='project')
    op.drop_index('ix_project_stage_stage_on_id', table_name='project')
    op.drop_index('ix_project_stage_on_id', table_name='project')
    op.drop_index('ix_enterprise_last_contacted_on_id', table_name='enterprise')
    op.create_index('ix_enterprise_last_contacted_on', 'enterprise', ['last_contacted_on'], unique=False)
