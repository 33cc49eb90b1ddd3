"""The password, session and second-factor policy: the defaults in the configuration (等保 level 3),
as the security admin changes them at run time (stored as system settings, audited). Each knob
has bounds that keep it at level 3 or stricter."""
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, has_request_context

from app.extensions import db
from app.models import Setting
from app.models.enums import Role
from app.revision import kept

PREFIX = "policy."


@dataclass(frozen=True)
class Knob:
    key: str  # the configuration key that holds the default
    label: str
    unit: str
    minimum: int
    maximum: int
    per: timedelta | None = None  # a duration counted in this unit; None: a plain number

    def from_config(self, value) -> int:
        return int(value / self.per) if self.per else int(value)

    def to_config(self, number: int):
        return number * self.per if self.per else number


KNOBS = (
    Knob("PASSWORD_MIN_LENGTH", "密码最短长度", "位", 8, 64),
    Knob("PASSWORD_MIN_CLASSES", "密码至少包含的字符类别（大写、小写、数字、符号）", "类", 3, 4),
    Knob("PASSWORD_MAX_AGE", "密码有效期", "天", 1, 180, timedelta(days=1)),
    Knob("PASSWORD_HISTORY", "不得重复使用最近几次的密码", "次", 1, 24),
    Knob("SESSION_IDLE", "空闲多久自动退出", "分钟", 5, 120, timedelta(minutes=1)),
    Knob("SESSION_MAX", "一次登录最长有效", "小时", 1, 24, timedelta(hours=1)),
    Knob("LOGIN_MAX_FAILURES", "连续登录失败几次后开始延迟", "次", 3, 10),
    Knob("LOGIN_LOCKOUT", "登录失败后最长等待", "分钟", 1, 1440, timedelta(minutes=1)),
)
BY_KEY = {knob.key: knob for knob in KNOBS}
TOTP_ROLES = "TOTP_REQUIRED_ROLES"  # the roles that must log in with a second factor


def _stored() -> dict[str, str]:
    def read():
        rows = db.session.execute(sa.select(Setting.key, Setting.value).where(Setting.key.startswith(PREFIX)))
        return {key.removeprefix(PREFIX): value for key, value in rows}

    if not has_request_context():
        return read()
    if "security_policy" not in g:  # every request asks (the session's timeouts): kept until a record changes
        g.security_policy = kept(("security_policy",), read)
    return g.security_policy


def value(key: str):
    """The knob's value in force, as the configuration holds it (a timedelta for a duration)."""
    stored = _stored().get(key)
    return BY_KEY[key].to_config(int(stored)) if stored is not None else current_app.config[key]


def numbers() -> dict[str, int]:
    """Every knob in force as the number the security admin's form shows."""
    return {knob.key: knob.from_config(value(knob.key)) for knob in KNOBS}


def totp_roles() -> set[str]:
    stored = _stored().get(TOTP_ROLES)
    return set(filter(None, stored.split(","))) if stored is not None else set(current_app.config[TOTP_ROLES])


def save(values: dict[str, int], roles: list[str]) -> None:
    """Store the policy (each change is audited as a setting's)."""
    for knob in KNOBS:
        number = values.get(knob.key)
        if not isinstance(number, int) or not knob.minimum <= number <= knob.maximum:
            raise ValueError(f"“{knob.label}”应为 {knob.minimum}–{knob.maximum} {knob.unit}。")
    unknown = set(roles) - {r.value for r in Role}
    if unknown:
        raise ValueError(f"没有这样的角色：{'、'.join(sorted(unknown))}。")
    for key, text in [*((k.key, str(values[k.key])) for k in KNOBS), (TOTP_ROLES, ",".join(sorted(roles)))]:
        setting = db.session.get(Setting, PREFIX + key)
        if setting is None:
            db.session.add(Setting(key=PREFIX + key, value=text))
        elif setting.value != text:
            setting.value = text
    db.session.flush()
    if has_request_context():
        g.pop("security_policy", None)
