"""Import batches: what each row of an uploaded ledger will do (preview), did (commit), and how
to take it back (undo)."""
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import utcnow


class ImportBatch(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(30))  # enterprises, projects, capacity, chains
    filename: so.Mapped[str] = so.mapped_column(sa.String(200))
    sheet: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    header_row: so.Mapped[int | None] = so.mapped_column()
    # reading → previewed (or refused: the file could not be read) → committing → committed →
    # undoing → undone. A commit that failed (or whose worker died) is failed and may be committed
    # again. A commit or an undo claims the batch with one conditional UPDATE.
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="previewed")
    total_rows: so.Mapped[int] = so.mapped_column(default=0)
    counts: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    skip_errors: so.Mapped[bool] = so.mapped_column(default=False)
    file_path: so.Mapped[str | None] = so.mapped_column(sa.String(300))  # the upload, kept to preview it again
    mapping: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)  # header key → field the user chose
    message: so.Mapped[str | None] = so.mapped_column(sa.Text)  # why the last commit failed
    claimed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    committed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    undone_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    created_by: so.Mapped["User | None"] = so.relationship()  # noqa: F821

    STATUS_LABELS = {"reading": "正在读取", "refused": "无法导入", "previewed": "待确认", "committing": "正在导入",
                     "committed": "已导入", "failed": "导入失败", "undoing": "正在撤销", "undone": "已撤销"}
    WORKING = ("reading", "committing", "undoing")  # a task of the queue is at work on the batch


class ImportRow(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    batch_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    sheet: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    row_number: so.Mapped[int] = so.mapped_column()  # as Excel shows it
    action: so.Mapped[str] = so.mapped_column(sa.String(10))  # create / update / unchanged / error
    message: so.Mapped[str | None] = so.mapped_column(sa.Text)
    data: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)  # the row's cleaned values by field
    cells: so.Mapped[list[Any]] = so.mapped_column(sa.JSON)  # the original cells, for the error workbook
    record_id: so.Mapped[int | None] = so.mapped_column()
    # What the commit replaced, and the record's version after it, so an undo restores exactly
    # that and refuses when someone has edited the record since.
    before: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    version_after: so.Mapped[int | None] = so.mapped_column()

    ACTION_LABELS = {"create": "新增", "update": "更新", "unchanged": "未变", "error": "错误"}


class ImportMapping(db.Model):
    """A column mapping a user chose, remembered for the unit and proposed for the same header next time."""

    __table_args__ = (sa.UniqueConstraint("unit_id", "kind", "header_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(30))
    header_key: so.Mapped[str] = so.mapped_column(sa.String(200))
    field: so.Mapped[str | None] = so.mapped_column(sa.String(50))  # None: 不导入
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    updated_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
