"""Request plumbing shared by every blueprint: the acting user for the audit trail,
security headers, template filters and pagination."""
import time
from datetime import UTC, date, datetime
from urllib.parse import quote, urlsplit

import sqlalchemy as sa
from flask import abort, current_app, flash, g, jsonify, redirect, request, send_file, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_sqlalchemy.pagination import SelectPagination
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from app.audit_trail import log_event
from app.concurrency import claim, lost_race
from app.counting import count_rows, count_text
from app.extensions import db, login_manager
from app.hygiene import refuse_unsafe
from app.models import User
from app.models.common import local_time
from app.models.enums import CAPACITY_UNITS, Channel, NotificationKind, Permission, Role, TargetIndicator
from app.revision import kept_result

# Scripts, styles, fonts and images only from the app itself; no inline script or style attribute.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


TITLES = {400: "请求无效", 401: "未登录或令牌无效", 403: "无权访问", 404: "记录不存在", 405: "不支持此请求方式",
          409: "数据已被他人修改", 412: "版本已变", 428: "缺少版本号", 413: "内容过大", 422: "数据未通过校验", 429: "请求过于频繁",
          500: "服务器内部错误"}


def problem(status: int, detail: str, kind: str | None = None, errors: dict | None = None):
    """An API error as RFC 9457 problem details (application/problem+json): a Chinese title and
    detail, the kind of problem as its ``type`` where a client may act on it, per-field errors."""
    body = {"type": f"urn:zhaoshang:problem:{kind}" if kind else "about:blank", "title": TITLES.get(status, "请求出错"),
            "status": status, "detail": detail, **({"errors": errors} if errors else {})}
    response = jsonify(body)
    response.status_code, response.mimetype = status, "application/problem+json"
    return response


class RecordId(IntegerConverter):
    """``<int:…>`` in every route: a positive id that fits the database's INTEGER, else 404."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app) -> None:
    app.url_map.converters["int"] = RecordId
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_token_user)
    login_manager.unauthorized_handler(_unauthorized)

    for check in (refuse_unsafe, _session_timeouts, _password_due, _second_factor_due, _read_only_token):
        app.before_request(check)

    app.add_url_rule("/favicon.ico", "favicon", _favicon)

    @app.before_request
    def remember_actor():
        db.session.info["actor_id"] = current_user.id if current_user.is_authenticated else None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint not in ("static", "favicon"):  # pages and downloads carry business data: no copy kept
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Content-Security-Policy", CSP)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    for template_filter in (local_time, wan, wan_short, count):
        app.add_template_filter(template_filter)
    for choice in (Role, Channel, TargetIndicator, Permission, NotificationKind):
        app.add_template_global(choice, choice.__name__)
    app.add_template_global(CAPACITY_UNITS, "CAPACITY_UNITS")
    for helper in (page_url, sort_url, export_url, home_url):
        app.add_template_global(helper)

    @app.context_processor
    def own_things():
        """For the roles with business pages: the unread count beside the bell (one query a page)
        and the saved filters of a list (read only where a filter bar asks)."""
        from app.notify import unread  # it imports app.auth, whose routes import this module

        if current_user.is_authenticated and current_user.role not in (Role.SECURITY_ADMIN, Role.AUDITOR):
            return {"unread_notifications": unread(current_user), "saved_views": _saved_views}
        return {}


def _saved_views():
    """This list's saved filters of the user (我的视图); asked only by the lists' filter bar."""
    from app.agenda.services import views  # it imports app.auth, whose routes import this module

    return views(current_user, request.endpoint)


def wan(value) -> str:
    """An amount in 万元 as lists and pages show it: 60,000.00."""
    return "" if value is None else f"{value:,.2f}"


def wan_short(value) -> Markup:
    """An amount where space is short (board cards and columns): from 1 亿 on in 亿元, with the
    exact 万元 on hover; below it in 万元."""
    if value is None:
        return Markup("—")
    exact = f"{value:,.2f} 万元"
    return Markup('<span title="{}">{}</span>').format(exact, f"{value / 10000:,.2f} 亿元" if abs(value) >= 10000 else exact)


def count(value) -> str:
    """A count (a target of 3 projects): whole, without decimals."""
    return "" if value is None else f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _favicon():
    """For clients that ask /favicon.ico whatever the page says."""
    return current_app.send_static_file("favicon.ico")


_favicon.allowed_roles = None  # public, as app.auth.decorators.public marks it (that module imports this one)


def bearer() -> str | None:
    """An API call's token (``Authorization: Bearer …`` under /api/): the call is the token's,
    whatever cookie comes with it."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") and request.path.startswith("/api/") else None


