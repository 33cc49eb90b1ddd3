"""What belongs to one user alone: its notifications (the bell), written through app/notify.py
only, and its saved list filters (我的视图)."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import utcnow


class Notification(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))  # NotificationKind
    text: so.Mapped[str] = so.mapped_column(sa.String(300))
    url: so.Mapped[str] = so.mapped_column(sa.String(300))
    # What it is about, so that the same thing is told once (a follow-up due, a warning raised).
    key: so.Mapped[str] = so.mapped_column(sa.String(100))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    read_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (sa.UniqueConstraint("user_id", "key"), sa.Index("ix_notification_user_unread", "user_id", "read_at"))


class SavedView(db.Model):
    """A list's filters as the user saved them under a name: the list's endpoint and query string."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    endpoint: so.Mapped[str] = so.mapped_column(sa.String(50))
    name: so.Mapped[str] = so.mapped_column(sa.String(30))
    query: so.Mapped[str] = so.mapped_column(sa.String(1000))

    __table_args__ = (sa.UniqueConstraint("user_id", "endpoint", "name"),)
