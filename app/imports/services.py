"""The one import machinery every ledger import uses: read → preview → commit (all rows, or the
good rows when the user chose to skip errors; a failure midway writes nothing) → undo.

A kind of import is an ``Importer``: its header synonyms, how one row is planned (validated and
matched), applied and undone. Long steps are generators that yield (done, total) so the web page
can show progress and the CLI can ignore it; ``run()`` drives one to its result.
"""
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import sqlalchemy as sa

from app.attachments.services import folder
from app.bulk import collector_paused, insert_rows, update_rows
from app.excel import Sheet, Table, read_table
from app.extensions import db
from app.models import ImportBatch, ImportRow, User, utcnow
from app.models.enums import Role

PROGRESS_EVERY = 2000


class BatchError(ValueError):
    """An import that cannot go ahead; the message says why."""


@dataclass
class Plan:
    action: str  # create / update / unchanged / error
    message: str | None = None
    record_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # parsed values to write


class Importer:
    kind: str
    label: str
    fields: dict[str, tuple[str, ...]]
    required: set[str]
    roles: tuple[str, ...] = (Role.ADMIN, Role.MANAGER, Role.OFFICER)  # who may use this import
    model: type  # the records it writes, each with a version column
    record_label: str  # what one of them is called: 企业, 项目 …

    def begin(self, by: User, table_units: dict[str, str]) -> Any:
        """Per-import context (indexes of existing records, the file's column units)."""
        raise NotImplementedError

    def prepare(self, context: Any, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """See the whole file before planning its rows one by one: (row number, values) per row.
        Most kinds need not; a tree does (a row may name a parent listed further down)."""

    def plan(self, values: dict[str, Any], row_number: int, context: Any) -> Plan:
        raise NotImplementedError

    def apply(self, plan: Plan, context: Any, by: User) -> tuple[Any, dict | None]:
        """Write one planned row (queued or added to the session, not flushed); returns (the record,
        what it replaced). The machinery flushes in batches and then notes the record's id and version."""
        raise NotImplementedError

    def flush(self, context: Any) -> None:
        """Write what ``apply`` queued (bulk inserts), before the session flush."""

    def undo(self, row: ImportRow, record, by: User) -> None:
        """Take one written row back; ``record`` is unchanged since the import (the machinery checked)."""
        raise NotImplementedError


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    IMPORTERS[importer.kind] = importer
    return importer


def importer_for(kind: str) -> Importer:
    if kind not in IMPORTERS:
        raise BatchError(f"不支持的导入类型：{kind}")
    return IMPORTERS[kind]


def run(steps: Iterator):
    """Drive a step generator to its end and return its result."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def save_upload(data: bytes, filename: str) -> Path:
    path = folder() / "imports"
    path.mkdir(exist_ok=True)
    suffix = ".csv" if filename.lower().endswith(".csv") else ".xlsx"
    target = path / (secrets.token_hex(16) + suffix)
    target.write_bytes(data)
    return target


@collector_paused
def preview(kind: str, path: Path, filename: str, by: User) -> Iterator:
    """Read the file and plan every row; a batch with the plan, nothing else written."""
    importer = importer_for(kind)
    table: Table = read_table(path, filename, importer.fields, importer.required)
    context = importer.begin(by, table.units)
    importer.prepare(context, [(source.number, source.values) for source in table.rows])
    batch = ImportBatch(kind=kind, filename=filename[:200], sheet=table.sheet, header_row=table.header_row,
                        total_rows=len(table.rows), unit_id=by.unit_id, created_by_id=by.id, status="previewed")
    db.session.add(batch)
    db.session.flush()
    rows, counts = [], {"create": 0, "update": 0, "unchanged": 0, "error": 0}
    for done, source in enumerate(table.rows, start=1):
        plan = _plan(importer, source.values, source.number, context)
        counts[plan.action] += 1
        rows.append({"batch_id": batch.id, "row_number": source.number, "action": plan.action,
                     "message": plan.message, "record_id": plan.record_id,
                     "data": {k: _json_safe(v) for k, v in source.values.items()},
                     "cells": [_json_safe(c) for c in source.cells]})
        if done % PROGRESS_EVERY == 0:
            yield done, len(table.rows)
    insert_rows(ImportRow, rows)
    batch.counts = {**counts, "units": table.units, "headers": table.headers,
                    "ignored_headers": table.ignored_headers}
    db.session.flush()
    return batch


def _plan(importer: Importer, values: dict, row_number: int, context) -> Plan:
    try:
        return importer.plan(values, row_number, context)
    except ValueError as error:  # parse errors of dates, amounts, codes
        return Plan("error", str(error))


@collector_paused
def commit(batch: ImportBatch, by: User, skip_errors: bool) -> Iterator:
    """Write the batch: every row, or (skip_errors) every good row. Rows are planned again against
    the data as it is now; the caller commits once, so a failure midway writes nothing."""
    if batch.status != "previewed":
        raise BatchError("该批次已导入或已撤销，不能再次导入。")
    importer = importer_for(batch.kind)
    context = importer.begin(by, batch.counts.get("units", {}))
    rows = db.session.execute(sa.select(ImportRow.id, ImportRow.row_number, ImportRow.data)
                              .where(ImportRow.batch_id == batch.id).order_by(ImportRow.row_number)).all()
    importer.prepare(context, [(row_number, data) for _row_id, row_number, data in rows])
    counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
    outcomes: list[dict] = []  # per row: what was done, for the batch page and for undo
    written: list[tuple[dict, Any]] = []
    for done, (row_id, row_number, data) in enumerate(rows, start=1):
        plan = _plan(importer, data, row_number, context)
        counts[plan.action] += 1
        if plan.action == "error" and not skip_errors:
            raise BatchError(f"第{row_number}行: {plan.message}（未导入任何数据；可改正后重新上传，或选择跳过错误行）")
        outcome = {"id": row_id, "action": plan.action, "message": plan.message, "record_id": plan.record_id,
                   "before": None, "version_after": None}
        if plan.action in ("create", "update"):
            record, outcome["before"] = importer.apply(plan, context, by)
            written.append((outcome, record))
        outcomes.append(outcome)
        if done % PROGRESS_EVERY == 0:
            _flush_written(importer, context, written)
            yield done, len(rows)
    _flush_written(importer, context, written)
    update_rows(ImportRow, outcomes)
    batch.status, batch.skip_errors, batch.committed_at = "committed", skip_errors, utcnow()
    batch.counts = {**batch.counts, **counts}
    db.session.flush()
    return batch


def _flush_written(importer: Importer, context, written: list) -> None:
    """Flush a batch of written records, then note each one's id and version for undo."""
    importer.flush(context)
    db.session.flush()
    for outcome, record in written:
        outcome["record_id"], outcome["version_after"] = record.id, getattr(record, "version", None)
    written.clear()


def undo(batch: ImportBatch, by: User) -> ImportBatch:
    """Take a committed batch back: created records removed, updated ones restored. Refused when a
    record has been changed since (nothing is overwritten silently)."""
    if batch.status != "committed":
        raise BatchError("只有已导入的批次可以撤销。")
    importer = importer_for(batch.kind)
    rows = db.session.scalars(sa.select(ImportRow).where(ImportRow.batch_id == batch.id,
                                                         ImportRow.action.in_(["create", "update"]))
                              .order_by(ImportRow.row_number.desc()))
    for row in rows:
        record = db.session.get(importer.model, row.record_id)
        if record is None:
            continue
        if record.version != row.version_after:
            raise BatchError(f"第{row.row_number}行的{importer.record_label}“{record.name}”在导入后已被修改，"
                             "不能撤销本批次（以免覆盖他人的修改）。")
        importer.undo(row, record, by)
    batch.status, batch.undone_at = "undone", utcnow()
    db.session.flush()
    return batch


def error_sheet(batch: ImportBatch) -> Sheet:
    """The error rows as they were in the file, plus a 错误原因 column."""
    rows = db.session.scalars(sa.select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.action == "error")
                              .order_by(ImportRow.row_number))
    headers = batch.counts.get("headers") or []
    return Sheet("错误行", ["Excel行号", *headers, "错误原因"],
                 ([r.row_number, *(r.cells + [None] * (len(headers) - len(r.cells))), r.message] for r in rows))
