"""Parks (园区) and their capacity lists (要素保障能力清单)."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import Audited, Timestamped, Versioned, utcnow
from app.models.enums import ParkLevel

park_chain = sa.Table(  # a park's 主导产业: the chains it is built for
    "park_chain",
    db.metadata,
    sa.Column("park_id", sa.ForeignKey("park.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("chain_id", sa.ForeignKey("chain.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Park(Versioned, Audited, Timestamped, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)
    level: so.Mapped[str] = so.mapped_column(sa.String(20), default=ParkLevel.OTHER)
    city: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    area_km2: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(10, 2))
    leading_industries: so.Mapped[str | None] = so.mapped_column(sa.String(200))  # 主导产业
    address: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    contact: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    # 标准地 indicators
    investment_intensity_wan_per_mu: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(10, 2))
    tax_per_mu_wan: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(10, 2))
    plot_ratio_min: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(5, 2))
    plot_ratio_max: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(5, 2))
    energy_per_unit_max: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(10, 4))

    unit: so.Mapped["OrgUnit"] = so.relationship()  # noqa: F821
    chains: so.Mapped[list["Chain"]] = so.relationship(secondary=park_chain, order_by="Chain.name")  # noqa: F821
    capacity_items: so.Mapped[list["CapacityItem"]] = so.relationship(
        back_populates="park", cascade="all, delete-orphan", order_by="CapacityItem.id"
    )

    @property
    def level_label(self) -> str:
        return ParkLevel.label_of(self.level)


class CapacityValues:
    """What a capacity item says: kind, name, total in its unit, as of a day."""

    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    name: so.Mapped[str] = so.mapped_column(sa.String(50))
    total: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(16, 2))
    unit: so.Mapped[str] = so.mapped_column(sa.String(20))
    as_of: so.Mapped[date] = so.mapped_column()
    notes: so.Mapped[str | None] = so.mapped_column(sa.Text)
    standard_land_mu: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(16, 2))  # land: 其中标准地
    floor_height_m: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(6, 2))  # factory: 层高
    floor_load_kn_m2: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(8, 2))  # factory: 承重


class CapacityItem(Versioned, CapacityValues, Audited, Timestamped, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    park_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("park.id"), index=True)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    park: so.Mapped[Park] = so.relationship(back_populates="capacity_items")


class CapacityRevision(CapacityValues, db.Model):
    """One change of a capacity item, kept for ever: the list as it stood on any past day is the
    latest revision of each item up to that day (a removal ends the item)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    park_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("park.id"), index=True)
    item_id: so.Mapped[int] = so.mapped_column()  # the CapacityItem, which a removal deletes
    removed: so.Mapped[bool] = so.mapped_column(default=False)
    changed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    changed_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    changed_by: so.Mapped["User | None"] = so.relationship()  # noqa: F821
