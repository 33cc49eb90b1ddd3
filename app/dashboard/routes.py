import json
from datetime import date

import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user

from app.auth.decorators import roles_required
from app.auth.scope import scoped
from app.chains import services as chain_services
from app.dashboard import bp
from app.extensions import db
from app.models import BIG_PROJECT_WAN, Project
from app.models.enums import Stage
from app.projects import indicators, services, warnings
from app.projects.indicators import PIPELINE, Scope
from app.projects.stages import CURRENT


@bp.route("/")
@roles_required()
def index():
    """驾驶舱: this month and the year to date for the user's scope, from dated records."""
    today = date.today()
    include_pending = request.args.get("pending") == "1"
    scope = Scope(current_user, include_pending=include_pending)
    month_start, year_start = today.replace(day=1), date(today.year, 1, 1)
    periods = [(month_start, today), (year_start, today)]
    month, year = indicators.stage_figures_over(scope, periods)
    (big_month,), (big_year,) = indicators.tier_counts(scope, periods, [BIG_PROJECT_WAN])
    funds_month, funds_year = indicators.funds_over(scope, periods)
    trend = indicators.monthly_trend(scope, today.year, today)
    pipeline = dict(db.session.execute(scoped(sa.select(Project.stage, sa.func.count()).group_by(Project.stage),
                                              current_user, Project.unit_id)).all())
    chart = {"months": [f"{row['month']}月" for row in trend], "signed": [row["counts"][Stage.SIGNED] for row in trend],
             "started": [row["counts"][Stage.STARTED] for row in trend], "funds": [float(row["funds_wan"]) for row in trend]}
    return render_template(
        "dashboard/index.html", today=today, include_pending=include_pending, stages=PIPELINE, month=month, year=year,
        month_start=month_start, year_start=year_start, stage_indicators=indicators.STAGE_INDICATORS, big_month=big_month, big_year=big_year, funds_month=funds_month.total, funds_year=funds_year.by_origin,
        funds_year_total=funds_year.total,
        rates=indicators.rates(scope, year_start, today), chart=json.dumps(chart, ensure_ascii=False),
        pipeline=[(stage, pipeline.get(stage.value, 0)) for stage in CURRENT],
        progress=indicators.target_progress(current_user, today.year, today, include_pending, current_user.unit_id),
        warning_counts=warnings.counts(scoped(sa.select(Project.id), current_user, Project.unit_id), today),
        rules=warnings.RULES, chain_rows=chain_services.statistics(scope, year_start, today, active_only=True),
        top_parks=indicators.top_parks_by_signed(scope, year_start, today), park=current_user.park,
        returned=services.returned_to(current_user))
