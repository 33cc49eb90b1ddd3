"""督办: a manager turns a warning, a problem or a project into a supervision order — what must be
done, by which unit and person, by when. The assignee replies (text and files); the issuer
accepts it (办结, on time if by the deadline) or returns it. Past its deadline an open order is
reminded (催办) in the daily run, again every few days (a unit setting of the issuer's).

Services flush, never commit."""
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import case_steps, unit_settings
from app.attachments.services import store
from app.auth.scope import get_scoped_unit, in_subtree, is_within, scoped
from app.extensions import db
from app.models import CaseStep, Project, ProjectProblem, Supervision, User
from app.models.enums import CaseAction, NotificationKind, Role, SupervisionStatus
from app.notify import link
from app.projects import warnings
from app.web import list_order

ISSUERS = (Role.ADMIN, Role.MANAGER)
REMIND_DAYS = "supervision_remind_days"  # a unit setting (the issuer's): days between 催办 of an overdue order
DEFAULT_REMIND_DAYS = 3


class SupervisionError(ValueError):
    pass


def remind_days(unit_id: int) -> int:
    return unit_settings.number(unit_id, REMIND_DAYS, DEFAULT_REMIND_DAYS)


def save_remind_days(unit_id: int, days: int | None) -> None:
    if days is not None and not 1 <= days <= 30:
        raise SupervisionError("催办间隔应为 1–30 天。")
    unit_settings.save(unit_id, {REMIND_DAYS: None if days is None else str(days)})


def _step(order: Supervision, action: str, by: User | None, today: date, text: str | None = None,
          due_on: date | None = None) -> CaseStep:
    return case_steps.add("supervision", order.id, action, by, today, text, order.unit_id, due_on)


def _assignees(order: Supervision) -> list[int]:
    """The person it is addressed to, else the unit's active managers."""
    if order.assignee_id:
        return [order.assignee_id]
    return list(db.session.scalars(sa.select(User.id).where(User.unit_id == order.unit_id, User.is_active.is_(True),
                                                            User.role.in_(ISSUERS))))


def _tell(user_ids, order: Supervision, text: str, step: CaseStep, by: User | None = None) -> None:
    case_steps.tell(user_ids, NotificationKind.SUPERVISION, f"督办：{order.task[:60]}（{text}）",
                    link("supervision.detail", supervision_id=order.id), step, by)


def issue(by: User, data: dict, project: Project, problem: ProjectProblem | None = None, warning: str | None = None,
          today: date | None = None) -> Supervision:
    """A 督办单 on the project (in the issuer's scope), from one of its problems or warnings, to a
    unit in the issuer's scope and optionally a person of it."""
    today = today or date.today()
    if by.role not in ISSUERS:
        raise SupervisionError("只有科室负责人或局领导可以下达督办。")
    task = (data.get("task") or "").strip()
    if not task:
        raise SupervisionError("请写明督办事项。")
    unit = get_scoped_unit(by, data.get("unit_id"))
    if unit is None:
        raise SupervisionError("承办单位不在您的数据范围内。")
    assignee = db.session.get(User, data["assignee_id"]) if data.get("assignee_id") else None
    if data.get("assignee_id") and (assignee is None or not assignee.is_active
                                    or not is_within(assignee.unit_id, unit.id)):
        raise SupervisionError("承办人应为承办单位（或其下级）的在用人员。")
    due_on = data.get("due_on")
    if due_on is None or due_on < today:
        raise SupervisionError("办理期限不能早于今天。")
    if warning is not None and warning not in warnings.LABELS:
        raise SupervisionError("预警类型无效。")
    if problem is not None and problem.project_id != project.id:
        raise SupervisionError("所选问题不属于该项目。")
    order = Supervision(task=task[:4000], project_id=project.id, problem_id=problem.id if problem else None,
                        warning=warning, unit_id=unit.id, assignee_id=assignee.id if assignee else None,
                        issuer_id=by.id, issuer_unit_id=by.unit_id, issued_on=today, due_on=due_on,
                        status=SupervisionStatus.OPEN)
    db.session.add(order)
    db.session.flush()
    step = _step(order, CaseAction.ISSUE, by, today, task, due_on)
    _tell(_assignees(order), order, f"请于 {due_on} 前回复", step, by)
    return order


