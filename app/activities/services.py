"""Visit log (对接记录): logging, follow-ups and targets left without contact."""
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import tally
from app.attachments.services import store
from app.auth.scope import get_scoped_unit, in_subtree, scoped
from app.extensions import db
from app.models import Activity, Attachment, Enterprise, Project, User, activity_enterprise, utcnow
from app.models.enums import EnterpriseStatus, Role
from app.projects.services import refresh_facts
from app.web import list_order

FIELDS = ("kind", "occurred_on", "unit_id", "participants", "led_by_top_leader", "project_id", "summary", "outcome",
          "next_step", "next_follow_up_on")


class ActivityError(ValueError):
    pass


def _checked(by: User, data: dict, today: date | None) -> dict:
    """The activity's own fields, once their dates, unit and project pass the rules."""
    data = {k: v for k, v in data.items() if k in FIELDS}
    if data["occurred_on"] > (today or date.today()):
        raise ActivityError("对接日期不能晚于今天。")
    if data.get("next_follow_up_on") and data["next_follow_up_on"] < data["occurred_on"]:
        raise ActivityError("下次跟进日期不能早于对接日期。")
    if get_scoped_unit(by, data.get("unit_id")) is None:
        raise ActivityError("填报单位不存在或不在您的数据范围内。")
    if data.get("project_id") and db.session.scalars(scoped(
            sa.select(Project.id).where(Project.id == data["project_id"]), by, Project.unit_id)).first() is None:
        raise ActivityError("所选项目不存在或不在您的数据范围内。")
    return data


def log_activity(by: User, data: dict, enterprise_ids: list[int], uploads=(), today: date | None = None) -> Activity:
    """Record an activity with its enterprises; earlier open follow-ups with them are done now."""
    data = _checked(by, data, today)
    enterprises = list(db.session.scalars(scoped(sa.select(Enterprise).where(Enterprise.id.in_(enterprise_ids)),
                                                 by, Enterprise.unit_id)))
    if len(enterprises) != len(set(enterprise_ids)):
        raise ActivityError("所选企业不存在或不在您的数据范围内。")
    if not enterprises and not data.get("project_id"):
        raise ActivityError("请至少选择一家企业或一个项目。")
    closed = _close_follow_ups([e.id for e in enterprises], data["occurred_on"])
    activity = Activity(**data, enterprises=enterprises, recorded_by_id=by.id,
                        follow_up_by_id=by.id if data.get("next_follow_up_on") else None)
    db.session.add(activity)
    db.session.flush()
    for enterprise in enterprises:
        if enterprise.last_contacted_on is None or enterprise.last_contacted_on < activity.occurred_on:
            enterprise.last_contacted_on = activity.occurred_on
    store(list(uploads or ()), "Activity", activity.id, by)
    db.session.flush()
    refresh_facts([activity.project_id, *closed])
    return activity


def may_change(by: User, activity: Activity) -> bool:
    """A visit is corrected or deleted by the one who recorded it, or a manager (or admin) over it."""
    return by.id == activity.recorded_by_id or by.role in (Role.MANAGER, Role.ADMIN)


def update_activity(by: User, activity: Activity, data: dict, today: date | None = None) -> None:
    """Correct a visit (its enterprises stay); the dates it sets on its enterprises and projects
    follow. Audited field by field."""
    if not may_change(by, activity):
        raise ActivityError("只有记录人或科室负责人可以修改这条对接记录。")
    data = _checked(by, data, today)
    projects = [activity.project_id, data.get("project_id")]
    for key, value in data.items():
        setattr(activity, key, value)
    if activity.next_follow_up_on and activity.follow_up_by_id is None:
        activity.follow_up_by_id = by.id
    db.session.flush()
    refresh_last_contacted([e.id for e in activity.enterprises])
    refresh_facts(projects)


def delete_activity(by: User, activity: Activity) -> None:
    """Delete a visit recorded by mistake, with its attachments' records (the files stay in the
    store); the dates it set on its enterprises and project go back to the other visits'. Audited."""
    if not may_change(by, activity):
        raise ActivityError("只有记录人或科室负责人可以删除这条对接记录。")
    enterprise_ids, project_id = [e.id for e in activity.enterprises], activity.project_id
    for attachment in db.session.scalars(sa.select(Attachment).where(Attachment.owner_type == "Activity",
                                                                       Attachment.owner_id == activity.id)):
        db.session.delete(attachment)
    db.session.delete(activity)
    db.session.flush()
    refresh_last_contacted(enterprise_ids)
    refresh_facts([project_id])


def _close_follow_ups(enterprise_ids: list[int], occurred_on: date) -> list[int]:
    """Close the open follow-ups with these enterprises up to ``occurred_on``; the ids of their projects."""
    if not enterprise_ids:
        return []
    open_ones = db.session.scalars(sa.select(Activity).join(activity_enterprise).where(
        activity_enterprise.c.enterprise_id.in_(enterprise_ids), Activity.next_follow_up_on.is_not(None),
        Activity.follow_up_done_at.is_(None), Activity.occurred_on <= occurred_on)).all()
    for activity in open_ones:
        activity.follow_up_done_at = utcnow()
    return [a.project_id for a in open_ones if a.project_id]


def close_follow_up(activity: Activity) -> None:
    activity.follow_up_done_at = utcnow()
    db.session.flush()
    refresh_facts([activity.project_id])


@dataclass
class FollowUps:
    overdue: list[Activity]
    today: list[Activity]
    next_week: list[Activity]


