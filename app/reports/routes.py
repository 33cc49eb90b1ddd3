from datetime import date

from flask import render_template, request
from flask_login import current_user

from app.auth.decorators import roles_required
from app.projects.indicators import PIPELINE, Scope, monthly_trend
from app.reports import bp


@bp.route("/")
@roles_required()
def index():
    """Each month's projects reaching each stage, for a year (approved records; pending on request)."""
    raw = request.args.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else date.today().year
    include_pending = request.args.get("pending") == "1"
    months = monthly_trend(Scope(current_user, include_pending=include_pending), year, date.today())
    totals = {stage: sum(row["counts"][stage] for row in months) for stage in PIPELINE}
    return render_template("reports/index.html", year=year, stages=PIPELINE, months=months, totals=totals,
                           include_pending=include_pending)
