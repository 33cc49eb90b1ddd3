"""The 考核 ranking of a province's cities (issue 12) at `flask seed synthetic` scale: a scheme of
every indicator for the root unit, ranked for a month (year to date, with last month's places),
median of ``--runs``; target ≤ 1 s. The scheme (of a year the demo has none for) is made in a
transaction that is rolled back.

    CRM_DATABASE_URL=postgresql+psycopg://…/crm_bench .venv/bin/python bench/ranking.py [--month 2025-10]
"""
import argparse
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from app.assessment import services  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import AssessmentItem, AssessmentScheme, User  # noqa: E402
from bench.timing import served_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", default="2025-10")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    month = date.fromisoformat(args.month + "-01")
    app, statements = served_app()
    with app.test_request_context():
        manager = db.session.scalar(sa.select(User).where(User.username == "manager"))
        indicators = list(services.INDICATORS)
        weights = [Decimal(100 // len(indicators))] * len(indicators)
        weights[0] += 100 - sum(weights)
        scheme = AssessmentScheme(unit_id=manager.unit_id, year=month.year, name="基准考核办法", items=[
            AssessmentItem(indicator=indicator, weight=weight, method="rank" if n % 2 else "rate", position=n)
            for n, (indicator, weight) in enumerate(zip(indicators, weights))])
        db.session.add(scheme)
        db.session.flush()
        times, counts = [], []
        for _ in range(args.runs):
            db.session.expire_all()
            before = len(statements)
            started = time.perf_counter()
            ranking = services.ranking(manager, scheme, month)
            times.append(time.perf_counter() - started)
            counts.append(len(statements) - before)
        db.session.rollback()
    print(f"{len(ranking.lines)} units ranked on {len(indicators)} indicators, {month:%Y-%m}: "
          f"median {statistics.median(times):.2f} s, max {max(times):.2f} s, {statistics.median(counts):.0f} queries "
          "(target ≤ 1 s)")


if __name__ == "__main__":
    main()
