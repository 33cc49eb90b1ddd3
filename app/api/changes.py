"""The records, written: an enterprise added or changed; a visit logged, corrected or deleted; a
project's stage moved; funds in place entered; a stage move or funds reviewed — each through the
page's form and service (app/api/writes.py), so the API and the pages keep one set of rules."""
from datetime import date

from flask import abort
from marshmallow import fields
from flask_login import current_user

from app.activities import routes as activity_routes
from app.activities import services as activity_services
from app.activities.forms import ActivityForm
from app.api import bp
from app.api.records import ActivityOut, EnterpriseOut, FundOut, ProjectOut, StageEventOut
from app.api.schemas import ApiSchema, Problem, body, described, one_of
from app.api.writes import Refused, checked, commit, created, etag, formdata, if_match, refusing
from app.auth.decorators import roles_required
from app.auth.scope import get_child_or_404, get_scoped_or_404
from app.enterprises import routes as enterprise_routes
from app.enterprises import services as enterprise_services
from app.enterprises.forms import EnterpriseForm
from app.models import Activity, Enterprise, FundEntry, Project, StageEvent
from app.models.enums import Role, Stage
from app.web import problem
from app.projects import services as project_services
from app.projects import routes as project_routes
from app.projects.forms import FundForm, MoveForm, ProjectForm, ReviewForm

editors = roles_required(Role.ADMIN, Role.MANAGER, Role.OFFICER)
EnterpriseIn = body(EnterpriseForm, "EnterpriseIn", confirm_duplicate=described(
    fields.Boolean, "已核对库中名称相近的企业，确认不是同一家（否则有相近企业时返回 409 并列出它们）"))
EnterpriseChange = body(EnterpriseForm, "EnterpriseChange")
CONFIRM_CAPACITY = described(fields.Boolean, "已知悉园区要素不足（超占），仍然保存（否则返回 409 并说明不足之处）")
ProjectIn = body(ProjectForm, "ProjectIn", confirm_capacity=CONFIRM_CAPACITY, confirm_twin=described(
    fields.Boolean, "已核对该投资方名称相近的在建项目，确认是另一个项目（否则返回 409 并列出它们）"))
ProjectChange = body(ProjectForm, "ProjectChange", leave_out=("version", "negotiating_on"),
                     confirm_capacity=CONFIRM_CAPACITY)
VisitIn = body(ActivityForm, "VisitIn")
VisitChange = body(ActivityForm, "VisitChange", leave_out=("version", "enterprise_ids"))
MoveIn = body(MoveForm, "StageMoveIn")
FundIn = body(FundForm, "FundIn")
class ReviewOut(ApiSchema):
    kind = described(fields.String, "类别：stage 阶段变动、fund 到位资金")
    id = described(fields.Integer, "记录编号")
    version = described(fields.Integer, "版本号")
    review_status = described(fields.String, "审核状态：approved 审核通过、rejected 已退回")
    review_opinion = described(fields.String, "审核意见", allow_none=True)


def versioned(view):
    """A change based on a version (If-Match): its 412 and 428 described, its refusals answered."""
    for status, description in ((412, "If-Match 的版本已不是记录的当前版本：记录已被他人修改"), (428, "缺少 If-Match")):
        view = bp.alt_response(status, schema=Problem, content_type="application/problem+json",
                               description=description)(view)
    return refusing(view)


@bp.route("/enterprises", methods=["POST"])
@editors
@bp.arguments(EnterpriseIn)
@bp.response(201, EnterpriseOut, description="已新建的企业；Location 为其地址，ETag 为其版本")
@bp.alt_response(409, schema=Problem, content_type="application/problem+json",
                 description="库中已有名称相近的企业（detail 列出），核对后以 confirm_duplicate 确认")
@refusing
def add_enterprise(data):
    """新建企业

    与页面相同：信用代码校验、同一代码只能对应一家企业、名称相近的企业须先核对。"""
    form = checked(enterprise_routes.editor_form(formdata=formdata(data)))
    duplicates = enterprise_services.likely_duplicates(current_user, form.name.data)
    if duplicates and not data.get("confirm_duplicate"):
        named = "、".join(f"{e.name}（编号 {e.id}）" for e in duplicates)
        raise Refused(problem(409, f"库中已有名称相近的企业：{named}。请先核对，确认不是同一家再新建。", "likely_duplicate"))
    enterprise = commit(lambda: enterprise_services.create_enterprise(current_user, form.data_for_service(), form.tags.data))
    return created(enterprise, "api.enterprise", enterprise_id=enterprise.id)


