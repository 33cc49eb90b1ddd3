"""The audit log as the auditor reads it: one search for the page, its export and the API."""
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from app.auth.scope import scoped
from app.models import AuditLog, User
from app.models.common import BEIJING
from app.personal import PERSONAL_FIELDS, masked
from app.web import list_order, typed_user


def _beijing_midnight_utc(day):
    """Dates in the filter are Beijing dates; the log is stored in UTC."""
    return datetime.combine(day, time.min, BEIJING).astimezone(UTC)


def search(by: User, f: dict) -> sa.Select:
    """The log rows the filters ``f`` select, newest first unless ``f`` says otherwise: the trail of
    the users in the auditor's subtree (and of system jobs only at the root)."""
    stmt = sa.select(AuditLog)
    stmt = scoped(stmt.outerjoin(User, User.id == AuditLog.user_id), by, User.unit_id)
    for key in ("user_id", "record_type", "action"):
        if f.get(key):
            stmt = stmt.where(getattr(AuditLog, key) == f[key])
    if f.get("user"):
        stmt = stmt.where(typed_user(AuditLog.user_id, f["user"]))
    if f.get("date_from"):
        stmt = stmt.where(AuditLog.at >= _beijing_midnight_utc(f["date_from"]))
    if f.get("date_to"):
        stmt = stmt.where(AuditLog.at < _beijing_midnight_utc(f["date_to"] + timedelta(days=1)))
    return list_order(stmt, AuditLog, {**f, "sort": "id"}, "id")


def shown_changes(entry: AuditLog) -> dict:
    """An entry's changes (field → [原值, 新值], or a note) as the auditor sees them: a contact's
    or a user's numbers masked."""
    hide = entry.record_type in ("Contact", "User")
    return {field: [masked(v, field) if v is not None else None for v in change]
            if hide and field in PERSONAL_FIELDS and not isinstance(change, str) else change
            for field, change in (entry.changes or {}).items()}
