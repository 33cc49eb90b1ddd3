"""API tokens: made by their user or (service accounts) a security admin, shown once, stored as a
digest; a call with one acts as its user; read-only, expired, revoked or deactivated → refused."""
import re
from datetime import date, timedelta

import sqlalchemy as sa

from app.auth import tokens
from app.extensions import db
from app.models import ApiToken, AuditLog, User
from app.models.enums import Role
from tests import helpers


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_a_personal_token_acts_as_its_user_until_revoked(app, client, world, login):
    user = login("officer", unit="a")
    page = client.post("/auth/tokens", data={"name": "市平台对接脚本", "days": 30}).get_data(as_text=True)
    secret = re.search(r"(zsk_[A-Za-z0-9_\-]+)", page)[1]
    assert "只显示这一次" in page and secret not in client.get("/auth/tokens").get_data(as_text=True)
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
        assert token.token_hash == tokens.digest(secret) and not token.write
        assert token.expires_on == date.today() + timedelta(days=30)
        logged = db.session.scalar(sa.select(AuditLog).where(AuditLog.record_type == "ApiToken"))
        assert logged.changes["token_hash"] == ["***", "***"]  # the digest is not shown in the log either
    api = app.test_client()  # no cookie: the token alone
    me = api.get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200 and me.json["username"] == user.username
    assert [u["name"] for u in api.get("/api/v1/units", headers=bearer(secret)).json["units"]] == ["甲市", "甲园区"]
    assert api.post("/api/v1/me", headers=bearer(secret)).status_code == 403  # read-only: nothing but reads
    assert api.get("/enterprises/", headers=bearer(secret)).status_code == 302  # a token opens no page
    assert api.get("/api/v1/me", headers=bearer(secret + "x")).status_code == 401
    with app.app_context():
        assert db.session.get(ApiToken, token.id).last_used_at is not None
    client.post(f"/auth/tokens/{token.id}/revoke")
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_expired_tokens_and_deactivated_users_are_refused_and_tokens_are_their_users_own(app, client, world, login):
    with app.app_context():
        officer = helpers.make_user(Role.OFFICER, world.a_unit_id)
        other = helpers.make_user(Role.OFFICER, world.a_unit_id)
        _, old = tokens.issue(officer, officer, "旧", 1, False, date.today() - timedelta(days=2))
        live, fresh = tokens.issue(officer, officer, "新", 10, True, date.today())
        for bad, message in [((other, officer, "x", 10, False), "只能为自己或服务账号"),
                             ((officer, officer, "x", 400, False), "有效期应为 1–365 天"),
                             ((officer, officer, " ", 10, False), "请填写令牌名称")]:
            try:
                tokens.issue(*bad, date.today())
            except tokens.TokenError as error:
                assert message in str(error)
            else:
                raise AssertionError(message)
        db.session.commit()
        live_id, officer_id = live.id, officer.id
    api = app.test_client()
    assert api.get("/api/v1/me", headers=bearer(old)).status_code == 401
    assert api.get("/api/v1/me", headers=bearer(fresh)).status_code == 200
    login("officer", unit="a")  # another user may not revoke it: as if it were not there
    assert client.post(f"/auth/tokens/{live_id}/revoke").status_code == 404
    with app.app_context():
        db.session.get(User, officer_id).is_active = False
        db.session.commit()
    assert api.get("/api/v1/me", headers=bearer(fresh)).status_code == 401


def test_a_security_admin_makes_a_service_account_that_cannot_log_in(app, client, world, login):
    login(Role.SECURITY_ADMIN)
    page = client.post("/security/services", data={"name": "甲市招商平台", "unit_id": world.a_unit_id,
                                                   "role": "manager", "days": 365}).get_data(as_text=True)
    secret = re.search(r"(zsk_[A-Za-z0-9_\-]+)", page)[1]
    assert "svc-a-1" in page and "甲市招商平台" in page
    me = app.test_client().get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200 and me.json["role"] == "manager" and me.json["unit"]["name"] == "甲市"
    refused = app.test_client().post("/auth/login", data={"username": "svc-a-1", "password": "!service-account: no password"})
    assert refused.status_code == 200 and "用户名或密码错误" in refused.get_data(as_text=True)
    bad = client.post("/security/services", data={"name": "x", "unit_id": world.a_unit_id, "role": "admin", "days": 30})
    assert "不是有效的选择" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.is_service.is_(True))) == 1
