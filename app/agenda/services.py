"""我的工作台: what a user has to do — follow-ups by when they are due, records waiting for its
review, records sent back to it, warnings on its projects — and the follow-up actions taken from
there (done, snoozed, handed to a colleague). Never commits."""
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import unit_settings
from app.activities import services as visits  # a module: the two packages import each other
from app.auth.scope import scoped
from app.extensions import db
from app.models import Activity, Project, ProjectProblem, SavedView, Supervision, User
from app.models.dispatch import OPEN_PROBLEM
from app.models.enums import ProblemStatus, Role, SupervisionStatus
from app.projects import services as projects
from app.projects import warnings
from app.projects.services import refresh_facts

SHOWN = 500  # follow-ups listed at most; the counts link to the full lists


MANAGER_VIEW = "agenda_manager_view"  # a unit setting: what its managers' agenda shows first ("scope" or "mine")
VIEWS = {"scope": "本单位及下级的全部事项", "mine": "由本人跟进的事项"}


def manager_view(unit_id: int) -> str:
    """What the managers (and admins) of this unit see first on their agenda: their whole scope
    unless an admin of the unit or above chose their own (a unit setting, inherited downward)."""
    found = unit_settings.in_force(unit_id, [MANAGER_VIEW]).get(MANAGER_VIEW)
    return found[0] if found and found[0] in VIEWS else "scope"


def save_manager_view(unit_id: int, view: str | None) -> None:
    if view not in (None, "", *VIEWS):
        raise visits.ActivityError("工作台默认范围无效。")
    unit_settings.save(unit_id, {MANAGER_VIEW: view or None})


def whole_scope(user: User, asked: str | None) -> bool:
    """Whose follow-ups and projects the page shows: the user's own, or its whole scope. Officers
    see their own unless they ask; managers and admins what their unit's setting says."""
    if asked in VIEWS:
        return asked == "scope"
    return user.role in (Role.MANAGER, Role.ADMIN) and manager_view(user.unit_id) == "scope"


def open_follow_ups(user: User, scope: bool) -> sa.Select:
    """The open follow-ups the page is about: handed to the user, or (scope) all in its scope."""
    stmt = sa.select(Activity).where(Activity.next_follow_up_on.is_not(None), Activity.follow_up_done_at.is_(None))
    return scoped(stmt, user, Activity.unit_id) if scope else stmt.where(Activity.follow_up_by_id == user.id)


@dataclass
class Agenda:
    overdue: list = field(default_factory=list)
    today: list = field(default_factory=list)
    this_week: list = field(default_factory=list)
    later: list = field(default_factory=list)
    reviews: int = 0
    returned: list = field(default_factory=list)
    warned: list = field(default_factory=list)  # (project, warning labels)
    warned_total: int = 0
    orders: list = field(default_factory=list)  # 督办 to reply to, or replied and for the user to review
    problems: list = field(default_factory=list)  # to handle (its unit's), or answered and for it to confirm


def agenda(user: User, scope: bool, today: date) -> Agenda:
    rows = db.session.scalars(open_follow_ups(user, scope).options(
        selectinload(Activity.enterprises), selectinload(Activity.project), selectinload(Activity.follow_up_by))
        .order_by(Activity.next_follow_up_on, Activity.id).limit(SHOWN)).all()
    week_end = today + timedelta(days=6 - today.weekday())
    found = Agenda(overdue=[a for a in rows if a.next_follow_up_on < today],
                   today=[a for a in rows if a.next_follow_up_on == today],
                   this_week=[a for a in rows if today < a.next_follow_up_on <= week_end],
                   later=[a for a in rows if a.next_follow_up_on > week_end])
    if user.role in (Role.MANAGER, Role.ADMIN):
        found.reviews = projects.waiting_for_review(user)
    found.returned = projects.returned_to(user)
    warned = projects_in_view(user, scope).where(warnings.any_warning(today))
    found.warned_total = db.session.scalar(sa.select(sa.func.count()).select_from(warned.subquery()))
    shown = db.session.scalars(warned.order_by(Project.stage_on, Project.id).limit(20)).all()
    labels = warnings.of_projects([p.id for p in shown], today)
    found.warned = [(p, labels.get(p.id, [])) for p in shown]
    found.orders, found.problems = cases(user)
    return found


