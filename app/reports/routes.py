import io
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin.services import units_in_scope
from app.auth.decorators import roles_required
from app.excel import xlsx_response
from app.models import BIG_PROJECT_WAN
from app.projects.indicators import PIPELINE, Scope, add_months, monthly_trend
from app.reports import bp, monthly, notice
from app.reports.forms import MonthlyReportForm
from app.web import send_download


def _report_form() -> MonthlyReportForm:
    form = MonthlyReportForm(request.args)
    form.unit.choices = [(u.code, u.name) for u in units_in_scope(current_user)]
    if not request.args:
        form.month.data = f"{add_months(date.today().replace(day=1), -1):%Y-%m}"
        form.unit.data = current_user.unit.code
    return form


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
                           include_pending=include_pending, form=_report_form())


def _report(form: MonthlyReportForm):
    """The month's summary the form asks for, or None with the reason flashed."""
    try:
        month = monthly.parse_month(form.month.data, date.today())
        unit = monthly.report_unit(current_user, form.unit.data)
    except monthly.ReportError as error:
        flash(str(error), "danger")
        return None
    return monthly.summary(current_user, month, unit, form.pending.data, BIG_PROJECT_WAN if form.big.data else None)


@bp.route("/monthly.xlsx")
@roles_required()
def monthly_workbook():
    """招商引资工作月报 for a month and a unit with its subtree, as the manager sends it upward."""
    form = _report_form()
    if (report := _report(form)) is None:
        return redirect(url_for("reports.index"))
    sheets = monthly.workbook(current_user, report, form.pending.data, BIG_PROJECT_WAN if form.big.data else None,
                              form.amount_unit.data)
    return xlsx_response(monthly.filename(report.unit, report.month), monthly.ascii_filename(report.unit, report.month),
                         sheets)


@bp.route("/notice.docx")
@roles_required()
def monthly_notice():
    """月度通报: the month in words, with each unit's figures, as a .docx to send as it is."""
    form = _report_form()
    if (report := _report(form)) is None:
        return redirect(url_for("reports.index"))
    return send_download(io.BytesIO(notice.document(report, date.today())), notice.DOCX,
                         monthly.filename(report.unit, report.month, "招商引资工作通报", "docx"),
                         monthly.ascii_filename(report.unit, report.month, "monthly-notice", "docx"))
