"""API tokens: a user makes its own (named, read-only or read-write, for at most a year); a
security admin makes service accounts — another system's identity, bound to a unit and a role,
with no password — and their tokens. A call with ``Authorization: Bearer <token>`` acts as the
token's user: its role, its scope, audited as that user. A token is shown once; only its SHA-256
is kept (it is random and long, so no slow hash is needed)."""
import hashlib
import re
import secrets
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.auth.scope import get_scoped_unit
from app.extensions import db
from app.models import ApiToken, User
from app.models.common import utcnow
from app.models.enums import Role

PREFIX = "zsk_"
MAX_DAYS = 365
TOUCH_EVERY = timedelta(minutes=5)  # last use is written at most this often (a read writes nothing else)
SERVICE_ROLES = (Role.MANAGER, Role.OFFICER, Role.AUDITOR)  # what another system may act as


class TokenError(ValueError):
    pass


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(by: User, owner: User, name: str, days: int | None, write: bool, today: date) -> tuple[ApiToken, str]:
    """A new token of ``owner`` (the user itself, or a service account by a security admin) and
    its secret, to be shown once."""
    if owner.id != by.id and not (owner.is_service and by.role == Role.SECURITY_ADMIN):
        raise TokenError("只能为自己或服务账号创建令牌。")
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise TokenError("请填写令牌名称（不超过 50 个字）。")
    if not days or not 1 <= days <= MAX_DAYS:
        raise TokenError(f"有效期应为 1–{MAX_DAYS} 天。")
    if write and owner.role == Role.AUDITOR:
        raise TokenError("审计管理员的令牌只能只读。")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=owner.id, name=name, token_hash=digest(secret), prefix=secret[:12], write=bool(write),
                     expires_on=today + timedelta(days=days), created_by_id=by.id)
    db.session.add(token)
    db.session.flush()
    return token, secret


def may_manage(by: User, token: ApiToken) -> bool:
    return token.user_id == by.id or (by.role == Role.SECURITY_ADMIN and token.user.is_service)


def revoke(by: User, token: ApiToken) -> None:
    if not may_manage(by, token):
        raise TokenError("只能吊销自己的令牌或服务账号的令牌。")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def authenticate(secret: str, today: date) -> ApiToken | None:
    """The token with this secret, if it is in force and its user active with a role."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or token.revoked_at is not None or token.expires_on < today:
        return None
    user = token.user
    if not user.is_active or user.role is None:
        return None
    return token


def touch(token: ApiToken, now: datetime) -> None:
    """Note the token's use, apart from the call's own transaction (a read commits nothing)."""
    last = token.last_used_at
    if last is None or now - (last if last.tzinfo else last.replace(tzinfo=now.tzinfo)) > TOUCH_EVERY:
        with db.engine.begin() as connection:
            connection.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))


def create_service_account(by: User, name: str, unit_id: int | None, role: str) -> User:
    """Another system's account: a role and a unit (in the security admin's scope), no password."""
    if by.role != Role.SECURITY_ADMIN:
        raise TokenError("只有安全管理员可以创建服务账号。")
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise TokenError("请填写系统名称（不超过 50 个字）。")
    if role not in SERVICE_ROLES:
        raise TokenError("服务账号的角色只能是科室负责人、招商专员或审计管理员。")
    unit = get_scoped_unit(by, unit_id)
    if unit is None:
        raise TokenError("单位不在您的管理范围内。")
    base = "svc-" + (re.sub(r"[^a-z0-9]+", "-", unit.code.lower()).strip("-") or "unit")
    taken = set(db.session.scalars(sa.select(User.username).where(User.username.like(f"{base}%"))))
    username = next(f"{base}-{n}" for n in range(1, len(taken) + 2) if f"{base}-{n}" not in taken)
    account = User(username=username, display_name=name, role=role, unit_id=unit.id, is_service=True,
                   password_hash="!service-account: no password")
    db.session.add(account)
    db.session.flush()
    return account