@bp.route("/enterprises/<int:enterprise_id>", methods=["PATCH"])
@editors
@bp.arguments(EnterpriseChange(partial=True))
@bp.response(200, EnterpriseOut)
@versioned
def change_enterprise(data, enterprise_id: int):
    """修改企业

    只改所给字段；If-Match 带上企业的版本号。"""
    enterprise = get_scoped_or_404(Enterprise, enterprise_id, current_user)
    form = checked(enterprise_routes.editor_form(enterprise, formdata(
        data, enterprise, EnterpriseChange().fields, tags=enterprise.tag_names)))
    if_match(enterprise)
    commit(lambda: enterprise_services.update_enterprise(current_user, enterprise, form.data_for_service(), form.tags.data))
    return enterprise, 200, etag(enterprise)


def _unconfirmed(form, project: Project | None, data: dict) -> None:
    """Refused (409) until the caller confirms what the page asks to confirm: a park's capacity
    exceeded, another project of the investor under way with a like name."""
    short = project_routes.unconfirmed_shortfalls(form, project, bool(data.get("confirm_capacity")))
    if short:
        raise Refused(problem(409, "园区要素不足：" + "；".join(fit.text for fit in short) + "。确认仍然保存请带 confirm_capacity。",
                              "capacity_shortfall"))
    twins = [] if project is not None else project_routes.unconfirmed_twins(form, bool(data.get("confirm_twin")))
    if twins:
        named = "、".join(f"{p.name}（编号 {p.id}）" for p in twins)
        raise Refused(problem(409, f"该投资方已有名称相近的在建项目：{named}。确认是另一个项目请带 confirm_twin。",
                              "likely_duplicate"))


@bp.route("/projects", methods=["POST"])
@editors
@bp.arguments(ProjectIn)
@bp.response(201, ProjectOut, description="已新建的项目（在谈）；Location 为其地址，ETag 为其版本")
@bp.alt_response(409, schema=Problem, content_type="application/problem+json",
                 description="园区要素不足，或投资方已有名称相近的在建项目：核对后确认")
@refusing
def add_project(data):
    """新建项目

    与页面相同的校验与规则；项目以在谈阶段开始（negotiating_on，默认今天），其后的阶段以阶段变动记录。"""
    form = checked(project_routes.project_form(formdata=formdata(data)))
    _unconfirmed(form, None, data)
    project = commit(lambda: project_services.create_project(current_user, form.data_for_service(),
                                                             form.negotiating_on.data or date.today()))
    return created(project, "api.project", project_id=project.id)


@bp.route("/projects/<int:project_id>", methods=["PATCH"])
@editors
@bp.arguments(ProjectChange(partial=True))
@bp.response(200, ProjectOut)
@versioned
def change_project(data, project_id: int):
    """修改项目

    只改所给字段（阶段与日期只由阶段变动改变）；If-Match 带上项目的版本号。"""
    project = get_scoped_or_404(Project, project_id, current_user)
    names = [n for n in ProjectChange().fields if n != "confirm_capacity"]
    form = checked(project_routes.project_form(project, formdata(data, project, names)))
    _unconfirmed(form, project, data)
    if_match(project)
    commit(lambda: project_services.update_project(current_user, project, form.data_for_service()))
    return project, 200, etag(project)


@bp.route("/activities", methods=["POST"])
@editors
@bp.arguments(VisitIn)
@bp.response(201, ActivityOut, description="已记录的对接；Location 为其地址，ETag 为其版本")
@bp.alt_response(422, schema=Problem, content_type="application/problem+json",
                 description="未通过校验或业务规则：每个字段的说明，或规则的说明")
@refusing
def log_visit(data):
    """记录对接

    与页面“记录对接”相同的校验与规则：对接日期不晚于今天、企业与项目须在数据范围内等。"""
    form = checked(activity_routes.visit_form(formdata(data)))
    activity = commit(lambda: activity_routes.log_visit(form))
    return created(activity, "api.activity", activity_id=activity.id)


def _changeable(activity_id: int) -> Activity:
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    return activity if activity_services.may_change(current_user, activity) else abort(403)


