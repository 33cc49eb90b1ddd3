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
from app.revision import kept


def notify(user_ids: Iterable[int | None], kind: str, text: str, url: str, key: str) -> None:
    """Tell each of these users about ``key`` unless it was told already."""
    notify_many([(user_id, kind, text, url, key) for user_id in user_ids])


def notify_many(items: Iterable[tuple[int | None, str, str, str, str]]) -> int:
    """Tell each (user id, kind, text, url, key) unless that user was told of that key already;
    one query per thousand keys (the daily job tells of thousands). Returns how many were new."""
    told = db.session.info.setdefault("notified", set())  # a bulk import tells of one key many times
    fresh = {(user_id, key[:100]): (kind, text, url) for user_id, kind, text, url, key in items
             if user_id and (user_id, key[:100]) not in told}
    keys = sorted({key for _, key in fresh})
    for start in range(0, len(keys), 1000):
        told.update(db.session.execute(sa.select(Notification.user_id, Notification.key).where(
            Notification.key.in_(keys[start:start + 1000]))).tuples())
    new = [(pair, fresh[pair]) for pair in fresh if pair not in told]
    db.session.add_all(Notification(user_id=user_id, key=key, kind=kind, text=text[:300], url=url[:300])
                       for (user_id, key), (kind, text, url) in new)
    told.update(pair for pair, _ in new)
    return len(new)


def link(endpoint: str, **values) -> str:
    """A page's path for a notification, also where no request is (an import in the queue worker)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def reviewers_of(unit_id: int) -> list[int]:
    """The active managers and admins who may approve a record of this unit (its unit or above)."""
    return list(db.session.scalars(sa.select(User.id).where(
        User.unit_id.in_([unit_id, *unit_ids_above(unit_id)]), User.role.in_([Role.MANAGER, Role.ADMIN]),
        User.is_active.is_(True))))


def unread(user: User) -> int:
    """Beside the bell on every page: kept until a record changes (a notification is one)."""
    return kept(("unread", user.id), lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))))
