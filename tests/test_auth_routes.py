from datetime import timedelta

import sqlalchemy as sa

from app import create_app
from app.auth.services import BAD_LOGIN, LOCKED_OUT
from app.extensions import db
from app.models import LoginAttempt, User, utcnow
from app.models.enums import Role
from tests import helpers


def post_login(client, username, password, address="127.0.0.1", next_url=None):
    url = "/auth/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_login_and_logout(client, world):
    response = post_login(client, "a_officer", helpers.PASSWORD)
    assert response.status_code == 302 and response.location == "/"
    home = client.get("/")
    assert "驾驶舱" in home.get_data(as_text=True)
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_unknown_user_and_wrong_password_get_the_same_message(client, world):
    unknown = post_login(client, "nobody", helpers.PASSWORD).get_data(as_text=True)
    wrong = post_login(client, "a_officer", "wrong-password").get_data(as_text=True)
    assert BAD_LOGIN in unknown and BAD_LOGIN in wrong


def test_five_failures_lock_that_name_from_that_address_for_15_minutes(app, client, world):
    for _ in range(5):
        assert BAD_LOGIN in post_login(client, "a_officer", "wrong").get_data(as_text=True)
    refused = post_login(client, "a_officer", helpers.PASSWORD)
    assert refused.status_code == 200 and LOCKED_OUT in refused.get_data(as_text=True)
    # Another address is not locked out.
    assert post_login(app.test_client(), "a_officer", helpers.PASSWORD, address="10.0.0.2").status_code == 302
    # After the window the right password works again.
    with app.app_context():
        db.session.execute(sa.update(LoginAttempt).values(at=utcnow() - timedelta(minutes=16)))
        db.session.commit()
    assert post_login(client, "a_officer", helpers.PASSWORD).status_code == 302


def test_four_failures_do_not_lock(client, world):
    for _ in range(4):
        post_login(client, "a_officer", "wrong")
    assert post_login(client, "a_officer", helpers.PASSWORD).status_code == 302


def test_deactivated_user_cannot_log_in_and_is_logged_out(app, client, world):
    assert post_login(client, "a_officer", helpers.PASSWORD).status_code == 302
    with app.app_context():
        db.session.get(User, world.a_user_id).is_active = False
        db.session.commit()
    assert client.get("/").status_code == 302  # the running session ends too
    assert BAD_LOGIN in post_login(app.test_client(), "a_officer", helpers.PASSWORD).get_data(as_text=True)


def test_next_goes_only_to_local_paths(client, world):
    assert post_login(client, "a_officer", helpers.PASSWORD, next_url="/projects/").location == "/projects/"
    client.post("/auth/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert post_login(client, "a_officer", helpers.PASSWORD, next_url=evil).location == "/"
        client.post("/auth/logout")


def test_session_cookie_flags(client, world):
    response = post_login(client, "a_officer", helpers.PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_when_configured(migrated, monkeypatch, tmp_path):
    monkeypatch.setenv("CRM_SECURE_COOKIES", "true")
    monkeypatch.setenv("CRM_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("CRM_DATABASE_URL", migrated)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == migrated


def test_login_page_is_chinese(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "登录招商引资项目管理平台" in page and 'lang="zh-CN"' in page


def test_user_of_every_role_reaches_home(app, client, login):
    for role in Role:
        login(role)
        assert client.get("/").status_code == 200
        client.post("/auth/logout")


def test_behind_a_proxy_the_lockout_uses_the_forwarded_address(migrated, world):
    from tests.conftest import make_app

    app = make_app(migrated, PROXY_COUNT=1)
    client = app.test_client()
    for _ in range(5):
        client.post("/auth/login", data={"username": "a_officer", "password": "wrong"},
                    headers={"X-Forwarded-For": "10.1.1.1"})
    locked = client.post("/auth/login", data={"username": "a_officer", "password": helpers.PASSWORD},
                         headers={"X-Forwarded-For": "10.1.1.1"})
    assert LOCKED_OUT in locked.get_data(as_text=True)
    other = client.post("/auth/login", data={"username": "a_officer", "password": helpers.PASSWORD},
                        headers={"X-Forwarded-For": "10.2.2.2"})
    assert other.status_code == 302
