"""Webhooks: addresses of other systems an admin registers to be called when something happens
(a stage approved, funds approved, a warning raised, a problem escalated, a month's assessment
finalised), and each call made to them."""
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import Audited, Timestamped, Versioned, utcnow


class Webhook(Versioned, Audited, Timestamped, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)  # events of its subtree
    url: so.Mapped[str] = so.mapped_column(sa.String(500))
    secret: so.Mapped[str] = so.mapped_column(sa.String(64))  # the HMAC key both sides hold
    events: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    unit: so.Mapped["OrgUnit"] = so.relationship()  # noqa: F821


class WebhookDelivery(db.Model):
    """One event for one webhook: written with the change it tells of (same transaction), then
    sent, and tried again with growing pauses until it is taken or given up."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    webhook_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("webhook.id", ondelete="CASCADE"))
    event: so.Mapped[str] = so.mapped_column(sa.String(40))
    key: so.Mapped[str] = so.mapped_column(sa.String(200))  # an event is told to a hook once
    payload: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="pending")  # pending, delivered, failed
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    response_status: so.Mapped[int | None] = so.mapped_column()
    error: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    tried_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    next_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    webhook: so.Mapped[Webhook] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("webhook_id", "key"), sa.Index("ix_webhook_delivery_webhook_id_id", "webhook_id", "id"),
                      sa.Index("ix_webhook_delivery_status_next_at", "status", "next_at"))
