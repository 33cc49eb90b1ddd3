import re
import time
from datetime import timedelta

import sqlalchemy as sa

from app import create_app
from app.auth.services import BAD_LOGIN, LOCKED_OUT, backoff
from app.extensions import db
from app.models import LoginAttempt, User, utcnow
from app.models.enums import Role
from tests import helpers

HELD = LOCKED_OUT.split("，")[0]


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


def test_failures_slow_the_name_down_from_every_address_and_are_kept(app, client, world):
    for _ in range(5):
        assert BAD_LOGIN in post_login(client, "a_officer", "wrong").get_data(as_text=True)
    refused = post_login(client, "a_officer", helpers.PASSWORD)
    assert refused.status_code == 200 and re.search(r"请 (29|30) 秒后再试", refused.get_data(as_text=True))
    # The wait is the name's, whatever the address.
    assert HELD in post_login(app.test_client(), "a_officer", helpers.PASSWORD, address="10.0.0.2").get_data(as_text=True)
    # Once the wait has passed the right password works, and the failures stay on record.
    with app.app_context():
        db.session.execute(sa.update(LoginAttempt).values(at=utcnow() - timedelta(seconds=31)))
        db.session.commit()
    assert post_login(client, "a_officer", helpers.PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 5
    # Failures before the latest login no longer count.
    assert BAD_LOGIN in post_login(app.test_client(), "a_officer", "wrong").get_data(as_text=True)


def test_the_wait_doubles_up_to_the_lockout(app):
    with app.test_request_context():
        assert [backoff(n).total_seconds() for n in (4, 5, 6, 7, 10, 20)] == [0, 30, 60, 120, 900, 900]


def test_guesses_from_rotating_addresses_are_not_evaluated(app, world):
    client = app.test_client()
    for n in range(40):
        post_login(client, "a_officer", f"guess-{n}", address=f"10.9.{n}.1")
    with app.app_context():  # five were checked; the other 35 waited without their password being tried
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 5


def test_an_address_failing_on_many_names_is_held_back(app, world):
    client = app.test_client()
    for n in range(30):
        post_login(client, f"name{n}", "wrong", address="10.3.3.3")
    assert HELD in post_login(client, "a_officer", helpers.PASSWORD, address="10.3.3.3").get_data(as_text=True)
    assert post_login(app.test_client(), "a_officer", helpers.PASSWORD, address="10.4.4.4").status_code == 302


def test_four_failures_do_not_slow_down(client, world):
    for _ in range(4):
        post_login(client, "a_officer", "wrong")
    assert post_login(client, "a_officer", helpers.PASSWORD).status_code == 302


def test_unknown_and_known_names_take_the_same_time(client, world):
    def seconds(username):
        started = time.perf_counter()
        post_login(client, username, "wrong-password", address=f"10.8.8.{len(username)}")
        return time.perf_counter() - started

    seconds("nobody-else")  # the first check builds the stand-in hash
    # Alternated, and the fastest of each kept: a busy machine only ever adds time. Four tries
    # on each name stay below its back-off, which would answer without checking the password.
    times = {"a_officer": [], "nobody-here": []}
    for _ in range(4):
        for username, taken in times.items():
            taken.append(seconds(username))
    known, unknown = min(times["a_officer"]), min(times["nobody-here"])
    assert abs(known - unknown) <= 0.2 * max(known, unknown), (known, unknown)


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


def test_user_of_every_role_reaches_its_home(app, client, login):
    homes = {Role.SECURITY_ADMIN: "/security/users", Role.AUDITOR: "/audit/"}
    for role in Role:
        response = client.post("/auth/login", data={"username": login(role).username, "password": "x"})
        home = homes.get(role, "/")
        assert response.location == home  # already logged in: the login page sends the user home
        assert client.get(home).status_code == 200
        client.post("/auth/logout")


def test_behind_a_proxy_the_address_limit_uses_the_forwarded_address(migrated, world):
    from tests.conftest import make_app

    app = make_app(migrated, PROXY_COUNT=1)
    client = app.test_client()
    for n in range(30):
        client.post("/auth/login", data={"username": f"name{n}", "password": "wrong"},
                    headers={"X-Forwarded-For": "10.1.1.1"})
    held = client.post("/auth/login", data={"username": "a_officer", "password": helpers.PASSWORD},
                       headers={"X-Forwarded-For": "10.1.1.1"})
    assert HELD in held.get_data(as_text=True)
    other = client.post("/auth/login", data={"username": "a_officer", "password": helpers.PASSWORD},
                        headers={"X-Forwarded-For": "10.2.2.2"})
    assert other.status_code == 302