def follow_ups(by: User, today: date | None = None) -> FollowUps:
    """Open follow-ups up to a week ahead on the records in the user's scope, whoever typed them in
    (the 跟进逾期 the 驾驶舱 counts lies there too)."""
    today = today or date.today()
    stmt = scoped(sa.select(Activity).where(Activity.next_follow_up_on.is_not(None), Activity.follow_up_done_at.is_(None),
                                            Activity.next_follow_up_on <= today + timedelta(days=7)),
                  by, Activity.unit_id)
    stmt = stmt.options(selectinload(Activity.enterprises), selectinload(Activity.recorded_by))
    rows = list(db.session.scalars(stmt.order_by(Activity.next_follow_up_on, Activity.id).limit(500)))
    return FollowUps(overdue=[a for a in rows if a.next_follow_up_on < today],
                     today=[a for a in rows if a.next_follow_up_on == today],
                     next_week=[a for a in rows if a.next_follow_up_on > today])


def search(by: User, f: dict, today: date | None = None) -> sa.Select:
    """The visits in scope that the list's filters leave, in the order asked."""
    today = today or date.today()
    stmt = scoped(sa.select(Activity), by, Activity.unit_id)
    if f.get("unit_id"):
        stmt = stmt.where(in_subtree(Activity.unit_id, f["unit_id"]))
    if f.get("kind"):
        stmt = stmt.where(Activity.kind == f["kind"])
    if f.get("date_from"):
        stmt = stmt.where(Activity.occurred_on >= f["date_from"])
    if f.get("date_to"):
        stmt = stmt.where(Activity.occurred_on <= f["date_to"])
    if f.get("led"):
        stmt = stmt.where(Activity.led_by_top_leader.is_(True))
    if f.get("follow_up") in ("open", "overdue"):
        stmt = stmt.where(Activity.next_follow_up_on.is_not(None), Activity.follow_up_done_at.is_(None))
        if f["follow_up"] == "overdue":
            stmt = stmt.where(Activity.next_follow_up_on < today)
    if f.get("mine"):
        stmt = stmt.where(Activity.follow_up_by_id == by.id)
    if f.get("q"):
        named = sa.select(activity_enterprise.c.activity_id).join(
            Enterprise, Enterprise.id == activity_enterprise.c.enterprise_id).where(
            Enterprise.name.contains(f["q"], autoescape=True))
        stmt = stmt.where(sa.or_(Activity.summary.contains(f["q"], autoescape=True), Activity.id.in_(named)))
    return list_order(stmt, Activity, f, "occurred_on")


EXPORT_HEADERS = ["对接日期", "方式", "企业", "关联项目", "主要领导带队", "我方参加人员", "对接内容", "成效", "下一步",
                  "下次跟进日期", "跟进状态", "填报单位", "记录人"]


def export_rows(stmt: sa.Select, today: date | None = None):
    """The export's rows, read in batches (a province logs 200,000 visits a year)."""
    today = today or date.today()
    stmt = stmt.options(selectinload(Activity.unit), selectinload(Activity.enterprises),
                        selectinload(Activity.project), selectinload(Activity.recorded_by))
    for a in db.session.scalars(stmt).yield_per(2000):
        state = "" if not a.next_follow_up_on else "已完成" if a.follow_up_done_at else \
            "逾期" if a.next_follow_up_on < today else "待跟进"
        yield [a.occurred_on, a.kind_label, "、".join(e.name for e in a.enterprises), a.project.name if a.project else None,
               "是" if a.led_by_top_leader else "否", a.participants, a.summary, a.outcome, a.next_step,
               a.next_follow_up_on, state, a.unit.name, a.recorded_by.display_name if a.recorded_by else None]


def stale_targets(by: User, days: int, today: date | None = None) -> sa.Select:
    """Targets and prospects in scope not contacted for ``days`` days (or never)."""
    since = (today or date.today()) - timedelta(days=days)
    stmt = sa.select(Enterprise).where(
        Enterprise.is_active.is_(True),
        Enterprise.status.in_([EnterpriseStatus.TARGET, EnterpriseStatus.CONTACTING]),
        sa.or_(Enterprise.last_contacted_on < since, Enterprise.last_contacted_on.is_(None)))
    return scoped(stmt, by, Enterprise.unit_id).order_by(Enterprise.last_contacted_on.asc().nulls_first(),
                                                         Enterprise.id)


def refresh_last_contacted(enterprise_ids: list[int] | None = None) -> None:
    """Recompute these enterprises' last contact date from the visit log; every enterprise's when
    None (bulk loads use that)."""
    if enterprise_ids is not None:
        if enterprise_ids:
            db.session.execute(sa.update(Enterprise).where(Enterprise.id.in_(enterprise_ids)).values(
                last_contacted_on=sa.select(sa.func.max(Activity.occurred_on))
                .join(activity_enterprise, activity_enterprise.c.activity_id == Activity.id)
                .where(activity_enterprise.c.enterprise_id == Enterprise.id).scalar_subquery()),
                execution_options={"synchronize_session": False})
            tally.note(db.session, enterprises=enterprise_ids)  # their projects' 在谈久未对接
            for record in list(db.session.identity_map.values()):
                if isinstance(record, Enterprise) and record.id in enterprise_ids:
                    db.session.expire(record, ["last_contacted_on"])
        return
    latest = (sa.select(activity_enterprise.c.enterprise_id, sa.func.max(Activity.occurred_on).label("day"))
              .join(Activity, Activity.id == activity_enterprise.c.activity_id)
              .group_by(activity_enterprise.c.enterprise_id).subquery())
    # One aggregate pass (UPDATE … FROM), not a subquery per enterprise.
    tally.note(db.session, everything=True)
    db.session.execute(sa.update(Enterprise).where(Enterprise.last_contacted_on.is_not(None))
                       .values(last_contacted_on=None))
    db.session.execute(sa.update(Enterprise).where(Enterprise.id == latest.c.enterprise_id)
                       .values(last_contacted_on=latest.c.day))
