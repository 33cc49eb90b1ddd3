"""考核: a unit's yearly assessment scheme for the units under it (indicators, weights, how each
scores), the bonus and penalty points entered by hand, and the months frozen when finalised."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import Audited, Timestamped, Versioned, utcnow


class AssessmentScheme(Versioned, Audited, Timestamped, db.Model):
    """考核办法: ranks the units directly under ``unit_id`` for ``year``."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    year: so.Mapped[int] = so.mapped_column()
    name: so.Mapped[str] = so.mapped_column(sa.String(100))

    unit: so.Mapped["OrgUnit"] = so.relationship()  # noqa: F821
    items: so.Mapped[list["AssessmentItem"]] = so.relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="AssessmentItem.position")

    __table_args__ = (sa.UniqueConstraint("unit_id", "year", name="uq_assessment_scheme_unit_year"),)


class AssessmentItem(Audited, db.Model):
    """One indicator of a scheme: its weight (the weights sum to 100) and how it scores."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    scheme_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assessment_scheme.id", ondelete="CASCADE"), index=True)
    indicator: so.Mapped[str] = so.mapped_column(sa.String(30))
    weight: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(6, 2))
    method: so.Mapped[str] = so.mapped_column(sa.String(10))  # "rate": 完成率 × weight, capped; "rank": by place
    cap: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(5, 2), default=Decimal(1))  # the 完成率 credited at most
    position: so.Mapped[int] = so.mapped_column(default=0)

    scheme: so.Mapped[AssessmentScheme] = so.relationship(back_populates="items")


class AssessmentAdjustment(Audited, db.Model):
    """加减分: points added to (or taken from) a unit's score from a month on, with the reason."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    scheme_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assessment_scheme.id", ondelete="CASCADE"), index=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"))
    month: so.Mapped[date] = so.mapped_column()  # its first day
    points: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(6, 2))
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    unit: so.Mapped["OrgUnit"] = so.relationship()  # noqa: F821


class AssessmentResult(Audited, db.Model):
    """A unit's score and place in a month once the month is finalised (定稿), as they stood then:
    later corrections to that month's records count in the next month, and show there."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    scheme_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assessment_scheme.id", ondelete="CASCADE"), index=True)
    month: so.Mapped[date] = so.mapped_column()
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"))
    score: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(8, 2))
    rank: so.Mapped[int] = so.mapped_column()
    details: so.Mapped[dict] = so.mapped_column(sa.JSON)  # each indicator's value, target, 完成率 and score
    frozen_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    frozen_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    __table_args__ = (sa.UniqueConstraint("scheme_id", "month", "unit_id", name="uq_assessment_result_month_unit"),)