def may_reply(by: User, order: Supervision) -> bool:
    """The person it is addressed to, or a manager of its unit (where it names nobody, or they are away)."""
    return by.id == order.assignee_id or (by.role in ISSUERS and by.unit_id == order.unit_id)


def may_review(by: User, order: Supervision) -> bool:
    """The issuer, or a manager of the issuer's unit or above it."""
    return by.id == order.issuer_id or (by.role in ISSUERS and is_within(order.issuer_unit_id, by.unit_id))


def reply(by: User, order: Supervision, text: str, uploads=(), today: date | None = None) -> None:
    today = today or date.today()
    if order.status == SupervisionStatus.CLOSED:
        raise SupervisionError("此督办已办结，不能再回复。")
    if order.status == SupervisionStatus.REPLIED:
        raise SupervisionError("已回复，等待督办单位审核。")
    if not may_reply(by, order):
        raise SupervisionError("只有承办人或承办单位的科室负责人可以回复督办。")
    if not (text or "").strip():
        raise SupervisionError("请填写办理情况。")
    order.reply, order.replied_on, order.status = text.strip(), today, SupervisionStatus.REPLIED
    step = _step(order, CaseAction.REPLY, by, today, order.reply)
    store(list(uploads or ()), "Supervision", order.id, by)
    _tell([order.issuer_id], order, f"{by.display_name}已回复，请审核", step, by)


def _replied(by: User, order: Supervision) -> None:
    if not may_review(by, order):
        raise SupervisionError("只有督办单位可以审核回复。")
    if order.status != SupervisionStatus.REPLIED:
        raise SupervisionError("尚无待审核的回复。" if order.status == SupervisionStatus.OPEN else "此督办已办结。")


def accept(by: User, order: Supervision, today: date | None = None) -> None:
    """The reply does: the order is closed (办结), on time if by its deadline."""
    today = today or date.today()
    _replied(by, order)
    order.status, order.closed_on = SupervisionStatus.CLOSED, today
    step = _step(order, CaseAction.ACCEPT, by, today, "按期办结" if order.on_time else "逾期办结")
    _tell(_assignees(order), order, "已审核办结", step, by)


def send_back(by: User, order: Supervision, reason: str, due_on: date | None = None, today: date | None = None) -> None:
    """The reply does not do: back to the assignee, with why and, if given, a new deadline."""
    today = today or date.today()
    _replied(by, order)
    if not (reason or "").strip():
        raise SupervisionError("请写明退回原因。")
    if due_on is not None and due_on < today:
        raise SupervisionError("办理期限不能早于今天。")
    order.status, order.due_on = SupervisionStatus.OPEN, due_on or order.due_on
    step = _step(order, CaseAction.RETURN, by, today, reason.strip(), due_on)
    _tell(_assignees(order), order, f"被退回：{reason.strip()[:40]}", step, by)


def remind(by: User | None, order: Supervision, today: date) -> None:
    """催办: tell the assignee again that the order waits (by its issuer's side, or by the clock)."""
    if order.status != SupervisionStatus.OPEN:
        raise SupervisionError("只有待回复的督办可以催办。")
    if by is not None and not may_review(by, order):
        raise SupervisionError("只有督办单位可以催办。")
    order.reminded_on = today
    late = f"已超过办理期限 {order.due_on}" if order.due_on < today else f"办理期限 {order.due_on}"
    step = _step(order, CaseAction.REMIND, by, today, f"{late}，请尽快办理并回复")
    _tell(_assignees(order), order, f"{late}，催办", step, by)