def _load_user(session_id: str) -> User | None:
    """The user of a session cookie (``id:session_version``), if that session has not been ended."""
    if bearer() is not None:
        return None
    ident, _, version = session_id.partition(":")
    user = db.session.get(User, int(ident)) if ident.isdigit() and version.isdigit() else None
    return user if user and user.is_active and user.role and user.session_version == int(version) else None


def _load_token_user(_request) -> User | None:
    """The user of an API call's token, if the token is in force (app/auth/tokens.py)."""
    secret = bearer()
    if not secret:
        return None
    from app.auth import tokens  # app.auth's routes import this module

    token = tokens.authenticate(secret, date.today())
    if token is None:
        return None
    g.api_token = token
    tokens.touch(token, datetime.now(UTC))
    return token.user


def _read_only_token():
    """A read-only token reads: any other method is refused before anything runs."""
    token = g.get("api_token") if current_user.is_authenticated else None  # loading the user sets it
    if token is not None and not token.write and request.method not in ("GET", "HEAD", "OPTIONS"):
        return problem(403, "此令牌为只读令牌，不能修改数据。", "read_only_token")
    return None


# Where each role starts: the security admin and the auditor have no business pages.
HOMES = {Role.SECURITY_ADMIN: "security.users", Role.AUDITOR: "audit.index"}


def home_url(user=None) -> str:
    return url_for(HOMES.get((user or current_user).role, "dashboard.index"))


def landing_url(user: User, target: str | None) -> str:
    """Where a login goes: the page it was sent from (``next``) if that is a page of this site the
    user's role may open, else the role's home (an auditor sent from ``/`` lands on the log)."""
    if is_local_url(target):
        try:
            endpoint, _ = current_app.url_map.bind("localhost").match(urlsplit(target).path)
        except HTTPException:
            endpoint = None
        view = current_app.view_functions.get(endpoint)
        if user.role in (getattr(view, "allowed_roles", None) or ()):
            return target
    return home_url(user)


def begin_session(user: User) -> None:
    login_user(user)
    session["since"] = session["seen"] = int(time.time())


def _session_timeouts():
    """A session ends after SESSION_IDLE without a request, and SESSION_MAX after the login (a
    token's call has no session: its token's expiry holds)."""
    if not current_user.is_authenticated or g.get("api_token"):
        return None
    now = time.time()
    from app.auth import policy  # app.auth's routes import this module

    idle, limit = policy.value("SESSION_IDLE"), policy.value("SESSION_MAX")
    idle_out = now - session.get("seen", 0) > idle.total_seconds()
    if idle_out or now - session.get("since", 0) > limit.total_seconds():
        from app.audit_trail import log_event  # it imports this module

        log_event(db.session, "timeout", current_user, {"原因": "空闲超时" if idle_out else "超过最长会话时间"})
        db.session.commit()
        logout_user()
        session.clear()
        if request.path.startswith("/api/"):
            return problem(401, "会话已超时，请重新登录。", "session_timeout")
        flash("会话已超时，请重新登录。", "warning")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    session["seen"] = int(now)
    return None


def _password_due():
    """While its password must change (set by an admin, or too old), a user reaches only the
    page that changes it, and logout. (A token was made by its user logged in, or is a service's.)"""
    if not current_user.is_authenticated or g.get("api_token") or \
            request.endpoint in ("auth.password", "auth.logout", "static"):
        return None
    from app.auth.passwords import must_change  # app.auth's routes import this module

    reason = must_change(current_user)
    if reason is None:
        return None
    if request.path.startswith("/api/"):
        return problem(403, reason, "password_change_required")
    return redirect(url_for("auth.password"))


