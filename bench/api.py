"""The API at province scale: a page of 100 projects with their investors and units, the pages after
it by cursor, and a higher level's pull of the changes since a moment — each with its query count,
beside bare baselines from the same run (a no-op Flask view; the page as one JOIN on the driver).

    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi db upgrade
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi seed synthetic
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/python bench/api.py [--requests 200]

Targets (issue 18): a page of 100 projects with their investors ≤ 50 ms p95 with a fixed number
of queries; updated_since over 20,000 projects ≤ 30 ms. Called with a token of the demo manager
(root unit: sees all) and of the demo officer (大同市 subtree).
"""
import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from app.auth import tokens  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Project, User  # noqa: E402
from app.models.common import as_utc  # noqa: E402
from bench.timing import bare_sql, print_line, served_app, timed  # noqa: E402

BARE_PAGE = ("SELECT p.*, e.id, e.name, e.uscc, u.code, u.name FROM project p LEFT JOIN enterprise e ON e.id = p.investor_id "
             "JOIN org_unit u ON u.id = p.unit_id ORDER BY p.stage_on DESC, p.id DESC LIMIT 101")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    n = parser.parse_args().requests
    app, statements = served_app()
    app.config["API_RATE_LIMIT"] = "1000000 per minute"  # counted still, never reached
    with app.app_context():
        projects = db.session.scalar(sa.select(sa.func.count()).select_from(Project))
        latest = as_utc(db.session.scalar(sa.select(sa.func.max(Project.updated_at))))
        hundredth = as_utc(db.session.scalar(sa.select(Project.updated_at).order_by(
            Project.updated_at.desc(), Project.id.desc()).offset(99).limit(1)))  # the 100 latest changes from here
        secrets = {}
        for username in ("manager", "officer"):
            user = db.session.scalar(sa.select(User).where(User.username == username))
            secrets[username] = tokens.issue(user, user, "bench", 1, False, date.today())[1]
        db.session.commit()
        print(f"{projects:,} projects ({db.engine.dialect.name}); {n} requests per line; ms")
        print(f"{'':52} {'p50':>7} {'p95':>7} {'queries':>8}")
        print_line("bare SQL: a page of 100 projects JOIN investor, unit", bare_sql(BARE_PAGE, n), width=52)
    since = quote((latest - timedelta(days=1)).isoformat())
    recent = quote(hundredth.isoformat())
    for username, secret in secrets.items():
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        print_line(f"no-op Flask view ({username})", timed(client, "/bench-noop", n, statements)[0], width=52)
        cursors = []
        url = "/api/v1/projects?limit=100"
        for _ in range(20):  # cursors up to 20 pages deep, to time pages after the first
            cursor = client.get(url).json["next_cursor"]
            if cursor is None:
                break
            cursors.append(cursor)
            url = f"/api/v1/projects?limit=100&cursor={cursor}"
        lines = {
            "/api/v1/projects?limit=100": lambda: "/api/v1/projects?limit=100",
            f"… &cursor= (pages 2–{len(cursors) + 1})": lambda: f"/api/v1/projects?limit=100&cursor={random.choice(cursors)}",
            "… &stage=signed&tier=ge1": lambda: "/api/v1/projects?limit=100&stage=signed&tier=ge1",
            "… &updated_since= (a day: every project)": lambda: f"/api/v1/projects?limit=100&updated_since={since}"
                                                                 "&sort=updated_at&desc=false",
            "… &updated_since= (the latest 100 or so)": lambda: f"/api/v1/projects?limit=100&updated_since={recent}"
                                                           "&sort=updated_at&desc=false",
        }
        for label, make in lines.items():
            print_line(f"{label} ({username})", *timed(client, make, n, statements), width=52)


if __name__ == "__main__":
    main()
