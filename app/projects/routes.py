from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin.services import filter_park_choices, filter_unit_choices, unit_choices
from app.attachments import services as attachments
from app.auth.decorators import roles_required
from app.auth.scope import get_child_or_404, get_scoped_or_404, get_scoped_unit, scoped, sees_everything
from app.chains import services as chain_services
from app.concurrency import claim
from app.excel import Sheet, xlsx_response
from app.extensions import db
from app.leaders import services as leader_services
from app.models import (
    Activity,
    AuditLog,
    ChainNode,
    Enterprise,
    FundEntry,
    Park,
    Project,
    StageEvent,
    Target,
    User,
)
from app.models.enums import Channel, ReviewStatus, Role, Stage
from app.parks import matching
from app.problems import services as problem_services
from app.revision import kept_page, kept_result, kept_rows
from app.search import services as picker
from app.supervision import services as supervision_services
from app.projects import bp, indicators, services, warnings
from app.projects.forms import (
    CorrectionForm,
    FundForm,
    MoveForm,
    ProjectFilterForm,
    ProjectForm,
    QueueFilterForm,
    ReviewForm,
    TargetForm,
)
from app.projects.stages import FORWARD, counted, next_stages
from app.web import paginate, saved

editors = roles_required(Role.ADMIN, Role.MANAGER, Role.OFFICER)
reviewers = roles_required(Role.ADMIN, Role.MANAGER)
BOARD_CARDS = 30  # cards shown per column; the list has the rest
INVESTOR_CHOICES = 20  # offered before anything is typed; typing searches them all (app.js)
EXPORT_HEADERS = ["项目名称", "投资方", "统一社会信用代码", "阶段", "在谈日期", "签约日期", "开工日期", "投产日期",
                  "终止或暂缓日期", "总投资(万元)", "协议投资(万元)", "落户园区", "产业链", "引荐渠道", "责任单位", "责任人", "重点项目",
                  "存在问题", "下步计划"]


def _choices(stmt, blank="—") -> list:
    return ([("", blank)] if blank is not None else []) + kept_rows(stmt)


def _chain_choices(blank="全部"):
    return [("", blank)] + chain_services.chain_options(current_user)


def _park_choices(blank="—"):
    return _choices(scoped(sa.select(Park.id, Park.name).order_by(Park.name), current_user, Park.unit_id), blank)


def _filter_form() -> ProjectFilterForm:
    form = ProjectFilterForm(request.args)
    form.unit_id.choices = [("", "全部")] + filter_unit_choices(current_user, form.unit_id.data)
    chosen_unit = form.unit_id.data if form.unit_id.data in dict(form.unit_id.choices) else None
    form.park_id.choices = filter_park_choices(current_user, chosen_unit, form.park_id.data)
    form.chain_id.choices = _chain_choices()
    form.validate()
    return form


@bp.route("/")
@roles_required()
@kept_page
def index():
    form = _filter_form()
    stmt = services.search(current_user, form.valid_data(), date.today())
    # the list's own total of 协议投资, which a figure linking here (驾驶舱, 报表) must equal
    kept = services.kept_stage_totals(current_user, form.valid_data())
    if kept is None:
        total = stmt.with_only_columns(sa.func.sum(Project.agreed_investment_wan)).order_by(None)
        count, agreed = None, kept_result(total, lambda: db.session.scalar(total), "sum")
    else:
        count, agreed = sum(n for n, _ in kept.values()), sum((amount for _, amount in kept.values()), Decimal(0))
    page = services.search(current_user, form.valid_data(), date.today(), for_page=True)
    pagination = paginate(page.options(selectinload(Project.unit), selectinload(Project.investor),
                                       selectinload(Project.park)), count_stmt=stmt, total=count)
    return render_template("projects/index.html", form=form, pagination=pagination, agreed=agreed or 0)


