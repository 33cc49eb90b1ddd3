"""The second factor (等保 level 3: two kinds of proof at login): a time-based one-time code
(TOTP, RFC 6238, pyotp) from an authenticator app the user enrols in its profile, with ten
recovery codes for a lost phone. The QR code is drawn here (segno), no service is asked.

A code is good once: the time step it was accepted for is kept, and a code of that step or an
earlier one is refused after it. A recovery code is deleted when used.
"""
import hashlib
import secrets
import time

import pyotp
import segno

from app.audit_trail import log_event
from app.extensions import db
from app.models import RecoveryCode, User

ISSUER = "招商引资项目管理平台"
RECOVERY_CODES = 10
STEP = 30  # seconds a code lasts
DRIFT = 1  # steps either side of now still accepted (a phone's clock half a minute off)


def new_secret() -> str:
    return pyotp.random_base32()


def qr_svg(user: User, secret: str) -> str:
    """The enrolment QR code as inline SVG (no style attribute, so the CSP holds)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(scale=4, border=2)


def matching_step(secret: str, code: str, after: int | None, now: float | None = None) -> int | None:
    """The time step ``code`` belongs to, if it is right for now (± DRIFT) and later than ``after``."""
    code = "".join(ch for ch in code or "" if not ch.isspace())
    if len(code) != 6 or not code.isdigit():
        return None
    totp, current = pyotp.TOTP(secret), int((now or time.time()) // STEP)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if (after is None or step > after) and secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def _digest(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().upper().encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes, replacing the user's old ones; shown once, only their hashes kept."""
    codes = [f"{secrets.token_hex(3).upper()}-{secrets.token_hex(3).upper()}" for _ in range(RECOVERY_CODES)]
    user.recovery_codes = [RecoveryCode(code_hash=_digest(code)) for code in codes]
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    digest = _digest(code or "")
    for stored in user.recovery_codes:
        if secrets.compare_digest(stored.code_hash, digest):
            user.recovery_codes.remove(stored)
            db.session.flush()
            return True
    return False


def enrol(user: User, secret: str, code: str) -> list[str]:
    """Turn the second factor on once the user proved its app shows the right codes; returns the
    recovery codes to show once."""
    step = matching_step(secret, code, None)
    if step is None:
        raise ValueError("动态口令不正确，请核对手机时间后输入应用中当前显示的 6 位数字。")
    user.totp_secret, user.totp_last_step = secret, step
    log_event(db.session, "totp", user, {"操作": "启用"})
    return new_recovery_codes(user)


def remove(user: User, by: User | None) -> None:
    """Turn the second factor off: by the user itself, reset by a security admin, or at the
    command line (``by`` None). The user enrols again at its next login where its role requires it."""
    user.totp_secret, user.totp_last_step = None, None
    user.recovery_codes = []
    how = "命令行重置" if by is None else "本人停用" if by.id == user.id else "安全管理员重置"
    log_event(db.session, "totp", user, {"操作": how})
    db.session.flush()
