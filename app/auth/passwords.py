"""Password rules (等保 level 3, 身份鉴别): at least 8 characters from at least 3 of the classes
upper case, lower case, digit and other; not the user name, not a common password; not one of
the last PASSWORD_HISTORY used; changed every PASSWORD_MAX_AGE; an account an admin created or
reset changes its password at the next login. A change ends every other session of the user.
The numbers are the security admin's policy (app/auth/policy.py).
"""
import string
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from app.audit_trail import log_event
from app.auth import policy
from app.extensions import db
from app.models import PasswordHistory, User, utcnow
from app.models.common import as_utc

MAX_LENGTH = 128
COMMON = frozenset(line.strip().lower() for line in (Path(__file__).with_name("common_passwords.txt"))
                   .read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#"))


def rule() -> str:
    """The rule in force, in words, for the forms that set a password."""
    return (f"密码须为 {policy.value('PASSWORD_MIN_LENGTH')}–{MAX_LENGTH} 位，含大写字母、小写字母、数字、符号中至少 "
            f"{policy.value('PASSWORD_MIN_CLASSES')} 类，不能包含用户名或过于常见。")


class PasswordError(ValueError):
    pass


def _classes(password: str) -> int:
    return sum((any(c in string.ascii_uppercase for c in password), any(c in string.ascii_lowercase for c in password),
                any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))


def check_strength(username: str, password: str) -> None:
    """Raise PasswordError with the rule broken, in Chinese."""
    min_length, min_classes = policy.value("PASSWORD_MIN_LENGTH"), policy.value("PASSWORD_MIN_CLASSES")
    if not min_length <= len(password or "") <= MAX_LENGTH:
        raise PasswordError(f"密码须为 {min_length}–{MAX_LENGTH} 位。")
    if _classes(password) < min_classes:
        raise PasswordError(f"密码须含大写字母、小写字母、数字、符号中至少 {min_classes} 类。")
    lowered = password.lower()
    if username and username.lower() in lowered:
        raise PasswordError("密码不能包含用户名。")
    if lowered in COMMON:
        raise PasswordError("这个密码过于常见，容易被猜中，请换一个。")


def set_password(user: User, password: str, *, must_change: bool = False) -> None:
    """Give the user a new password that follows the rules and none of its last ones; the old
    hash goes into the history. Ends every session of the user (the caller logs the current one
    in again where the user changed its own)."""
    check_strength(user.username, password)
    keep = policy.value("PASSWORD_HISTORY")
    if user.id is not None:
        earlier = db.session.scalars(sa.select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
                                     .order_by(PasswordHistory.id.desc()).limit(keep - 1)).all()
        if any(check_password_hash(h, password) for h in [user.password_hash, *earlier] if h):
            raise PasswordError(f"新密码不能与最近 {keep} 次使用过的密码相同。")
        db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))
    user.set_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = must_change
    if user.id is not None:
        user.end_sessions()
        log_event(db.session, "password", user, {"方式": "管理员重置" if must_change else "本人修改"})
    db.session.flush()


def change_own_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise PasswordError("当前密码不正确。")
    set_password(user, new)


def must_change(user: User, now: datetime | None = None) -> str | None:
    """Why the user must change its password before anything else, if it must."""
    if user.must_change_password:
        return "请先修改初始密码或管理员重置的密码。"
    changed = user.password_changed_at or user.created_at
    if changed is None:
        return None
    max_age = policy.value("PASSWORD_MAX_AGE")
    if (now or utcnow()) - as_utc(changed) > max_age:
        return f"密码已使用超过 {max_age.days} 天，请修改后继续。"
    return None