@bp.route("/board")
@roles_required()
def board():
    """看板: the four pipeline stages with count and 协议投资 per column, the latest cards in each."""
    form = _filter_form()
    filters = {k: v for k, v in form.valid_data().items() if k != "stage"}
    stmt = services.search(current_user, filters, date.today())
    totals = services.kept_stage_totals(current_user, filters)
    if totals is None:
        totals = dict((stage, (count, amount)) for stage, count, amount in db.session.execute(
            stmt.with_only_columns(Project.stage, sa.func.count(), sa.func.sum(Project.agreed_investment_wan))
            .order_by(None).group_by(Project.stage)))
    # The latest cards of every column in one statement (each part walks the stage index), then
    # the cards themselves with their investors and units.
    parts = [stmt.where(Project.stage == stage).with_only_columns(Project.id).limit(BOARD_CARDS).subquery()
             for stage in FORWARD]
    latest = sa.union_all(*[sa.select(part.c.id) for part in parts]).subquery()
    cards = db.session.scalars(stmt.where(Project.id.in_(sa.select(latest.c.id))).options(
        selectinload(Project.investor), selectinload(Project.unit))).all()
    columns = []
    for stage in FORWARD:
        count, amount = totals.get(stage, (0, None))
        columns.append({"stage": stage, "count": count, "amount": amount or 0,
                        "cards": [c for c in cards if c.stage == stage],
                        "more_url": url_for("projects.index", **{**request.args.to_dict(), "stage": stage.value})})
    pending = set(db.session.scalars(sa.select(StageEvent.project_id).where(
        StageEvent.review_status == ReviewStatus.PENDING, StageEvent.project_id.in_([c.id for c in cards]))))
    return render_template("projects/board.html", form=form, columns=columns, pending=pending)


@bp.route("/export.xlsx")
@roles_required()
def export():
    form = _filter_form()
    stmt = services.search(current_user, form.valid_data(), date.today()).options(
        selectinload(Project.unit), selectinload(Project.investor), selectinload(Project.park),
        selectinload(Project.chain_node).selectinload(ChainNode.chain))

    def rows():
        for p in db.session.scalars(stmt).yield_per(2000):
            yield [p.name, p.investor.name if p.investor else None, p.investor.uscc if p.investor else None,
                   p.stage_label, p.negotiating_on, p.signed_on, p.started_on, p.producing_on,
                   p.terminated_on or (p.stage_on if p.stage == Stage.ON_HOLD else None), p.total_investment_wan,
                   p.agreed_investment_wan, p.park.name if p.park else None,
                   p.chain_node.chain.name if p.chain_node else None, Channel.label_of(p.channel), p.unit.name,
                   p.responsible_person, "是" if p.is_key else "", p.problems, p.next_steps]

    return xlsx_response("招商项目.xlsx", "projects.xlsx", [Sheet("招商项目", EXPORT_HEADERS, rows())])


def project_form(obj=None, formdata=None) -> ProjectForm:
    """The project form (page, or an API call's ``formdata``) with the user's choices."""
    form = ProjectForm(obj=obj, **({"formdata": formdata} if formdata is not None else {}))
    form.unit_id.choices = unit_choices(current_user)
    # A province has 100,000 enterprises: the list offers the most recently contacted ones, and a
    # type-ahead finds any other (search.enterprises); plus the one chosen (sent, the project's
    # investor, or the one whose page the project was started from, ?investor_id=) if in scope.
    investors = scoped(sa.select(Enterprise.id, Enterprise.name), current_user, Enterprise.unit_id)
    form.investor_id.choices = _choices(investors.where(Enterprise.is_active.is_(True)).order_by(
        Enterprise.last_contacted_on.desc().nulls_last(), Enterprise.id.desc()).limit(INVESTOR_CHOICES))
    wanted = (formdata if formdata is not None else request.form).get("investor_id", "") or (
        obj.investor_id if obj is not None else request.args.get("investor_id", ""))
    listed = {c[0] for c in form.investor_id.choices}
    form.investor_id.choices += [c for c in picker.picked(Enterprise, current_user, [wanted]) if c[0] not in listed]
    form.officer_id.choices = _choices(scoped(sa.select(User.id, User.display_name).where(User.is_active.is_(True))
                                              .order_by(User.display_name), current_user, User.unit_id))
    form.park_id.choices = _park_choices("待定")
    form.chain_node_id.choices = [("", "—")] + chain_services.node_options(current_user)
    current = obj.chain_node if obj is not None else None
    if current is not None and current.id not in {c[0] for c in form.chain_node_id.choices}:
        form.chain_node_id.choices.append((current.id, f"{current.chain.name} · {current.name}"))
    if obj is not None:
        del form.negotiating_on  # dates change only through stage moves
        if request.method == "GET":
            form.version.data = obj.version
    return form


