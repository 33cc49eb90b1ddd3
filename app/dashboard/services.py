"""The dashboard's figures for a user's scope: this month and the year to date. They are read from
the figures kept per unit and month (app/tally.py), so a county's and a country's dashboard read
about as many rows (the warnings too, counted for every unit by the first read of a day).
The values are plain and kept (app/revision.py) per unit, review view and day until a record changes."""
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from app import tally
from app.extensions import db
from app.models import FigureTally, Park, User
from app.models.enums import FundOrigin, Stage
from app.projects import indicators
from app.projects.indicators import CHAIN_STAGES, Funds, Rates, StageFigures
from app.projects.stages import CURRENT, DATE_COLUMNS
from app.revision import kept


def figures(user: User, include_pending: bool, today: date) -> dict:
    """What the dashboard counts; the scope is the user's unit (app.auth.scope.scoped)."""
    return kept(("dashboard", user.unit_id, include_pending),
                lambda: _figures(user, include_pending, today))


def _figures(user: User, include_pending: bool, today: date) -> dict:
    units = tally.scope_units(db.session, user.unit_id)
    year_start = date(today.year, 1, 1)
    monthly: dict[str, dict[date, tuple]] = defaultdict(dict)
    for measure, month, *sums in tally.sums(db.session, units, include_pending, tally.REACHED + tally.COHORT + tally.FUNDS,
                                            year_start, today, by=(FigureTally.measure, FigureTally.month)):
        monthly[measure][month] = sums
    this_month = today.replace(day=1)

    def total(measure: str, first: date = year_start, field: int = 0):
        return sum((sums[field] or 0 for month, sums in monthly[measure].items() if month >= first), 0)

    def stages(first: date) -> dict[str, StageFigures]:
        return {stage: StageFigures(total(f"reached:{stage}", first), Decimal(total(f"reached:{stage}", first, 1)))
                if stage in DATE_COLUMNS else StageFigures() for stage in Stage}

    def funds(first: date) -> Funds:
        return Funds({origin: Decimal(total(f"funds:{origin}", first, 1)) for origin in FundOrigin
                      if any(month >= first for month in monthly[f"funds:{origin}"])},
                     Decimal(total(f"funds:{FundOrigin.FOREIGN}", first, 3)))

    funds_month, funds_year = funds(this_month), funds(year_start)
    trend = [date(today.year, m, 1) for m in range(1, today.month + 1)]
    chart = {"months": [f"{month.month}月" for month in trend],
             "signed": [(monthly[f"reached:{Stage.SIGNED}"].get(month) or (0,))[0] for month in trend],
             "started": [(monthly[f"reached:{Stage.STARTED}"].get(month) or (0,))[0] for month in trend],
             "funds": [float(sum((monthly[f"funds:{origin}"].get(month) or (0, 0))[1] or 0 for origin in FundOrigin))
                       for month in trend]}
    signed = f"reached:{Stage.SIGNED}"
    return {
        "month": stages(this_month), "year": stages(year_start),
        "big_month": total(signed, this_month, 2), "big_year": total(signed, year_start, 2),
        "funds_month": funds_month.total, "funds_year": funds_year.by_origin, "funds_year_total": funds_year.total,
        "rates": Rates(total(signed), total(f"cohort:{Stage.STARTED}"), total(f"cohort:{Stage.TERMINATED}"),
                       Decimal(total(signed, field=1)), Decimal(total("cohort:funds", field=1))),
        "chart": json.dumps(chart, ensure_ascii=False),
        "pipeline": _pipeline(units, today),
        "target_actuals": indicators.target_actuals(user, today.year, today, include_pending, user.unit_id),
        "warning_counts": tally.warnings_on(db.session, units, today),
        "chain_figures": _chain_figures(units, include_pending, year_start, today),
        "top_parks": _top_parks(units, include_pending, year_start, today),
    }


def _pipeline(units: list[int], today: date) -> list[tuple[str, int]]:
    """Projects in each stage now."""
    counts = {measure: projects for measure, projects, *_ in tally.sums(db.session, units, False, tally.CURRENT_STAGES,
                                                                         tally.NEVER, today)}
    return [(stage, counts.get(f"current:{stage}", 0)) for stage in CURRENT]


def _chain_figures(units: list[int], include_pending: bool, start: date, end: date) -> dict:
    """签约, 开工 and 投产 within the months from ``start`` to ``end`` per chain (indicators.chain_figures)."""
    found: dict[int, dict[str, StageFigures]] = {}
    for measure, chain_id, projects, amount, *_ in tally.sums(
            db.session, units, include_pending, [f"reached:{stage}" for stage in CHAIN_STAGES], start, end,
            by=(FigureTally.measure, FigureTally.key_id), where=[FigureTally.key_id != 0]):
        figures = found.setdefault(chain_id, {stage: StageFigures() for stage in Stage})
        figures[measure.removeprefix("reached:")] = StageFigures(projects, Decimal(amount or 0))
    return found


def _top_parks(units: list[int], include_pending: bool, start: date, end: date,
               limit: int = 5) -> list[tuple[int, str, int, Decimal]]:
    """Parks ranked by 协议投资 signed within the months from ``start`` to ``end``: (id, name, count, amount)."""
    amount = sa.func.sum(FigureTally.amount_wan)
    tally.settle(db.session)
    stmt = (sa.select(Park.id, Park.name, sa.func.sum(FigureTally.projects), amount)
            .join(Park, Park.id == FigureTally.key_id)
            .where(FigureTally.unit_id.in_(units), sa.not_(FigureTally.own),
                   FigureTally.with_pending == include_pending, FigureTally.measure == "park:signed",
                   FigureTally.month.between(start.replace(day=1), end))
            .group_by(Park.id, Park.name).having(sa.func.sum(FigureTally.projects) != 0)
            .order_by(amount.desc(), Park.name).limit(limit))
    return [(i, n, c, Decimal(a or 0)) for i, n, c, a in db.session.execute(stmt)]
