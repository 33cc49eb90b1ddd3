"""The one import machinery every ledger import uses: read → map columns → preview → commit (all
rows, or the good rows when the user chose to skip errors; a failure midway writes nothing) → undo.

A kind of import is an ``Importer``: the fields it reads (header names and key words), how one row
is planned (validated and matched), applied and undone. Long steps are generators that yield
(done, total) so the web page can show progress and the CLI can ignore it; ``run()`` drives one
to its result. A commit first claims its batch with one conditional UPDATE, so a second click or
a concurrent commit is refused instead of writing the rows twice.
"""
import functools
import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlalchemy as sa

from app import storage
from app.bulk import collector_paused, insert_rows, update_rows
from app.excel import FieldSpec, Matcher, Sheet, Source, column_letter, fold, header_key, read_source
from app.extensions import db
from app.hygiene import UNSAFE
from app.models import ImportBatch, ImportMapping, ImportRow, User, utcnow
from app.models.enums import Role

PROGRESS_EVERY = 2000
UNCOUNTED_HEADERS = {"序号", "编号", "No", "NO"}  # left out without asking
PROBLEMS = "_problems"  # a row's data keeps the cells the reader could not trust, for the commit
KEEP_UPLOADS = timedelta(days=30)  # a preview left unfinished keeps its file (to be mapped again) this long


class BatchError(ValueError):
    """An import that cannot go ahead; the message says why."""


class RowErrors(ValueError):
    """Every error of one row, shown together."""

    def __init__(self, messages: list[str]):
        super().__init__("；".join(messages))


class Problems(list):
    """A row's errors, gathered so that the user sees all of them at once."""

    def check(self, parse, *args, **kwargs):
        """``parse(*args)``, or None with its error noted."""
        try:
            return parse(*args, **kwargs)
        except ValueError as error:
            self.append(str(error).rstrip("。"))
            return None

    def text(self, raw: dict, key: str, label: str, limit: int) -> str | None:
        """A text cell as typed, or an error when it is longer than the field holds (never cut)."""
        value = raw.get(key)
        if value in (None, ""):
            return None
        value = str(value)
        if len(value) > limit:
            self.append(f"{label}超过 {limit} 字（{len(value)} 字），请精简后再导入")
            return None
        return value

    def done(self) -> None:
        if self:
            raise RowErrors(list(self))


@dataclass
class Plan:
    action: str  # create / update / unchanged / error
    message: str | None = None
    record_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # parsed values to write


@dataclass(kw_only=True)
class RowContext:
    """What an importer's context holds for the machinery: the column units of the row's sheet
    (field → 亿元 …), the unit's value choices and the cells no dictionary knows (see ``look_up``)."""

    units: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    unknown: dict[str, set[str]] = field(default_factory=dict)


def amount_unit(context: RowContext, field_name: str) -> str:
    """The unit of an amount column: its header's, else the sheet's title line's (单位：万元), else 万元."""
    return context.units.get(field_name) or context.units.get("*") or "万元"


@functools.lru_cache(maxsize=8192)  # a ledger repeats its regions, tags and channels on every row
def value_key(text: Any) -> str:
    """A dictionary value folded for matching: half-width, no spaces, quotes or brackets."""
    return re.sub(r"[\s\"'“”‘’()（）·]", "", fold(str(text)))


def look_up(context, field_name: str, table: dict[str, str], raw: Any) -> str | None:
    """The stored value a cell names: from the importer's table, else from a choice the unit made
    for that cell before. None when neither knows it; the cell is then noted for the batch page."""
    key = value_key(raw)
    found = table.get(key) or context.values.get(field_name, {}).get(key)
    if found is None:
        context.unknown.setdefault(field_name, set()).add(str(raw).strip())
    return found