@bp.route("/new", methods=["GET", "POST"])
@editors
def create():
    form = project_form()
    if request.method == "GET":
        form.unit_id.data, form.officer_id.data = current_user.unit_id, current_user.id
        form.negotiating_on.data = date.today()
        form.investor_id.data = request.args.get("investor_id", type=int)
    made, short, twins = {}, [], []
    confirmed = {key: bool(request.form.get(key)) for key in ("confirm_capacity", "confirm_twin")}
    if form.validate_on_submit() and not (short := unconfirmed_shortfalls(form, None, confirmed["confirm_capacity"])) \
            and not (twins := unconfirmed_twins(form, confirmed["confirm_twin"])) and saved(
        lambda: made.setdefault("project", services.create_project(
            current_user, form.data_for_service(), form.negotiating_on.data or date.today())),
        f"已新建项目“{form.name.data}”。",
    ):
        return redirect(url_for("projects.detail", project_id=made["project"].id))
    return render_template("projects/form.html", form=form, project=None, shortfalls=short, twins=twins)


def unconfirmed_twins(form: ProjectForm, confirmed: bool) -> list[Project]:
    """The investor's projects under way with a name like this one, unless the user has seen them
    and confirmed that this is another project."""
    if confirmed:
        return []
    return services.similar_open_projects(current_user, form.investor_id.data, form.name.data or "")


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@editors
def edit(project_id: int):
    project = get_scoped_or_404(Project, project_id, current_user)
    form = project_form(project)
    short = []
    confirmed = bool(request.form.get("confirm_capacity"))
    if form.validate_on_submit() and not (short := unconfirmed_shortfalls(form, project, confirmed)) and saved(
        lambda: services.update_project(current_user, project, form.data_for_service()),
        f"已保存项目“{form.name.data}”。", edits=project,
    ):
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/form.html", form=form, project=project, shortfalls=short)


def unconfirmed_shortfalls(form: ProjectForm, project: Project | None, confirmed: bool) -> list:
    """The needs that exceed what the chosen park has available, unless the user has seen them and
    confirmed (over-commitment is shown before saving, never silently allowed)."""
    if not form.park_id.data or confirmed:
        return []
    amounts = {kind: getattr(form, column).data for kind, column in matching.NEED_FIELDS.items()
               if getattr(form, column).data}
    if not amounts:
        return []
    return matching.shortfalls(form.park_id.data, matching.Needs(amounts, project=project))


def _timeline(project: Project, events: list, funds: list, files: list) -> list[dict]:
    """Stage events, review decisions, activities, fund entries, attachments and edits, newest first
    (the page has read the events, fund entries and files already)."""
    activities = db.session.scalars(sa.select(Activity).where(Activity.project_id == project.id)
                                    .options(selectinload(Activity.enterprises))).all()
    edits = db.session.scalars(sa.select(AuditLog).where(AuditLog.record_type == "Project",
                                                         AuditLog.record_id == project.id, AuditLog.action == "update")
                               .order_by(AuditLog.id.desc()).limit(100)).all()
    items = [{"at": e.recorded_at, "kind": "stage", "item": e} for e in events]
    items += [{"at": r.reviewed_at, "kind": "review", "item": r} for r in [*events, *funds]
              if r.reviewed_at and r.reviewed_by_id != r.recorded_by_id]
    items += [{"at": f.recorded_at, "kind": "fund", "item": f} for f in funds]
    items += [{"at": a.created_at, "kind": "activity", "item": a} for a in activities]
    items += [{"at": f.uploaded_at, "kind": "file", "item": f} for f in files]
    items += [{"at": c.at, "kind": "edit", "item": c} for c in edits
              if set(c.changes) & set(services.LABELS)]
    return sorted(items, key=lambda i: i["at"].replace(tzinfo=None), reverse=True)


