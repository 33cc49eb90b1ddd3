"""Latency and query count of the list pages on province-scale data, beside bare baselines
measured in the same run (a no-op Flask view, and the page's own SQL through sqlite3/psycopg).

    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi db upgrade
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi seed synthetic
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/python bench/list_pages.py [--requests 200]

Logged in as the demo manager (root unit: sees all) and the demo officer (大同市 subtree).
"""
import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from app.extensions import db  # noqa: E402
from bench.timing import print_line, print_pages, served_app  # noqa: E402

PAGES = ["/enterprises/", "/projects/", "/activities/", "/parks/", "/"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    n = parser.parse_args().requests
    app, statements = served_app()
    with app.app_context():
        total = db.session.scalar(sa.text("SELECT count(*) FROM enterprise"))
        pages = max(total // 20, 1)
        raw = db.engine.raw_connection()
        cursor = raw.cursor()
        raw_times = []
        for _ in range(n):
            started = time.perf_counter()
            cursor.execute("SELECT count(*) FROM enterprise")
            cursor.fetchall()
            cursor.execute(f"SELECT * FROM enterprise ORDER BY id DESC LIMIT 20 OFFSET {random.randrange(pages) * 20}")
            cursor.fetchall()
            raw_times.append((time.perf_counter() - started) * 1000)
        raw.close()
    print(f"{total:,} enterprises; {n} requests per line; times in ms")
    print_line("bare SQL: count + one page (same run)", raw_times, width=40)
    urls = {page: (lambda page=page: f"{page}?page={random.randrange(1, 200)}") if page != "/" else (lambda: "/")
            for page in PAGES}
    print_pages(app, statements, urls, n, width=40)


if __name__ == "__main__":
    main()
