"""The dashboard's figures for a user's scope: this month and the year to date, from dated records.
They are plain values, kept (app/revision.py) per unit, review view and day until a record
changes: a dashboard viewed again costs one read, not a pass over every project in scope."""
import json
from datetime import date

import sqlalchemy as sa

from app.auth.scope import scoped
from app.extensions import db
from app.models import BIG_PROJECT_WAN, Project, User
from app.models.enums import Stage
from app.projects import indicators, warnings
from app.projects.indicators import Scope
from app.projects.stages import CURRENT
from app.revision import kept


def figures(user: User, include_pending: bool, today: date) -> dict:
    """What the dashboard counts; the scope is the user's unit (app.auth.scope.scoped)."""
    return kept(("dashboard", user.unit_id, include_pending),
                lambda: _figures(user, include_pending, today))


def _figures(user: User, include_pending: bool, today: date) -> dict:
    scope = Scope(user, include_pending=include_pending)
    month_start, year_start = today.replace(day=1), date(today.year, 1, 1)
    periods = [(month_start, today), (year_start, today)]
    month, year = indicators.stage_figures_over(scope, periods)
    (big_month,), (big_year,) = indicators.tier_counts(scope, periods, [BIG_PROJECT_WAN])
    funds_month, funds_year = indicators.funds_over(scope, periods)
    trend = indicators.monthly_trend(scope, today.year, today)
    pipeline = dict(db.session.execute(scoped(sa.select(Project.stage, sa.func.count()).group_by(Project.stage),
                                              user, Project.unit_id)).all())
    chart = {"months": [f"{row['month']}月" for row in trend], "signed": [row["counts"][Stage.SIGNED] for row in trend],
             "started": [row["counts"][Stage.STARTED] for row in trend], "funds": [float(row["funds_wan"]) for row in trend]}
    return {
        "month": month, "year": year, "big_month": big_month, "big_year": big_year,
        "funds_month": funds_month.total, "funds_year": funds_year.by_origin, "funds_year_total": funds_year.total,
        "rates": indicators.rates(scope, year_start, today), "chart": json.dumps(chart, ensure_ascii=False),
        "pipeline": [(stage, pipeline.get(stage.value, 0)) for stage in CURRENT],
        "target_actuals": indicators.target_actuals(user, today.year, today, include_pending, user.unit_id),
        "warning_counts": warnings.counts(scoped(sa.select(Project.id), user, Project.unit_id), today),
        "chain_figures": indicators.chain_figures(scope, year_start, today),
        "top_parks": indicators.top_parks_by_signed(scope, year_start, today),
    }
