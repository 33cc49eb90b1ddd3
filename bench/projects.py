"""The project pipeline at province scale: board, filtered lists and the dashboard, with their
query counts, beside bare baselines from the same run (a no-op Flask view, and the board's own
totals as one GROUP BY on the driver).

    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi db upgrade
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi seed synthetic
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/python bench/projects.py [--requests 200]

Targets (issue 4), with 20,000 projects and 300,000 activities: the board and the filtered list
p95 ≤ 80 ms server time; the dashboard ≤ 150 ms; a constant number of queries per page. Logged in
as the demo manager (root unit: sees all) and the demo officer (大同市 subtree).
"""
import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import Chain, OrgUnit, Park, Project  # noqa: E402
from bench.timing import bare_sql, print_line, print_pages, served_app  # noqa: E402


def pages(park_ids, chain_ids, project_ids):
    """Each page as a function giving a URL, so that filters and page numbers vary."""
    pick = random.choice
    return {
        "/projects/board": lambda: "/projects/board",
        "/projects/board?tier=ge1&chain_id=…": lambda: f"/projects/board?tier=ge1&chain_id={pick(chain_ids)}",
        "/projects/?stage=…&page=…": lambda: f"/projects/?stage={pick(['negotiating', 'signed', 'started'])}"
                                              f"&page={random.randrange(1, 20)}",
        "/projects/?park_id=…&tier=ge1": lambda: f"/projects/?park_id={pick(park_ids)}&tier=ge1",
        "/projects/?warning=1&page=…": lambda: f"/projects/?warning=1&page={random.randrange(1, 20)}",
        "/projects/?pending=1": lambda: "/projects/?pending=1",
        "/projects/warnings": lambda: "/projects/warnings",
        "/ (dashboard)": lambda: "/",
        "/parks/match?project_id=… (issue 5)": lambda: f"/parks/match?project_id={pick(project_ids)}",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    n = parser.parse_args().requests
    app, statements = served_app()
    with app.app_context():
        projects = db.session.scalar(sa.text("SELECT count(*) FROM project"))
        activities = db.session.scalar(sa.text("SELECT count(*) FROM activity"))
        park_ids = list(db.session.scalars(sa.select(Park.id)))
        chain_ids = list(db.session.scalars(sa.select(Chain.id)))
        # Projects with needs, in the demo officer's 大同市 subtree too.
        project_ids = list(db.session.scalars(sa.select(Project.id).join(OrgUnit, OrgUnit.id == Project.unit_id)
                                              .where(Project.land_mu.is_not(None), OrgUnit.code.like("140200%"))
                                              .limit(500)))
        dialect = db.engine.dialect.name
        raw_times = bare_sql("SELECT stage, count(*), sum(agreed_investment_wan) FROM project GROUP BY stage", n)
    print(f"{projects:,} projects, {activities:,} activities ({dialect}); {n} requests per line; ms")
    print_line("bare SQL: the board totals, one GROUP BY", raw_times)
    print_pages(app, statements, pages(park_ids, chain_ids, project_ids), n)


if __name__ == "__main__":
    main()
