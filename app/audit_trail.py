"""Writes an AuditLog row for every create, update and delete of an Audited model.

It hooks the session's flush, so the trail is written in the same transaction as the change
and rolls back with it. The acting user is ``session.info["actor_id"]``, set per request and
by CLI commands.
"""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.models import AuditLog, Audited, utcnow

UNTRACKED = {"version", "created_at", "updated_at"}
MASKED = {"password_hash"}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _label(obj) -> str | None:
    label = getattr(obj, "name", None) or getattr(obj, "username", None)
    return str(label)[:200] if label is not None else None


def _record_id(obj):
    ident = sa.inspect(obj).identity
    return ident[0] if ident and len(ident) == 1 and isinstance(ident[0], int) else None


def _row(session, obj, action: str, changes: dict) -> dict:
    if any(k in MASKED for k in changes):
        changes = {k: (["***", "***"] if k in MASKED else v) for k, v in changes.items()}
    return {
        "at": utcnow(),
        "user_id": session.info.get("actor_id"),
        "action": action,
        "record_type": type(obj).__name__,
        "record_id": _record_id(obj),
        "record_label": _label(obj),
        "changes": changes,
    }


def _columns(obj):
    return [a for a in sa.inspect(type(obj)).column_attrs if a.key not in UNTRACKED]


def _after_flush(session: Session, _context) -> None:
    rows = []
    for obj in session.new:
        if isinstance(obj, Audited):
            changes = {a.key: [None, _plain(getattr(obj, a.key))] for a in _columns(obj)
                       if getattr(obj, a.key) is not None}
            rows.append(_row(session, obj, "create", changes))
    for obj in session.dirty:
        if isinstance(obj, Audited):
            state = sa.inspect(obj)
            changes = {}
            for a in _columns(obj):
                history = state.attrs[a.key].history
                if history.added or history.deleted:
                    old = _plain(history.deleted[0]) if history.deleted else None
                    new = _plain(history.added[0]) if history.added else None
                    if old != new:
                        changes[a.key] = [old, new]
            if changes:
                rows.append(_row(session, obj, "update", changes))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            changes = {a.key: [_plain(getattr(obj, a.key)), None] for a in _columns(obj)
                       if getattr(obj, a.key) is not None}
            rows.append(_row(session, obj, "delete", changes))
    if rows:
        session.connection().execute(sa.insert(AuditLog), rows)


def install() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
