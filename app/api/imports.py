"""Imports through the API: a ledger uploaded, read on the task queue into a preview, committed
(or undone) as on the pages — the same importers, the same checks, the same batch a user then
sees on the 导入 page. Reading and committing take time: the calls answer 202 at once, and the
batch's status says how far its task has got."""
import sqlalchemy as sa
from flask import url_for
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import fields

from app.api import bp, paging
from app.api.schemas import ApiSchema, Problem, body, described, page_of, query, record
from app.api.writes import checked, formdata, refusing
from app.auth.decorators import roles_required
from app.auth.scope import scoped
from app.extensions import db
from app.imports import jobs as import_jobs
from app.imports import routes as import_routes
from app.imports import services as import_services
from app.imports.forms import CommitForm
from app.models import ImportBatch, ImportRow
from app.personal import MASKS
from app.web import list_order, problem

BatchOut = record(
    ImportBatch, "id kind filename sheet header_row status total_rows counts skip_errors message unit_id created_at "
                 "committed_at undone_at", name="ImportBatch",
    progress=described(fields.Function, "进度：status 状态、label 状态说明、done 已处理行数、total 总行数、"
                                        "working 是否有任务在处理、alive 处理中的任务是否仍有心跳",
                       serialize=import_jobs.progress))
RowOut = record(ImportRow, "id sheet row_number action message record_id", name="ImportRowOut", data=described(
    fields.Function, "该行清洗后的各字段值（电话、邮箱等个人信息已脱敏）",
    serialize=lambda row: {key: MASKS[key](value) if key in MASKS and isinstance(value, str) else value
                           for key, value in (row.data or {}).items()}))
BatchQuery = query(None, ImportBatch, "ImportBatchQuery")
RowQuery = query(None, ImportRow, "ImportRowQuery", descending=False, action=described(
    fields.String, "只列某类行：" + "、".join(f"{k} {v}" for k, v in ImportRow.ACTION_LABELS.items())))
CommitIn = body(CommitForm, "ImportCommitIn")
REFUSED = {"schema": Problem, "content_type": "application/problem+json",
           "description": "批次当前的状态不能这样做（已在导入、尚未指定必需的列等），说明见 detail"}


class UploadIn(ApiSchema):
    file = described(Upload, "台账文件：.xlsx、.xls 或 .csv，不超过 20 MB、50,000 行", required=True)


def _accepted(batch: ImportBatch):
    return batch, 202, {"Location": url_for("api.import_batch", batch_id=batch.id)}


@bp.route("/imports/<kind>", methods=["POST"])
@roles_required()
@bp.arguments(UploadIn, location="files")
@bp.response(202, BatchOut, description="已接收，正在读取；Location 为批次地址，其 status 变为 previewed（待确认）或 refused")
def upload(files, kind: str):
    """上传台账

    kind：enterprises 企业、projects 项目、capacity 要素保障能力清单、chains 产业链环节。文件读取在后台进行，读完即为预览（各行将新增、更新或有错误），确认后再提交导入。"""
    importer = import_routes.kind_or_404(kind)
    upload_file = files["file"]
    path = import_services.save_upload(upload_file.read(), upload_file.filename or "upload.xlsx")
    try:
        return _accepted(import_routes.start_reading(importer.kind, path, upload_file.filename or "upload.xlsx", {}))
    except import_services.BatchError as error:
        db.session.rollback()
        return problem(422, str(error), "import")


@bp.route("/imports")
@roles_required()
@bp.arguments(BatchQuery, location="query")
@bp.response(200, page_of(BatchOut, "ImportBatchPage"))
def import_batches(args):
    """导入批次，新的在前"""
    f = paging.filters(args)
    stmt = list_order(scoped(sa.select(ImportBatch), current_user, ImportBatch.unit_id), ImportBatch, f, "id")
    return paging.page(stmt, ImportBatch, f, "id")


@bp.route("/imports/<int:batch_id>")
@roles_required()
@bp.response(200, BatchOut)
def import_batch(batch_id: int):
    """导入批次的状态与进度"""
    return import_routes.batch_or_404(batch_id)


@bp.route("/imports/<int:batch_id>/rows")
@roles_required()
@bp.arguments(RowQuery, location="query")
@bp.response(200, page_of(RowOut, "ImportRowPage"))
def import_rows(args, batch_id: int):
    """导入批次的各行：预览的结果或导入的结果"""
    batch = import_routes.batch_or_404(batch_id)
    f = paging.filters(args)
    stmt = sa.select(ImportRow).where(ImportRow.batch_id == batch.id)
    if args.get("action"):
        stmt = stmt.where(ImportRow.action == args["action"])
    return paging.page(list_order(stmt, ImportRow, f, "id"), ImportRow, f, "id")


def _start(batch_id: int, task: str, take):
    batch = import_routes.batch_or_404(batch_id)
    try:
        import_routes.start(batch.id, task, lambda: take(batch))
    except import_services.BatchError as error:
        db.session.rollback()
        return problem(409, str(error), "batch_state")
    db.session.refresh(batch)
    return _accepted(batch)


@bp.route("/imports/<int:batch_id>/commit", methods=["POST"])
@roles_required()
@bp.arguments(CommitIn)
@bp.response(202, BatchOut, description="已开始导入；批次的 status 变为 committed（或 failed，什么都不写入）")
@bp.alt_response(409, **REFUSED)
@refusing
def commit_import(data, batch_id: int):
    """确认导入

    skip_errors：跳过错误行只导入无误的行（否则有错误行时不导入）；confirm_unmapped：确认预览中未对应的列不导入。"""
    form = checked(CommitForm(formdata=formdata(data)))
    return _start(batch_id, "import.commit", lambda batch: import_routes.take_for_commit(batch, form))


@bp.route("/imports/<int:batch_id>/undo", methods=["POST"])
@roles_required()
@bp.response(202, BatchOut, description="已开始撤销；批次的 status 变为 undone")
@bp.alt_response(409, **REFUSED)
def undo_import(batch_id: int):
    """撤销导入（导入后的记录未被再修改时）"""
    return _start(batch_id, "import.undo", import_routes.take_for_undo)
