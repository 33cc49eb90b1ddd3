from datetime import date

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin.services import unit_choices
from app.attachments.services import files_of
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.excel import Sheet, xlsx_response
from app.extensions import db
from app.models import Project, ProjectProblem, Supervision, User
from app.projects import warnings
from app.supervision import bp, services
from app.supervision.forms import ReplyForm, ReturnForm, SupervisionFilterForm, SupervisionForm
from app.web import flash_errors, list_filters, paginate, saved

issuers = roles_required(*services.ISSUERS)


@bp.route("/")
@roles_required()
def index():
    """督办 in scope: open, overdue, replied, closed; issued by or assigned to the user."""
    form = list_filters(SupervisionFilterForm)
    stmt = services.search(current_user, form.valid_data()).options(
        selectinload(Supervision.project), selectinload(Supervision.unit), selectinload(Supervision.assignee),
        selectinload(Supervision.issuer_unit))
    return render_template("supervision/index.html", form=form, pagination=paginate(stmt), today=date.today())


@bp.route("/export.xlsx")
@roles_required()
def export():
    rows = services.export_rows(services.search(current_user, list_filters(SupervisionFilterForm).valid_data()))
    return xlsx_response("督办.xlsx", "supervision.xlsx", [Sheet("督办", services.EXPORT_HEADERS, rows)])


@bp.route("/new/<int:project_id>", methods=["GET", "POST"])
@issuers
def create(project_id: int):
    """A 督办单 on a project, from one of its problems (?problem_id=) or warnings (?warning=) or as such."""
    project = get_scoped_or_404(Project, project_id, current_user)
    problem = get_scoped_or_404(ProjectProblem, request.args.get("problem_id", type=int), current_user) \
        if request.args.get("problem_id") else None
    warning = request.args.get("warning") or None
    form = SupervisionForm()
    form.unit_id.choices = unit_choices(current_user)
    form.assignee_id.choices = [("", "—（交承办单位负责人）")] + [tuple(row) for row in db.session.execute(scoped(
        sa.select(User.id, User.display_name).where(User.is_active.is_(True)).order_by(User.display_name),
        current_user, User.unit_id))]
    if request.method == "GET":
        form.unit_id.data = project.unit_id
        form.task.data = (f"请协调解决：{problem.description}" if problem else
                          f"请说明并处理“{warnings.LABELS[warning]}”预警" if warning in warnings.LABELS else "")
    made = {}
    if form.validate_on_submit() and saved(
            lambda: made.setdefault("order", services.issue(current_user, form.data, project, problem, warning)),
            "已下达督办。"):
        return redirect(url_for("supervision.detail", supervision_id=made["order"].id))
    return render_template("supervision/form.html", form=form, project=project, problem=problem, warning=warning,
                           warning_label=warnings.LABELS.get(warning))


def _order(supervision_id: int) -> Supervision:
    return get_scoped_or_404(Supervision, supervision_id, current_user)


@bp.route("/<int:supervision_id>")
@roles_required()
def detail(supervision_id: int):
    order = _order(supervision_id)
    return render_template(
        "supervision/detail.html", order=order, steps=services.steps_of(order), today=date.today(),
        source=services.source_of(order),
        files=files_of({"Supervision": [order.id]}).get(("Supervision", order.id), []),
        may_reply=services.may_reply(current_user, order), may_review=services.may_review(current_user, order),
        reply_form=ReplyForm(data={"version": order.version}), return_form=ReturnForm(data={"version": order.version}))


@bp.route("/<int:supervision_id>/reply", methods=["POST"])
@roles_required()
def reply(supervision_id: int):
    order = _order(supervision_id)
    form = ReplyForm()
    if form.validate_on_submit():  # a file refused (AttachmentError) is a ValueError too: nothing written
        saved(lambda: services.reply(current_user, order, form.text.data, request.files.getlist(form.attachments.name)),
              "已回复，等待督办单位审核。", edits=order)
    else:
        flash_errors(form)
    return redirect(url_for("supervision.detail", supervision_id=order.id))


@bp.route("/<int:supervision_id>/accept", methods=["POST"])
@issuers
def accept(supervision_id: int):
    order = _order(supervision_id)
    saved(lambda: services.accept(current_user, order), "已审核办结。", edits=order)
    return redirect(url_for("supervision.detail", supervision_id=order.id))


@bp.route("/<int:supervision_id>/remind", methods=["POST"])
@issuers
def remind(supervision_id: int):
    order = _order(supervision_id)
    saved(lambda: services.remind(current_user, order, date.today()), "已催办。", edits=order)
    return redirect(url_for("supervision.detail", supervision_id=order.id))


@bp.route("/<int:supervision_id>/return", methods=["POST"])
@issuers
def send_back(supervision_id: int):
    order = _order(supervision_id)
    form = ReturnForm()
    if form.validate_on_submit():
        saved(lambda: services.send_back(current_user, order, form.reason.data, form.due_on.data), "已退回重办。",
              edits=order)
    else:
        flash_errors(form)
    return redirect(url_for("supervision.detail", supervision_id=order.id))
