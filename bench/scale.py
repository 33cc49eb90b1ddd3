"""How single-request time grows with the data: the pages of issue 19's second table, p50 of
``--requests`` GETs each, logged in as the demo province manager (sees everything), once as a
first view (nothing kept: every figure and the page computed anew) and once viewed again (kept,
app/revision.py), beside the bare SQL of a list page (count + first 20 rows) from the same run.
Run it against databases of different sizes and put the lines side by side (at a national install
the demo manager still sees one province; ``--user manager000000`` sees the country):

    CRM_DATABASE_URL=postgresql+psycopg://…/crm_bench .venv/bin/flask --app wsgi seed synthetic \
        --projects 80000 --enterprises 400000 --activities 1200000
    CRM_DATABASE_URL=postgresql+psycopg://…/crm_bench .venv/bin/python bench/scale.py [--requests 40]
"""
import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from app import revision  # noqa: E402
from app.auth.scope import scoped  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Project, User  # noqa: E402
from app.seed.demo import DEMO_PASSWORD  # noqa: E402
from bench.timing import bare_sql, served_app, timed  # noqa: E402

PAGES = {
    "dashboard": "/",
    "project list": "/projects/",
    "project page": "/projects/{project}",
    "2-char search, rare name (恒达)": "/enterprises/?q=恒达",
    "2-char search, common term (苏州)": "/enterprises/?q=苏州",
    "enterprise list": "/enterprises/",
    "warning list": "/projects/warnings",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--user", default="manager", help="manager000000: the country's (--scale national)")
    args = parser.parse_args()
    n = args.requests
    app, statements = served_app()
    with app.app_context():
        projects = db.session.scalar(sa.text("SELECT count(*) FROM project"))
        enterprises = db.session.scalar(sa.text("SELECT count(*) FROM enterprise"))
        user = db.session.scalar(sa.select(User).where(User.username == args.user))
        project = db.session.scalar(scoped(sa.select(sa.func.max(Project.id)), user, Project.unit_id))  # one it sees
        bare = bare_sql("SELECT id, name FROM enterprise ORDER BY id DESC LIMIT 20", n)
        counted = bare_sql("SELECT count(*) FROM enterprise", n)
    print(f"{projects:,} projects, {enterprises:,} enterprises; p50 of {n} requests, ms (queries)")
    print(f"{'bare SQL: count(*) of enterprises':40} {statistics.median(counted):7.1f}")
    print(f"{'bare SQL: first 20 enterprises':40} {statistics.median(bare):7.1f}")
    client = app.test_client()
    client.post("/auth/login", data={"username": args.user, "password": DEMO_PASSWORD})
    client.get("/")  # the login's welcome, shown once
    print(f"{'page':40} {'first view':>16} {'again':>14}")
    for label, path in PAGES.items():
        url = path.format(project=project)

        def anew(url=url):
            revision.forget(app)
            return url

        first, first_queries = timed(client, anew, n, statements)
        again, again_queries = timed(client, url, n, statements)
        print(f"{label:40} {statistics.median(first):9.1f} ({statistics.median(first_queries):3.0f})"
              f" {statistics.median(again):7.1f} ({statistics.median(again_queries):3.0f})", flush=True)


if __name__ == "__main__":
    main()
