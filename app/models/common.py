"""Pieces shared by the models: the UTC clock, money columns and the audit marker."""
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

Money = sa.Numeric(16, 2)  # 万元


def utcnow() -> datetime:
    return datetime.now(UTC)


class Audited:
    """Marker: creates, updates and deletes of these models are written to the audit log."""


class Timestamped:
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


__all__ = ["Money", "Decimal", "utcnow", "Audited", "Timestamped"]
