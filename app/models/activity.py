"""Visit log (对接记录) and promotion events (招商活动)."""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import Audited, Timestamped, Versioned
from app.models.enums import ActivityKind, EventKind

activity_enterprise = sa.Table(
    "activity_enterprise",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("enterprise_id", sa.ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True, index=True),
)

event_enterprise = sa.Table(
    "event_enterprise",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("enterprise_id", sa.ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Activity(Versioned, Audited, Timestamped, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    occurred_on: so.Mapped[date] = so.mapped_column(index=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    participants: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    led_by_top_leader: so.Mapped[bool] = so.mapped_column(default=False)  # 主要领导带队
    project_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("project.id"), index=True)
    summary: so.Mapped[str | None] = so.mapped_column(sa.Text)
    outcome: so.Mapped[str | None] = so.mapped_column(sa.Text)
    next_step: so.Mapped[str | None] = so.mapped_column(sa.Text)
    next_follow_up_on: so.Mapped[date | None] = so.mapped_column(index=True)
    # Set when the follow-up happened (a later activity with the enterprise) or was closed by hand.
    follow_up_done_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    # Who follows it up: the recorder unless reassigned (我的工作台).
    follow_up_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"), index=True)

    unit: so.Mapped["OrgUnit"] = so.relationship()  # noqa: F821
    project: so.Mapped["Project | None"] = so.relationship()  # noqa: F821
    enterprises: so.Mapped[list["Enterprise"]] = so.relationship(secondary=activity_enterprise)  # noqa: F821
    recorded_by: so.Mapped["User | None"] = so.relationship(foreign_keys=[recorded_by_id])  # noqa: F821
    follow_up_by: so.Mapped["User | None"] = so.relationship(foreign_keys=[follow_up_by_id])  # noqa: F821

    __table_args__ = (sa.Index("ix_activity_occurred_on_id", "occurred_on", "id"),)

    @property
    def kind_label(self) -> str:
        return ActivityKind.label_of(self.kind)


class Event(Versioned, Audited, Timestamped, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    starts_on: so.Mapped[date] = so.mapped_column(index=True)
    ends_on: so.Mapped[date | None] = so.mapped_column()
    place: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)  # organiser
    leaders: so.Mapped[str | None] = so.mapped_column(sa.String(200))

    unit: so.Mapped["OrgUnit"] = so.relationship()  # noqa: F821
    enterprises: so.Mapped[list["Enterprise"]] = so.relationship(secondary=event_enterprise)  # noqa: F821

    __table_args__ = (sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),)

    @property
    def kind_label(self) -> str:
        return EventKind.label_of(self.kind)


class EventProject(Audited, db.Model):
    """A project shown or signed at an event; it counts once, at the first event it was signed at."""

    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    project_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("project.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    signed_here: so.Mapped[bool] = so.mapped_column(default=False)
