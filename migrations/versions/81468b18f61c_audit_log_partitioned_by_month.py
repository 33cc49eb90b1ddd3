"""The audit log at ten million rows: on PostgreSQL partitioned by month (UTC) of ``at``, so that a
filter by date reads its months and archiving drops whole months (app/audit_partitions.py); a
month's partition for each month that has rows, this month's and the next, and a default one.
A primary or unique key of a partitioned table must hold the month: the key is (id, at), and the
chain's ``seq`` stays unique by the seal, which now runs one at a time (a lock), on both
databases. Indexes for the auditor's filters in the list's order (user, action), on PostgreSQL
holding the user and the other filters' columns too (a scoped count reads only the index).

Revision ID: 81468b18f61c
Revises: 1dd1722e86d1
Create Date: 2026-12-07 07:16:37.659694

"""
from datetime import UTC, date, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '81468b18f61c'
down_revision = '1dd1722e86d1'
branch_labels = None
depends_on = None

COLUMNS = "id, at, user_id, action, record_type, record_id, record_label, changes, seq, row_hash"
TABLE = """CREATE TABLE {name} (
    id integer NOT NULL DEFAULT nextval('audit_log_id_seq'::regclass),
    at timestamp with time zone NOT NULL,
    user_id integer,
    action varchar(10) NOT NULL,
    record_type varchar(40) NOT NULL,
    record_id integer,
    record_label varchar(200),
    changes json NOT NULL,
    seq integer,
    row_hash varchar(64)
){partitioned}"""


def _next_month(month):
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _rebuild(create_new, keys_and_indexes):
    """Copy the log into a table made by ``create_new`` (named audit_log_new), put it in the old
    one's place, then give it its keys and indexes (built once, after the copy)."""
    op.execute("ALTER SEQUENCE audit_log_id_seq OWNED BY NONE")  # it would go with the old table
    create_new()
    op.execute(f"INSERT INTO audit_log_new ({COLUMNS}) SELECT {COLUMNS} FROM audit_log")
    op.execute("DROP TABLE audit_log")
    op.execute("ALTER TABLE audit_log_new RENAME TO audit_log")
    for statement in keys_and_indexes:
        op.execute(statement)
    op.execute("ALTER SEQUENCE audit_log_id_seq OWNED BY audit_log.id")


def _partitioned():
    bind = op.get_bind()
    this_month = datetime.now(UTC).date().replace(day=1)
    months = {this_month, _next_month(this_month)} | {
        day.date() for day in bind.scalars(sa.text("SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') FROM audit_log"))}
    op.execute(TABLE.format(name="audit_log_new", partitioned=" PARTITION BY RANGE (at)"))
    op.execute("CREATE TABLE audit_log_default PARTITION OF audit_log_new DEFAULT")
    for month in sorted(months):
        op.execute(f"CREATE TABLE audit_log_{month:%Y_%m} PARTITION OF audit_log_new "
                   f"FOR VALUES FROM ('{month} 00:00:00+00') TO ('{_next_month(month)} 00:00:00+00')")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(_partitioned, [
            "ALTER TABLE audit_log ADD CONSTRAINT pk_audit_log PRIMARY KEY (id, at)",
            "CREATE INDEX ix_audit_log_at ON audit_log (at) INCLUDE (user_id, action, record_type)",
            "CREATE INDEX ix_audit_log_record ON audit_log (record_type, record_id) INCLUDE (user_id, action, at)",
            "CREATE INDEX ix_audit_log_user ON audit_log (user_id, id) INCLUDE (action, record_type, at)",
            "CREATE INDEX ix_audit_log_action ON audit_log (action, id) INCLUDE (user_id, record_type, at)",
            "CREATE INDEX ix_audit_log_seq ON audit_log (seq)",
        ])
        return
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_user_id'))
        batch_op.drop_constraint(batch_op.f('uq_audit_log_seq'), type_='unique')
        batch_op.create_index('ix_audit_log_action', ['action', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_seq'), ['seq'], unique=False)
        batch_op.create_index('ix_audit_log_user', ['user_id', 'id'], unique=False)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(lambda: op.execute(TABLE.format(name="audit_log_new", partitioned="")), [
            "ALTER TABLE audit_log ADD CONSTRAINT pk_audit_log PRIMARY KEY (id)",
            "ALTER TABLE audit_log ADD CONSTRAINT uq_audit_log_seq UNIQUE (seq)",
            "CREATE INDEX ix_audit_log_at ON audit_log (at)",
            "CREATE INDEX ix_audit_log_record ON audit_log (record_type, record_id)",
            "CREATE INDEX ix_audit_log_user_id ON audit_log (user_id)",
        ])
        return
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_user')
        batch_op.drop_index(batch_op.f('ix_audit_log_seq'))
        batch_op.drop_index('ix_audit_log_action')
        batch_op.create_unique_constraint(batch_op.f('uq_audit_log_seq'), ['seq'])
        batch_op.create_index(batch_op.f('ix_audit_log_user_id'), ['user_id'], unique=False)
