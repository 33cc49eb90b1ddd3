"""On PostgreSQL the audit log is partitioned by the month (UTC) of ``at``: audit_log_2026_12 …,
and audit_log_default for a row whose month has no partition yet. A filter by date reads only its
months, and archiving (app.audit_trail.archive) drops a month it took whole instead of deleting
its rows one by one. SQLite keeps one plain table. The first partitions are made by the migration
that partitioned the table; the seal makes the current and the next month's as months go by."""
import re
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

DEFAULT = "audit_log_default"
MONTH_NAME = re.compile(r"^audit_log_(\d{4})_(\d{2})$")


def partitioned(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def is_partition(name: str | None) -> bool:
    """A partition's name (for Alembic, which compares the parent table with the models)."""
    return name == DEFAULT or MONTH_NAME.match(name or "") is not None


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _start(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=UTC)


def months(session: Session) -> dict[date, str]:
    """The month partitions there are: their first day → their name."""
    names = session.scalars(sa.text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                    "WHERE i.inhparent = 'audit_log'::regclass"))
    return {date(int(m[1]), int(m[2]), 1): name for name in names if (m := MONTH_NAME.match(name))}


def make_month(session: Session, month: date) -> str:
    """The partition of ``month``, with the rows of that month the default partition caught moved
    into it (rows written before their month's partition was made)."""
    name = f"audit_log_{month:%Y_%m}"
    span = {"low": _start(month), "high": _start(next_month(month))}
    session.execute(sa.text(f'CREATE TABLE "{name}" (LIKE audit_log INCLUDING DEFAULTS)'))
    session.execute(sa.text(f'WITH moved AS (DELETE FROM "{DEFAULT}" WHERE at >= :low AND at < :high RETURNING *) '
                            f'INSERT INTO "{name}" SELECT * FROM moved'), span)
    bounds = f"FROM ('{span['low'].isoformat()}') TO ('{span['high'].isoformat()}')"
    session.execute(sa.text(f'ALTER TABLE audit_log ATTACH PARTITION "{name}" FOR VALUES {bounds}'))
    return name


def ensure_months(session: Session, first: date, last: date) -> None:
    """The partitions of the months from ``first`` to ``last``, made where missing (a look at the
    catalog; the seal asks for this month's and the next after each request that wrote to the log)."""
    there, month = months(session), first.replace(day=1)
    while month <= last:
        if month not in there:
            make_month(session, month)
        month = next_month(month)


def drop_archived(session: Session, last_seq: int, cutoff: datetime) -> list[str]:
    """Drop the months that end by ``cutoff`` and hold no row after ``last_seq`` in the chain
    (every row of theirs archived); returns their names. Rows of a month only partly archived are
    deleted by the caller."""
    dropped = []
    for month, name in sorted(months(session).items()):
        if _start(next_month(month)) > cutoff:
            break
        if session.scalar(sa.text(f'SELECT 1 FROM "{name}" WHERE seq IS NULL OR seq > :last LIMIT 1'),
                          {"last": last_seq}) is None:
            session.execute(sa.text(f'DROP TABLE "{name}"'))
            dropped.append(name)
    return dropped
