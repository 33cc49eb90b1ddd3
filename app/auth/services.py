"""Login rules: one message for every failure, and a lock-out after repeated failures."""
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import LoginAttempt, User, utcnow

BAD_LOGIN = "用户名或密码错误。"
LOCKED_OUT = "登录失败次数过多，请 15 分钟后再试。"


class LoginError(ValueError):
    pass


def authenticate(username: str, password: str, address: str) -> User:
    """The active user with this name and password; raises LoginError otherwise.

    Failures are counted per username and address; after LOGIN_MAX_FAILURES within
    LOGIN_LOCKOUT, even the right password is refused until the window has passed.
    """
    username = username.strip()
    since = utcnow() - current_app.config["LOGIN_LOCKOUT"]
    attempts = sa.select(sa.func.count()).select_from(LoginAttempt).where(
        LoginAttempt.username == username, LoginAttempt.address == address, LoginAttempt.at > since
    )
    if db.session.scalar(attempts) >= current_app.config["LOGIN_MAX_FAILURES"]:
        raise LoginError(LOCKED_OUT)
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.is_active or not user.check_password(password):
        db.session.add(LoginAttempt(username=username, address=address))
        db.session.flush()
        raise LoginError(BAD_LOGIN)
    db.session.execute(
        sa.delete(LoginAttempt).where(LoginAttempt.username == username, LoginAttempt.address == address)
    )
    user.last_login_at = utcnow()
    return user
