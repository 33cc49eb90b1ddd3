"""The chain pages at province scale, with their query counts, beside bare baselines from the same
run (a no-op Flask view, and the map's enterprise counts as one GROUP BY on the driver).

    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi db upgrade
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi seed synthetic
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/python bench/chains.py [--requests 100]

`flask seed synthetic` writes a chain of 200 nodes ("合成产业链") and puts one enterprise in ten on a
node, so the map, its node panel and the 招商目录 are timed at the size the issue names. Logged in
as the demo manager (root unit: sees all) and the demo officer (大同市 subtree).
"""
import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import Chain, ChainNode  # noqa: E402
from bench.timing import bare_sql, print_line, print_pages, served_app  # noqa: E402

COUNTS_SQL = ("SELECT en.node_id, en.role, count(*) FROM enterprise_node en JOIN chain_node n ON n.id = en.node_id "
              "JOIN enterprise e ON e.id = en.enterprise_id WHERE n.chain_id = {chain} AND e.is_active "
              "GROUP BY en.node_id, en.role")


def pages(chain_id, node_ids):
    pick = random.choice
    return {
        "/chains/ (index, year figures)": lambda: "/chains/",
        "/chains/<200 nodes> (detail)": lambda: f"/chains/{chain_id}",
        "/chains/<200 nodes>/map": lambda: f"/chains/{chain_id}/map",
        "/chains/…/nodes/…?panel=1 (map click)": lambda: f"/chains/{chain_id}/nodes/{pick(node_ids)}?panel=1",
        "/chains/<200 nodes>/catalogue.xlsx": lambda: f"/chains/{chain_id}/catalogue.xlsx",
        "/chains/catalogue.xlsx (every chain)": lambda: "/chains/catalogue.xlsx",
        "/chains/<200 nodes>/nodes.xlsx": lambda: f"/chains/{chain_id}/nodes.xlsx",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    n = parser.parse_args().requests
    app, statements = served_app()
    with app.app_context():
        chain_id = db.session.scalar(sa.select(Chain.id).where(Chain.name == "合成产业链"))
        if chain_id is None:
            sys.exit("No 合成产业链 here: run `flask seed synthetic` on an empty database first.")
        node_ids = list(db.session.scalars(sa.select(ChainNode.id).where(ChainNode.chain_id == chain_id)))
        links = db.session.scalar(sa.text("SELECT count(*) FROM enterprise_node"))
        enterprises = db.session.scalar(sa.text("SELECT count(*) FROM enterprise"))
        projects = db.session.scalar(sa.text("SELECT count(*) FROM project"))
        dialect = db.engine.dialect.name
        raw_times = bare_sql(COUNTS_SQL.format(chain=chain_id), n)
    print(f"{len(node_ids)} nodes on the timed chain; {links:,} enterprise links, {enterprises:,} enterprises, "
          f"{projects:,} projects ({dialect}); {n} requests per line; ms")
    print_line("bare SQL: the map's enterprise counts, one GROUP BY", raw_times, width=52)
    print_pages(app, statements, pages(chain_id, node_ids), n, width=52)


if __name__ == "__main__":
    main()
