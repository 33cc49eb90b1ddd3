"""Figures kept between requests, never stale.

The database holds one revision token (``data_revision``), replaced in the transaction of every
commit that changed any record, whoever wrote it and on whichever app node. A figure computed
from the records (the dashboard's, a list's total, a filter's choices) is kept in this process
under the revision and the day it was computed at, and served again only while both are still
current: one indexed read a request instead of a scan, and a write is seen at once by every
later request (the same user's included), as if nothing were kept.

A page (the dashboard, a list, a project) is kept the same way, as rendered for one session: the
same user, the same URL with its filters, nothing committed since and the same day.

What is not seen: a change made in SQL by hand outside the app. After one, ``flask figures
refresh`` (or restarting the app) lets every figure be computed again.
"""
import functools
import threading
import uuid
from collections import OrderedDict
from datetime import date

import sqlalchemy as sa
from flask import Response, current_app, g, has_app_context, make_response, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import find_tables

from app.extensions import db
from app.models import DataRevision

KEPT = 2048  # figures per process; the least recently used go first
PAGES_KEPT = 256  # pages per process (tens of kB each)
RENDERED_KEPT = 16  # large selects per process (a country's units: ~350 kB)
# Rows no kept figure reads: writing them (a login, the audit trail) keeps every figure; so does a
# statement run with this execution option (the audit trail's seal keeping its head in a setting).
UNREAD = {"audit_log", "login_attempt", DataRevision.__tablename__}
READS_NO_FIGURE = "reads_no_figure"
# Bookkeeping no figure or kept page shows: a login's time, a used one-time code's step.
BOOKKEEPING = {"last_login_at", "totp_last_step", "digest_sent_on", "version", "updated_at"}
_stores = threading.Lock()  # `flask run` serves requests in threads


def install(app) -> None:
    app.extensions["kept_figures"] = OrderedDict()
    app.extensions["kept_pages"] = OrderedDict()
    app.extensions["kept_rendered"] = OrderedDict()
    if not event.contains(Session, "before_commit", _replace_revision):
        event.listen(Session, "after_flush", _flushed)
        event.listen(Session, "do_orm_execute", _executed)
        event.listen(Session, "before_commit", _replace_revision)
        event.listen(Session, "after_soft_rollback", _rolled_back)


def forget(app) -> None:
    """Drop all this process keeps: the next request computes and renders as on a first view
    (what the query-count tests and bench/scale.py measure)."""
    for store in ("kept_figures", "kept_pages", "kept_rendered"):
        app.extensions[store].clear()


def _flushed(session: Session, _context) -> None:
    if any(obj.__table__.name not in UNREAD for obj in (*session.new, *session.deleted)) or any(
            obj.__table__.name not in UNREAD and _changed(obj) for obj in session.dirty):
        session.info["records_changed"] = True


def _changed(obj) -> bool:
    state = sa.inspect(obj)
    return any(attr.key not in BOOKKEEPING and attr.history.has_changes() for attr in state.attrs)


def _executed(state) -> None:
    """Bulk INSERT, UPDATE and DELETE statements (imports, the synthetic data) change records too."""
    if (state.is_insert or state.is_update or state.is_delete) and state.statement.table.name not in UNREAD \
            and not state.execution_options.get(READS_NO_FIGURE):
        state.session.info["records_changed"] = True


def _replace_revision(session: Session) -> None:
    session.flush()  # what the commit is about to flush counts too
    if session.info.pop("records_changed", False):
        replace(session)


def _rolled_back(session: Session, _transaction) -> None:
    session.info.pop("records_changed", None)


def replace(session: Session) -> None:
    """A new token: every kept figure is computed again on its next use (this request's too,
    where it goes on after its commit)."""
    token = uuid.uuid4().hex
    if not session.execute(sa.update(DataRevision).values(token=token)).rowcount:
        session.add(DataRevision(id=1, token=token))
        session.flush()
    if has_app_context():
        g.pop("revision", None)


def current() -> str | None:
    """This request's revision (read once a request); None where there is none yet."""
    if "revision" not in g:
        g.revision = db.session.scalar(sa.select(DataRevision.token))
    return g.revision


def kept(key: tuple, compute):
    """``compute()``, or what it gave at this revision today for the same ``key``. ``key`` names
    everything the figure depends on besides the records (the user's scope, the filters); the
    value must hold no ORM objects (it outlives the session), and callers do not change it (a
    list they add to is copied first)."""
    token = current()
    if token is None:
        return compute()
    full = (token, date.today(), *key)
    found = _recall(current_app.extensions["kept_figures"], full)
    return found if found is not None else _keep(current_app.extensions["kept_figures"], full, compute(), KEPT)


def kept_rendered(key: tuple, render):
    """``render()``, or what it gave for the same ``key``: markup that depends on ``key`` alone
    (a large select, rendered from its choices and its value), whatever the revision or day."""
    store = current_app.extensions["kept_rendered"]
    found = _recall(store, key)
    return found if found is not None else _keep(store, key, render(), RENDERED_KEPT)


def _recall(store: OrderedDict, key: tuple):
    with _stores:
        value = store.get(key)
        if value is not None:
            store.move_to_end(key)
        return value


def _keep(store: OrderedDict, key: tuple, value, limit: int):
    with _stores:
        store[key] = value
        while len(store) > limit:
            store.popitem(last=False)
    return value


def kept_page(view):
    """The view's page served again as it rendered it for this session (its user and CSRF token)
    at this URL, while nothing was committed since, the same day. Not while a message waits to
    be shown (a flash, shown once), and only a page (a redirect or an error is not kept). Below
    ``roles_required``: every check of the request runs first."""

    @functools.wraps(view)
    def serve(*args, **kwargs):
        token = current()
        if token is None or session.get("_flashes"):
            return view(*args, **kwargs)
        key = (token, date.today(), current_user.id, session.get("csrf_token"), request.full_path)
        store = current_app.extensions["kept_pages"]
        body = _recall(store, key)
        if body is not None:
            return Response(body, mimetype="text/html")
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and response.mimetype == "text/html":
            _keep(store, key, response.get_data(), PAGES_KEPT)
        return response

    return serve


def kept_result(stmt: sa.Select, compute, *key):
    """``compute()``, a figure over ``stmt`` (its count, its sum), kept under the statement's SQL
    and parameters (its scope is in its WHERE clause) and ``key``; computed every time where the
    statement reads rows whose writes keep the revision (the audit log's list)."""
    if any(getattr(table, "name", None) in UNREAD for table in find_tables(stmt, include_joins=True)):
        return compute()
    compiled = stmt.compile(db.engine)
    return kept((str(compiled), repr(sorted(compiled.params.items())), *key), compute)


def kept_rows(stmt: sa.Select) -> list[tuple]:
    """The statement's rows as tuples (a choice list's), kept; a copy the caller may add to."""
    return list(kept_result(stmt, lambda: [tuple(row) for row in db.session.execute(stmt)], "rows"))
