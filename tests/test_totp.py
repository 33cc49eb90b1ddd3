"""The second factor (等保 身份鉴别: two kinds of proof): enrolment with a QR code drawn offline,
login with a time-based code that is good once, recovery codes, the roles that must use it, and
the security admin's reset — each audited."""
import re
import time

import pyotp
import sqlalchemy as sa

from app.auth import totp
from app.extensions import db
from app.models import AuditLog, Setting, User
from tests import helpers


def _enrol(client) -> tuple[str, list[str]]:
    page = client.get("/auth/totp").get_data(as_text=True)
    assert "<svg" in page and "<path" in page  # the QR code, drawn here
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    wrong = client.post("/auth/totp", data={"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert "动态口令不正确" in wrong.get_data(as_text=True)
    done = client.post("/auth/totp", data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    codes = re.findall(r"<li class=\"col-6\">([0-9A-F]{6}-[0-9A-F]{6})</li>", done)
    assert len(codes) == totp.RECOVERY_CODES
    return secret, codes


def _password(client, username="a_officer"):
    return client.post("/auth/login", data={"username": username, "password": helpers.PASSWORD})


def _code_for_next_step(secret: str) -> str:
    """A code the user has not used yet (the one it enrolled with belongs to this time step)."""
    return pyotp.TOTP(secret).at(time.time() + totp.STEP)


def test_enrol_then_log_in_with_the_code_once(app, client, world):
    _password(client)
    secret, _ = _enrol(client)
    client.post("/auth/logout")

    response = _password(client)
    assert response.status_code == 302 and response.location == "/auth/login/code"
    assert client.get("/projects/").status_code == 302  # the password alone opens nothing
    assert "动态口令不正确" in client.post("/auth/login/code", data={"code": "12345"}).get_data(as_text=True)
    code = _code_for_next_step(secret)
    assert client.post("/auth/login/code", data={"code": code}).status_code == 302
    assert client.get("/projects/").status_code == 200

    replay = app.test_client()  # the same code again, from a copied screen
    _password(replay)
    assert "已使用过" in replay.post("/auth/login/code", data={"code": code}).get_data(as_text=True)
    with app.app_context():
        rows = db.session.execute(sa.select(AuditLog.action, AuditLog.changes).where(
            AuditLog.action.in_(["totp", "login", "login_fail"])).order_by(AuditLog.id)).all()
    assert [a for a, _ in rows] == ["login", "totp", "login_fail", "login", "login_fail"]
    assert rows[1][1] == {"操作": "启用"} and rows[3][1]["第二因素"] == "动态口令"
    assert rows[2][1]["原因"] == rows[4][1]["原因"] == "动态口令错误"


def test_a_recovery_code_stands_in_once(app, client, world):
    _password(client)
    _, codes = _enrol(client)
    client.post("/auth/logout")
    _password(client)
    assert client.post("/auth/login/code", data={"code": codes[0].lower()}).status_code == 302
    client.post("/auth/logout")
    _password(client)
    assert "已使用过" in client.post("/auth/login/code", data={"code": codes[0]}).get_data(as_text=True)
    with app.app_context():
        assert len(db.session.get(User, world.a_user_id).recovery_codes) == totp.RECOVERY_CODES - 1


def test_the_second_step_expires_and_needs_the_password_first(app, client, world):
    assert client.get("/auth/login/code").location == "/auth/login"
    _password(client)
    secret, _ = _enrol(client)
    client.post("/auth/logout")
    _password(client)
    with client.session_transaction() as session:
        session["pending_login"]["at"] -= 301
        session.modified = True
    response = client.post("/auth/login/code", data={"code": _code_for_next_step(secret)})
    assert response.location == "/auth/login" and client.get("/projects/").status_code == 302


def test_a_role_that_must_use_it_reaches_only_the_enrolment_page(app, client, world, login):
    with app.app_context():
        db.session.add(Setting(key="policy.TOTP_REQUIRED_ROLES", value="officer"))
        db.session.commit()
    _password(client)
    assert client.get("/projects/").location == "/auth/totp"
    assert client.get("/api/v1/me").json["type"] == "urn:zhaoshang:problem:second_factor_required"
    secret, _ = _enrol(client)
    assert client.get("/projects/").status_code == 200
    refused = client.post("/auth/totp/off", data={"password": helpers.PASSWORD}, follow_redirects=True)
    assert "不能停用" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.a_user_id).totp_secret == secret


def test_the_security_admin_resets_it_and_the_user_turns_it_off_with_its_password(app, client, world, login):
    _password(client)
    secret, _ = _enrol(client)
    security = app.test_client()
    login("security_admin", client=security)
    assert "重置双因素" in security.get("/security/users").get_data(as_text=True)
    assert security.post(f"/security/users/{world.a_user_id}/totp").status_code == 302
    with app.app_context():
        user = db.session.get(User, world.a_user_id)
        assert user.totp_secret is None and user.recovery_codes == []
        [reset] = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "totp", AuditLog.record_id == user.id)
                                     .order_by(AuditLog.id.desc()).limit(1))
        assert reset.changes == {"操作": "安全管理员重置"} and reset.user_id != user.id
        assert secret not in str([e.changes for e in db.session.scalars(sa.select(AuditLog))])  # nor the log
    _enrol(client)
    assert "当前密码不正确" in client.post("/auth/totp/off", data={"password": "wrong"},
                                       follow_redirects=True).get_data(as_text=True)
    client.post("/auth/totp/off", data={"password": helpers.PASSWORD})
    with app.app_context():
        assert db.session.get(User, world.a_user_id).totp_secret is None
