"""Settings an admin changes at run time (warning thresholds), one row per key."""
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