def remind_overdue(today: date) -> int:
    """The daily run's 催办: each open order past its deadline, reminded again once the issuer
    unit's interval has passed since the last time."""
    reminded = 0
    overdue = db.session.scalars(sa.select(Supervision).where(
        Supervision.status == SupervisionStatus.OPEN, Supervision.due_on < today)).all()
    for order in overdue:
        if order.reminded_on and order.reminded_on > today - timedelta(days=remind_days(order.issuer_unit_id)):
            continue
        remind(None, order, today)
        reminded += 1
    return reminded


def of_project(by: User, project: Project) -> list[Supervision]:
    return list(db.session.scalars(scoped(sa.select(Supervision).where(Supervision.project_id == project.id), by,
                                          Supervision.unit_id).order_by(Supervision.issued_on.desc(), Supervision.id.desc())))


def steps_of(order: Supervision) -> list[CaseStep]:
    return case_steps.of("supervision", order.id)


# ---------- the list ----------

SORTS = {"issued_on": "下达日期", "due_on": "办理期限"}
STATES = {"open": "办理中", "overdue": "逾期", "replied": SupervisionStatus.REPLIED.label,
          "closed": SupervisionStatus.CLOSED.label}


def search(by: User, f: dict, today: date | None = None) -> sa.Select:
    """The orders in scope (by their assignee's unit; the issuer's is that one or above it)."""
    today = today or date.today()
    stmt = scoped(sa.select(Supervision), by, Supervision.unit_id)
    if f.get("unit_id"):
        stmt = stmt.where(in_subtree(Supervision.unit_id, f["unit_id"]))
    state = f.get("state")
    if state in ("open", "overdue"):
        stmt = stmt.where(Supervision.status == SupervisionStatus.OPEN)
        if state == "overdue":
            stmt = stmt.where(Supervision.due_on < today)
    elif state in ("replied", "closed"):
        stmt = stmt.where(Supervision.status == state)
    if f.get("mine") == "issued":
        stmt = stmt.where(Supervision.issuer_id == by.id)
    elif f.get("mine") == "assigned":
        stmt = stmt.where(Supervision.assignee_id == by.id)
    if f.get("date_from"):
        stmt = stmt.where(Supervision.issued_on >= f["date_from"])
    if f.get("date_to"):
        stmt = stmt.where(Supervision.issued_on <= f["date_to"])
    if f.get("q"):
        stmt = stmt.where(sa.or_(Supervision.task.contains(f["q"], autoescape=True),
                                 Supervision.project_id.in_(sa.select(Project.id).where(
                                     Project.name.contains(f["q"], autoescape=True)))))
    return list_order(stmt, Supervision, f, "issued_on")


EXPORT_HEADERS = ["编号", "督办事项", "项目", "来源", "下达单位", "下达人", "下达日期", "承办单位", "承办人", "办理期限",
                  "状态", "是否逾期", "办理情况", "回复日期", "办结日期", "按期办结"]


def source_of(order: Supervision) -> str:
    if order.problem_id:
        return f"项目问题 #{order.problem_id}"
    return f"预警：{warnings.LABELS.get(order.warning, order.warning)}" if order.warning else "项目"


def export_rows(stmt: sa.Select, today: date | None = None):
    today = today or date.today()
    stmt = stmt.options(selectinload(Supervision.project), selectinload(Supervision.unit),
                        selectinload(Supervision.issuer_unit), selectinload(Supervision.issuer),
                        selectinload(Supervision.assignee))
    for o in db.session.scalars(stmt).yield_per(2000):
        yield [o.id, o.task, o.project.name if o.project else None, source_of(o), o.issuer_unit.name,
               o.issuer.display_name if o.issuer else None, o.issued_on, o.unit.name,
               o.assignee.display_name if o.assignee else None, o.due_on, o.status_label,
               "是" if o.overdue(today) else "", o.reply, o.replied_on, o.closed_on,
               ("是" if o.on_time else "否") if o.closed_on else ""]