@bp.route("/activities/<int:activity_id>", methods=["PATCH"])
@editors
@bp.arguments(VisitChange(partial=True))
@bp.response(200, ActivityOut)
@versioned
def correct_visit(data, activity_id: int):
    """更正对接记录

    只改所给字段（对接企业不变）；须由记录人或其上级负责人更正，If-Match 带上版本号。"""
    activity = _changeable(activity_id)
    form = checked(activity_routes.correction_form(activity, formdata(data, activity, VisitChange().fields)))
    if_match(activity)
    commit(lambda: activity_services.update_activity(current_user, activity, form.data_for_service()))
    return activity, 200, etag(activity)


@bp.route("/activities/<int:activity_id>", methods=["DELETE"])
@editors
@bp.response(204)
@versioned
def delete_visit(activity_id: int):
    """删除对接记录（误录）"""
    activity = _changeable(activity_id)
    if_match(activity)
    commit(lambda: activity_services.delete_activity(current_user, activity))
    return "", 204


@bp.route("/projects/<int:project_id>/stages", methods=["POST"])
@editors
@bp.arguments(MoveIn)
@bp.response(201, StageEventOut, description="已记录的阶段变动（审核状态见 review_status）")
@versioned
def move_stage(data, project_id: int):
    """项目阶段变动

    与页面相同：只能变为当前阶段之后可达的阶段，发生日期不早于上一阶段、不晚于今天；按审核规则待审或直接生效。
    If-Match 带上项目的版本号。"""
    project = get_scoped_or_404(Project, project_id, current_user)
    form = MoveForm(formdata=formdata(data))
    form.stage.choices = [(s, Stage.label_of(s)) for s in project_services.next_moves(project)]
    checked(form)
    if_match(project)
    event = commit(lambda: project_services.move(
        current_user, project, form.stage.data, form.effective_on.data, form.note.data,
        company_name=form.company_name.data, registered_capital_wan=form.registered_capital_wan.data))
    return event, 201, etag(project)


@bp.route("/projects/<int:project_id>/funds", methods=["POST"])
@editors
@bp.arguments(FundIn)
@bp.response(201, FundOut, description="已登记的到位资金（审核状态见 review_status）")
@refusing
def enter_funds(data, project_id: int):
    """登记到位资金"""
    project = get_scoped_or_404(Project, project_id, current_user)
    form = checked(FundForm(formdata=formdata(data)))
    return commit(lambda: project_services.save_fund(current_user, project, form.data)), 201


class ReviewIn(ApiSchema):
    decision = described(fields.String, "approve 审核通过、reject 退回", required=True, validate=one_of(["approve", "reject"]))
    opinion = described(fields.String, "审核意见（退回时必填）", allow_none=True)


def _review(data: dict, project_id: int, model, ident: int):
    project = get_scoped_or_404(Project, project_id, current_user)
    record = get_child_or_404(model, ident, project_id=project.id)
    form = checked(ReviewForm(formdata=formdata(data)))
    if_match(record)
    commit(lambda: project_services.review(current_user, record, data["decision"] == "approve", form.opinion.data))
    return {"kind": "stage" if model is StageEvent else "fund", "id": record.id, "version": record.version,
            "review_status": record.review_status, "review_opinion": record.review_opinion}, 200, etag(record)


@bp.route("/projects/<int:project_id>/stages/<int:stage_event_id>/review", methods=["POST"])
@roles_required(Role.ADMIN, Role.MANAGER)
@bp.arguments(ReviewIn)
@bp.response(200, ReviewOut, description="审核后的记录")
@versioned
def review_stage(data, project_id: int, stage_event_id: int):
    """审核阶段变动

    与“审核”页面相同：只有该单位或上级单位的负责人可以审核，须按先后审核，退回须写明意见。
    If-Match 带上记录的版本号（审核队列中的 version）。"""
    return _review(data, project_id, StageEvent, stage_event_id)


@bp.route("/projects/<int:project_id>/funds/<int:fund_id>/review", methods=["POST"])
@roles_required(Role.ADMIN, Role.MANAGER)
@bp.arguments(ReviewIn)
@bp.response(200, ReviewOut, description="审核后的记录")
@versioned
def review_fund(data, project_id: int, fund_id: int):
    """审核到位资金

    与“审核”页面相同；退回须写明意见。If-Match 带上记录的版本号。"""
    return _review(data, project_id, FundEntry, fund_id)
