from datetime import date

from flask import render_template, request
from flask_login import current_user

from app.auth.decorators import roles_required
from app.chains import services as chain_services
from app.dashboard import bp, services
from app.extensions import db
from app.projects import indicators
from app.projects import services as project_services
from app.projects import warnings
from app.projects.indicators import PIPELINE, Scope
from app.revision import kept_page


@bp.route("/")
@roles_required()
@kept_page
def index():
    """驾驶舱: this month and the year to date for the user's scope, from dated records."""
    today = date.today()
    include_pending = request.args.get("pending") == "1"
    figures = services.figures(current_user, include_pending, today)
    db.session.commit()  # the day's warnings, where this was the first read of the day to count them
    year_start = date(today.year, 1, 1)
    chain_rows = chain_services.statistics(Scope(current_user, include_pending=include_pending), year_start, today,
                                           active_only=True, figures=figures["chain_figures"])
    progress = indicators.target_progress(current_user, today.year, today, include_pending, current_user.unit_id,
                                          actuals=figures["target_actuals"])
    return render_template(
        "dashboard/index.html", today=today, include_pending=include_pending, stages=PIPELINE,
        month_start=today.replace(day=1), year_start=year_start, stage_indicators=indicators.STAGE_INDICATORS,
        progress=progress, rules=warnings.RULES, chain_rows=chain_rows, park=current_user.park,
        returned=project_services.returned_to(current_user), **figures)
