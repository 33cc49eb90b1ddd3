"""项目问题协调: a problem raised on a project goes to the managers of the level that must solve
it (the project's own unit, its city or its province); they reply, hand it to a 承办单位 with a
deadline and answer it with the solution; the raiser confirms or reopens it. Unsolved past its
deadline it climbs one level, by the clock (the daily run), with a new deadline there.

Every step is a dated CaseStep. Services flush, never commit."""
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import case_steps, unit_settings
from app.attachments.services import store
from app.auth.scope import in_subtree, is_within, scoped, unit_ids_above
from app.extensions import db
from app.leaders import services as leader_services  # the module: the packages import each other
from app.models import CaseStep, Leader, OrgUnit, Project, ProjectProblem, User
from app.models.dispatch import OPEN_PROBLEM
from app.models.enums import (
    CaseAction,
    NotificationKind,
    ProblemKind,
    ProblemLevel,
    ProblemStatus,
    Role,
    UnitKind,
    WebhookEvent,
)
from app.notify import link
from app.web import list_order
from app.webhooks import services as webhooks

ESCALATE_DAYS = "problem_escalate_days"  # a unit setting: days a problem may stay unsolved there
DEFAULT_ESCALATE_DAYS = 15
RAISERS = (Role.ADMIN, Role.MANAGER, Role.OFFICER)  # those who may edit projects


class ProblemError(ValueError):
    pass


def escalate_days(unit_id: int) -> int:
    return unit_settings.number(unit_id, ESCALATE_DAYS, DEFAULT_ESCALATE_DAYS)


def save_escalate_days(unit_id: int, days: int | None) -> None:
    if days is not None and not 1 <= days <= 90:
        raise ProblemError("逾期上报天数应为 1–90 天。")
    unit_settings.save(unit_id, {ESCALATE_DAYS: None if days is None else str(days)})


def ladder(unit: OrgUnit) -> list[OrgUnit]:
    """The units a problem of this unit climbs: the unit itself, its city, its province (the root
    stands for the province where no unit says so), lowest first, each once."""
    rungs, seen = [unit], {unit.id}
    ancestors = [db.session.get(OrgUnit, i) for i in unit_ids_above(unit.id)]
    for kind in (UnitKind.CITY, UnitKind.PROVINCE):
        above = next((a for a in ancestors if a.kind == kind), None)
        if kind == UnitKind.PROVINCE and above is None and ancestors:
            above = ancestors[-1]
        if above is not None and above.id not in seen and rungs[-1].kind != UnitKind.PROVINCE:
            rungs.append(above)
            seen.add(above.id)
    return rungs


def level_of(problem: ProjectProblem) -> ProblemLevel:
    """Where the problem stands now: at the raiser's own unit, or at a city or province above."""
    if problem.handler_unit_id == problem.unit_id:
        return ProblemLevel.LOCAL
    return ProblemLevel.CITY if problem.handler_unit.kind == UnitKind.CITY else ProblemLevel.PROVINCE


def _rung_for(unit: OrgUnit, level: str) -> OrgUnit:
    """The unit that solves a problem raised at this level: 本级 the unit, 市级 its city, 省级 the top."""
    rungs = ladder(unit)
    if level == ProblemLevel.LOCAL:
        return rungs[0]
    if level == ProblemLevel.PROVINCE:
        return rungs[-1]
    city = next((r for r in rungs if r.kind == UnitKind.CITY), None)
    if city is None:
        raise ProblemError("本单位之上没有市级单位，请选择本级或省级。")
    return city


def _step(problem: ProjectProblem, action: str, by: User | None, today: date, text: str | None = None,
          unit_id: int | None = None, due_on: date | None = None) -> CaseStep:
    return case_steps.add("problem", problem.id, action, by, today, text, unit_id, due_on)


def handlers_of(problem: ProjectProblem) -> list[int]:
    """Who is told a problem waits for them: the active managers and admins of the handling unit
    (or, where it has none, of the nearest unit above that has), and the project's 包保 leaders
    who have an account."""
    units = [problem.handler_unit_id, *unit_ids_above(problem.handler_unit_id)]
    by_unit: dict[int, list[int]] = {}
    for user_id, unit_id in db.session.execute(sa.select(User.id, User.unit_id).where(
            User.unit_id.in_(units), User.role.in_([Role.MANAGER, Role.ADMIN]), User.is_active.is_(True))):
        by_unit.setdefault(unit_id, []).append(user_id)
    people = next((by_unit[unit] for unit in units if unit in by_unit), [])
    leaders = db.session.scalars(leader_services.in_charge_of(problem.project_id).with_only_columns(Leader.user_id)
                                 .where(Leader.user_id.is_not(None), Leader.is_active.is_(True)))
    return [*people, *leaders]


