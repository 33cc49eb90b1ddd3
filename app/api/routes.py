"""JSON API for the upper level's platform; the same scope and services as the pages."""
from datetime import date

from flask_login import current_user

from app.admin.services import units_in_scope
from app.api import bp
from app.api.schemas import Me, Monthly, MonthlyQuery, Units
from app.auth.decorators import roles_required
from app.reports import monthly
from app.web import problem


@bp.route("/me")
@roles_required()
@bp.response(200, Me, description="调用者：用户或服务账号，及其单位")
def me():
    """调用者本人"""
    return {"username": current_user.username, "name": current_user.display_name, "role": current_user.role,
            "unit": {"code": current_user.unit.code, "name": current_user.unit.name}}


@bp.route("/units")
@roles_required()
@bp.response(200, Units, description="数据范围内的单位")
def units():
    """数据范围内的单位"""
    return {"units": units_in_scope(current_user)}


@bp.route("/reports/monthly")
@roles_required()
@bp.arguments(MonthlyQuery, location="query", as_kwargs=True)
@bp.response(200, Monthly, description="月报汇总，与月报工作簿“汇总”表的数字相同")
def monthly_report(month: str | None = None, unit: str | None = None, pending: str | None = None):
    """月报汇总

    某月某单位（含下级）的月报汇总：默认上月、本人单位；pending=1 时同时计入待审核记录。"""
    try:
        month_start = monthly.parse_month(month, date.today())
        report_unit = monthly.report_unit(current_user, unit)
    except monthly.UnknownUnit as error:
        return problem(404, str(error))
    except monthly.ReportError as error:
        return problem(400, str(error))
    return monthly.as_json(monthly.summary(current_user, month_start, report_unit, pending == "1"))
