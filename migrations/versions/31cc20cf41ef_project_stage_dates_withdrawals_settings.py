"""project stage dates derived from the stage events, withdrawals, settings

Revision ID: 31cc20cf41ef
Revises: 5c0e7a31d9f2
Create Date: 2026-11-23 21:16:52.205419

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '31cc20cf41ef'
down_revision = '5c0e7a31d9f2'
branch_labels = None
depends_on = None

# The events that stand, as app.projects.stages.counted_events() decides: review status kept, not a
# withdrawal, and no later correction of the same move with a kept status.
def standing(kept: str) -> str:
    return f"""
    FROM stage_event e WHERE e.project_id = project.id AND e.review_status IN ({kept}) AND NOT e.withdrawn
    AND NOT EXISTS (SELECT 1 FROM stage_event c WHERE c.supersedes_id = COALESCE(e.supersedes_id, e.id)
                    AND c.id > e.id AND c.review_status IN ({kept}))
    """


STAGES = ('negotiating', 'signed', 'started', 'producing', 'terminated')
REACHED = [prefix + stage + '_on' for prefix in ('', 'approved_') for stage in STAGES]
WITH_PENDING, APPROVED = "'approved', 'pending'", "'approved'"


def upgrade():
    op.create_table('setting',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_index(op.f('ix_fund_entry_review_status'), 'fund_entry', ['review_status'], unique=False)

    for column in ['stage_on', *REACHED]:
        op.add_column('project', sa.Column(column, sa.Date(), nullable=True))
    op.create_index(op.f('ix_project_signed_on'), 'project', ['signed_on'], unique=False)
    op.create_index(op.f('ix_project_approved_signed_on'), 'project', ['approved_signed_on'], unique=False)

    op.add_column('stage_event', sa.Column('withdrawn', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index(op.f('ix_stage_event_review_status'), 'stage_event', ['review_status'], unique=False)
    op.create_index(op.f('ix_stage_event_supersedes_id'), 'stage_event', ['supersedes_id'], unique=False)

    # Existing projects: their stage and the dates they first reached each stage.
    for statement in backfill_statements():
        op.execute(statement)


def backfill_statements() -> list[str]:
    """UPDATEs deriving the new project columns from the stage events as projects.stages.derive
    does (a test runs them against derive on a history with corrections and reviews)."""
    statements = [f"UPDATE project SET {prefix}{stage}_on = "
                  f"(SELECT MIN(e.effective_on) {standing(kept)} AND e.stage = '{stage}')"
                  for prefix, kept in (('', WITH_PENDING), ('approved_', APPROVED)) for stage in STAGES]
    return statements + [f"UPDATE project SET stage_on = (SELECT e.effective_on {standing(WITH_PENDING)} "
                         "ORDER BY e.effective_on DESC, e.id DESC LIMIT 1)"]


def downgrade():
    op.drop_index(op.f('ix_stage_event_supersedes_id'), table_name='stage_event')
    op.drop_index(op.f('ix_stage_event_review_status'), table_name='stage_event')
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.drop_column('withdrawn')

    op.drop_index(op.f('ix_project_approved_signed_on'), table_name='project')
    op.drop_index(op.f('ix_project_signed_on'), table_name='project')
    with op.batch_alter_table('project', schema=None) as batch_op:
        for column in reversed(['stage_on', *REACHED]):
            batch_op.drop_column(column)

    op.drop_index(op.f('ix_fund_entry_review_status'), table_name='fund_entry')
    op.drop_table('setting')
