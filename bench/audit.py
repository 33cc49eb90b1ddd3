"""The audit log at size (issue 19, part 5): the auditor's filtered list, p50/p95 and queries,
as the root auditor, a city's (太原市) and a county's in it (清徐县: a small subtree), beside the bare SQL of a page and its
bounded count from the same run; then `flask audit verify` in a child process, its rate and peak
memory.

    CRM_DATABASE_URL=postgresql+psycopg://…/crm_audit .venv/bin/flask --app wsgi db upgrade
    CRM_DATABASE_URL=postgresql+psycopg://…/crm_audit .venv/bin/flask --app wsgi seed synthetic --audit 10000000
    CRM_DATABASE_URL=postgresql+psycopg://…/crm_audit .venv/bin/python bench/audit.py [--requests 40] [--no-verify]
"""
import argparse
import hashlib
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from app.counting import LIST_BOUND  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import OrgUnit, User  # noqa: E402
from bench.timing import bare_sql, print_line, print_pages, served_app  # noqa: E402

CITY, COUNTY = "140100", "140121"  # 太原市, 清徐县: their auditors are auditor140100, auditor140121


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--no-verify", action="store_true")
    args = parser.parse_args()
    n = args.requests
    app, statements = served_app()
    with app.app_context():
        rows = db.session.scalar(sa.text("SELECT count(*) FROM audit_log"))
        county_users = list(db.session.scalars(sa.select(User.username).join(OrgUnit).where(OrgUnit.code == COUNTY)))
        page = bare_sql("SELECT * FROM audit_log ORDER BY id DESC LIMIT 20", n)
        counted = bare_sql(f"SELECT count(*) FROM (SELECT 1 FROM audit_log LIMIT {LIST_BOUND + 1}) AS rows", n)
    print(f"{rows:,} audit rows; {n} requests per line; times in ms")
    print_line("bare SQL: newest 20 rows", page)
    print_line(f"bare SQL: count up to {LIST_BOUND + 1}", counted)

    def one_month():
        year, month = random.choice([(y, m) for y in (2024, 2025, 2026) for m in range(1, 11)])
        return f"date_from={year}-{month:02d}-01&date_to={year}-{month:02d}-28"

    pages = {
        "all, newest first": lambda: "/audit/",
        "all, page 2–50": lambda: f"/audit/?page={random.randrange(2, 51)}",
        "one user": lambda: f"/audit/?user={random.choice(county_users)}",
        "越权尝试 (1 %)": lambda: "/audit/?action=denied",
        "联系人 records (2 %)": lambda: "/audit/?record_type=Contact",
        "one month": lambda: f"/audit/?{one_month()}",
        "one month, 导出 (3 %)": lambda: f"/audit/?{one_month()}&action=export",
        "one user, one kind of record": lambda: f"/audit/?user={random.choice(county_users)}&record_type=Project",
    }
    print_pages(app, statements, pages, n, width=40, usernames=("auditor", f"auditor{CITY}", f"auditor{COUNTY}"))
    if not args.no_verify:
        with app.app_context():
            print(f"bare: the rows in chain order through the driver, a SHA-256 of each: {bare_chain_rate():,.0f} rows/s")
        # GNU time forks the command from a small process of its own: a child of this one would
        # count this process's memory, copied at the fork, as its own.
        flask = ["/usr/bin/time", "-f", "%M", str(ROOT / ".venv/bin/flask"), "--app", "wsgi"]
        idle = subprocess.run([*flask, "audit", "--help"], cwd=ROOT, capture_output=True, text=True)
        started = time.perf_counter()
        done = subprocess.run([*flask, "audit", "verify"], cwd=ROOT, capture_output=True, text=True)
        print(f"flask audit verify: {done.stdout.strip()}")
        print(f"  {time.perf_counter() - started:.1f} s, peak memory {_peak_mb(done):.0f} MB"
              f" (the app loaded, idle: {_peak_mb(idle):.0f} MB)")


def _peak_mb(done) -> float:
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def bare_chain_rate() -> float:
    """What reading the chain costs without checking it: a server-side cursor in seq order and a
    hash of each row's text."""
    raw = db.engine.raw_connection()
    started, rows = time.perf_counter(), 0
    with raw.driver_connection.cursor("bench_chain") as cursor:
        cursor.itersize = 5000
        cursor.execute("SELECT * FROM audit_log WHERE seq IS NOT NULL ORDER BY seq")
        for row in cursor:
            hashlib.sha256(repr(row).encode()).hexdigest()
            rows += 1
    raw.close()
    return rows / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
