"""Rows written in bulk: ids reserved up front (SQLite answers RETURNING one row at a time) and
inserts and updates that take the fastest path each database offers."""
import contextlib
import functools
import gc
import itertools
from collections.abc import Iterable

import sqlalchemy as sa
from psycopg.types.json import Json

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


ANALYZE_AFTER = 5000  # rows; see insert_rows


def insert_rows(target, rows: Iterable[dict], analyze: bool = True) -> int:
    """Insert plain rows (dicts with the same keys) into a model's table or a table, in bulk.

    Both go to the driver directly, each value through its column type's own bind processor:
    PostgreSQL through COPY (psycopg sends an executemany as one INSERT a row), SQLite through
    the driver's executemany (Core's per-row parameter handling cost more than the insert).
    Columns a row leaves out take their Python-side default, as in a Core insert. Writes in the
    session's transaction. ``rows`` may be a generator: each row is then sent as it is made, and
    the server writes those sent while the next are made. ``analyze``: give PostgreSQL the
    table's statistics after a big insert (see below); a caller writing many batches does it
    once at the end.
    """
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    rows, written = itertools.chain([first], rows), itertools.count()  # zipped with the rows: counts those sent
    table = getattr(target, "__table__", target)
    connection = db.session.connection()
    dialect = connection.dialect
    given = [c for c in table.columns if c.key in first]
    defaults = [c for c in table.columns if c.key not in first and c.default is not None]
    default_values = [c.default.arg(None) if c.default.is_callable else c.default.arg for c in defaults]
    names = ", ".join(f'"{c.name}"' for c in given + defaults)
    if dialect.name != "postgresql":
        default_values = [p(v) if p else v for p, v in zip(_processors(defaults, dialect), default_values)]
        statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * (len(given) + len(defaults)))})'
        _executemany(connection, statement, ([*values, *default_values] for values, _ in
                                             zip(_bound(given, dialect, rows), written)))
        return next(written)
    wrap = [Json if isinstance(c.type, sa.JSON) else None for c in given]
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row, _ in zip(rows, written):
                values = [row[c.key] for c in given]
                copy.write_row([w(v) if w and v is not None else v for w, v in zip(wrap, values)] + default_values)
    count = next(written)
    if analyze and count >= ANALYZE_AFTER:
        # The planner takes a table it has no statistics for as nearly empty; the foreign-key
        # checks of the next COPY and the UPDATEs that follow then scanned it once per row.
        analyze_tables(table)
    return count


def analyze_tables(*targets) -> None:
    """Give PostgreSQL the statistics of tables just written in bulk (SQLite: nothing to do)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for target in targets:
            db.session.execute(sa.text(f'ANALYZE "{getattr(target, "__table__", target).name}"'))


def _processors(columns, dialect) -> list:
    return [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]


def _bound(columns, dialect, rows):
    """Each row's values for ``columns`` as the driver takes them (the types' bind processors)."""
    keyed = [(c.key, p) for c, p in zip(columns, _processors(columns, dialect))]
    for row in rows:
        yield [p(v) if p and (v := row[k]) is not None else row[k] for k, p in keyed]


def _executemany(connection, statement: str, parameters) -> None:
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(statement, parameters)
    finally:
        cursor.close()


def update_rows(target, rows: list[dict]) -> int:
    """Update rows by primary key: each dict holds ``id`` and the new values (the same keys in all).

    PostgreSQL: COPY into a temporary table, then one UPDATE … FROM (executemany would send one
    UPDATE a row). SQLite: the driver's executemany by key.
    """
    if not rows:
        return 0
    table = getattr(target, "__table__", target)
    columns = [table.c[k] for k in rows[0] if k != "id"]
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        assignments = ", ".join(f'"{c.name}" = ?' for c in columns)
        statement = f'UPDATE "{table.name}" SET {assignments} WHERE "{table.c.id.name}" = ?'
        _executemany(connection, statement, ([*values, row["id"]] for values, row in
                                             zip(_bound(columns, connection.dialect, rows), rows)))
        return len(rows)
    changes = sa.Table(f"{table.name}_changes", sa.MetaData(), sa.Column("id", table.c.id.type),
                       *(sa.Column(c.name, c.type, key=c.key) for c in columns), prefixes=["TEMPORARY"])
    changes.create(connection)
    insert_rows(changes, rows)
    connection.execute(table.update().where(table.c.id == changes.c.id).values({c.key: changes.c[c.key] for c in columns}))
    changes.drop(connection)
    return len(rows)


REBUILD_MEMORY = "512MB"  # maintenance_work_mem while indexes_deferred makes the indexes again


@contextlib.contextmanager
def indexes_deferred(*targets):
    """A bulk load of millions of rows into fresh tables (the synthetic data), as pg_restore does
    it: on PostgreSQL the tables' secondary indexes, foreign keys and the primary keys no other
    table refers to are dropped first and made again at the end, each in one pass over the rows
    instead of one step per row (a row of the enterprise library updated eleven indexes and
    checked three keys; the kept figures' key of seven columns took their rows in no order). In
    the session's transaction: a failed load leaves them as they were. SQLite loads as it is."""
    if db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    names = [getattr(t, "__table__", t).name for t in targets]
    # A primary key stays when a table outside the load refers to it (its key needs the index).
    keys = db.session.execute(sa.text(
        "SELECT k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid), k.contype FROM pg_constraint k "
        "JOIN pg_class c ON c.oid = k.conrelid WHERE c.relname = ANY(:names) AND (k.contype = 'f' "
        "OR k.contype = 'p' AND NOT EXISTS (SELECT 1 FROM pg_constraint r JOIN pg_class o ON o.oid = r.conrelid "
        "WHERE r.contype = 'f' AND r.confrelid = k.conrelid AND o.relname <> ALL(:names))) "
        "ORDER BY k.contype"), {"names": names}).all()
    indexes = db.session.execute(sa.text(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname = ANY(:names) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"), {"names": names}).all()
    for table, key, _, _ in keys:  # 'f' sorts first: the foreign keys before the primary keys they use
        db.session.execute(sa.text(f'ALTER TABLE {table} DROP CONSTRAINT "{key}"'))
    for index, _ in indexes:
        db.session.execute(sa.text(f"DROP INDEX {index}"))
    yield
    db.session.execute(sa.text(f"SET LOCAL maintenance_work_mem = '{REBUILD_MEMORY}'"))  # till the load commits
    for table, key, definition, kind in keys:
        if kind == "p":
            db.session.execute(sa.text(f'ALTER TABLE {table} ADD CONSTRAINT "{key}" {definition}'))
    for _, definition in indexes:
        db.session.execute(sa.text(definition))
    for table, key, definition, kind in keys:
        if kind == "f":
            db.session.execute(sa.text(f'ALTER TABLE {table} ADD CONSTRAINT "{key}" {definition}'))


@contextlib.contextmanager
def collector_off():
    """The cyclic garbage collector off for a while.

    Bulk work keeps hundreds of thousands of small containers alive at once, and the collector
    rescans them all again and again as they grow: 4 s of an 18 s import of 50,000 rows. They
    hold no cycles; reference counting frees them as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collector_paused(steps):
    """Decorate a step generator (one that yields progress) so that it works with the collector
    off (collector_off), and waits at its yields with it on again."""
    @functools.wraps(steps)
    def paused(*args, **kwargs):
        inner = steps(*args, **kwargs)
        while True:
            with collector_off():
                try:
                    progress = next(inner)
                except StopIteration as end:
                    return end.value
            yield progress
    return paused
