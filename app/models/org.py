"""Org units (填报单位), users and login attempts."""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.common import Audited, Timestamped, Versioned, utcnow
from app.models.enums import Permission, Role, UnitKind


class OrgUnit(Versioned, Audited, Timestamped, db.Model):
    """A node of the 填报单位 tree: 省 → 市 → 县区 / 开发区·园区 / 处室."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default=UnitKind.CITY)
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("org_unit.id"))
    is_active: so.Mapped[bool] = so.mapped_column(default=True)

    # A subtree's recursive walk (app.auth.scope.unit_subtree) reads the children of each level
    # from the index alone: with (parent_id) PostgreSQL chose to scan every unit at each level.
    __table_args__ = (sa.Index("ix_org_unit_parent_id_id", "parent_id", "id"),)

    parent: so.Mapped["OrgUnit | None"] = so.relationship(remote_side=[id], back_populates="children")
    children: so.Mapped[list["OrgUnit"]] = so.relationship(back_populates="parent")

    @property
    def kind_label(self) -> str:
        return UnitKind.label_of(self.kind)

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code} {self.name}>"


class User(UserMixin, Versioned, Audited, Timestamped, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(50), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(50))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    # None until a security admin grants one (an admin opens accounts but grants no role).
    role: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    # A park admin keeps exactly one park's capacity list.
    park_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("park.id"))
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    password_changed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # Set by an admin's reset and for an account an admin created: the next login changes it first.
    must_change_password: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # Carried in the session cookie with the id; raising it ends every session of the user.
    session_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    email: so.Mapped[str | None] = so.mapped_column(sa.String(120))  # for the daily digest, when the bureau sends one
    digest_sent_on: so.Mapped[date | None] = so.mapped_column()  # the digest goes once a day
    # The personal calendar feed's secret (app/agenda): only its SHA-256; a new one revokes the old.
    calendar_token_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    # The second factor (app/auth/totp.py): the shared secret once enrolled, and the last time
    # step a code was accepted for (a code is good once).
    totp_secret: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    totp_last_step: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    # A service account (another system calling the API with its tokens): no password, no login.
    is_service: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    unit: so.Mapped[OrgUnit] = so.relationship()
    park: so.Mapped["Park | None"] = so.relationship()  # noqa: F821
    grants: so.Mapped[list["UserPermission"]] = so.relationship(cascade="all, delete-orphan")
    recovery_codes: so.Mapped[list["RecoveryCode"]] = so.relationship(cascade="all, delete-orphan")

    def may(self, permission: Permission) -> bool:
        return any(grant.permission == permission for grant in self.grants)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Every session of this user ends: its cookies no longer log anyone in."""
        self.session_version += 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return Role.label_of(self.role) if self.role else "待分配角色"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class ApiToken(Audited, db.Model):
    """An API token: its user's role and scope, read-only or read-write, until it expires or is
    revoked. Only its SHA-256 is kept (it is random and long); it is shown once, when made."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(50))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))  # its first characters, to tell tokens apart
    write: so.Mapped[bool] = so.mapped_column(default=False)
    expires_on: so.Mapped[date] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])


class UserPermission(Audited, db.Model):
    """A permission (``Permission``) granted to a user beyond its role."""

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    permission: so.Mapped[str] = so.mapped_column(sa.String(30), primary_key=True)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the second factor when the phone is lost; only its
    SHA-256 is kept (it is random and long, so no slow hash is needed), and it is deleted on use."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(64))


class PasswordHistory(db.Model):
    """The hashes of a user's earlier passwords, so that a change does not reuse a recent one."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    changed_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)


class LoginAttempt(db.Model):
    """Failed logins per username and address; kept in the database so every worker sees them."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(50))
    address: so.Mapped[str] = so.mapped_column(sa.String(64))
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    __table_args__ = (sa.Index("ix_login_attempt_username_address", "username", "address", "at"),)
