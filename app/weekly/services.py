"""周调度: what moved in a week (Monday to Sunday) in the user's scope — stage moves, problems
raised and closed, 督办 falling due, visits by unit — for the weekly meeting, as a page and one sheet."""
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.scope import scoped
from app.extensions import db
from app.models import Activity, OrgUnit, Project, ProjectProblem, StageEvent, Supervision, User
from app.models.enums import Stage, SupervisionStatus

SHOWN = 500  # rows per part at most; a week of a province is well under


@dataclass
class Week:
    start: date
    moves: list
    raised: list
    closed: list
    due: list  # 督办 due this week or overdue, not closed
    visits: list  # (unit name, count)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week(by: User, day: date) -> Week:
    start = monday_of(day)
    end = start + timedelta(days=6)
    moves = db.session.scalars(scoped(
        sa.select(StageEvent).join(Project, Project.id == StageEvent.project_id)
        .where(StageEvent.effective_on.between(start, end), StageEvent.stage != Stage.NEGOTIATING), by, Project.unit_id)
        .options(selectinload(StageEvent.project).selectinload(Project.unit))
        .order_by(StageEvent.effective_on, StageEvent.id).limit(SHOWN)).all()
    problems = scoped(sa.select(ProjectProblem), by, ProjectProblem.unit_id).options(
        selectinload(ProjectProblem.project), selectinload(ProjectProblem.unit), selectinload(ProjectProblem.handler_unit))
    raised = db.session.scalars(problems.where(ProjectProblem.raised_on.between(start, end))
                                .order_by(ProjectProblem.raised_on, ProjectProblem.id).limit(SHOWN)).all()
    closed = db.session.scalars(problems.where(ProjectProblem.closed_on.between(start, end))
                                .order_by(ProjectProblem.closed_on, ProjectProblem.id).limit(SHOWN)).all()
    due = db.session.scalars(scoped(sa.select(Supervision).where(
        Supervision.status != SupervisionStatus.CLOSED, Supervision.due_on <= end), by, Supervision.unit_id)
        .options(selectinload(Supervision.unit), selectinload(Supervision.project))
        .order_by(Supervision.due_on, Supervision.id).limit(SHOWN)).all()
    visits = db.session.execute(scoped(
        sa.select(OrgUnit.name, sa.func.count(Activity.id)).join(OrgUnit, OrgUnit.id == Activity.unit_id)
        .where(Activity.occurred_on.between(start, end)).group_by(OrgUnit.id, OrgUnit.name), by, Activity.unit_id)
        .order_by(sa.func.count(Activity.id).desc(), OrgUnit.name)).all()
    return Week(start, moves, raised, closed, due, [tuple(v) for v in visits])


HEADERS = ["类别", "日期", "项目或事项", "单位", "情况"]


def rows(w: Week):
    """The week as one sheet's rows, part by part."""
    for e in w.moves:
        yield ["阶段变动", e.effective_on, e.project.name, e.project.unit.name, f"{e.stage_label}（{e.review_label}）"]
    for p in w.raised:
        yield ["新增问题", p.raised_on, f"{p.project.name}：{p.kind_label}", p.unit.name, f"由{p.handler_unit.name}办理"]
    for p in w.closed:
        yield ["办结问题", p.closed_on, f"{p.project.name}：{p.kind_label}", p.unit.name, p.solution]
    for o in w.due:
        yield ["督办到期", o.due_on, o.task[:100], o.unit.name, "已逾期" if o.due_on < w.start else o.status_label]
    for name, count in w.visits:
        yield ["对接次数", None, None, name, count]
