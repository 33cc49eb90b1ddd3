"""JSON API for the upper level's platform; the same scope and services as the pages."""
from datetime import date

from flask import request
from flask_login import current_user

from app.admin.services import units_in_scope
from app.api import bp
from app.auth.decorators import roles_required
from app.reports import monthly
from app.web import problem


@bp.route("/me")
@roles_required()
def me():
    return {"username": current_user.username, "name": current_user.display_name, "role": current_user.role,
            "unit": {"code": current_user.unit.code, "name": current_user.unit.name}}


@bp.route("/units")
@roles_required()
def units():
    return {"units": [{"id": u.id, "code": u.code, "name": u.name, "kind": u.kind, "parent_id": u.parent_id}
                      for u in units_in_scope(current_user)]}


@bp.route("/reports/monthly")
@roles_required()
def monthly_report():
    """The monthly report's summary (汇总) for ?month=YYYY-MM&unit=CODE (default: last month, the
    user's unit); ?pending=1 counts records waiting for review too."""
    try:
        month = monthly.parse_month(request.args.get("month"), date.today())
        unit = monthly.report_unit(current_user, request.args.get("unit"))
    except monthly.UnknownUnit as error:
        return problem(404, str(error))
    except monthly.ReportError as error:
        return problem(400, str(error))
    return monthly.as_json(monthly.summary(current_user, month, unit, request.args.get("pending") == "1"))
