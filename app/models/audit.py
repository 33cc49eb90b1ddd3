"""The audit log: who changed which business record when, field by field."""
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import utcnow


class AuditLog(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    # No foreign key: the trail must outlive the user and the record it names.
    user_id: so.Mapped[int | None] = so.mapped_column(index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(10))  # create / update / delete
    record_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    record_id: so.Mapped[int | None] = so.mapped_column()
    record_label: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    changes: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)

    __table_args__ = (sa.Index("ix_audit_log_record", "record_type", "record_id"),)

    ACTION_LABELS = {"create": "新建", "update": "修改", "delete": "删除"}