def _second_factor_due():
    """A user whose role must log in with a second factor and has none enrolled reaches only the
    page that enrols it (and logout) — after its password, if that must change too."""
    if not current_user.is_authenticated or current_user.totp_secret or g.get("api_token") or \
            request.endpoint in ("auth.totp", "auth.password", "auth.logout", "static"):
        return None
    from app.auth import policy  # app.auth's routes import this module

    if current_user.role not in policy.totp_roles():
        return None
    message = "您的角色须使用双因素认证登录，请先绑定动态口令。"
    if request.path.startswith("/api/"):
        return problem(403, message, "second_factor_required")
    flash(message, "warning")
    return redirect(url_for("auth.totp"))


def _unauthorized():
    if request.path.startswith("/api/"):
        return problem(401, "请先登录。")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def saved(action, success, edits=None) -> bool:
    """Run one service call for a view: commit and flash ``success`` (text, or a function of the
    result), or roll back and flash the domain error's message. Domain errors are ValueErrors.

    ``edits``: the record the form changes. The version the form was filled from must be its
    current one, and a save that loses a race to another is refused the same way (409)."""
    try:
        if edits is not None:
            claim(edits, request.form.get("version"))
        result = action()
        db.session.commit()
    except ValueError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return False
    except (StaleDataError, IntegrityError) as error:
        db.session.rollback()
        raise lost_race(edits) from error
    flash(success(result) if callable(success) else success, "success")
    return True


def flash_errors(form) -> None:
    """A form refused for its shape: what was wrong with it, in one message."""
    flash("；".join(message for errors in form.errors.values() for message in errors), "danger")