def _tell(user_ids, problem: ProjectProblem, text: str, step: CaseStep, by: User | None = None) -> None:
    case_steps.tell(user_ids, NotificationKind.PROBLEM, f"“{problem.project.name}”{problem.kind_label}问题：{text}",
                    link("problems.detail", problem_id=problem.id), step, by)


def may_handle(by: User, problem: ProjectProblem) -> bool:
    """The managers and admins of the handling unit or of a unit above it answer a problem."""
    return by.role in (Role.MANAGER, Role.ADMIN) and is_within(problem.handler_unit_id, by.unit_id)


def may_confirm(by: User, problem: ProjectProblem) -> bool:
    """The raiser, or whoever may edit projects of the raiser's unit, confirms or reopens it."""
    return by.id == problem.raised_by_id or (by.role in RAISERS and is_within(problem.unit_id, by.unit_id))


def raise_problem(by: User, project: Project, data: dict, uploads=(), today: date | None = None) -> ProjectProblem:
    """Raise a problem of the project (in the user's scope) to the level asked, with its evidence."""
    today = today or date.today()
    if by.role not in RAISERS:
        raise ProblemError("只有可以编辑项目的用户可以反映问题。")
    if data.get("kind") not in {kind.value for kind in ProblemKind}:
        raise ProblemError("请选择问题类别。")
    description = (data.get("description") or "").strip()
    if not description:
        raise ProblemError("请写明问题。")
    handler = _rung_for(project.unit, data.get("level") or ProblemLevel.LOCAL)
    due_on = today + timedelta(days=escalate_days(handler.id))
    problem = ProjectProblem(project=project, unit_id=project.unit_id, handler_unit=handler, kind=data["kind"],
                             description=description, request=(data.get("request") or "").strip() or None,
                             status=ProblemStatus.OPEN, due_on=due_on, raised_on=today, raised_by_id=by.id)
    db.session.add(problem)
    db.session.flush()
    step = _step(problem, CaseAction.RAISE, by, today, description, handler.id, due_on)
    store(list(uploads or ()), "ProjectProblem", problem.id, by)
    _tell(handlers_of(problem), problem, f"待{handler.name}办理", step, by)
    return problem


def _open(problem: ProjectProblem) -> None:
    if problem.status == ProblemStatus.CLOSED:
        raise ProblemError("此问题已办结，不能再办理或回复。")


def reply(by: User, problem: ProjectProblem, text: str, today: date | None = None) -> None:
    """A message on the problem, from its handlers or its raiser's side."""
    _open(problem)
    if not (may_handle(by, problem) or may_confirm(by, problem)):
        raise ProblemError("您不能回复这个问题。")
    if not (text or "").strip():
        raise ProblemError("请填写回复内容。")
    step = _step(problem, CaseAction.REPLY, by, today or date.today(), text.strip())
    _tell([problem.raised_by_id] if may_handle(by, problem) else handlers_of(problem), problem,
          f"{by.display_name}回复", step, by)


def assign(by: User, problem: ProjectProblem, assignee: str, assignee_unit_id: int | None, due_on: date,
           today: date | None = None) -> None:
    """Hand the problem to a 承办单位 (an org unit in the handler's scope, or named in words) with a deadline."""
    today = today or date.today()
    _open(problem)
    if not may_handle(by, problem):
        raise ProblemError(f"只有{problem.handler_unit.name}的科室负责人可以交办这个问题。")
    if problem.status == ProblemStatus.SOLVED:
        raise ProblemError("此问题已答复解决，等待提出单位确认。")
    if due_on is None or due_on < today:
        raise ProblemError("办理期限不能早于今天。")
    unit = None
    if assignee_unit_id:
        unit = db.session.scalars(scoped(sa.select(OrgUnit).where(OrgUnit.id == assignee_unit_id), by, OrgUnit.id)).first()
        if unit is None:
            raise ProblemError("承办单位不在您的数据范围内。")
    name = (assignee or "").strip() or (unit.name if unit else "")
    if not name:
        raise ProblemError("请选择或填写承办单位。")
    problem.assignee, problem.assignee_unit = name[:100], unit
    problem.due_on, problem.status = due_on, ProblemStatus.HANDLING
    step = _step(problem, CaseAction.ASSIGN, by, today, f"交{name}办理", unit.id if unit else None, due_on)
    _tell([problem.raised_by_id], problem, f"已交{name}办理，期限 {due_on}", step, by)


