"""Settings changed at run time: those of the whole system (the security admin's password and
session policy) one row per key, and those that hold for a unit's subtree (warning thresholds,
report tiers) per unit, inherited downward (app/unit_settings.py)."""
import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import Audited, Timestamped, Versioned


class Setting(Versioned, Audited, Timestamped, db.Model):
    key: so.Mapped[str] = so.mapped_column(sa.String(50), primary_key=True)
    value: so.Mapped[str] = so.mapped_column(sa.String(200))

    @property
    def name(self) -> str:  # the audit trail's label
        return self.key


class UnitSetting(Versioned, Audited, Timestamped, db.Model):
    """A value set for one unit; it holds for the units below it that set none of their own."""

    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(50), primary_key=True)
    value: so.Mapped[str] = so.mapped_column(sa.String(200))

    @property
    def name(self) -> str:
        return self.key


class DataRevision(db.Model):
    """One row: a token every commit that changes records replaces (app/revision.py)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token: so.Mapped[str] = so.mapped_column(sa.String(32))