@bp.route("/<int:project_id>")
@roles_required()
@kept_page
def detail(project_id: int):
    project = get_scoped_or_404(Project, project_id, current_user)
    events = services.events_of(project)
    standing = counted(events)
    funds = db.session.scalars(sa.select(FundEntry).where(FundEntry.project_id == project.id)
                               .order_by(FundEntry.month.desc(), FundEntry.id.desc())).all()
    files_of = attachments.files_of({"StageEvent": [e.id for e in events], "FundEntry": [f.id for f in funds]})
    files = [f for found in files_of.values() for f in found]
    return render_template(
        "projects/detail.html", project=project, events=events, standing={e.id for e in standing}, funds=funds,
        files_of=files_of, summary=services.funds_summary(project), warnings=warnings.of_project(project, date.today()),
        next_moves=next_stages(standing), timeline=_timeline(project, events, funds, files),
        can_edit=current_user.role != Role.PARK_ADMIN,
        can_review=services.can_review(current_user, project.unit_id),
        review_form=ReviewForm(), labels=services.LABELS, today=date.today(),
        problems=problem_services.of_project(current_user, project), warning_keys={v: k for k, v in warnings.LABELS.items()},
        orders=supervision_services.of_project(current_user, project), may_issue=current_user.role in supervision_services.ISSUERS,
        **leader_services.page_context(current_user, project=project))


@bp.route("/<int:project_id>/move", methods=["GET", "POST"])
@editors
def move(project_id: int):
    project = get_scoped_or_404(Project, project_id, current_user)
    allowed = services.next_moves(project)
    if not allowed:
        flash(f"项目已{project.stage_label}，不能再变动阶段；如有误请更正原记录。", "warning")
        return redirect(url_for("projects.detail", project_id=project.id))
    form = MoveForm()
    if request.method == "POST":  # before the stages offered, which follow the project's current one
        claim(project, form.version.data)
    form.stage.choices = [(s, Stage.label_of(s)) for s in allowed]
    if request.method == "GET":
        wanted = request.args.get("to")
        form.stage.data = wanted if wanted in allowed else allowed[0]
        form.effective_on.data = date.today()
        form.version.data = project.version
    if form.validate_on_submit() and saved(
        lambda: services.move(current_user, project, form.stage.data, form.effective_on.data, form.note.data,
                              request.files.getlist(form.attachments.name), company_name=form.company_name.data,
                              registered_capital_wan=form.registered_capital_wan.data),
        lambda e: f"已记录：{project.name} {e.stage_label}（{e.effective_on}），{e.review_label}。",
    ):
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/move.html", form=form, project=project)


@bp.route("/<int:project_id>/stages/<int:stage_event_id>/correct", methods=["GET", "POST"])
@editors
def correct(project_id: int, stage_event_id: int):
    project = get_scoped_or_404(Project, project_id, current_user)
    event = get_child_or_404(StageEvent, stage_event_id, project_id=project.id)
    form = CorrectionForm()
    if request.method == "GET":
        form.effective_on.data, form.version.data = event.effective_on, event.version
    if form.validate_on_submit() and saved(
        lambda: services.correct(current_user, event, form.note.data, form.effective_on.data, form.stage.data or None,
                                 form.withdraw.data, request.files.getlist(form.attachments.name)),
        lambda e: f"已提交更正：{e.stage_label}（{e.effective_on}），{e.review_label}。", edits=event,
    ):
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/correct.html", form=form, project=project, event=event)