def solve(by: User, problem: ProjectProblem, solution: str, today: date | None = None) -> None:
    """Answer the problem with how it was solved; the raiser then confirms or reopens it."""
    today = today or date.today()
    _open(problem)
    if not may_handle(by, problem):
        raise ProblemError(f"只有{problem.handler_unit.name}的科室负责人可以答复解决这个问题。")
    if problem.status == ProblemStatus.SOLVED:
        raise ProblemError("此问题已答复解决，等待提出单位确认。")
    if not (solution or "").strip():
        raise ProblemError("请写明解决情况。")
    problem.solution, problem.solved_on, problem.status = solution.strip(), today, ProblemStatus.SOLVED
    step = _step(problem, CaseAction.SOLVE, by, today, problem.solution)
    _tell([problem.raised_by_id], problem, "已答复解决，请确认", step, by)


def confirm(by: User, problem: ProjectProblem, today: date | None = None) -> None:
    """The raiser's side agrees it is solved: the problem is closed (已办结)."""
    today = today or date.today()
    if not may_confirm(by, problem):
        raise ProblemError("只有提出单位可以确认问题已解决。")
    if problem.status != ProblemStatus.SOLVED:
        raise ProblemError("问题尚未答复解决，不能确认。")
    problem.status, problem.closed_on = ProblemStatus.CLOSED, today
    step = _step(problem, CaseAction.CONFIRM, by, today)
    _tell(handlers_of(problem), problem, "提出单位已确认解决", step, by)


def reopen(by: User, problem: ProjectProblem, reason: str, today: date | None = None) -> None:
    """The raiser's side says it is not solved: back to its handlers, with a new deadline."""
    today = today or date.today()
    if not may_confirm(by, problem):
        raise ProblemError("只有提出单位可以重新打开问题。")
    if problem.status != ProblemStatus.SOLVED:
        raise ProblemError("只有已答复解决的问题可以重新打开。")
    if not (reason or "").strip():
        raise ProblemError("请写明仍未解决的原因。")
    problem.status = ProblemStatus.HANDLING if problem.assignee else ProblemStatus.OPEN
    problem.solved_on, problem.due_on = None, today + timedelta(days=escalate_days(problem.handler_unit_id))
    step = _step(problem, CaseAction.REOPEN, by, today, reason.strip(), due_on=problem.due_on)
    _tell(handlers_of(problem), problem, "提出单位认为仍未解决", step, by)


def escalate_overdue(today: date) -> int:
    """The daily run: every problem unsolved past its deadline climbs one level (none above the
    province), gets that level's deadline, and the new handlers and the raiser are told."""
    moved = 0
    overdue = db.session.scalars(sa.select(ProjectProblem).where(
        ProjectProblem.status.in_(OPEN_PROBLEM), ProjectProblem.due_on < today)
        .options(selectinload(ProjectProblem.project), selectinload(ProjectProblem.unit))).all()
    for problem in overdue:
        rungs = [r.id for r in ladder(problem.unit)]
        place = rungs.index(problem.handler_unit_id) if problem.handler_unit_id in rungs else len(rungs)
        if place + 1 >= len(rungs):
            continue  # at the top: it stays overdue there, in red
        above, was = db.session.get(OrgUnit, rungs[place + 1]), problem.due_on
        problem.handler_unit, problem.status, problem.assignee, problem.assignee_unit = above, ProblemStatus.OPEN, None, None
        problem.due_on, problem.escalations = today + timedelta(days=escalate_days(above.id)), problem.escalations + 1
        step = _step(problem, CaseAction.ESCALATE, None, today, f"办理期限 {was} 已过仍未解决，自动上报{above.name}",
                     above.id, problem.due_on)
        _tell([*handlers_of(problem), problem.raised_by_id], problem, f"逾期未解决，已上报{above.name}", step)
        webhooks.emit(WebhookEvent.PROBLEM_ESCALATED, problem.unit_id, f"problem:{problem.id}:{problem.escalations}", {
            "problem": {"id": problem.id, "kind": problem.kind, "description": problem.description,
                        "handler_unit_id": above.id, "due_on": problem.due_on.isoformat(),
                        "escalations": problem.escalations},
            "project": {"id": problem.project_id, "name": problem.project.name, "url": f"/api/v1/projects/{problem.project_id}"}})
        moved += 1
    return moved


