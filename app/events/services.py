"""Promotion events (招商活动): who we met, what was signed there, and counts against targets.

A project signed at several events counts once, at the first of them (earliest start date, then
the earliest recorded); showing it at later events does not count it again.
"""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.scope import get_scoped_unit, in_subtree, scoped
from app.extensions import db
from app.models import Enterprise, Event, EventProject, OrgUnit, Project, Target, User
from app.models.enums import TargetIndicator
from app.web import list_order

FIELDS = ("name", "kind", "starts_on", "ends_on", "place", "unit_id", "leaders")


class EventError(ValueError):
    pass


def save_event(by: User, data: dict, event: Event | None = None) -> Event:
    data = {k: v for k, v in data.items() if k in FIELDS}
    if data.get("ends_on") and data["ends_on"] < data["starts_on"]:
        raise EventError("结束日期不能早于开始日期。")
    if get_scoped_unit(by, data.get("unit_id")) is None:
        raise EventError("主办单位不存在或不在您的数据范围内。")
    event = event or Event()
    for key, value in data.items():
        setattr(event, key, value)
    db.session.add(event)
    db.session.flush()
    return event


def search(by: User, filters: dict) -> sa.Select:
    """The events in scope that the list's filters leave (name or place, kind, the organiser's
    subtree, start dates), in the order asked."""
    stmt = scoped(sa.select(Event), by, Event.unit_id)
    if filters.get("q"):
        stmt = stmt.where(sa.or_(Event.name.contains(filters["q"], autoescape=True),
                                 Event.place.contains(filters["q"], autoescape=True)))
    if filters.get("kind"):
        stmt = stmt.where(Event.kind == filters["kind"])
    if filters.get("unit_id"):
        stmt = stmt.where(in_subtree(Event.unit_id, filters["unit_id"]))
    if filters.get("starts_from"):
        stmt = stmt.where(Event.starts_on >= filters["starts_from"])
    if filters.get("starts_to"):
        stmt = stmt.where(Event.starts_on <= filters["starts_to"])
    return list_order(stmt, Event, filters, "starts_on")


EXPORT_HEADERS = ["活动名称", "类型", "开始日期", "结束日期", "地点", "主办单位", "出席领导", "会见企业数", "签约项目（计数）"]


def export_rows(stmt: sa.Select):
    """The export's rows: each event with what the list shows for it."""
    events = list(db.session.scalars(stmt.options(selectinload(Event.unit), selectinload(Event.enterprises))))
    signed = signed_counted([e.id for e in events])
    return [[e.name, e.kind_label, e.starts_on, e.ends_on, e.place, e.unit.name, e.leaders, len(e.enterprises),
             signed.get(e.id, 0)] for e in events]


def add_enterprise(by: User, event: Event, enterprise_id: int) -> Enterprise:
    enterprise = db.session.scalars(scoped(sa.select(Enterprise).where(Enterprise.id == enterprise_id), by,
                                           Enterprise.unit_id)).first()
    if enterprise is None:
        raise EventError("企业不存在或不在您的数据范围内。")
    if enterprise not in event.enterprises:
        event.enterprises.append(enterprise)
    db.session.flush()
    return enterprise


def remove_enterprise(event: Event, enterprise_id: int) -> None:
    event.enterprises = [e for e in event.enterprises if e.id != enterprise_id]
    db.session.flush()


def add_project(by: User, event: Event, project_id: int, signed_here: bool) -> Project:
    project = db.session.scalars(scoped(sa.select(Project).where(Project.id == project_id), by,
                                        Project.unit_id)).first()
    if project is None:
        raise EventError("项目不存在或不在您的数据范围内。")
    link = db.session.get(EventProject, (event.id, project.id))
    if link is None:
        db.session.add(EventProject(event_id=event.id, project_id=project.id, signed_here=signed_here))
    else:
        link.signed_here = signed_here
    db.session.flush()
    return project


def remove_project(event: Event, project_id: int) -> None:
    link = db.session.get(EventProject, (event.id, project_id))
    if link is not None:
        db.session.delete(link)
    db.session.flush()


def first_signing_events(project_ids: list[int]) -> dict[int, int]:
    """project id → the id of the event where it counts as signed (its first signing event)."""
    rows = db.session.execute(
        sa.select(EventProject.project_id, Event.id).join(Event, Event.id == EventProject.event_id)
        .where(EventProject.signed_here.is_(True), EventProject.project_id.in_(project_ids))
        .order_by(EventProject.project_id, Event.starts_on, Event.id))
    first: dict[int, int] = {}
    for project_id, event_id in rows:
        first.setdefault(project_id, event_id)
    return first


@dataclass
class EventProjectLine:
    project: Project
    signed_here: bool
    counted_here: bool  # signed here, and this is its first signing event


def project_lines(event: Event) -> list[EventProjectLine]:
    links = db.session.execute(sa.select(EventProject, Project).join(Project, Project.id == EventProject.project_id)
                               .where(EventProject.event_id == event.id).order_by(Project.name)).all()
    first = first_signing_events([p.id for _, p in links])
    return [EventProjectLine(p, link.signed_here, link.signed_here and first.get(p.id) == event.id)
            for link, p in links]


def signed_counted(event_ids: list[int]) -> dict[int, int]:
    """event id → number of projects that count as signed at it."""
    signed = db.session.scalars(sa.select(EventProject.project_id).where(
        EventProject.event_id.in_(event_ids), EventProject.signed_here.is_(True))).all()
    counts: dict[int, int] = {}
    for event_id in first_signing_events(list(set(signed))).values():
        if event_id in event_ids:
            counts[event_id] = counts.get(event_id, 0) + 1
    return counts


@dataclass
class UnitEvents:
    unit: OrgUnit
    held: int  # events organised by the unit or any unit below it, started in the year
    target: int | None

    @property
    def rate(self) -> float | None:
        return self.held / self.target if self.target else None


def events_against_targets(by: User, year: int) -> list[UnitEvents]:
    """Per unit in scope that has an events target or held events that year: count vs target."""
    units = {u.id: u for u in db.session.scalars(scoped(sa.select(OrgUnit), by, OrgUnit.id))}
    held_by_unit = dict(db.session.execute(
        scoped(sa.select(Event.unit_id, sa.func.count()).where(
            Event.starts_on.between(date(year, 1, 1), date(year, 12, 31))).group_by(Event.unit_id), by, Event.unit_id)
    ).all())
    targets = dict(db.session.execute(sa.select(Target.unit_id, Target.value).where(
        Target.year == year, Target.indicator == TargetIndicator.EVENTS, Target.chain_id.is_(None),
        Target.unit_id.in_(units))).all())
    rolled: dict[int, int] = {}
    for unit_id, count in held_by_unit.items():
        current = units.get(unit_id)
        while current is not None:  # each event counts for its unit and every unit above it
            rolled[current.id] = rolled.get(current.id, 0) + count
            current = units.get(current.parent_id)
    shown = sorted(set(targets) | set(rolled), key=lambda i: units[i].code)
    return [UnitEvents(units[i], rolled.get(i, 0), int(targets[i]) if i in targets else None) for i in shown]
