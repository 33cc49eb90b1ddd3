from datetime import date, timedelta

from flask import render_template, request
from flask_login import current_user

from app.auth.decorators import roles_required
from app.excel import Sheet, xlsx_response
from app.weekly import bp, services


def _day() -> date:
    """?week= any day of the week wanted; this week by default."""
    try:
        return date.fromisoformat(request.args.get("week", ""))
    except ValueError:
        return date.today()


@bp.route("/")
@roles_required()
def index():
    week = services.week(current_user, _day())
    return render_template("weekly/index.html", week=week, previous=week.start - timedelta(days=7),
                           following=week.start + timedelta(days=7))


@bp.route("/export.xlsx")
@roles_required()
def export():
    week = services.week(current_user, _day())
    title = f"周调度（{week.start}—{week.end}）"
    return xlsx_response(f"周调度{week.start}.xlsx", f"weekly-{week.start}.xlsx", [Sheet(
        "周调度", services.HEADERS, services.rows(week), heading=title,
        byline=(f"单位：{current_user.unit.name}", f"导出日期：{date.today().isoformat()}"))])
