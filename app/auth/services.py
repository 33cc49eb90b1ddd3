"""Login rules: one message and one duration for every failure, whether the name exists or not;
failures slow the next attempt on that name down exponentially, from whatever address (a guesser
rotating addresses gets a handful of tries an hour, never a permanent lock it can hold the owner
in); and an address failing on many names is held back too (a sweep over names).
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit_trail import log_event
from app.auth import policy, totp
from app.extensions import db
from app.models import LoginAttempt, User, utcnow
from app.models.common import as_utc

BAD_LOGIN = "用户名或密码错误。"
LOCKED_OUT = "登录失败次数过多，请 {wait}后再试。"

_unknown_hash: str | None = None


def _check_nobody(password: str) -> None:
    """Spend on an unknown name the time a real check takes (same hash method), so that the
    response time does not tell which names exist."""
    global _unknown_hash
    if _unknown_hash is None:
        _unknown_hash = generate_password_hash("no such user", method="scrypt")
    check_password_hash(_unknown_hash, password)


class LoginError(ValueError):
    pass


def _wait_text(wait: timedelta) -> str:
    seconds = max(int(wait.total_seconds()), 1)
    return f"{seconds} 秒" if seconds < 60 else f"{-(-seconds // 60)} 分钟"


def backoff(failures: int) -> timedelta:
    """How long a name waits after its latest failure: nothing below LOGIN_MAX_FAILURES, then
    LOGIN_BACKOFF doubling with each further failure, at most LOGIN_LOCKOUT."""
    most = policy.value("LOGIN_MAX_FAILURES")
    if failures < most:
        return timedelta(0)
    return min(current_app.config["LOGIN_BACKOFF"] * 2 ** (failures - most), policy.value("LOGIN_LOCKOUT"))


def _held_back(username: str, address: str, user: User | None) -> timedelta | None:
    """How long this attempt must still wait, if it must: failures on the name since its last
    login (within LOGIN_WINDOW), from any address; or too many from this address on any names."""
    config, now = current_app.config, utcnow()
    since = now - config["LOGIN_WINDOW"]
    if user is not None and user.last_login_at is not None:
        since = max(since, as_utc(user.last_login_at))
    failures, latest = db.session.execute(sa.select(sa.func.count(), sa.func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.at > since)).one()
    if failures and latest is not None:
        wait = as_utc(latest) + backoff(failures) - now
        if wait > timedelta(0):
            return wait
    from_address = db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(
        LoginAttempt.address == address, LoginAttempt.at > now - config["LOGIN_WINDOW"]))
    if from_address >= config["LOGIN_MAX_PER_ADDRESS"]:
        return config["LOGIN_WINDOW"]
    return None


def _refuse_if_held_back(username: str, address: str, user: User | None) -> None:
    wait = _held_back(username, address, user)
    if wait is not None:
        log_event(db.session, "login_fail", user, {"地址": address, "原因": "失败次数过多，暂缓登录"}, label=username)
        raise LoginError(LOCKED_OUT.format(wait=_wait_text(wait)))


def authenticate(username: str, password: str, address: str) -> User:
    """The active user with this name and password; raises LoginError otherwise. Failed attempts
    are kept (they are the throttle's count, and the record of who tried what from where)."""
    username = username.strip()
    user = db.session.scalar(sa.select(User).where(User.username == username))
    _refuse_if_held_back(username, address, user)
    if user is None:
        _check_nobody(password)
    if user is None or not user.check_password(password) or not user.is_active:
        reason = "用户不存在" if user is None else "密码错误" if user.is_active else "账号已停用"
        _failed(username, address, user, reason)
        raise LoginError(BAD_LOGIN)
    if user.role is None:
        log_event(db.session, "login_fail", user, {"地址": address, "原因": "尚未分配角色"})
        raise LoginError("账号尚未分配角色，请联系安全管理员。")
    return user


def _failed(username: str, address: str, user: User | None, reason: str) -> None:
    log_event(db.session, "login_fail", user, {"地址": address, "原因": reason}, label=username)
    db.session.add(LoginAttempt(username=username[:50], address=address[:64]))
    db.session.flush()


def check_second_factor(user: User, code: str, address: str) -> str:
    """After the password: the code from the user's authenticator app, or one of its recovery
    codes. Failures count towards the name's back-off like wrong passwords. Returns which it was."""
    _refuse_if_held_back(user.username, address, user)
    step = totp.matching_step(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        _touch(user, totp_last_step=step)
        return "动态口令"
    if totp.use_recovery_code(user, code):
        return f"恢复码（剩余 {len(user.recovery_codes)} 个）"
    _failed(user.username, address, user, "动态口令错误")
    raise LoginError("动态口令不正确或已使用过。")


def complete_login(user: User, address: str, second_factor: str | None = None) -> None:
    """The login succeeded (password, and the second factor where the user has one)."""
    _touch(user, last_login_at=utcnow())
    log_event(db.session, "login", user, {"地址": address, **({"第二因素": second_factor} if second_factor else {})})


def unlock(user: User) -> int:
    """A security admin lets a held-back name log in again at once: its failures are forgotten
    by the throttle (the audit log keeps them). Returns how many there were."""
    forgotten = db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == user.username)).rowcount
    log_event(db.session, "unlock", user, {"清除的失败次数": str(forgotten)})
    return forgotten


def log_out(user: User) -> None:
    """End every session of the user (the cookie, replayed, logs no one in)."""
    _touch(user, session_version=user.session_version + 1)


def _touch(user: User, **values) -> None:
    """Session bookkeeping, written without raising the user's version: it is no edit of the
    account and must not make an admin's open form of it stale."""
    db.session.execute(sa.update(User).where(User.id == user.id).values(**values))
    for key, value in values.items():
        set_committed_value(user, key, value)
