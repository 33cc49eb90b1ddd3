"""agenda: follow-ups reassigned, notifications, e-mail and calendar feed

A visit's follow-up gets the user who follows it up (the recorder, for visits logged before);
users get an e-mail address for the daily digest and the hash of their calendar feed's secret;
notifications and saved list filters (我的视图) are tables of their own.

Revision ID: 672b39816cac
Revises: 55cb8dbfbfc7
Create Date: 2026-12-06 20:35:34.359879

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '672b39816cac'
down_revision = '55cb8dbfbfc7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_notification_user_id'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at'], unique=False)
    op.create_table('saved_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('query', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_saved_view_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_view')),
    sa.UniqueConstraint('user_id', 'endpoint', 'name', name=op.f('uq_saved_view_user_id'))
    )

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_up_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_activity_follow_up_by_id'), ['follow_up_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_activity_follow_up_by_id_user'), 'user', ['follow_up_by_id'], ['id'])
    op.execute("UPDATE activity SET follow_up_by_id = recorded_by_id WHERE next_follow_up_on IS NOT NULL")

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('digest_sent_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('calendar_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_calendar_token_hash'), ['calendar_token_hash'])



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_calendar_token_hash'), type_='unique')
        batch_op.drop_column('calendar_token_hash')
        batch_op.drop_column('digest_sent_on')
        batch_op.drop_column('email')

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_activity_follow_up_by_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_activity_follow_up_by_id'))
        batch_op.drop_column('follow_up_by_id')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')

    op.drop_table('notification')
    op.drop_table('saved_view')
