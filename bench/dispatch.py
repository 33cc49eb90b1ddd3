"""调度 and 考核 at province scale: the monthly ranking of every city of the province (the demo's
scheme over synthetic data: eight indicators, this month and last), and the new list pages —
each beside bare baselines from the same run.

    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi db upgrade
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi seed synthetic
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/python bench/dispatch.py [--requests 50]

Targets (issue 17): the ranking for every unit of a province for a month ≤ 1 s; each new list page
≤ 150 ms p95 with a fixed number of queries.
"""
import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from app.extensions import db  # noqa: E402
from app.seed.demo import DEMO_PASSWORD  # noqa: E402
from bench.timing import bare_sql, print_line, print_pages, served_app, timed  # noqa: E402

PAGES = {"/problems/": lambda: "/problems/", "/problems/?state=overdue": lambda: "/problems/?state=overdue",
         "/supervision/": lambda: "/supervision/", "/leaders/": lambda: "/leaders/",
         "/weekly/": lambda: "/weekly/?week=2026-11-16"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    n = parser.parse_args().requests
    app, statements = served_app()
    from app.assessment import services
    from app.models import AssessmentScheme, ProjectProblem, Supervision, User

    with app.app_context():
        scheme = db.session.scalar(sa.select(AssessmentScheme).order_by(AssessmentScheme.id))
        problems = db.session.scalar(sa.select(sa.func.count()).select_from(ProjectProblem))
        orders = db.session.scalar(sa.select(sa.func.count()).select_from(Supervision))
        projects = db.session.scalar(sa.text("SELECT count(*) FROM project"))
        print(f"{db.engine.dialect.name}: {projects:,} projects, {problems:,} problems, {orders:,} 督办; "
              f"{n} runs per line; ms")
        print(f"{'':48} {'p50':>7} {'p95':>7} {'queries':>8}")
        print_line("bare SQL: projects signed by unit, one GROUP BY", bare_sql(
            "SELECT unit_id, count(signed_on) FROM project GROUP BY unit_id", n))
        manager = db.session.scalar(sa.select(User).where(User.username == "manager"))
        times, counts = [], []
        for _ in range(n):
            before = len(statements)
            started = time.perf_counter()
            ranking = services.ranking(manager, scheme, date(2026, 11, 1))
            times.append((time.perf_counter() - started) * 1000)
            counts.append(len(statements) - before)
            db.session.expire_all()
        print_line(f"考核 ranking, {len(ranking.lines)} units × {len(scheme.items)} indicators, 2 months", times, counts)
        scheme_id = scheme.id
    print_pages(app, statements, PAGES, n)
    client = app.test_client()  # the ranking page is the province's: its manager's
    client.post("/auth/login", data={"username": "manager", "password": DEMO_PASSWORD})
    print_line(f"/assessment/{scheme_id}?month=2026-11 (manager)",
               *timed(client, f"/assessment/{scheme_id}?month=2026-11", n, statements))


if __name__ == "__main__":
    main()
