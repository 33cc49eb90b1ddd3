"""Rows per second written by `flask seed synthetic`, beside a bare baseline from the same process
that writes the same number of rows of similar width: sqlite3's executemany on SQLite, psycopg's
COPY into a table with only its key on PostgreSQL.

    .venv/bin/python bench/seed_speed.py [--scale 1.0] [--national] [--database URL]

Scale 1.0 is the province (100,000 enterprises, 20,000 projects, 300,000 activities, 60 parks),
or with --national the country (31 provinces, 3,000,000 enterprises, 1,000,000 projects,
5,000,000 activities, 1,860 parks, 62,000 officers); --scale 0.1 a tenth of either. SQLite in a
temporary folder unless --database names an empty PostgreSQL database, which is migrated and
left holding the data.
"""
import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.seed.synthetic import SCALES, generate  # noqa: E402

COLUMNS = "(id INTEGER PRIMARY KEY, name TEXT, code TEXT, unit_id INT, kind TEXT, day DATE, amount NUMERIC, " \
          "flag BOOLEAN, note TEXT, stamp TIMESTAMP)"


def _rows(count: int):
    day, stamp = date(2026, 1, 1), datetime(2026, 1, 1)
    for i in range(count):
        yield (i, f"名称{i}有限公司", f"91140000MA{i:08d}", i % 60, "visit", day, Decimal(i) * Decimal("1.5"),
               i % 2 == 0, "对接洽谈投资意向", stamp)


def sqlite_baseline(rows: int, path: Path) -> float:
    con = sqlite3.connect(path)
    con.execute(f"CREATE TABLE t {COLUMNS}")
    data = [tuple(str(v) if isinstance(v, (date, Decimal)) else v for v in row) for row in _rows(rows)]
    started = time.perf_counter()
    con.executemany("INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?)", data)
    con.commit()
    return rows / (time.perf_counter() - started)


def copy_baseline(rows: int, url: str) -> float:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as con:
        con.execute(f"CREATE TEMPORARY TABLE bench_copy {COLUMNS}")
        started = time.perf_counter()
        with con.cursor().copy("COPY bench_copy FROM STDIN") as copy:
            for row in _rows(rows):
                copy.write_row(row)
        con.commit()
        return rows / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--database", help="an empty PostgreSQL database (postgresql+psycopg://…)")
    args = parser.parse_args()
    sizes = dict(SCALES["national" if args.national else "province"])
    for name in ("enterprises", "projects", "activities", "users"):
        sizes[name] = int(sizes[name] * args.scale)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            stats = generate(**sizes, seed=1)
            started = time.perf_counter()
            db.session.commit()
            commit = time.perf_counter() - started
        seconds = stats["seconds"] + commit
        rate = stats["rows"] / seconds
        if args.database:
            bare, how = copy_baseline(stats["rows"], url), "bare COPY (psycopg)"
        else:
            bare, how = sqlite_baseline(stats["rows"], Path(tmp) / "baseline.sqlite"), "bare sqlite3 executemany"
    print(f"seed synthetic: {stats['rows']:,} rows in {seconds:.1f} s = {rate:,.0f} rows/s")
    print(f"{how}, same row count: {bare:,.0f} rows/s (ratio {rate / bare:.2f})")


if __name__ == "__main__":
    main()
