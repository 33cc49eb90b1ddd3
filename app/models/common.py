"""Pieces shared by the models: the UTC clock, money columns and the audit marker."""
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

Money = sa.Numeric(16, 2)  # 万元


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A stored time as an aware UTC one: SQLite gives back the naive UTC it stored."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Audited:
    """Marker: creates, updates and deletes of these models are written to the audit log."""


class Timestamped:
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


__all__ = ["Money", "Decimal", "as_utc", "utcnow", "Audited", "Timestamped"]
