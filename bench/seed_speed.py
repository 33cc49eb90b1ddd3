"""Rows per second written by `flask seed synthetic` on SQLite, beside a bare sqlite3 baseline
that inserts the same number of rows of similar width from the same process.

    .venv/bin/python bench/seed_speed.py [--scale 1.0]

Scale 1.0 is the province: 100,000 enterprises, 20,000 projects, 300,000 activities, 60 parks.
"""
import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.seed.synthetic import generate  # noqa: E402


def baseline(rows: int, path: Path) -> float:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, code TEXT, unit_id INT, kind TEXT, "
                "day TEXT, amount NUMERIC, flag INT, note TEXT, stamp TEXT)")
    data = [(i, f"名称{i}有限公司", f"91140000MA{i:08d}", i % 60, "visit", "2026-01-01", i * 1.5, i % 2,
             "对接洽谈投资意向", "2026-01-01 00:00:00") for i in range(rows)]
    started = time.perf_counter()
    con.executemany("INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?)", data)
    con.commit()
    return rows / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    scale = parser.parse_args().scale
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite", "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            stats = generate(enterprises=int(100_000 * scale), projects=int(20_000 * scale),
                             activities=int(300_000 * scale), parks=60, seed=1)
            started = time.perf_counter()
            db.session.commit()
            commit = time.perf_counter() - started
        rate = stats["rows"] / (stats["seconds"] + commit)
        bare = baseline(stats["rows"], Path(tmp) / "baseline.sqlite")
    print(f"seed synthetic: {stats['rows']:,} rows in {stats['seconds'] + commit:.1f} s = {rate:,.0f} rows/s "
          f"(target ≥ 20,000)")
    print(f"bare sqlite3 executemany, same row count: {bare:,.0f} rows/s (ratio {rate / bare:.2f})")


if __name__ == "__main__":
    main()
