"""Writes an AuditLog row for every create, update and delete of an Audited model.

It hooks the session's flush, so the trail is written in the same transaction as the change
and rolls back with it. The acting user is ``session.info["actor_id"]``, set per request and
by CLI commands.
"""
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.bulk import insert_rows
from app.models import Audited, AuditLog, User, utcnow

# Bookkeeping and columns derived from others (the name keys follow the name) are not changes.
UNTRACKED = {"version", "created_at", "updated_at", "last_login_at", "session_version", "normalized_name", "name_tokens"}
MASKED = {"password_hash"}
PLAIN_TYPES = (str, int, bool, float)


def plain(value):
    """A value as JSON keeps it: amounts and dates as text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _label(obj) -> str | None:
    label = getattr(obj, "name", None) or getattr(obj, "username", None)
    return str(label)[:200] if label is not None else None


def _record_id(obj):
    """The integer primary key; None for composite keys (link rows), whose columns are in changes."""
    key = sa.inspect(type(obj)).primary_key_from_instance(obj)
    return key[0] if len(key) == 1 and isinstance(key[0], int) else None


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


@lru_cache(maxsize=None)
def _columns_of(cls) -> list:
    return [a for a in sa.inspect(cls).column_attrs if a.key not in UNTRACKED]


def _columns(obj):
    return _columns_of(type(obj))


def _before_flush(session: Session, _context, _instances) -> None:
    """Capture old values that are not in memory (expired after a commit) before they are lost."""
    for obj in session.deleted:
        if isinstance(obj, Audited):
            for a in _columns(obj):
                getattr(obj, a.key)  # loads an expired value while the row still exists
    for obj in session.dirty:
        if not isinstance(obj, Audited) or sa.inspect(obj).key is None:
            continue
        state = sa.inspect(obj)
        unknown = [a for a in _columns(obj)
                   if state.attrs[a.key].history.added and not state.attrs[a.key].history.deleted]
        if unknown:
            mapper = sa.inspect(type(obj))
            where = [col == val for col, val in zip(mapper.primary_key, state.key[1])]
            row = session.connection().execute(sa.select(*[a.columns[0] for a in unknown]).where(*where)).one()
            session.info.setdefault("audit_old", {})[id(obj)] = dict(zip([a.key for a in unknown], row))


def _after_flush(session: Session, _context) -> None:
    old_values = session.info.pop("audit_old", {})
    rows = []
    for obj in session.new:
        if isinstance(obj, Audited):
            changes = {a.key: [None, plain(getattr(obj, a.key))] for a in _columns(obj)
                       if getattr(obj, a.key) is not None}
            rows.append(_row(session, obj, "create", changes))
    for obj in session.dirty:
        if isinstance(obj, Audited):
            state = sa.inspect(obj)
            fetched = old_values.get(id(obj), {})
            changes = {}
            for a in _columns(obj):
                history = state.attrs[a.key].history
                if history.added or history.deleted:
                    old = history.deleted[0] if history.deleted else fetched.get(a.key)
                    old, new = plain(old), plain(history.added[0]) if history.added else None
                    if old != new:
                        changes[a.key] = [old, new]
            if changes:
                rows.append(_row(session, obj, "update", changes))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            loaded = sa.inspect(obj).dict  # no loading here: the row is already gone
            changes = {a.key: [plain(loaded[a.key]), None] for a in _columns(obj) if loaded.get(a.key) is not None}
            rows.append(_row(session, obj, "delete", changes))
    if rows:
        session.connection().execute(sa.insert(AuditLog), rows)


def log_bulk(session: Session, model, action: str, rows: list[dict], parts: list[dict] | None = None) -> None:
    """Audit rows for records created or deleted in bulk (Core, no ORM objects): one entry each,
    in the same transaction, as the flush hook would write them (``rows``: the records' values).
    ``parts``: per row, what was created or deleted with it (its contact, its tags: label →
    value), noted in its entry rather than as entries of their own, which made an import's
    trail several times its records."""
    if not rows:
        return
    columns = [a.key for a in _columns_of(model) if a.key in rows[0]]
    actor, now = session.info.get("actor_id"), utcnow()

    def change(value):
        kept = value if type(value) in PLAIN_TYPES else plain(value)
        return [None, kept] if action == "create" else [kept, None]

    entries = [{"at": now, "user_id": actor, "action": action, "record_type": model.__name__,
                "record_id": row.get("id"), "record_label": _label_of(row),
                "changes": {**{k: change(v) for k in columns if (v := row[k]) is not None},
                            **{k: change(v) for k, v in (part or {}).items()}}}
               for row, part in zip(rows, parts or [None] * len(rows))]
    insert_rows(AuditLog, entries)


def _label_of(row: dict) -> str | None:
    label = row.get("name") or row.get("username")
    return str(label)[:200] if label is not None else None


def install() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


def log_denied(session: Session, record, what: str) -> None:
    """An attempt to change a record the user may not change: written in its own transaction
    (the request ends in a 403, and the attempt must stay on record)."""
    session.rollback()
    session.add(AuditLog(at=utcnow(), user_id=session.info.get("actor_id"), action="denied",
                         record_type=type(record).__name__, record_id=_record_id(record),
                         record_label=_label(record), changes={"attempt": what}))
    session.commit()


def log_event(session: Session, action: str, user: User | None, details: dict[str, str], label: str | None = None) -> None:
    """A security event (登录, 登录失败, 退出, 会话超时, 密码): who, and ``details`` in words (the
    address, the name tried, why), in the session's transaction."""
    session.add(AuditLog(at=utcnow(), user_id=user.id if user else session.info.get("actor_id"), action=action,
                         record_type="User", record_id=user.id if user else None,
                         record_label=(label or (user.username if user else None) or "")[:200] or None,
                         changes=details))