@bp.route("/<int:project_id>/funds/new", methods=["GET", "POST"])
@bp.route("/<int:project_id>/funds/<int:fund_id>/edit", methods=["GET", "POST"])
@editors
def fund(project_id: int, fund_id: int | None = None):
    project = get_scoped_or_404(Project, project_id, current_user)
    entry = get_child_or_404(FundEntry, fund_id, project_id=project.id) if fund_id else None
    form = FundForm(obj=entry)
    if request.method == "GET" and entry is None:
        form.month.data = date.today().replace(day=1)
    if form.validate_on_submit() and saved(
        lambda: services.save_fund(current_user, project, form.data, entry, request.files.getlist(form.attachments.name)),
        lambda e: f"已登记到位资金 {e.amount_wan} 万元（{e.month:%Y-%m}，{e.origin_label}），{e.review_label}。",
        edits=entry,
    ):
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/fund.html", form=form, project=project, entry=entry)


# ---------- review ----------

@bp.route("/review")
@reviewers
def queue():
    form = QueueFilterForm(request.args)
    form.unit_id.choices = [("", "全部")] + filter_unit_choices(current_user, form.unit_id.data)
    form.validate()
    f = form.valid_data()
    records = services.review_queue(current_user, f.get("kind"), f.get("unit_id"),
                                    int(f["older_than"]) if f.get("older_than") else None,
                                    f.get("status") or ReviewStatus.PENDING, date.today())
    files_of = attachments.files_of({"StageEvent": [r.id for r in records if isinstance(r, StageEvent)],
                                     "FundEntry": [r.id for r in records if isinstance(r, FundEntry)]})
    return render_template("projects/queue.html", form=form, records=records, review_form=ReviewForm(),
                           files_of=files_of, viewable=attachments.VIEWABLE)


REVIEWED = {"stage": StageEvent, "fund": FundEntry}


@bp.route("/review/bulk", methods=["POST"])
@reviewers
def review_bulk():
    """批量通过: the ticked records (``kind:id:version``), approved in the order they were entered,
    all or none — each at the version the reviewer saw."""
    chosen = []
    for item in request.form.getlist("item"):
        kind, ident, version = (item.split(":") + ["", ""])[:3]
        if kind not in REVIEWED or not ident.isdigit():
            abort(400)
        record = db.session.get(REVIEWED[kind], int(ident)) or abort(404)
        get_scoped_or_404(Project, record.project_id, current_user)
        chosen.append((record, version))
    if not chosen:
        flash("请先勾选要通过的记录。", "warning")
    else:
        saved(lambda: services.approve_all(current_user, chosen), lambda n: f"已审核通过 {n} 条记录。")
    return redirect(url_for("projects.queue"))


@bp.route("/review/stage/<int:stage_event_id>", methods=["POST"])
@bp.route("/review/fund/<int:fund_id>", methods=["POST"])
@reviewers
def review(stage_event_id: int | None = None, fund_id: int | None = None):
    record = (db.session.get(StageEvent, stage_event_id) if stage_event_id else db.session.get(FundEntry, fund_id))
    if record is None:
        abort(404)
    get_scoped_or_404(Project, record.project_id, current_user)
    form = ReviewForm()
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        saved(lambda: services.review(current_user, record, approve, form.opinion.data),
              "已审核通过。" if approve else "已退回，填报人可在项目页修改后重新提交。", edits=record)
    back = request.form.get("next", "")
    return redirect(back if back.startswith("/projects/") else url_for("projects.queue"))


# ---------- funds in place ----------

