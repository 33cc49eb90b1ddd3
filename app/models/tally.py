"""Project figures summed per unit and month, kept by app/tally.py."""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import Money


class FigureTally(db.Model):
    """One measure (``reached:signed``, ``funds:local`` …) of one unit's projects (``own``) or its
    whole subtree's, in one review view and one month, for one key (the projects' chain; a park
    for ``park:signed``; 0 for none)."""

    unit_id: so.Mapped[int] = so.mapped_column(primary_key=True)  # no foreign key: a row outlives nothing
    own: so.Mapped[bool] = so.mapped_column(primary_key=True)
    with_pending: so.Mapped[bool] = so.mapped_column(primary_key=True)
    measure: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True)
    month: so.Mapped[date] = so.mapped_column(primary_key=True)
    key_id: so.Mapped[int] = so.mapped_column(primary_key=True)
    projects: so.Mapped[int] = so.mapped_column(default=0)  # projects (fund entries for funds:…)
    amount_wan: so.Mapped[Decimal] = so.mapped_column(Money, default=Decimal(0))  # 协议投资, or funds
    big: so.Mapped[int] = so.mapped_column(default=0)  # of them 协议投资 ≥ 1 亿元
    usd_wan: so.Mapped[Decimal] = so.mapped_column(Money, default=Decimal(0))  # funds:foreign in 万美元

    # What the pages read: the subtree rows, in the key's order without ``own``; on PostgreSQL with
    # the sums, so a read touches only the index (a country's root rows lie all over the table).
    __table_args__ = (sa.Index("ix_figure_tally_subtree", "unit_id", "with_pending", "measure", "month", "key_id",
                               postgresql_include=["projects", "amount_wan", "big", "usd_wan"],
                               postgresql_where=sa.text("NOT own"), sqlite_where=sa.text("NOT own")),)
