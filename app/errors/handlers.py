"""Error pages in Chinese; JSON under /api/."""
from flask import render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.concurrency import MissingVersion, StaleEdit, lost_race
from app.errors import bp
from app.extensions import db
from app.hygiene import UnsafeInput
from app.personal import MissingReason
from app.web import problem

MESSAGES = {
    400: "请求无效。",
    401: "请先登录。",
    403: "您没有权限访问此页面。",
    404: "页面或记录不存在，或不在您的数据范围内。",
    405: "不支持此请求方式。",
    412: "记录已被修改，请按最新版本重新提交。",
    413: "上传的文件过大。",
    422: "提交的数据未通过校验，见各字段的说明。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误，已记录，请稍后再试或联系系统管理员。",
}


def _respond(code: int, message: str, again: str | None = None, errors: dict | None = None):
    if request.path.startswith("/api/"):
        return problem(code, message, errors=errors)
    return render_template("errors/error.html", code=code, message=message, again=again), code


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return _respond(400, "表单已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。")


@bp.app_errorhandler(UnsafeInput)
def unsafe_input(error: UnsafeInput):
    return _respond(400, error.description)


@bp.app_errorhandler(StaleEdit)
@bp.app_errorhandler(MissingVersion)
@bp.app_errorhandler(MissingReason)
def refused(error: StaleEdit | MissingVersion | MissingReason):
    """A refused save or export, saying why: the page offers the form again, filled anew."""
    return _respond(error.code, error.description, again=request.path if request.method == "POST" else None)


@bp.app_errorhandler(StaleDataError)
@bp.app_errorhandler(IntegrityError)
def lost_race_anywhere(error):
    """A write that lost a race outside ``saved`` (its own refusal names the record)."""
    db.session.rollback()
    return refused(lost_race())


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Every HTTP error; an API call's validation error (422, webargs) says what was wrong with which field."""
    errors = (getattr(error, "data", None) or {}).get("messages")
    return _respond(error.code or 500, MESSAGES.get(error.code, error.description or "请求出错。"), errors=errors)


@bp.app_errorhandler(500)
def internal_error(error):
    db.session.rollback()
    return _respond(500, MESSAGES[500])