class Importer:
    kind: str
    label: str
    fields: dict[str, tuple[str, ...]]  # header names per field; the first is the template's
    words: dict[str, list[tuple[str, ...]]] = {}  # key words per field (see FieldSpec)
    not_words: dict[str, tuple[str, ...]] = {}
    required: set[str]
    roles: tuple[str, ...] = (Role.ADMIN, Role.MANAGER, Role.OFFICER)  # who may use this import
    # Fields whose cells name one of a list of values (来源区域, 引荐渠道 …): field → (value, label) pairs.
    # A cell the importer cannot place is listed on the batch page, where the user picks its value;
    # the choice is remembered for the unit.
    dictionaries: dict[str, list[tuple[str, str]]] = {}
    # The template workbook: what each column holds, the unit its header names, an example row.
    notes: dict[str, str] = {}
    units_shown: dict[str, str] = {}
    example: dict[str, Any] = {}
    model: type  # the records it writes, each with a version column
    record_label: str  # what one of them is called: 企业, 项目 …

    @property
    def spec(self) -> FieldSpec:
        return FieldSpec(self.fields, self.words, self.not_words)

    def choices(self, by: User) -> dict[str, list[str]]:
        """The values a field allows, offered as drop-down lists in the template."""
        return {}

    def begin(self, by: User) -> Any:
        """Per-import context (indexes of existing records). The machinery sets its ``units`` to
        the column units of each row's sheet (field → 亿元 …) before planning the row, and its
        ``values`` to the unit's value choices (see ``look_up``)."""
        raise NotImplementedError

    def prepare(self, context: Any, rows: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """See the whole file before planning its rows one by one: (where, values) per row, where
        names the row as messages do (第5行, or 片组一!5). Most kinds need not; a tree does (a row
        may name a parent listed further down)."""

    def prefetch(self, context: Any, rows: list[tuple[str, dict[str, Any]]]) -> None:
        """Read at once what the next rows (up to ``PROGRESS_EVERY``) will be compared with, rather
        than a query per row; what an earlier step read may be let go."""

    def plan(self, values: dict[str, Any], where: str, context: Any) -> Plan:
        raise NotImplementedError

    def apply(self, plan: Plan, context: Any, by: User) -> tuple[Any, dict | None]:
        """Write one planned row (queued or added to the session, not flushed); returns (the record,
        what it replaced). The machinery flushes in batches and then notes the record's id and version."""
        raise NotImplementedError

    def flush(self, context: Any) -> None:
        """Write what ``apply`` queued (bulk inserts), before the session flush."""

    undo_loads: tuple = ()  # loader options for the records an undo reads (their relationships)

    def undo(self, row: ImportRow, record, by: User) -> None:
        """Take one written row back; ``record`` is unchanged since the import (the machinery checked).
        The machinery flushes after each step of rows."""
        raise NotImplementedError

    def undo_rows(self, rows: list[tuple[ImportRow, Any]], by: User) -> None:
        """Take a step of written rows back, (row, record) newest first; a kind may do it in bulk."""
        for row, record in rows:
            self.undo(row, record, by)


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
    """A cell or a value as JSON keeps it (control characters dropped: a database may refuse them)."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return UNSAFE.sub("", value)
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return str(value)


STORED = "store:"  # a batch's file that the app keeps (app.storage), not the CLI user's own file


def save_upload(data: bytes, filename: str) -> str:
    """Keep an uploaded ledger (every node and worker reads it from the store); its reference."""
    suffix = Path(filename).suffix.lower()
    key = f"imports/{secrets.token_hex(16)}{suffix if suffix in ('.xlsx', '.xls', '.csv', '.txt') else '.xlsx'}"
    storage.files().put(key, data)
    return STORED + key


@contextmanager
def readable(reference: str) -> Iterator[Path]:
    """A batch's file as a file to read: an upload fetched from the store, or the CLI's own file."""
    if reference.startswith(STORED):
        with storage.files().local_copy(reference.removeprefix(STORED)) as path:
            yield path
    else:
        yield Path(reference)


def parse_mapping(importer: Importer, pairs: list[str]) -> dict[str, str | None]:
    """``表头=字段`` pairs (字段 as the template names it; empty for 不导入) as header key → field."""
    mapping: dict[str, str | None] = {}
    for pair in pairs:
        header, sep, target = pair.partition("=")
        if not sep or not header_key(header):
            raise BatchError(f"列映射“{pair}”应写作 表头=字段")
        name = importer.spec.by_label(target) if target.strip() else None
        if target.strip() and name is None:
            raise BatchError(f"列映射“{pair}”：没有“{target}”字段（可用：{'、'.join(v[0] for v in importer.fields.values())}）")
        mapping[header_key(header)] = name
    return mapping


def parse_value_choices(importer: Importer, pairs: list[str]) -> dict[str, dict[str, str]]:
    """``字段:写法=取值`` pairs (取值 as the drop-down list names it) as field → {cell key: value},
    to be remembered for the unit like the choices made on the preview page."""
    choices: dict[str, dict[str, str]] = {}
    for pair in pairs:
        named, sep, chosen = pair.partition("=")
        label, colon, cell = named.replace("：", ":").partition(":")
        name = importer.spec.by_label(label)
        if not (sep and colon and cell.strip() and chosen.strip()):
            raise BatchError(f"取值“{pair}”应写作 字段:写法=取值")
        if name not in importer.dictionaries:
            listed = "、".join(importer.fields[f][0] for f in importer.dictionaries)
            raise BatchError(f"取值“{pair}”：“{label}”不是可选定取值的字段（可选定取值的字段：{listed}）")
        value = next((v for v, shown in importer.dictionaries[name] if chosen.strip() in (v, shown)), None)
        if value is None:
            allowed = "、".join(shown for _v, shown in importer.dictionaries[name])
            raise BatchError(f"取值“{pair}”：“{chosen}”不是{importer.fields[name][0]}的取值（可选：{allowed}）")
        choices.setdefault(name, {})[value_key(cell)] = value
    return choices


def remembered(kind: str, by: User) -> dict[str, str | None]:
    return dict(db.session.execute(sa.select(ImportMapping.header_key, ImportMapping.field)
                                   .where(ImportMapping.unit_id == by.unit_id, ImportMapping.kind == kind)).all())


def value_choices(importer: Importer, by: User) -> dict[str, dict[str, str]]:
    """The unit's choices for cells the importer's dictionaries do not know: field → {cell key: value}."""
    choices: dict[str, dict[str, str]] = {}
    for name in importer.dictionaries:
        choices[name] = {k: v for k, v in remembered(f"{importer.kind}.{name}", by).items() if v}
    return choices


def remember(kind: str, mapping: dict[str, str | None], by: User) -> None:
    """Keep the user's column choices for the unit, to be proposed for the same headers next time."""
    existing = {m.header_key: m for m in db.session.scalars(
        sa.select(ImportMapping).where(ImportMapping.unit_id == by.unit_id, ImportMapping.kind == kind,
                                       ImportMapping.header_key.in_(list(mapping))))}
    for key, name in mapping.items():
        if key in existing:
            existing[key].field, existing[key].updated_by_id = name, by.id
        else:
            db.session.add(ImportMapping(unit_id=by.unit_id, kind=kind, header_key=key[:200], field=name,
                                         updated_by_id=by.id))
    db.session.flush()


def _columns_summary(importer: Importer, source: Source) -> dict:
    """What the batch page and the CLI show of the file: per sheet its columns and their fields,
    the sheets not read, the rows skipped, and every column not imported."""
    sheets, unmapped = [], []
    for table in source.sheets:
        mapped = table.mapped()
        columns = []
        for column in table.columns:
            used = column.field is not None and mapped.get(column.field) is column
            if not column.header and not column.filled:
                continue
            columns.append({"index": column.index, "letter": column.letter, "header": column.header,
                            "key": column.key, "field": column.field if used else None,
                            "source": column.source if used else None, "unit": column.unit, "filled": column.filled,
                            "duplicate": column.field is not None and not used})
            if not used:
                header = column.header or f"{column.letter}列"
                if header not in unmapped:
                    unmapped.append(header)
        sheets.append({"name": table.name, "header_row": table.header_row, "unit": table.unit,
                       "units": table.units(), "columns": columns})
    return {"sheets": sheets, "passed": [{"sheet": s, "reason": r} for s, r in source.passed],
            "skipped": [{"sheet": s, "row": n, "reason": r} for s, n, r in source.skipped],
            "unmapped_columns": unmapped, "missing": source.missing}


def needs_confirmation(batch: ImportBatch) -> list[str]:
    """Columns holding data that the import leaves out: the user confirms them before committing."""
    return [c["header"] or f"{c['letter']}列" for s in batch.counts.get("sheets", []) for c in s["columns"]
            if c["field"] is None and c["filled"] and header_key(c["header"]) not in UNCOUNTED_HEADERS]


def where(sheet: str | None, row_number: int, several: bool) -> str:
    """A row as messages name it: 第5行, or 片组一!5 when the file has several sheets."""
    return f"{sheet}!{row_number}" if several and sheet else f"第{row_number}行"


def _drop_file(batch: ImportBatch) -> None:
    """The upload is let go once it cannot be read again: committed, refused, or left too long.
    Only the app's own copies are deleted; a batch of the CLI names the user's file."""
    if batch.file_path:
        if batch.file_path.startswith(STORED):
            storage.files().delete(batch.file_path.removeprefix(STORED))
        batch.file_path = None


def _drop_stale_files() -> None:
    for batch in db.session.scalars(sa.select(ImportBatch).where(
            ImportBatch.file_path.is_not(None), ImportBatch.created_at < utcnow() - KEEP_UPLOADS).limit(100)):
        _drop_file(batch)


def new_batch(kind: str, path: Path | str, filename: str, by: User, mapping: dict[str, str | None] | None = None
              ) -> ImportBatch:
    """A batch for an uploaded file, to be read (``read``); nothing else written. Files of
    previews left unfinished for ``KEEP_UPLOADS`` are let go."""
    importer = importer_for(kind)
    if by.role not in importer.roles:
        raise BatchError(f"您的角色不能导入{importer.label}。")
    _drop_stale_files()
    batch = ImportBatch(kind=kind, filename=filename[:200], unit_id=by.unit_id, created_by_id=by.id, status="reading",
                        file_path=str(path), mapping=mapping or {}, counts={}, claimed_at=utcnow())
    db.session.add(batch)
    db.session.flush()
    return batch


@collector_paused
def read(batch: ImportBatch, by: User) -> Iterator:
    """Read the batch's file and plan every row: the preview. Without the required columns the
    batch holds the file's columns only, to be mapped."""
    importer = importer_for(batch.kind)
    with readable(batch.file_path) as path:
        source = read_source(path, batch.filename, importer.spec, importer.required,
                             Matcher(importer.spec, batch.mapping, remembered(batch.kind, by)))
    summary = _columns_summary(importer, source)
    batch.sheet = "、".join(t.name for t in source.sheets)[:100]
    batch.header_row = source.sheets[0].header_row if source.sheets else None
    batch.total_rows = len(source.rows)
    context = importer.begin(by)
    context.values = value_choices(importer, by)
    units = {t.name: t.units() for t in source.sheets}
    several = len(source.sheets) > 1
    importer.prepare(context, ((where(r.sheet, r.number, several), r.values) for r in source.rows))
    rows, counts = [], {"create": 0, "update": 0, "unchanged": 0, "error": 0}
    for done in range(1, len(source.rows) + 1):
        if done % PROGRESS_EVERY == 1:
            importer.prefetch(context, [(where(r.sheet, r.number, several), r.values)
                                        for r in source.rows[done - 1:done - 1 + PROGRESS_EVERY]])
        source_row, source.rows[done - 1] = source.rows[done - 1], None  # each row let go once planned
        context.units = units[source_row.sheet]
        plan = _plan(importer, source_row.values, where(source_row.sheet, source_row.number, several), context,
                     source_row.problems)
        counts[plan.action] += 1
        rows.append({"batch_id": batch.id, "sheet": source_row.sheet, "row_number": source_row.number,
                     "action": plan.action, "message": plan.message, "record_id": plan.record_id,
                     "data": {**{k: _json_safe(v) for k, v in source_row.values.items()},
                              **({PROBLEMS: source_row.problems} if source_row.problems else {})},
                     # the row as the file has it, for the error workbook (only error rows go there)
                     "cells": [_json_safe(c) for c in source_row.cells] if plan.action == "error" else []})
        if done % PROGRESS_EVERY == 0:
            _insert_previewed(importer, rows)  # in steps, so that a big file's rows are not all held at once
            rows.clear()
            yield done, len(source.rows)
    _insert_previewed(importer, rows)
    batch.counts = {**counts, **summary,
                    "unknown_values": {f: sorted(values)[:100] for f, values in context.unknown.items()}}
    batch.status = "previewed"
    db.session.flush()
    return batch


def _versions(importer: Importer, ids: Iterable[int]) -> dict[int, int]:
    """The current version of each record (one query)."""
    ids = list(ids)
    model = importer.model
    return dict(db.session.execute(sa.select(model.id, model.version).where(model.id.in_(ids))).all()) if ids else {}


def _insert_previewed(importer: Importer, rows: list[dict]) -> None:
    """Store planned rows; an unchanged row keeps the version its record had, so that the commit
    need not plan it again while the record stays as it was."""
    versions = _versions(importer, {r["record_id"] for r in rows if r["action"] == "unchanged"})
    for row in rows:
        row["version_after"] = versions.get(row["record_id"]) if row["action"] == "unchanged" else None
    insert_rows(ImportRow, rows)


def preview(kind: str, path: Path, filename: str, by: User, mapping: dict[str, str | None] | None = None) -> Iterator:
    """A new batch for the file, read at once (the CLI; the web page reads on the task queue)."""
    return read(new_batch(kind, path, filename, by, mapping), by)


def refuse(batch_id: int, message: str) -> None:
    """A file that could not be read: the batch says why, and holds nothing to commit."""
    _drop_file(db.session.get(ImportBatch, batch_id))
    db.session.execute(sa.update(ImportBatch).where(ImportBatch.id == batch_id)
                       .values(status="refused", message=message[:2000]).execution_options(synchronize_session=False))


def _plan(importer: Importer, values: dict, row: str, context, problems: list[str] = ()) -> Plan:
    try:
        plan = importer.plan(values, row, context)
    except ValueError as error:  # parse errors of dates, amounts, codes
        plan = Plan("error", str(error))
    if problems:  # cells the reader could not trust come first
        return Plan("error", "；".join([*problems, *([plan.message] if plan.action == "error" else [])]))
    return plan


def claim(batch_id: int, skip_errors: bool, confirmed: bool, dead: bool = False) -> None:
    """Take the batch for a commit: one conditional UPDATE, so a second click or a concurrent commit
    finds it taken and is refused. The caller commits the claim before the rows are written.
    ``dead``: the batch is being committed by a task that gives no sign of life; take it over."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch.counts.get("missing"):
        raise BatchError(f"请先为“{'、'.join(batch.counts['missing'])}”指定文件中的列，重新预览后再导入。")
    if batch.counts.get("error") and not skip_errors:
        first = db.session.execute(sa.select(ImportRow.sheet, ImportRow.row_number, ImportRow.message).where(
            ImportRow.batch_id == batch_id, ImportRow.action == "error").order_by(ImportRow.id).limit(1)).first()
        raise BatchError(f"{where(first[0], first[1], len(batch.counts.get('sheets', [])) > 1)}: {first[2]}"
                         f"（共 {batch.counts['error']} 行有错误，未导入任何数据；可改正后重新上传，或选择跳过错误行）")
    left_out = needs_confirmation(batch)
    if left_out and not confirmed:
        raise BatchError(f"文件中的“{'、'.join(left_out)}”列不会导入，请确认后再导入（或在列映射中为其指定字段）。")
    claimable = ImportBatch.status.in_(("previewed", "failed"))
    if dead:  # only the claim seen dead: a concurrent take-over changes claimed_at
        claimable = sa.or_(claimable, sa.and_(ImportBatch.status == "committing",
                                              ImportBatch.claimed_at == batch.claimed_at))
    taken = db.session.execute(
        sa.update(ImportBatch).where(ImportBatch.id == batch_id, claimable)
        .values(status="committing", claimed_at=utcnow(), skip_errors=skip_errors, message=None)
        .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        db.session.refresh(batch)
        raise BatchError("该批次正在导入，请勿重复提交。" if batch.status == "committing"
                         else "该批次已导入或已撤销，不能再次导入。")
    db.session.refresh(batch)


def release(batch_id: int, message: str) -> None:
    """A claimed commit that failed: nothing of it was written; the batch may be committed again."""
    db.session.execute(sa.update(ImportBatch).where(ImportBatch.id == batch_id, ImportBatch.status == "committing")
                       .values(status="failed", message=message[:2000]).execution_options(synchronize_session=False))


@collector_paused
def commit(batch: ImportBatch, by: User) -> Iterator:
    """Write a claimed batch: every row, or (skip_errors) every good row. Rows to create or update
    are planned again against the data as it is now, and so are unchanged rows whose record has
    been saved since the preview; rows the preview found in error stay skipped. The caller
    commits once, so a failure midway writes nothing."""
    if batch.status != "committing":
        raise BatchError("该批次未被认领，不能导入。")
    importer = importer_for(batch.kind)
    if by.role not in importer.roles:
        raise BatchError(f"您的角色不能导入{importer.label}。")
    several = len(batch.counts.get("sheets", [])) > 1
    units = {s["name"]: s.get("units", {}) for s in batch.counts.get("sheets", [])}
    context = importer.begin(by)
    context.values = value_choices(importer, by)
    ids = list(db.session.scalars(sa.select(ImportRow.id).where(ImportRow.batch_id == batch.id).order_by(ImportRow.id)))

    def stored(start: int, stop: int) -> list:
        """Rows of the batch, a step at a time (a 50,000-row batch is not held at once)."""
        return db.session.execute(sa.select(ImportRow.id, ImportRow.sheet, ImportRow.row_number, ImportRow.data,
                                            ImportRow.action, ImportRow.message, ImportRow.record_id,
                                            ImportRow.version_after)
                                  .where(ImportRow.id.in_(ids[start:stop])).order_by(ImportRow.id)).all()

    importer.prepare(context, ((where(row.sheet, row.row_number, several), row.data)
                               for start in range(0, len(ids), PROGRESS_EVERY)
                               for row in stored(start, start + PROGRESS_EVERY)))
    counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
    outcomes: list[dict] = []  # per row: what was done, for the batch page and for undo
    written: list[tuple[dict, Any]] = []
    for start in range(0, len(ids), PROGRESS_EVERY):
        step = stored(start, start + PROGRESS_EVERY)
        versions = _versions(importer, {row.record_id for row in step if row.action == "unchanged"})
        settled = {row.id: row.action for row in step if row.action == "error" or (
            row.action == "unchanged" and row.version_after is not None
            and versions.get(row.record_id) == row.version_after)}
        step = [row for row in step if row.id not in settled]
        for action in settled.values():
            counts[action] += 1
        importer.prefetch(context, [(where(row.sheet, row.row_number, several), row.data) for row in step])
        for row_id, sheet, row_number, data, *previewed, _version in step:
            context.units = units.get(sheet, {})
            plan = _plan(importer, data, where(sheet, row_number, several), context, data.pop(PROBLEMS, ()))
            counts[plan.action] += 1
            if plan.action == "error" and not batch.skip_errors:
                raise BatchError(f"{where(sheet, row_number, several)}: {plan.message}"
                                 "（未导入任何数据；可改正后重新上传，或选择跳过错误行）")
            outcome = {"id": row_id, "action": plan.action, "message": plan.message, "record_id": plan.record_id,
                       "before": None, "version_after": None}
            if plan.action in ("create", "update"):
                record, outcome["before"] = importer.apply(plan, context, by)
                written.append((outcome, record))
                outcomes.append(outcome)
            elif [plan.action, plan.message, plan.record_id] != previewed:  # else the row stays as previewed
                outcomes.append(outcome)
        _flush_written(importer, context, written)
        yield start + len(step), len(ids)
    update_rows(ImportRow, outcomes)
    if batch.mapping:
        remember(batch.kind, batch.mapping, by)
    batch.status, batch.committed_at = "committed", utcnow()
    batch.counts = {**batch.counts, **counts}
    _drop_file(batch)
    db.session.flush()
    return batch


def _flush_written(importer: Importer, context, written: list) -> None:
    """Flush a batch of written records, then note each one's id and version for undo."""
    importer.flush(context)
    db.session.flush()
    for outcome, record in written:
        outcome["record_id"], outcome["version_after"] = record.id, getattr(record, "version", None)
    written.clear()


def claim_undo(batch_id: int, dead: bool = False) -> None:
    """Take a committed batch for its undo (one conditional UPDATE: a second click is refused)."""
    batch = db.session.get(ImportBatch, batch_id)
    claimable = ImportBatch.status == "committed"
    if dead:
        claimable = sa.or_(claimable, sa.and_(ImportBatch.status == "undoing", ImportBatch.claimed_at == batch.claimed_at))
    taken = db.session.execute(sa.update(ImportBatch).where(ImportBatch.id == batch_id, claimable)
                               .values(status="undoing", claimed_at=utcnow(), message=None)
                               .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise BatchError("只有已导入的批次可以撤销（该批次可能正在撤销或已撤销）。")
    db.session.refresh(batch)


def keep_committed(batch_id: int, message: str) -> None:
    """An undo that could not go ahead: the batch stays imported, and says why."""
    db.session.execute(sa.update(ImportBatch).where(ImportBatch.id == batch_id, ImportBatch.status == "undoing")
                       .values(status="committed", message=message[:2000]).execution_options(synchronize_session=False))


def undo(batch: ImportBatch, by: User) -> ImportBatch:
    """Take a claimed batch back: created records removed, updated ones restored. Refused when a
    record has been changed since (nothing is overwritten silently)."""
    if batch.status != "undoing":
        raise BatchError("该批次未被认领撤销。")
    importer = importer_for(batch.kind)
    rows = db.session.scalars(sa.select(ImportRow).where(ImportRow.batch_id == batch.id,
                                                         ImportRow.action.in_(["create", "update"]))
                              .order_by(ImportRow.id.desc())).all()
    several = len(batch.counts.get("sheets", [])) > 1
    for start in range(0, len(rows), PROGRESS_EVERY):  # records read, and written back, a step at a time
        step = rows[start:start + PROGRESS_EVERY]
        records = {r.id: r for r in db.session.scalars(
            sa.select(importer.model).where(importer.model.id.in_([row.record_id for row in step]))
            .options(*importer.undo_loads))}
        found = [(row, records[row.record_id]) for row in step if row.record_id in records]
        for row, record in found:
            if record.version != row.version_after:
                raise BatchError(f"{where(row.sheet, row.row_number, several)}的{importer.record_label}"
                                 f"“{record.name}”在导入后已被修改，不能撤销本批次（以免覆盖他人的修改）。")
        with db.session.no_autoflush:  # an importer's checks would otherwise flush after every row
            importer.undo_rows(found, by)
        db.session.flush()
    batch.status, batch.undone_at = "undone", utcnow()
    db.session.flush()
    return batch


def template(importer: Importer, by: User) -> list[Sheet]:
    """A workbook to fill in: the columns (required ones marked *) under an example row the import
    skips, drop-down lists of allowed values, and a sheet that explains each column."""
    fields = list(importer.fields)
    headers = ["序号", *(("*" if f in importer.required else "") + importer.fields[f][0]
                         + (f"（{importer.units_shown[f]}）" if f in importer.units_shown else "") for f in fields)]
    choices = {f: values for f, values in importer.choices(by).items() if values}
    listed = [f for f in fields if f in choices]
    refs = {1 + fields.index(f): f"'可选值'!${column_letter(i)}$2:${column_letter(i)}${len(choices[f]) + 1}"
            for i, f in enumerate(listed)}
    explained = [[headers[1 + i], "是" if f in importer.required else "", importer.notes.get(f, ""),
                  "、".join(choices[f][:30]) + ("…" if len(choices.get(f, [])) > 30 else "") if f in choices else "",
                  "、".join(importer.fields[f][1:])] for i, f in enumerate(fields)]
    return [Sheet("导入模板", headers, [["示例", *(importer.example.get(f) for f in fields)]],
                  choices=refs),
            Sheet("填写说明", ["列", "是否必填", "填写要求", "可选值", "也可识别的表头"], explained),
            Sheet("可选值", [importer.fields[f][0] for f in listed], zip_longest(*(choices[f] for f in listed)))]


def error_sheets(batch: ImportBatch) -> list[Sheet]:
    """The error rows as they were in the file, a sheet per sheet of the file, plus a 错误原因 column."""
    rows = db.session.scalars(sa.select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.action == "error")
                              .order_by(ImportRow.id)).all()
    sheets = []
    for sheet in batch.counts.get("sheets", []):
        headers = [""] * (max((c["index"] for c in sheet["columns"]), default=-1) + 1)
        for column in sheet["columns"]:
            headers[column["index"]] = column["header"]
        mine = [r for r in rows if r.sheet == sheet["name"]]
        if mine:
            sheets.append(Sheet(f"错误行-{sheet['name']}"[:31], ["Excel行号", *headers, "错误原因"],
                                ([r.row_number, *(r.cells[:len(headers)] + [None] * (len(headers) - len(r.cells))),
                                  r.message] for r in mine)))
    return sheets or [Sheet("错误行", ["Excel行号", "错误原因"], [])]
