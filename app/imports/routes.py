"""Upload → preview → commit → undo, for every kind of import. Long steps stream their progress."""
import logging
from pathlib import Path

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.excel import ExcelError, xlsx_response
from app.extensions import db
from app.imports import bp, services
from app.imports.forms import CommitForm, UploadForm
from app.models import ImportBatch, ImportRow, User
from app.web import paginate, saved

importers = roles_required()  # and each kind of import names the roles that may use it
STREAM_MARK = "<!--progress-->"
log = logging.getLogger(__name__)


def _kind_or_404(kind: str):
    if kind not in services.IMPORTERS:
        abort(404)
    return _allowed(services.IMPORTERS[kind])


def _allowed(importer):
    """The importer, if the user's role may use it (park admins import capacity lists only)."""
    if current_user.role not in importer.roles:
        abort(403)
    return importer


def _batch_or_404(batch_id: int) -> ImportBatch:
    batch = get_scoped_or_404(ImportBatch, batch_id, current_user)
    _allowed(services.importer_for(batch.kind))
    return batch


def _stream(title: str, make_steps, batch_url, on_failure=None):
    """Stream a page that shows the progress of ``make_steps(user)`` and then its outcome.

    The steps run while the response streams, in a fresh session (the view's has ended), so they
    load what they need there. The transaction commits only when every step has run; any
    failure rolls everything back.
    """
    top, bottom = render_template("imports/progress.html", title=title).split(STREAM_MARK)
    user_id = current_user.id

    def generate():
        yield top
        db.session.info["actor_id"] = user_id  # a fresh session: the audit trail needs its actor again
        try:
            steps = make_steps(db.session.get(User, user_id))
            while True:
                try:
                    done, total = next(steps)
                except StopIteration as end:
                    batch = end.value
                    break
                yield f'<div class="progress-step">已处理 {done:,} / {total:,} 行…</div>\n'
            db.session.commit()
            yield render_template("imports/_outcome.html", batch=batch, url=batch_url(batch))
        except (ExcelError, services.BatchError) as error:
            yield render_template("imports/_outcome.html", error=_failed(str(error), on_failure))
        except Exception:  # the page has started: say so in it rather than cut it off
            log.exception("import failed")
            yield render_template("imports/_outcome.html", error=_failed(
                "导入时发生内部错误，未写入任何数据。请联系系统管理员。", on_failure))
        yield bottom

    return Response(stream_with_context(generate()), headers={"X-Accel-Buffering": "no", "Cache-Control": "no-store"})


def _failed(message: str, on_failure) -> str:
    """Roll back what the steps wrote, and note the failure (a claimed commit is released)."""
    db.session.rollback()
    if on_failure:
        on_failure(message)
        db.session.commit()
    return message


@bp.route("/")
@importers
def index():
    stmt = scoped(sa.select(ImportBatch).order_by(ImportBatch.id.desc()), current_user, ImportBatch.unit_id)
    return render_template("imports/index.html", pagination=paginate(stmt), importers=services.IMPORTERS)


@bp.route("/<kind>/upload", methods=["GET", "POST"])
@importers
def upload(kind: str):
    importer = _kind_or_404(kind)
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        filename = form.file.data.filename or "upload.xlsx"
        path = services.save_upload(data, filename)
        return _preview(importer, path, filename, {})
    return render_template("imports/upload.html", form=form, importer=importer)


@bp.route("/<kind>/template.xlsx")
@importers
def template(kind: str):
    importer = _kind_or_404(kind)
    return xlsx_response(f"{importer.label}导入模板.xlsx", services.template(importer, current_user))


def _preview(importer, path, filename: str, mapping: dict):
    return _stream(f"读取{importer.label}文件：{filename}",
                   lambda user: services.preview(importer.kind, path, filename, user, mapping),
                   lambda batch: url_for("imports.detail", batch_id=batch.id))


@bp.route("/<int:batch_id>")
@importers
def detail(batch_id: int):
    batch = _batch_or_404(batch_id)
    action = request.args.get("action", "")
    stmt = sa.select(ImportRow).where(ImportRow.batch_id == batch.id).order_by(ImportRow.id)
    if action in ImportRow.ACTION_LABELS:
        stmt = stmt.where(ImportRow.action == action)
    return render_template("imports/detail.html", batch=batch, importer=services.importer_for(batch.kind),
                           pagination=paginate(stmt, per_page=50), action=action, form=CommitForm(),
                           left_out=services.needs_confirmation(batch), several=len(batch.counts.get("sheets", [])) > 1)


@bp.route("/<int:batch_id>/mapping", methods=["POST"])
@importers
def mapping(batch_id: int):
    """Preview the same file again with the columns the user chose (and remember the choices)."""
    batch = _batch_or_404(batch_id)
    importer = services.importer_for(batch.kind)
    form = CommitForm()
    if not form.validate_on_submit() or batch.status != "previewed" or not batch.file_path:
        abort(400)
    chosen = dict(batch.mapping or {})
    for sheet_index, sheet in enumerate(batch.counts.get("sheets", [])):
        for column in sheet["columns"]:
            value = request.form.get(f"map-{sheet_index}-{column['index']}")
            if value is None or not column["key"]:
                continue
            name = value if value in importer.fields else None
            if name != column["field"]:
                chosen[column["key"]] = name
    services.remember(batch.kind, {k: v for k, v in chosen.items() if k not in (batch.mapping or {})
                                   or batch.mapping[k] != v}, current_user)
    path, filename = Path(batch.file_path), batch.filename
    db.session.delete(batch)
    db.session.commit()
    return _preview(importer, path, filename, chosen)


@bp.route("/<int:batch_id>/commit", methods=["POST"])
@importers
def commit(batch_id: int):
    batch = _batch_or_404(batch_id)
    form = CommitForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.claim(batch.id, form.skip_errors.data, form.confirm_unmapped.data)
    except services.BatchError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("imports.detail", batch_id=batch_id))
    db.session.commit()
    return _stream(f"导入 {batch.filename}",
                   lambda user: services.commit(db.session.get(ImportBatch, batch_id), user),
                   lambda b: url_for("imports.detail", batch_id=b.id),
                   on_failure=lambda message: services.release(batch_id, message))


@bp.route("/<int:batch_id>/undo", methods=["POST"])
@importers
def undo(batch_id: int):
    batch = _batch_or_404(batch_id)
    saved(lambda: services.undo(batch, current_user), "已撤销本批次导入。")
    return redirect(url_for("imports.detail", batch_id=batch.id))


@bp.route("/<int:batch_id>/errors.xlsx")
@importers
def errors(batch_id: int):
    batch = _batch_or_404(batch_id)
    return xlsx_response(f"导入错误行-{batch.filename.rsplit('.', 1)[0]}.xlsx", services.error_sheets(batch))
