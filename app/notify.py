"""The one path a notification takes: a row for the bell (in the caller's transaction, so it
exists exactly when what it tells of does), told once per user and thing (its key); the daily
digest by e-mail reads what the bell holds (app/agenda/digest.py)."""
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from app.auth.scope import unit_ids_above
from app.extensions import db
from app.models import Notification, User
from app.models.enums import Role


def notify(user_ids: Iterable[int | None], kind: str, text: str, url: str, key: str) -> None:
    """Tell each of these users about ``key`` unless it was told already."""
    told = db.session.info.setdefault("notified", set())  # a bulk import tells of one key many times
    wanted = {i for i in user_ids if i} - {i for i, k in told if k == key}
    if not wanted:
        return
    already = set(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.key == key, Notification.user_id.in_(wanted))))
    for user_id in sorted(wanted - already):
        db.session.add(Notification(user_id=user_id, kind=kind, text=text[:300], url=url[:300], key=key[:100]))
    told.update((i, key) for i in wanted)


def link(endpoint: str, **values) -> str:
    """A page's path for a notification, also where no request is (an import in the queue worker)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def reviewers_of(unit_id: int) -> list[int]:
    """The active managers and admins who may approve a record of this unit (its unit or above)."""
    return list(db.session.scalars(sa.select(User.id).where(
        User.unit_id.in_([unit_id, *unit_ids_above(unit_id)]), User.role.in_([Role.MANAGER, Role.ADMIN]),
        User.is_active.is_(True))))


def unread(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))
