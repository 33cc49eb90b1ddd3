"""Sessions end where they must (等保: 身份鉴别, 访问控制): a cookie replayed after logout, after a
password reset, after deactivation or a change of role logs no one in; an idle session ends after
SESSION_IDLE and any session SESSION_MAX after its login; pages are not kept in caches."""
import time

import pytest


def _cookie(client):
    return client.get_cookie("session").value


def _replay(app, cookie) -> int:
    """A fresh client presenting an old session cookie: the status of the dashboard."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get("/").status_code


def test_a_cookie_replayed_after_logout_is_refused(app, client, world, login):
    login("officer", unit="a")
    cookie = _cookie(client)
    assert _replay(app, cookie) == 200
    client.post("/auth/logout")
    assert _replay(app, cookie) == 302


@pytest.mark.parametrize("change", ["password", "deactivate", "role"])
def test_sessions_end_when_an_admin_changes_the_account(app, client, world, login, change):
    user = login("officer", unit="a")
    cookie = _cookie(client)
    admin = app.test_client()
    login("admin" if change == "deactivate" else "security_admin", client=admin)
    if change == "password":
        response = admin.post(f"/security/users/{user.id}/password", data={"password": "Another-pass-42"})
    elif change == "deactivate":
        response = admin.post(f"/admin/users/{user.id}/active", data={"version": 1})
    else:
        response = admin.post(f"/security/users/{user.id}", data={"role": "manager", "version": 1})
    assert response.status_code == 302
    assert _replay(app, cookie) == 302
    assert client.get("/").status_code == 302


def test_a_name_only_change_keeps_the_session(app, client, world, login):
    user = login("officer", unit="a")
    admin = app.test_client()
    login("admin", client=admin)
    response = admin.post(f"/admin/users/{user.id}/edit", data={"display_name": "新名字", "unit_id": world.a_unit_id,
                                                                "version": 1})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("key, age", [("seen", 31 * 60), ("since", 8 * 3600 + 1)])
def test_idle_and_absolute_timeouts(app, client, world, login, key, age):
    login("officer", unit="a")
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session[key] = int(time.time()) - age
    response = client.get("/projects/")
    assert response.status_code == 302 and "/auth/login" in response.location
    assert "会话已超时" in client.get(response.location).get_data(as_text=True)
    assert client.get("/").status_code == 302  # the session is gone, not only this request


def test_api_timeout_is_401_json(app, client, world, login):
    login("officer", unit="a")
    with client.session_transaction() as session:
        session["seen"] = 0
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.json["detail"] == "会话已超时，请重新登录。"


def test_pages_are_not_cached_static_files_are(app, client, world, login):
    login("officer", unit="a")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    export = client.get("/projects/export.xlsx")
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_logins_failures_logouts_timeouts_and_password_changes_are_audited(app, client, world):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import AuditLog
    from tests import helpers

    client.post("/auth/login", data={"username": "nobody", "password": "x"}, environ_base={"REMOTE_ADDR": "10.5.5.5"})
    client.post("/auth/login", data={"username": "a_officer", "password": "wrong"})
    client.post("/auth/login", data={"username": "a_officer", "password": helpers.PASSWORD})
    client.post("/auth/password", data={"current": helpers.PASSWORD, "new": "Audited-2026-x", "confirm": "Audited-2026-x"})
    with client.session_transaction() as session:
        session["seen"] = 0
    client.get("/")
    client.post("/auth/login", data={"username": "a_officer", "password": "Audited-2026-x"})
    client.post("/auth/logout")
    with app.app_context():
        rows = db.session.execute(sa.select(AuditLog.action, AuditLog.record_label, AuditLog.changes)
                                  .where(AuditLog.record_type == "User").order_by(AuditLog.id)).all()
    events = [(action, label) for action, label, _ in rows if action not in ("create", "update")]
    assert events == [("login_fail", "nobody"), ("login_fail", "a_officer"), ("login", "a_officer"),
                      ("password", "a_officer"), ("timeout", "a_officer"), ("login", "a_officer"),
                      ("logout", "a_officer")]
    failures = [changes for action, _, changes in rows if action == "login_fail"]
    assert failures == [{"地址": "10.5.5.5", "原因": "用户不存在"}, {"地址": "127.0.0.1", "原因": "密码错误"}]
