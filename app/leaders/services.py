"""包保: the leaders in charge of enterprises and projects. A leader belongs to a unit; the units
under it may put it in charge of their records (a 市领导 of a county's project), as they use the
chains of the units above."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.auth.scope import get_scoped_unit, scoped
from app.extensions import db
from app.models import Enterprise, Leader, LeaderLink, Project, ProjectProblem, User
from app.models.dispatch import OPEN_PROBLEM
from app.models.enums import Role
from app.projects import warnings

KEEPERS = (Role.ADMIN, Role.MANAGER)


class LeaderError(ValueError):
    pass


def visible(by: User) -> sa.Select:
    """The leaders of the user's units and of the units above it."""
    return scoped(sa.select(Leader), by, Leader.unit_id, inherited=True)


def save(by: User, data: dict, leader: Leader | None = None) -> Leader:
    name, post = (data.get("name") or "").strip(), (data.get("post") or "").strip()
    if not name or not post:
        raise LeaderError("请填写姓名和职务。")
    if get_scoped_unit(by, data.get("unit_id")) is None:
        raise LeaderError("所属单位不在您的数据范围内。")
    if data.get("user_id") and db.session.scalars(scoped(sa.select(User.id).where(User.id == data["user_id"]), by,
                                                         User.unit_id)).first() is None:
        raise LeaderError("关联账号不在您的数据范围内。")
    leader = leader or Leader()
    leader.name, leader.post, leader.unit_id = name[:50], post[:100], data["unit_id"]
    leader.user_id, leader.is_active = data.get("user_id") or None, bool(data.get("is_active", True))
    db.session.add(leader)
    db.session.flush()
    return leader


def put_in_charge(by: User, leader_id: int, enterprise: Enterprise | None = None, project: Project | None = None) -> LeaderLink:
    """Make a leader the user sees (active) in charge of a record in the user's scope."""
    leader = db.session.scalars(visible(by).where(Leader.id == leader_id, Leader.is_active.is_(True))).first()
    if leader is None:
        raise LeaderError("请选择您可见的在任包保领导。")
    taken = sa.select(LeaderLink.id).where(LeaderLink.leader_id == leader.id,
                                           LeaderLink.enterprise_id == enterprise.id if enterprise
                                           else LeaderLink.project_id == project.id)
    if db.session.scalar(taken) is not None:
        raise LeaderError(f"{leader.title}已是包保领导。")
    link = LeaderLink(leader=leader, enterprise_id=enterprise.id if enterprise else None,
                      project_id=project.id if project else None)
    db.session.add(link)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:  # the same leader put in charge twice at once
        raise LeaderError(f"{leader.title}已是包保领导。") from error
    return link


def release(link: LeaderLink) -> None:
    db.session.delete(link)
    db.session.flush()


def in_charge_of(project_id: int) -> sa.Select:
    """The leaders in charge of a project, or of its investor."""
    investor = sa.select(Project.investor_id).where(Project.id == project_id).scalar_subquery()
    return sa.select(Leader).where(Leader.id.in_(sa.select(LeaderLink.leader_id).where(
        sa.or_(LeaderLink.project_id == project_id, LeaderLink.enterprise_id == investor))))


def leaders_of(enterprise_ids=(), project_ids=()) -> dict[tuple[str, int], list[Leader]]:
    """The leaders in charge of these records, by ("enterprise" | "project", id), in one query."""
    found: dict[tuple[str, int], list[Leader]] = {}
    if not enterprise_ids and not project_ids:
        return found
    rows = db.session.execute(sa.select(LeaderLink.enterprise_id, LeaderLink.project_id, Leader).join(Leader).where(
        sa.or_(LeaderLink.enterprise_id.in_(list(enterprise_ids)), LeaderLink.project_id.in_(list(project_ids))))
        .order_by(Leader.name))
    for enterprise_id, project_id, leader in rows:
        key = ("enterprise", enterprise_id) if enterprise_id else ("project", project_id)
        found.setdefault(key, []).append(leader)
    return found


def links_of(enterprise: Enterprise | None = None, project: Project | None = None) -> list[LeaderLink]:
    column, ident = (LeaderLink.enterprise_id, enterprise.id) if enterprise else (LeaderLink.project_id, project.id)
    return list(db.session.scalars(sa.select(LeaderLink).join(Leader).where(column == ident).order_by(Leader.name)))


def in_charge(by: User, leader: Leader, today: date) -> dict:
    """What the leader is in charge of within the user's scope: enterprises, projects with their
    warnings, and the open problems of those projects (and of the enterprises' projects)."""
    links = sa.select(LeaderLink).where(LeaderLink.leader_id == leader.id)
    enterprises = db.session.scalars(scoped(sa.select(Enterprise).where(Enterprise.id.in_(
        links.with_only_columns(LeaderLink.enterprise_id))), by, Enterprise.unit_id).order_by(Enterprise.name)).all()
    projects = db.session.scalars(scoped(sa.select(Project).where(sa.or_(
        Project.id.in_(links.with_only_columns(LeaderLink.project_id)),
        Project.investor_id.in_(links.with_only_columns(LeaderLink.enterprise_id)))), by, Project.unit_id)
        .order_by(Project.name)).all()
    problems = db.session.scalars(scoped(sa.select(ProjectProblem).where(
        ProjectProblem.project_id.in_([p.id for p in projects]), ProjectProblem.status.in_(OPEN_PROBLEM)), by,
        ProjectProblem.unit_id).order_by(ProjectProblem.due_on)).all()
    return {"enterprises": enterprises, "projects": projects, "problems": problems,
            "warnings": warnings.of_projects([p.id for p in projects], today) if projects else {}}


def page_context(by: User, enterprise: Enterprise | None = None, project: Project | None = None) -> dict:
    """What an enterprise's or a project's page shows of its 包保 (leaders/_in_charge.html)."""
    keeps = by.role in KEEPERS
    return {"leader_links": links_of(enterprise, project), "may_keep_leaders": keeps,
            "record": {"enterprise_id": enterprise.id} if enterprise else {"project_id": project.id},
            "leader_choices": [(leader.id, leader.title) for leader in db.session.scalars(
                visible(by).where(Leader.is_active.is_(True)).order_by(Leader.name))] if keeps else []}
