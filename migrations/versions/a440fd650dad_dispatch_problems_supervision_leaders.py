"""调度: project problems, 督办, 包保 leaders

Problems raised on projects (project_problem: the unit that raised it, the unit that must solve
it now, its deadline there), supervision orders (supervision: the assignee's unit, person and
deadline), the dated steps of both (case_step, one table for the two), and the leaders in charge
of enterprises and projects (leader, leader_link: one record each, never both). New tables only.

Revision ID: a440fd650dad
Revises: 9b46ecf9f293
Create Date: 2026-12-06 23:03:26.925116

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a440fd650dad'
down_revision = '9b46ecf9f293'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_type', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], name=op.f('fk_case_step_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_case_step_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_step'))
    )
    with op.batch_alter_table('case_step', schema=None) as batch_op:
        batch_op.create_index('ix_case_step_owner', ['owner_type', 'owner_id'], unique=False)

    op.create_table('leader',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('post', sa.String(length=100), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_leader_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_leader_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leader'))
    )
    with op.batch_alter_table('leader', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leader_unit_id'), ['unit_id'], unique=False)

    op.create_table('leader_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(enterprise_id IS NULL) <> (project_id IS NULL)', name=op.f('ck_leader_link_one_record')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_leader_link_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['leader_id'], ['leader.id'], name=op.f('fk_leader_link_leader_id_leader')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_leader_link_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leader_link')),
    sa.UniqueConstraint('leader_id', 'enterprise_id', name='uq_leader_link_enterprise'),
    sa.UniqueConstraint('leader_id', 'project_id', name='uq_leader_link_project')
    )
    with op.batch_alter_table('leader_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leader_link_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_link_leader_id'), ['leader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_link_project_id'), ['project_id'], unique=False)

    op.create_table('project_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('handler_unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('request', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('assignee', sa.String(length=100), nullable=True),
    sa.Column('assignee_unit_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=True),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('solved_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('escalations', sa.Integer(), server_default='0', nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_unit_id'], ['org_unit.id'], name=op.f('fk_project_problem_assignee_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['handler_unit_id'], ['org_unit.id'], name=op.f('fk_project_problem_handler_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_problem_project_id_project')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['user.id'], name=op.f('fk_project_problem_raised_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_project_problem_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_problem'))
    )
    with op.batch_alter_table('project_problem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_problem_closed_on'), ['closed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_problem_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_problem_handler_unit_id'), ['handler_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_problem_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_problem_raised_on'), ['raised_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_problem_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_problem_unit_id'), ['unit_id'], unique=False)

    op.create_table('supervision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task', sa.Text(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('warning', sa.String(length=30), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('issuer_id', sa.Integer(), nullable=True),
    sa.Column('issuer_unit_id', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], name=op.f('fk_supervision_assignee_id_user')),
    sa.ForeignKeyConstraint(['issuer_id'], ['user.id'], name=op.f('fk_supervision_issuer_id_user')),
    sa.ForeignKeyConstraint(['issuer_unit_id'], ['org_unit.id'], name=op.f('fk_supervision_issuer_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['problem_id'], ['project_problem.id'], name=op.f('fk_supervision_problem_id_project_problem')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_supervision_project_id_project')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_supervision_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision'))
    )
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_closed_on'), ['closed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_issued_on'), ['issued_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_issuer_id'), ['issuer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_problem_id'), ['problem_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_unit_id'), ['unit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_unit_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_status'))
        batch_op.drop_index(batch_op.f('ix_supervision_project_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_problem_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_issuer_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_issued_on'))
        batch_op.drop_index(batch_op.f('ix_supervision_due_on'))
        batch_op.drop_index(batch_op.f('ix_supervision_closed_on'))
        batch_op.drop_index(batch_op.f('ix_supervision_assignee_id'))

    op.drop_table('supervision')
    with op.batch_alter_table('project_problem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_problem_unit_id'))
        batch_op.drop_index(batch_op.f('ix_project_problem_status'))
        batch_op.drop_index(batch_op.f('ix_project_problem_raised_on'))
        batch_op.drop_index(batch_op.f('ix_project_problem_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_problem_handler_unit_id'))
        batch_op.drop_index(batch_op.f('ix_project_problem_due_on'))
        batch_op.drop_index(batch_op.f('ix_project_problem_closed_on'))

    op.drop_table('project_problem')
    with op.batch_alter_table('leader_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leader_link_project_id'))
        batch_op.drop_index(batch_op.f('ix_leader_link_leader_id'))
        batch_op.drop_index(batch_op.f('ix_leader_link_enterprise_id'))

    op.drop_table('leader_link')
    with op.batch_alter_table('leader', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leader_unit_id'))

    op.drop_table('leader')
    with op.batch_alter_table('case_step', schema=None) as batch_op:
        batch_op.drop_index('ix_case_step_owner')

    op.drop_table('case_step')
