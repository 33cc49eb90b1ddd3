"""The monthly report workbook for the root unit at province scale: its time and peak memory, beside
writing the same cells with openpyxl alone (write-only mode) in the same run.

    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi seed synthetic
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/python bench/monthly_report.py [--month 2026-10] [--runs 5]

Target (issue 7), with 20,000 projects, 300,000 activities and 60 parks: ≤ 5 s and ≤ 300 MB peak.
Peak memory is the process's maximum resident set (it includes the app and its imports, printed
first), and the Python heap the report itself allocated at its peak (tracemalloc).
"""
import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from app.excel import write_workbook  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import User  # noqa: E402
from app.reports import monthly  # noqa: E402
from bench.timing import served_app  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def openpyxl_alone(sheets, path) -> float:
    """Seconds to write the same cells (title lines, headers, rows) with openpyxl's write-only mode."""
    started = time.perf_counter()
    book = openpyxl.Workbook(write_only=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title)
        for line in sheet.above:
            ws.append(line)
        ws.append(sheet.headers)
        for row in sheet.rows:
            ws.append(row)
    book.save(path)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app, _statements = served_app()
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "manager"))
        month = monthly.parse_month(args.month, date.today())
        unit = monthly.report_unit(user, None)
        print(f"{db.engine.dialect.name}; {unit.name}, {month:%Y-%m}; resident set after start-up {rss_mb():.0f} MB")
        totals, builds, writes, ours, theirs = [], [], [], [], []
        with tempfile.TemporaryDirectory() as folder:
            for run in range(args.runs):
                db.session.expire_all()
                if run == 0:
                    tracemalloc.start()
                started = time.perf_counter()
                sheets = monthly.workbook(user, month, unit)
                built = time.perf_counter()
                write_workbook(Path(folder) / "ours.xlsx", sheets)
                done = time.perf_counter()
                if run == 0:
                    heap = tracemalloc.get_traced_memory()[1] / 2 ** 20
                    tracemalloc.stop()
                    rows = {sheet.title: len(sheet.rows) for sheet in sheets}
                    cells = sum(len(row) for sheet in sheets for row in sheet.rows)
                    continue  # tracemalloc slows the first run: its times are left out
                totals.append(done - started)
                builds.append(built - started)
                writes.append(done - built)
                ours.append(done - built)
                theirs.append(openpyxl_alone(sheets, Path(folder) / "openpyxl.xlsx"))
        print("rows per sheet:", ", ".join(f"{title} {count:,}" for title, count in rows.items()),
              f"({cells:,} cells)")
        print(f"workbook, queries and all: median {statistics.median(totals):.2f} s, max {max(totals):.2f} s "
              f"(assembling {statistics.median(builds):.2f} s, writing {statistics.median(writes):.2f} s)")
        print(f"peak: resident set {rss_mb():.0f} MB; the report's Python heap {heap:.0f} MB")
        print(f"the same cells written by openpyxl alone: median {statistics.median(theirs):.2f} s; "
              f"our writer {statistics.median(ours):.2f} s; the whole report / openpyxl alone = "
              f"{statistics.median(totals) / statistics.median(theirs):.2f}")


if __name__ == "__main__":
    main()
