"""Enterprises (企业/客商) of the target library and their contacts."""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import Audited, Money, Timestamped, Versioned
from app.models.enums import EnterpriseStatus, SourceRegion
from app.names import name_keys


class Enterprise(Versioned, Audited, Timestamped, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    # Name folded for duplicate detection (full-width, spaces, brackets, legal suffixes).
    normalized_name: so.Mapped[str] = so.mapped_column(sa.String(200), index=True)
    # Name spaced per Chinese character for the full-text index (see app/enterprises/search.py).
    name_tokens: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    # 统一社会信用代码: one code, one enterprise. Targets often have none yet.
    uscc: so.Mapped[str | None] = so.mapped_column(sa.String(18), unique=True)
    province: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    city: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    source_region: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    industry_code: so.Mapped[str | None] = so.mapped_column(sa.String(5))  # GB/T 4754
    revenue_wan: so.Mapped[Decimal | None] = so.mapped_column(Money)
    employees: so.Mapped[int | None] = so.mapped_column()
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=EnterpriseStatus.TARGET)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"))  # owner unit
    officer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    notes: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # Latest activity date, kept in step by the activity services (the list filters on it).
    last_contacted_on: so.Mapped[date | None] = so.mapped_column()
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    # A record merged into another stays, inactive, with its own audit trail.
    merged_into_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("enterprise.id"), index=True)

    unit: so.Mapped["OrgUnit"] = so.relationship()  # noqa: F821
    officer: so.Mapped["User | None"] = so.relationship()  # noqa: F821
    tags: so.Mapped[list["EnterpriseTag"]] = so.relationship(
        back_populates="enterprise", cascade="all, delete-orphan"
    )
    contacts: so.Mapped[list["Contact"]] = so.relationship(
        back_populates="enterprise", cascade="all, delete-orphan", order_by="Contact.id"
    )
    merged_into: so.Mapped["Enterprise | None"] = so.relationship(remote_side=[id])

    # The list's sort orders, each with the id as tie-break, walk these instead of sorting; the
    # ids contacted since a day also come from the last one alone (the 在谈久未对接 warning). The
    # default order holds the unit on PostgreSQL: a page of a scope walks the index alone (list_order).
    __table_args__ = (sa.Index("ix_enterprise_created_at_id", "created_at", "id", postgresql_include=["unit_id"]),
                      sa.Index("ix_enterprise_updated_at_id", "updated_at", "id"),  # the API's updated_since
                      sa.Index("ix_enterprise_last_contacted_on_id", "last_contacted_on", "id"),
                      sa.Index("ix_enterprise_name_id", "name", "id"),
                      # Counts of linked enterprises still active, in a user's scope, read this, not the rows.
                      sa.Index("ix_enterprise_id_is_active_unit_id", "id", "is_active", "unit_id"),
                      # A scope's count to 10,000 (the list's total) reads its units' entries only: with
                      # the unit alone it walked the index above, a province inside a country 82 ms.
                      sa.Index("ix_enterprise_unit_id_is_active", "unit_id", "is_active"))

    @so.validates("name")
    def _derive_name_keys(self, _key, name: str) -> str:
        # The folded name (duplicates) and the search tokens always follow the name.
        keys = name_keys(name)
        self.normalized_name, self.name_tokens = keys["normalized_name"], keys["name_tokens"]
        return name

    @property
    def status_label(self) -> str:
        return EnterpriseStatus.label_of(self.status)

    @property
    def source_region_label(self) -> str:
        return SourceRegion.label_of(self.source_region)

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]


class EnterpriseTag(Audited, db.Model):
    enterprise_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True
    )
    tag: so.Mapped[str] = so.mapped_column(sa.String(30), primary_key=True, index=True)

    enterprise: so.Mapped[Enterprise] = so.relationship(back_populates="tags")


class Contact(Versioned, Audited, Timestamped, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enterprise_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(50), index=True)
    title: so.Mapped[str | None] = so.mapped_column(sa.String(50))
    mobile: so.Mapped[str | None] = so.mapped_column(sa.String(11), index=True)
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    wechat: so.Mapped[str | None] = so.mapped_column(sa.String(50))
    notes: so.Mapped[str | None] = so.mapped_column(sa.Text)

    enterprise: so.Mapped[Enterprise] = so.relationship(back_populates="contacts")


class UsccException(Audited, Timestamped, db.Model):
    """A 统一社会信用代码 that fails the GB 32100 check yet was legally issued (early pilot codes),
    verified by an admin: accepted wherever codes are entered, and marked wherever shown."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(18), unique=True)
    note: so.Mapped[str] = so.mapped_column(sa.Text)  # how it was verified (营业执照, 登记机关 …)
    # The unit whose admin verified it: its admins and those above may take it off the list.
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    unit: so.Mapped["OrgUnit"] = so.relationship()  # noqa: F821

    @property
    def name(self) -> str:  # the audit trail's label
        return self.code
