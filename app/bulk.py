"""Ids for rows written in bulk without RETURNING (SQLite answers RETURNING one row at a time)."""
import sqlalchemy as sa

from app.extensions import db


def reserve_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, safe against concurrent writers.

    PostgreSQL hands them out from the table's sequence. SQLite lets one writer at a time: a
    no-op write first takes the write lock for this transaction, then max(id) + 1 … is ours.
    """
    if count <= 0:
        return []
    table = model.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        return list(db.session.scalars(sa.text(
            f"SELECT nextval(pg_get_serial_sequence('\"{table.name}\"', 'id')) FROM generate_series(1, :n)"),
            {"n": count}))
    db.session.execute(sa.update(table).where(sa.false()).values(id=table.c.id))
    first = (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))
