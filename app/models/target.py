"""Yearly targets (目标任务) per unit, optionally per chain."""
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import Audited, Timestamped, Versioned


class Target(Versioned, Audited, Timestamped, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    year: so.Mapped[int] = so.mapped_column()
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    chain_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("chain.id"))
    indicator: so.Mapped[str] = so.mapped_column(sa.String(30))
    value: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(16, 2))

    unit: so.Mapped["OrgUnit"] = so.relationship()  # noqa: F821
    chain: so.Mapped["Chain | None"] = so.relationship()  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("year", "unit_id", "chain_id", "indicator"),)
