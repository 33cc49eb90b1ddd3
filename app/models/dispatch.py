"""调度: problems raised on projects and escalated until solved (项目问题协调), supervision orders
(督办单), the steps of both, and the leaders in charge of enterprises and projects (包保)."""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import Audited, Timestamped, Versioned, utcnow
from app.models.enums import CaseAction, ProblemKind, ProblemStatus, SupervisionStatus

OPEN_PROBLEM = (ProblemStatus.OPEN, ProblemStatus.HANDLING)  # not yet answered by its handlers


class ProjectProblem(Versioned, Audited, Timestamped, db.Model):
    """A difficulty a project meets (用地, 环评 …), for the managers of one level to solve."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    project_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("project.id"), index=True)
    # The raiser's unit (the project's when raised): who sees it. The handling units are this
    # unit or above it, so they see it too.
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    handler_unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    request: so.Mapped[str | None] = so.mapped_column(sa.Text)  # 诉求: what is asked
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=ProblemStatus.OPEN, index=True)
    assignee: so.Mapped[str | None] = so.mapped_column(sa.String(100))  # 承办单位, as the handlers name it
    assignee_unit_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("org_unit.id"))
    due_on: so.Mapped[date] = so.mapped_column(index=True)  # unsolved after it, it climbs a level
    solution: so.Mapped[str | None] = so.mapped_column(sa.Text)
    raised_on: so.Mapped[date] = so.mapped_column(index=True)
    raised_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    solved_on: so.Mapped[date | None] = so.mapped_column()
    closed_on: so.Mapped[date | None] = so.mapped_column(index=True)
    escalations: so.Mapped[int] = so.mapped_column(default=0, server_default="0")  # by the clock

    project: so.Mapped["Project"] = so.relationship()  # noqa: F821
    unit: so.Mapped["OrgUnit"] = so.relationship(foreign_keys=[unit_id])  # noqa: F821
    handler_unit: so.Mapped["OrgUnit"] = so.relationship(foreign_keys=[handler_unit_id])  # noqa: F821
    assignee_unit: so.Mapped["OrgUnit | None"] = so.relationship(foreign_keys=[assignee_unit_id])  # noqa: F821
    raised_by: so.Mapped["User | None"] = so.relationship()  # noqa: F821

    @property
    def kind_label(self) -> str:
        return ProblemKind.label_of(self.kind)

    @property
    def status_label(self) -> str:
        return ProblemStatus.label_of(self.status)

    def overdue(self, today: date) -> bool:
        return self.status in OPEN_PROBLEM and self.due_on < today


class Supervision(Versioned, Audited, Timestamped, db.Model):
    """督办单: what must be done, by whom, by when; the assignee replies, the issuer accepts or
    returns it. From a warning, a problem or a project."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    task: so.Mapped[str] = so.mapped_column(sa.Text)  # 督办事项
    project_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("project.id"), index=True)
    problem_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("project_problem.id"), index=True)
    warning: so.Mapped[str | None] = so.mapped_column(sa.String(30))  # the warning rule it came from
    # The assignee's unit: who sees it (the issuer's unit is this one or above it).
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    assignee_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    issuer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    issuer_unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"))
    issued_on: so.Mapped[date] = so.mapped_column(index=True)
    due_on: so.Mapped[date] = so.mapped_column(index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=SupervisionStatus.OPEN, index=True)
    reply: so.Mapped[str | None] = so.mapped_column(sa.Text)  # the latest
    replied_on: so.Mapped[date | None] = so.mapped_column()
    closed_on: so.Mapped[date | None] = so.mapped_column(index=True)
    reminded_on: so.Mapped[date | None] = so.mapped_column()  # the last 催办

    project: so.Mapped["Project | None"] = so.relationship()  # noqa: F821
    problem: so.Mapped[ProjectProblem | None] = so.relationship()
    unit: so.Mapped["OrgUnit"] = so.relationship(foreign_keys=[unit_id])  # noqa: F821
    issuer_unit: so.Mapped["OrgUnit"] = so.relationship(foreign_keys=[issuer_unit_id])  # noqa: F821
    assignee: so.Mapped["User | None"] = so.relationship(foreign_keys=[assignee_id])  # noqa: F821
    issuer: so.Mapped["User | None"] = so.relationship(foreign_keys=[issuer_id])  # noqa: F821

    @property
    def status_label(self) -> str:
        return SupervisionStatus.label_of(self.status)

    def overdue(self, today: date) -> bool:
        return self.status != SupervisionStatus.CLOSED and self.due_on < today

    @property
    def on_time(self) -> bool:
        return self.closed_on is not None and self.closed_on <= self.due_on


class CaseStep(Audited, db.Model):
    """One dated step of a problem or a 督办单: raised, replied, assigned, escalated by the clock …"""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_type: so.Mapped[str] = so.mapped_column(sa.String(20))  # "problem" or "supervision"
    owner_id: so.Mapped[int] = so.mapped_column()
    action: so.Mapped[str] = so.mapped_column(sa.String(20))
    text: so.Mapped[str | None] = so.mapped_column(sa.Text)
    unit_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("org_unit.id"))  # escalated or assigned to
    due_on: so.Mapped[date | None] = so.mapped_column()  # the deadline it set
    happened_on: so.Mapped[date] = so.mapped_column()  # the day it happened
    by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))  # None: the clock
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    unit: so.Mapped["OrgUnit | None"] = so.relationship()  # noqa: F821
    by: so.Mapped["User | None"] = so.relationship()  # noqa: F821

    __table_args__ = (sa.Index("ix_case_step_owner", "owner_type", "owner_id"),)

    @property
    def action_label(self) -> str:
        return CaseAction.label_of(self.action)


class Leader(Versioned, Audited, Timestamped, db.Model):
    """包保领导: an official in charge of enterprises and projects (a 市领导, a 局长)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(50))
    post: so.Mapped[str] = so.mapped_column(sa.String(100))  # 职务
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))  # told of problems when set
    is_active: so.Mapped[bool] = so.mapped_column(default=True)

    unit: so.Mapped["OrgUnit"] = so.relationship()  # noqa: F821
    user: so.Mapped["User | None"] = so.relationship()  # noqa: F821

    @property
    def title(self) -> str:
        return f"{self.name}（{self.post}）"


class LeaderLink(Audited, db.Model):
    """One 包保: a leader in charge of an enterprise or of a project."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    leader_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("leader.id"), index=True)
    enterprise_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    project_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("project.id"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    leader: so.Mapped[Leader] = so.relationship()

    __table_args__ = (
        sa.CheckConstraint("(enterprise_id IS NULL) <> (project_id IS NULL)", name="one_record"),
        sa.UniqueConstraint("leader_id", "enterprise_id", name="uq_leader_link_enterprise"),
        sa.UniqueConstraint("leader_id", "project_id", name="uq_leader_link_project"),
    )