def cases(user: User) -> tuple[list[Supervision], list[ProjectProblem]]:
    """The 督办 and problems waiting for the user itself, most pressing first (at most SHOWN each)."""
    manager = user.role in (Role.MANAGER, Role.ADMIN)
    mine = Supervision.assignee_id == user.id
    if manager:
        mine = sa.or_(mine, sa.and_(Supervision.assignee_id.is_(None), Supervision.unit_id == user.unit_id))
    orders = db.session.scalars(sa.select(Supervision).where(sa.or_(
        sa.and_(Supervision.status == SupervisionStatus.OPEN, mine),
        sa.and_(Supervision.status == SupervisionStatus.REPLIED, Supervision.issuer_id == user.id)))
        .options(selectinload(Supervision.project)).order_by(Supervision.due_on, Supervision.id).limit(SHOWN)).all()
    waiting = sa.and_(ProjectProblem.status == ProblemStatus.SOLVED, ProjectProblem.raised_by_id == user.id)
    if manager:
        waiting = sa.or_(waiting, sa.and_(ProjectProblem.status.in_(OPEN_PROBLEM),
                                          ProjectProblem.handler_unit_id == user.unit_id))
    problems = db.session.scalars(sa.select(ProjectProblem).where(waiting).options(
        selectinload(ProjectProblem.project), selectinload(ProjectProblem.handler_unit))
        .order_by(ProjectProblem.due_on, ProjectProblem.id).limit(SHOWN)).all()
    return orders, problems


def projects_in_view(user: User, scope: bool) -> sa.Select:
    stmt = scoped(sa.select(Project), user, Project.unit_id)
    return stmt if scope else stmt.where(Project.officer_id == user.id)


def may_act(by: User, activity: Activity) -> bool:
    """A follow-up is done, put off or handed on by whom it is handed to, or who may change the visit."""
    return activity.follow_up_by_id == by.id or visits.may_change(by, activity)


def _may_act(by: User, activity: Activity) -> None:
    if not may_act(by, activity):
        raise visits.ActivityError("只有跟进人、记录人或科室负责人可以处理这条跟进。")
    if activity.follow_up_done_at is not None or activity.next_follow_up_on is None:
        raise visits.ActivityError("这条跟进已完成。")


def done(by: User, activity: Activity) -> None:
    _may_act(by, activity)
    visits.close_follow_up(activity)


def snooze(by: User, activity: Activity, days: int, today: date) -> None:
    """Put the follow-up off to ``days`` from today (1 to 30)."""
    _may_act(by, activity)
    if not 1 <= days <= 30:
        raise visits.ActivityError("顺延天数应为 1–30 天。")
    activity.next_follow_up_on = today + timedelta(days=days)
    db.session.flush()
    refresh_facts([activity.project_id])


def reassign(by: User, activity: Activity, user_id: int | None) -> User:
    """Hand the follow-up to a colleague in the user's scope who logs visits."""
    _may_act(by, activity)
    colleague = db.session.scalars(scoped(sa.select(User).where(
        User.id == user_id, User.is_active.is_(True), User.role.in_([Role.OFFICER, Role.MANAGER, Role.ADMIN])),
        by, User.unit_id)).first() if user_id else None
    if colleague is None:
        raise visits.ActivityError("请选择您数据范围内的一位在用的同事。")
    activity.follow_up_by_id = colleague.id
    db.session.flush()
    return colleague


def colleagues(by: User) -> list[User]:
    return list(db.session.scalars(scoped(sa.select(User).where(
        User.is_active.is_(True), User.role.in_([Role.OFFICER, Role.MANAGER, Role.ADMIN])).order_by(User.display_name),
        by, User.unit_id)))


# The lists whose filters a user may save (我的视图): the ones that show the shared filter bar.
VIEW_LISTS = {"enterprises.index": "企业库", "projects.index": "招商项目", "projects.board": "看板",
              "projects.warning_list": "预警", "activities.index": "对接记录", "events.index": "招商活动",
              "problems.index": "问题台账"}


def views(user: User, endpoint: str) -> list[SavedView]:
    return list(db.session.scalars(sa.select(SavedView).where(SavedView.user_id == user.id,
                                                              SavedView.endpoint == endpoint).order_by(SavedView.name)))


def save_view(user: User, endpoint: str, name: str, query: str) -> SavedView:
    """Save (or replace, under the same name) a list's filters for the user."""
    name = (name or "").strip()
    if endpoint not in VIEW_LISTS:
        raise visits.ActivityError("这个页面不能保存视图。")
    if not 1 <= len(name) <= 30:
        raise visits.ActivityError("视图名称应为 1–30 个字。")
    if len(query) > 1000:
        raise visits.ActivityError("筛选条件过长，不能保存。")
    view = db.session.scalar(sa.select(SavedView).where(SavedView.user_id == user.id, SavedView.endpoint == endpoint,
                                                        SavedView.name == name))
    if view is None:
        view = SavedView(user_id=user.id, endpoint=endpoint, name=name)
        db.session.add(view)
    view.query = query
    db.session.flush()
    return view
