"""The monthly report for the root unit at province scale: the workbook's time and peak memory,
beside XlsxWriter (constant_memory) writing the same cells in the same run; and the 通报 (.docx).

    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi seed synthetic
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/python bench/monthly_report.py [--month 2026-10] [--runs 5]

Targets (issue 14), with 20,000 projects, 300,000 activities and 60 parks: the workbook ≤ 5 s and
≤ 300 MB peak, ≤ 1.5× XlsxWriter writing the same cells; the .docx ≤ 2 s. Peak memory is the
process's maximum resident set (it includes the app and its imports, printed first), and the
Python heap the report itself allocated at its peak (tracemalloc).
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

import sqlalchemy as sa  # noqa: E402
import xlsxwriter  # noqa: E402

from app.excel import write_workbook  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import User  # noqa: E402
from app.reports import monthly, notice  # noqa: E402
from bench.timing import served_app  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def xlsxwriter_alone(sheets, path) -> float:
    """Seconds to write the same cells (title, byline, headers, rows) with XlsxWriter alone, in its
    constant-memory mode: values only, no formats, widths or page set-up."""
    started = time.perf_counter()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for sheet in sheets:
        ws = book.add_worksheet(sheet.title[:31])
        lines = [[sheet.heading], list(sheet.byline or ()), sheet.headers, *sheet.rows]
        for r, line in enumerate(lines):
            for c, value in enumerate(line):
                if value is not None:
                    ws.write(r, c, float(value) if isinstance(value, monthly.Decimal) else value)
    book.close()
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
        totals, summaries, builds, writes, theirs, notices = [], [], [], [], [], []
        with tempfile.TemporaryDirectory() as folder:
            for run in range(args.runs + 1):
                db.session.expire_all()
                if run == 0:
                    tracemalloc.start()
                started = time.perf_counter()
                report = monthly.summary(user, month, unit)
                summarised = time.perf_counter()
                sheets = monthly.workbook(user, report)
                built = time.perf_counter()
                write_workbook(Path(folder) / "ours.xlsx", sheets, footer=unit.name)
                done = time.perf_counter()
                if run == 0:
                    heap = tracemalloc.get_traced_memory()[1] / 2 ** 20
                    tracemalloc.stop()
                    rows = {sheet.title: len(sheet.rows) for sheet in sheets}
                    cells = sum(len(row) for sheet in sheets for row in sheet.rows)
                    continue  # tracemalloc slows the first run: its times are left out
                totals.append(done - started)
                summaries.append(summarised - started)
                builds.append(built - summarised)
                writes.append(done - built)
                theirs.append(xlsxwriter_alone(sheets, Path(folder) / "xlsxwriter.xlsx"))
                db.session.expire_all()
                started = time.perf_counter()
                (Path(folder) / "notice.docx").write_bytes(notice.document(monthly.summary(user, month, unit),
                                                                          date.today()))
                notices.append(time.perf_counter() - started)
        print("rows per sheet:", ", ".join(f"{title} {count:,}" for title, count in rows.items()),
              f"({cells:,} cells)")
        print(f"workbook, queries and all: median {statistics.median(totals):.2f} s, max {max(totals):.2f} s "
              f"(summary {statistics.median(summaries):.2f} s, other sheets' queries {statistics.median(builds):.2f} s, "
              f"writing {statistics.median(writes):.2f} s)")
        print(f"peak: resident set {rss_mb():.0f} MB; the report's Python heap {heap:.0f} MB")
        print(f"the same cells written by XlsxWriter (constant_memory): median {statistics.median(theirs):.2f} s; "
              f"our writer {statistics.median(writes):.2f} s ({statistics.median(writes) / statistics.median(theirs):.2f}×)")
        print(f"the 通报 (.docx), its summary's queries included: median {statistics.median(notices):.2f} s, "
              f"max {max(notices):.2f} s")


if __name__ == "__main__":
    main()
