from datetime import date

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin.services import unit_choices
from app.attachments.services import files_of
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404
from app.excel import Sheet, xlsx_response
from app.extensions import db
from app.leaders import services as leader_services
from app.models import Leader, Project, ProjectProblem
from app.models.enums import Role
from app.problems import bp, services
from app.problems.forms import AssignForm, ProblemFilterForm, ProblemForm, ReopenForm, ReplyForm, SolveForm
from app.web import flash_errors, list_filters, paginate, saved

raisers = roles_required(*services.RAISERS)


@bp.route("/")
@roles_required()
def index():
    """问题台账: the problems in scope, filtered."""
    form = list_filters(ProblemFilterForm)
    stmt = services.search(current_user, form.valid_data()).options(
        selectinload(ProjectProblem.project), selectinload(ProjectProblem.unit), selectinload(ProjectProblem.handler_unit))
    return render_template("problems/index.html", form=form, pagination=paginate(stmt), today=date.today(),
                           level_of=services.level_of)


@bp.route("/export.xlsx")
@roles_required()
def export():
    rows = services.export_rows(services.search(current_user, list_filters(ProblemFilterForm).valid_data()))
    return xlsx_response("问题台账.xlsx", "problems.xlsx", [Sheet("问题台账", services.EXPORT_HEADERS, rows)])


@bp.route("/new/<int:project_id>", methods=["GET", "POST"])
@raisers
def create(project_id: int):
    """Raise a problem of a project in the user's scope."""
    project = get_scoped_or_404(Project, project_id, current_user)
    form, made = ProblemForm(), {}
    if form.validate_on_submit() and saved(lambda: made.setdefault("problem", services.raise_problem(
            current_user, project, form.data, request.files.getlist(form.attachments.name))), "已提交，待办理单位办理。"):
        return redirect(url_for("problems.detail", problem_id=made["problem"].id))
    return render_template("problems/form.html", form=form, project=project,
                           rungs=services.ladder(project.unit))


def _problem(problem_id: int) -> ProjectProblem:
    return get_scoped_or_404(ProjectProblem, problem_id, current_user)


def _assign_form(**data) -> AssignForm:
    form = AssignForm(data=data) if data else AssignForm()
    form.assignee_unit_id.choices = [("", "—")] + unit_choices(current_user)
    return form


@bp.route("/<int:problem_id>")
@roles_required()
def detail(problem_id: int):
    problem = _problem(problem_id)
    leaders = db.session.scalars(leader_services.in_charge_of(problem.project_id).order_by(Leader.name)).all()
    return render_template(
        "problems/detail.html", problem=problem, steps=services.steps_of(problem), today=date.today(),
        level=services.level_of(problem), leaders=leaders,
        files=files_of({"ProjectProblem": [problem.id]}).get(("ProjectProblem", problem.id), []),
        may_handle=services.may_handle(current_user, problem), may_confirm=services.may_confirm(current_user, problem),
        reply_form=ReplyForm(data={"version": problem.version}),
        assign_form=_assign_form(version=problem.version, due_on=problem.due_on),
        solve_form=SolveForm(data={"version": problem.version}), reopen_form=ReopenForm(data={"version": problem.version}))


def _act(problem_id: int, form, action, success: str):
    """One step on a problem from its page's form, against the version the page showed."""
    problem = _problem(problem_id)
    if form.validate_on_submit():
        saved(lambda: action(problem, form), success, edits=problem)
    else:
        flash_errors(form)
    return redirect(url_for("problems.detail", problem_id=problem.id))


@bp.route("/<int:problem_id>/reply", methods=["POST"])
@roles_required(*services.RAISERS)
def reply(problem_id: int):
    return _act(problem_id, ReplyForm(), lambda p, f: services.reply(current_user, p, f.text.data), "已回复。")


@bp.route("/<int:problem_id>/assign", methods=["POST"])
@roles_required(Role.ADMIN, Role.MANAGER)
def assign(problem_id: int):
    return _act(problem_id, _assign_form(), lambda p, f: services.assign(
        current_user, p, f.assignee.data, f.assignee_unit_id.data, f.due_on.data), "已交办。")


@bp.route("/<int:problem_id>/solve", methods=["POST"])
@roles_required(Role.ADMIN, Role.MANAGER)
def solve(problem_id: int):
    return _act(problem_id, SolveForm(), lambda p, f: services.solve(current_user, p, f.solution.data),
                "已答复解决，等待提出单位确认。")


@bp.route("/<int:problem_id>/confirm", methods=["POST"])
@raisers
def confirm(problem_id: int):
    problem = _problem(problem_id)
    saved(lambda: services.confirm(current_user, problem), "已确认解决，问题办结。", edits=problem)
    return redirect(url_for("problems.detail", problem_id=problem.id))


@bp.route("/<int:problem_id>/reopen", methods=["POST"])
@raisers
def reopen(problem_id: int):
    return _act(problem_id, ReopenForm(), lambda p, f: services.reopen(current_user, p, f.reason.data),
                "已重新打开，退回办理单位。")
