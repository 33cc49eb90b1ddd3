"""Upload → preview → commit → undo, for every kind of import. Reading, committing and undoing
run on the task queue (app/imports/jobs.py); the batch page shows their progress."""
import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app import jobs as queue
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.excel import Matcher, xlsx_response
from app.extensions import db
from app.imports import bp, jobs, services
from app.imports.forms import CommitForm, UploadForm
from app.models import ImportBatch, ImportRow
from app.web import paginate

importers = roles_required()  # and each kind of import names the roles that may use it


def kind_or_404(kind: str):
    if kind not in services.IMPORTERS:
        abort(404)
    return _allowed(services.IMPORTERS[kind])


def _allowed(importer):
    """The importer, if the user's role may use it (park admins import capacity lists only)."""
    if current_user.role not in importer.roles:
        abort(403)
    return importer


def batch_or_404(batch_id: int) -> ImportBatch:
    batch = get_scoped_or_404(ImportBatch, batch_id, current_user)
    _allowed(services.importer_for(batch.kind))
    return batch


def _previewed_or_400(batch_id: int) -> ImportBatch:
    """A batch still in preview, whose file can be read again with other choices."""
    batch = batch_or_404(batch_id)
    if not CommitForm().validate_on_submit() or batch.status != "previewed" or not batch.file_path:
        abort(400)
    return batch


def _to_batch(batch_id: int):
    return redirect(url_for("imports.detail", batch_id=batch_id))


@bp.route("/")
@importers
def index():
    stmt = scoped(sa.select(ImportBatch).order_by(ImportBatch.id.desc()), current_user, ImportBatch.unit_id)
    return render_template("imports/index.html", pagination=paginate(stmt), importers=services.IMPORTERS)


@bp.route("/<kind>/upload", methods=["GET", "POST"])
@importers
def upload(kind: str):
    importer = kind_or_404(kind)
    form = UploadForm()
    if form.validate_on_submit():
        filename = form.file.data.filename or "upload.xlsx"
        path = services.save_upload(form.file.data.read(), filename)
        return _read(importer.kind, path, filename, {})
    return render_template("imports/upload.html", form=form, importer=importer)


def start_reading(kind: str, path: str, filename: str, mapping: dict) -> ImportBatch:
    """A batch for the file, committed, and the task that reads it queued (page and API)."""
    batch = services.new_batch(kind, path, filename, current_user, mapping)
    db.session.commit()
    queue.enqueue("import.read", batch.id, current_user.id)
    return batch


def _read(kind: str, path: str, filename: str, mapping: dict):
    return _to_batch(start_reading(kind, path, filename, mapping).id)


@bp.route("/<kind>/template.xlsx")
@importers
def template(kind: str):
    importer = kind_or_404(kind)
    return xlsx_response(f"{importer.label}导入模板.xlsx", f"import-template-{importer.kind}.xlsx", services.template(importer, current_user))


@bp.route("/<int:batch_id>")
@importers
def detail(batch_id: int):
    batch = batch_or_404(batch_id)
    action = request.args.get("action", "")
    stmt = sa.select(ImportRow).where(ImportRow.batch_id == batch.id).order_by(ImportRow.id)
    if action in ImportRow.ACTION_LABELS:
        stmt = stmt.where(ImportRow.action == action)
    return render_template("imports/detail.html", batch=batch, importer=services.importer_for(batch.kind),
                           pagination=paginate(stmt, per_page=50), action=action, form=CommitForm(),
                           left_out=services.needs_confirmation(batch), progress=jobs.progress(batch),
                           sources=Matcher.SOURCES, keep_days=services.KEEP_UPLOADS.days,
                           sheet_units={s["name"]: s.get("units", {}) for s in batch.counts.get("sheets", [])},
                           several=len(batch.counts.get("sheets", [])) > 1)


@bp.route("/<int:batch_id>/progress")
@importers
def progress(batch_id: int):
    return jsonify(jobs.progress(batch_or_404(batch_id)))


@bp.route("/<int:batch_id>/mapping", methods=["POST"])
@importers
def mapping(batch_id: int):
    """Read the same file again with the columns the user chose (and remember the choices)."""
    batch = _previewed_or_400(batch_id)
    importer = services.importer_for(batch.kind)
    chosen = dict(batch.mapping or {})
    for sheet_index, sheet in enumerate(batch.counts.get("sheets", [])):
        for column in sheet["columns"]:
            value = request.form.get(f"map-{sheet_index}-{column['index']}")
            if value is None or not column["key"]:
                continue
            name = value if value in importer.fields else None
            if name != column["field"]:
                chosen[column["key"]] = name
    services.remember(batch.kind, {k: v for k, v in chosen.items() if (batch.mapping or {}).get(k, "") != v},
                      current_user)
    return _read_again(batch, chosen)


@bp.route("/<int:batch_id>/values", methods=["POST"])
@importers
def values(batch_id: int):
    """Read the same file again with the values the user chose for cells the import did not know
    (remembered for the unit, like column choices)."""
    batch = _previewed_or_400(batch_id)
    importer = services.importer_for(batch.kind)
    for name, cells in batch.counts.get("unknown_values", {}).items():
        allowed = {value for value, _label in importer.dictionaries.get(name, [])}
        chosen = {services.value_key(cell): request.form.get(f"value-{name}-{i}") for i, cell in enumerate(cells)}
        services.remember(f"{batch.kind}.{name}", {k: v for k, v in chosen.items() if v in allowed}, current_user)
    return _read_again(batch, batch.mapping or {})


def _read_again(batch: ImportBatch, mapping: dict):
    """The batch's file read anew in place of the batch (a preview only: nothing else to undo)."""
    path, filename, kind = batch.file_path, batch.filename, batch.kind
    db.session.delete(batch)
    return _read(kind, path, filename, mapping)


@bp.route("/<int:batch_id>/commit", methods=["POST"])
@importers
def commit(batch_id: int):
    batch = batch_or_404(batch_id)
    form = CommitForm()
    if not form.validate_on_submit():
        abort(400)
    return _start(batch_id, "import.commit", lambda: take_for_commit(batch, form))


def take_for_commit(batch: ImportBatch, form: CommitForm) -> None:
    services.claim(batch.id, form.skip_errors.data, form.confirm_unmapped.data,
                   dead=batch.status == "committing" and not jobs.alive(batch))


@bp.route("/<int:batch_id>/undo", methods=["POST"])
@importers
def undo(batch_id: int):
    batch = batch_or_404(batch_id)
    return _start(batch_id, "import.undo", lambda: take_for_undo(batch))


def take_for_undo(batch: ImportBatch) -> None:
    services.claim_undo(batch.id, dead=batch.status == "undoing" and not jobs.alive(batch))


def start(batch_id: int, task: str, take) -> None:
    """Claim the batch (``take``: a BatchError if refused), commit the claim, queue the task that
    works it (page and API)."""
    take()
    db.session.commit()
    queue.enqueue(task, batch_id, current_user.id)


def _start(batch_id: int, task: str, take):
    """``start``; refused: back to the batch's page, saying why."""
    try:
        start(batch_id, task, take)
    except services.BatchError as error:
        db.session.rollback()
        flash(str(error), "danger")
    return _to_batch(batch_id)


@bp.route("/<int:batch_id>/errors.xlsx")
@importers
def errors(batch_id: int):
    batch = batch_or_404(batch_id)
    return xlsx_response(f"导入错误行-{batch.filename.rsplit('.', 1)[0]}.xlsx", f"import-errors-{batch.id}.xlsx",
                         services.error_sheets(batch))
