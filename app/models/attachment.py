"""Files attached to business records (evidence, minutes), stored under instance/uploads."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import Audited, utcnow


class Attachment(Audited, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The record it belongs to, e.g. ("Activity", 12); whoever may see that record may see the file.
    owner_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    owner_id: so.Mapped[int] = so.mapped_column()
    name: so.Mapped[str] = so.mapped_column(sa.String(200))  # the uploaded file name
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)  # random, on disk
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    size: so.Mapped[int] = so.mapped_column()
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    uploaded_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    __table_args__ = (sa.Index("ix_attachment_owner", "owner_type", "owner_id"),)
