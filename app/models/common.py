"""Pieces shared by the models: the UTC clock, money columns, the audit marker and versions."""
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

Money = sa.Numeric(16, 2)  # 万元
BEIJING = timezone(timedelta(hours=8), "CST")  # China keeps no daylight saving


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A stored time as an aware UTC one: SQLite gives back the naive UTC it stored."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def local_time(value: datetime | None) -> str:
    """UTC timestamp → Beijing time text."""
    if value is None:
        return ""
    return as_utc(value).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


class Audited:
    """Marker: creates, updates and deletes of these models are written to the audit log."""


class Versioned:
    """An editable record: every save raises its version, and a save based on an older one is
    refused (the form carries the version it was filled from; the UPDATE checks it too)."""

    version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    @so.declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class Timestamped:
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


__all__ = ["BEIJING", "Money", "Decimal", "as_utc", "local_time", "utcnow", "Audited", "Timestamped", "Versioned"]
