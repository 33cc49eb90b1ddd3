"""What the figures kept per unit and month (app/tally.py) cost: the size of the table, what a
commit that changes one unit's projects adds (its own figures counted again and the difference
added up the tree) for a typical unit and for the unit with the most projects, the first read of
a day (the warnings counted for every unit), and — with ``--rebuild`` — counting everything again.
Beside a bare baseline from the same run: one project row updated and committed on the driver.

    CRM_DATABASE_URL=postgresql+psycopg://…/crm_bench .venv/bin/python bench/tally.py [--requests 20] [--rebuild]
"""
import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from app import create_app, tally  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import FigureTally, Project  # noqa: E402


def ms(run, n: int) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true", help="count everything again (minutes at a country)")
    args = parser.parse_args()
    n = args.requests
    app = create_app()
    with app.app_context():
        own, subtree = (db.session.scalar(sa.select(sa.func.count()).where(FigureTally.own.is_(flag)))
                        for flag in (True, False))
        per_unit = db.session.execute(sa.select(Project.unit_id, sa.func.count()).group_by(Project.unit_id)
                                      .order_by(sa.func.count())).all()
        typical, largest = per_unit[len(per_unit) // 2], per_unit[-1]
        project_id = db.session.scalar(sa.select(sa.func.min(Project.id)).where(Project.unit_id == typical[0]))
        print(f"{sum(c for _, c in per_unit):,} projects in {len(per_unit):,} units; "
              f"figure_tally: {own:,} own rows, {subtree:,} subtree rows; median of {n}, ms")

        def bare():
            with db.engine.connect() as connection:
                connection.exec_driver_sql(f"UPDATE project SET name = name WHERE id = {project_id}")
                connection.commit()

        def refresh(unit_id):
            tally.refresh(db.session, {unit_id})
            db.session.commit()

        print(f"{'bare: one project row updated, committed':58} {ms(bare, n):8.1f}")
        for label, (unit_id, count) in (("a typical unit", typical), ("the unit with the most", largest)):
            print(f"{f'a commit’s figures, {label} ({count:,} projects)':58} {ms(lambda: refresh(unit_id), n):8.1f}")
        day = date.today()
        for offset in (1, 0):  # counted for yesterday first, so that today's is a first read
            started = time.perf_counter()
            tally.count_warnings(db.session, day - timedelta(days=offset))
            db.session.commit()
        print(f"{'first read of a day: warnings counted for every unit':58} {(time.perf_counter() - started) * 1000:8.1f}")
        if args.rebuild:
            started = time.perf_counter()
            tally.rebuild(db.session)
            db.session.commit()
            print(f"{'everything counted again (flask figures refresh)':58} {(time.perf_counter() - started) * 1000:8.1f}")


if __name__ == "__main__":
    main()