def send_download(path_or_file, mimetype: str, filename: str, ascii_name: str, details: dict | None = None):
    """A file sent as a download: its Chinese name as ``filename*`` (RFC 6266), and for a client
    that ignores that an ASCII name that still says what it is (Werkzeug's own fallback drops the
    Chinese and leaves "--2026-10.xlsx"). Every download is audited: what, with which filters
    (the query), and ``details`` (rows, personal data)."""
    query = request.query_string.decode(errors="replace")
    log_event(db.session, "export", current_user, {"文件": filename, **({"条件": query} if query else {}),
                                                    **{k: str(v) for k, v in (details or {}).items()}})
    db.session.commit()
    response = send_file(path_or_file, mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Content-Disposition"] = f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(filename)}'
    return response


def back_to(endpoint: str):
    """Back to the page the form was on (this site's), else to ``endpoint``."""
    here = request.referrer
    return redirect(here if here and here.startswith(request.host_url) else url_for(endpoint))


def is_local_url(target: str | None) -> bool:
    """Only a path on this site may be a redirect target after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def page_number() -> int:
    """The ?page= argument; anything but a positive integer is a 404, not a 500."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1 or int(raw) > 10**6:
        abort(404)
    return int(raw)


class _Pagination(SelectPagination):
    """A page whose total may come from another statement over the same rows, and may be counted
    only up to a bound (``total_text`` then reads "1000+")."""

    def _query_count(self) -> int:
        stmt, bound = self._query_args["count_select"], self._query_args["bound"]
        if self._query_args["total"] is not None:
            return self._query_args["total"]
        return kept_result(stmt, lambda: count_rows(stmt, bound), "count", bound)

    @property
    def more(self) -> bool:
        """More rows than were counted."""
        return self._query_args["bound"] is not None and self.total > self._query_args["bound"]

    @property
    def total_text(self) -> str:
        return count_text(self.total, self._query_args["bound"])


def paginate(stmt, per_page: int | None = None, count_stmt=None, bound: int | None = None,
             total: int | None = None):
    """One page and the total: two statements, each able to walk an index (ordered lists stop
    after a page; counts read no rows). ``count_stmt`` selects the same rows as ``stmt`` written
    for counting, where the best plan for a page is not the best for a total; ``bound``: count no
    further than this (a free-text search, which no figure elsewhere drills down to); ``total``:
    the total, already known (kept figures)."""
    return _Pagination(select=stmt, count_select=stmt if count_stmt is None else count_stmt, bound=bound, total=total,
                       session=db.session, page=page_number(), per_page=per_page or current_app.config["PAGE_SIZE"],
                       error_out=False, count=True)


def list_filters(form_class):
    """A list's filter form read from the query string, its 单位 choices the user's units. Fields
    that fail validation are left out of ``valid_data()``: a malformed filter is ignored."""
    from app.admin.services import filter_unit_choices  # app.admin's routes import this module

    form = form_class(request.args)
    form.unit_id.choices = [("", "全部")] + filter_unit_choices(current_user, form.unit_id.data)
    form.validate()
    return form


def typed_user(column, text: str):
    """A list's typed user filter on ``column`` (a user id): a username or a name, which several
    users may share. The ids are read first (see unit_ids_under): a list of them walks the list's
    index where a subquery would join every user."""
    named = sa.select(User.id).where(sa.or_(User.username == text, User.display_name == text))
    return column.in_(list(db.session.scalars(named)))


def list_order(stmt, model, f: dict, default: str, walk: list[int] | None = None):
    """Order a list by the column its filter form names (``sort``, ``desc``; the sort field's
    choices are the allowed columns). Empty values go last on both databases; the id breaks ties in
    the same direction, so (column, id) indexes serve the whole order.

    ``walk`` (``walked_units``): a page of these units' rows, ``stmt`` holding the other filters
    but not the units. The order is walked in its index, which holds each row's unit, passing
    over other units' entries without reading their rows; only these units' rows are read and
    filtered. Walking the table read every row in order: 31 for each of 山西省's in a country (its
    first page of warnings: 3,545 projects, 20 ms; walked, 0.4 ms of index and 152 rows). The
    units stay out of ``stmt``, or the planner counts them twice and expects too few rows."""
    column, ident = getattr(model, f.get("sort") or default), model.id
    nullable = column.property.columns[0].nullable
    if walk is not None:
        walked = aliased(model)
        keys = sa.select(walked.id, getattr(walked, column.key)).where(walked.unit_id.in_(walk)).subquery()
        stmt = stmt.join(keys, keys.c.id == model.id)
        column, ident = keys.c[column.key], keys.c.id
    descending = bool(f.get("desc", "1"))
    order = column.desc() if descending else column.asc()
    if nullable:
        order = order.nulls_last()
    return stmt.order_by(order, ident.desc() if descending else ident.asc())


def walked_units(by: User, f: dict, default: str, walked: tuple[str, ...]) -> list[int] | None:
    """The units a page of a list is walked for in its order's index (``list_order``), or None:
    on PostgreSQL, sorted by one of the ``walked`` orders (``column`` or ``column desc``, whose
    index holds the unit), for a part of the table (``listed_units``). Not an API page after a
    cursor or of the records updated since a time, whose conditions on the model's own columns
    start its walk in an index, where the walk here would start at the top."""
    from app.auth.scope import listed_units  # app.auth's routes import this module

    sort = f.get("sort") or default
    if db.session.get_bind().dialect.name != "postgresql" or f.get("cursor") or f.get("updated_since") or not (
            sort in walked or f"{sort} desc" in walked and f.get("desc", "1")):
        return None
    return listed_units(by, f.get("unit_id"))


def page_url(page: int) -> str:
    """This page's URL with every filter kept and another page number."""
    args = request.args.to_dict()
    args["page"] = page
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def sort_url(column: str) -> str:
    """Sort by ``column``; a second click on the same column flips the order. Back to page 1."""
    args = request.args.to_dict()
    args.pop("page", None)
    args["desc"] = "" if args.get("sort") == column and args.get("desc", "1") else "1"
    args["sort"] = column
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def export_url(endpoint: str) -> str:
    """An export of the list as filtered now (all pages)."""
    args = request.args.to_dict()
    args.pop("page", None)
    return url_for(endpoint, **args)