def of_project(by: User, project: Project) -> list[ProjectProblem]:
    return list(db.session.scalars(scoped(sa.select(ProjectProblem).where(ProjectProblem.project_id == project.id),
                                          by, ProjectProblem.unit_id)
                                   .options(selectinload(ProjectProblem.handler_unit))
                                   .order_by(ProjectProblem.raised_on.desc(), ProjectProblem.id.desc())))


def steps_of(problem: ProjectProblem) -> list[CaseStep]:
    return case_steps.of("problem", problem.id)


# ---------- the 问题台账 ----------

SORTS = {"raised_on": "提出日期", "due_on": "办理期限"}
STATES = {"open": "未解决", "overdue": "逾期", "solved": ProblemStatus.SOLVED.label, "closed": ProblemStatus.CLOSED.label}


def search(by: User, f: dict, today: date | None = None) -> sa.Select:
    """The problems in scope that the ledger's filters leave, in the order asked."""
    today = today or date.today()
    stmt = scoped(sa.select(ProjectProblem), by, ProjectProblem.unit_id)
    if f.get("unit_id"):
        stmt = stmt.where(in_subtree(ProjectProblem.unit_id, f["unit_id"]))
    if f.get("kind"):
        stmt = stmt.where(ProjectProblem.kind == f["kind"])
    state = f.get("state")
    if state in ("open", "overdue"):
        stmt = stmt.where(ProjectProblem.status.in_(OPEN_PROBLEM))
        if state == "overdue":
            stmt = stmt.where(ProjectProblem.due_on < today)
    elif state in ("solved", "closed"):
        stmt = stmt.where(ProjectProblem.status == state)
    if f.get("mine"):  # waiting for the user's own unit to handle
        stmt = stmt.where(ProjectProblem.handler_unit_id == by.unit_id, ProjectProblem.status.in_(OPEN_PROBLEM))
    if f.get("escalated"):
        stmt = stmt.where(ProjectProblem.escalations > 0)
    if f.get("date_from"):
        stmt = stmt.where(ProjectProblem.raised_on >= f["date_from"])
    if f.get("date_to"):
        stmt = stmt.where(ProjectProblem.raised_on <= f["date_to"])
    if f.get("project_id"):
        stmt = stmt.where(ProjectProblem.project_id == f["project_id"])
    if f.get("q"):
        stmt = stmt.where(sa.or_(ProjectProblem.description.contains(f["q"], autoescape=True),
                                 ProjectProblem.project_id.in_(sa.select(Project.id).where(
                                     Project.name.contains(f["q"], autoescape=True)))))
    return list_order(stmt, ProjectProblem, f, "raised_on")


EXPORT_HEADERS = ["编号", "项目名称", "问题类别", "问题描述", "诉求", "提出单位", "提出日期", "当前办理单位", "层级",
                  "逾期上报次数", "承办单位", "办理期限", "状态", "是否逾期", "解决情况", "解决日期", "办结日期"]


def export_rows(stmt: sa.Select, today: date | None = None):
    today = today or date.today()
    stmt = stmt.options(selectinload(ProjectProblem.project), selectinload(ProjectProblem.unit),
                        selectinload(ProjectProblem.handler_unit))
    for p in db.session.scalars(stmt).yield_per(2000):
        yield [p.id, p.project.name, p.kind_label, p.description, p.request, p.unit.name, p.raised_on,
               p.handler_unit.name, level_of(p).label, p.escalations, p.assignee, p.due_on, p.status_label,
               "是" if p.overdue(today) else "", p.solution, p.solved_on, p.closed_on]
