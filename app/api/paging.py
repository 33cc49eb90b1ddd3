"""Lists in the API: the pages' own search (same filters, same scope, same order) read a page at a
time by cursor. The cursor holds the sort and the last row's (sort value, id): the next page
continues after it through the same (column, id) index the page's order walks, however many rows
came before or were added since — an offset would skip or repeat rows as records change.

Empty values sort last in either direction (app.web.list_order), so after a row with a value come
the rest with values, then the empty ones; after an empty one, only empty ones with a further id.
"""
import base64
import binascii
import json
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import abort

from app.extensions import db
from app.models.common import as_utc
from app.web import problem

DEFAULT_LIMIT, MAX_LIMIT = 100, 500


class BadCursor(ValueError):
    pass


def _text(value):
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


def _value(column, text):
    """A cursor's value back as the column's type; a wrong one is a bad cursor, never a 500."""
    if text is None:
        return None
    kind = column.type.python_type
    try:
        if kind is datetime:
            return as_utc(datetime.fromisoformat(text))
        if kind is date:
            return date.fromisoformat(text)
        if kind is Decimal:
            return Decimal(text)
        if kind is int and isinstance(text, int) and not isinstance(text, bool):
            return text
        if kind is str and isinstance(text, str):
            return text
    except (TypeError, ValueError, InvalidOperation):
        pass
    raise BadCursor


def encode(sort: str, descending: bool, value, ident: int) -> str:
    raw = json.dumps([sort, descending, _text(value), ident], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, model, sort: str, descending: bool):
    """The (value, id) a cursor continues after; it must come from a list in the same order."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        was_sort, was_descending, text, ident = raw
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise BadCursor from None
    if (was_sort, was_descending) != (sort, descending) or not isinstance(ident, int) or isinstance(ident, bool):
        raise BadCursor
    return _value(getattr(model, sort).property.columns[0], text), ident


def after(model, sort: str, descending: bool, value, ident: int) -> sa.ColumnElement[bool]:
    """The rows that come after (value, id) in the list's order."""
    column = getattr(model, sort)
    beyond = (lambda a, b: a < b) if descending else (lambda a, b: a > b)
    if value is None:
        return sa.and_(column.is_(None), beyond(model.id, ident))
    return sa.or_(beyond(column, value), sa.and_(column == value, beyond(model.id, ident)), column.is_(None))


def filters(args: dict) -> dict:
    """A list's query as the pages' search takes it (their 顺序 field is "1" or empty)."""
    return {**args, "desc": "1" if args.get("desc", True) else ""}


def page(stmt: sa.Select, model, args: dict, default_sort: str) -> dict:
    """One page of ``stmt`` (already filtered, scoped and ordered by ``args``' sort and desc) from
    ``args['cursor']``, with the cursor of the next page (None at the end); ``updated_since`` keeps
    the records changed since then."""
    sort, descending = args.get("sort") or default_sort, bool(args.get("desc", "1"))
    if args.get("updated_since"):
        stmt = stmt.where(model.updated_at >= args["updated_since"].astimezone(UTC))
    if args.get("cursor"):
        try:
            stmt = stmt.where(after(model, sort, descending, *decode(args["cursor"], model, sort, descending)))
        except BadCursor:
            abort(problem(422, "分页游标无效：请用上一页返回的 next_cursor，排序与顺序不变。", "cursor",
                          {"query": {"cursor": ["游标无效。"]}}))
    limit = args.get("limit") or DEFAULT_LIMIT
    rows = db.session.scalars(stmt.limit(limit + 1)).all()
    last = rows[limit - 1] if len(rows) > limit else None
    return {"items": rows[:limit],
            "next_cursor": encode(sort, descending, getattr(last, sort), last.id) if last is not None else None}