@bp.route("/funds")
@roles_required()
def fund_list():
    """到位资金明细: the fund entries a figure counts, for months within ?from=&to= (YYYY-MM-DD),
    approved ones (with ?counted=1 pending ones too) of projects whose 签约 counts likewise."""
    def day(key):
        try:
            return date.fromisoformat(request.args.get(key, ""))
        except ValueError:
            return None

    start, end = day("from") or date(date.today().year, 1, 1), day("to") or date.today()
    def number(key):
        raw = request.args.get(key, "")
        return int(raw) if raw.isdigit() and int(raw) < 2**31 else None

    unit_id = number("unit_id")
    if unit_id is not None and get_scoped_unit(current_user, unit_id) is None:
        abort(404)
    scope = indicators.Scope(current_user, unit_id, number("chain_id"), request.args.get("counted") == "1")
    stmt = scope.fund_entries(sa.select(FundEntry).where(FundEntry.month.between(start.replace(day=1), end)))
    total = db.session.scalar(stmt.with_only_columns(sa.func.sum(FundEntry.amount_wan)))
    pagination = paginate(stmt.options(selectinload(FundEntry.project).selectinload(Project.unit))
                          .order_by(FundEntry.month.desc(), FundEntry.id.desc()))
    return render_template("projects/funds.html", pagination=pagination, total=total or 0, start=start, end=end,
                           include_pending=scope.include_pending)


# ---------- warnings ----------

@bp.route("/warnings")
@roles_required()
@kept_page
def warning_list():
    """预警: the projects with a warning (one rule, or any), filtered like the project list; each
    rule's count is a link to its projects, and the export is the project list's with this filter."""
    today = date.today()
    form = _filter_form()
    filters = {**form.valid_data(), "warning": form.warning.data if not form.warning.errors and form.warning.data else "1"}
    page = services.search(current_user, filters, today, for_page=True).options(
        selectinload(Project.unit), selectinload(Project.investor))
    unfiltered = {**filters, "warning": None}
    counts = kept = services.kept_warning_counts(current_user, unfiltered, today)
    if counts is None:
        counts = warnings.counts(services.search(current_user, unfiltered, today), today)
    db.session.commit()  # the day's warnings, where this was the first read of the day to count them
    pagination = paginate(page, count_stmt=services.search(current_user, filters, today),
                          total=None if kept is None else kept.get(filters["warning"], kept["any"]))
    reasons = warnings.of_projects([p.id for p in pagination.items], today)
    park_ids = None if sees_everything(current_user) else list(
        db.session.scalars(scoped(sa.select(Park.id), current_user, Park.unit_id)))
    overcommitted, parks = warnings.overcommitted_parks(park_ids)
    return render_template("projects/warnings.html", form=form, warning=filters["warning"], pagination=pagination,
                           reasons=reasons, counts=counts, rules=warnings.RULES, parks=parks,
                           overcommitted=overcommitted,
                           thresholds=warnings.thresholds(current_user.unit_id),
                           chip_args={k: v for k, v in request.args.items() if k not in ("page", "warning")})



# ---------- targets ----------

@bp.route("/targets", methods=["GET", "POST"])
@roles_required()
def targets():
    raw = request.args.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else date.today().year
    form = TargetForm()
    form.unit_id.choices = unit_choices(current_user)
    form.chain_id.choices = _chain_choices("—")
    may_set = current_user.role in (Role.MANAGER, Role.ADMIN)
    if request.method == "GET":
        form.year.data, form.unit_id.data = year, current_user.unit_id
    elif not may_set:
        abort(403)
    elif form.validate_on_submit() and saved(lambda: services.save_target(current_user, form.data),
                                             "已保存目标任务。"):
        return redirect(url_for("projects.targets", year=form.year.data))
    progress = indicators.target_progress(current_user, year, date.today())
    return render_template("projects/targets.html", year=year, progress=progress, form=form, may_set=may_set,
                           start=date(year, 1, 1), end=min(date.today(), date(year, 12, 31)),
                           stage_indicators=indicators.STAGE_INDICATORS)


@bp.route("/targets/<int:target_id>/delete", methods=["POST"])
@reviewers
def target_delete(target_id: int):
    target = get_scoped_or_404(Target, target_id, current_user)
    saved(lambda: services.delete_target(target), "已删除目标任务。", edits=target)
    return redirect(url_for("projects.targets", year=target.year))
