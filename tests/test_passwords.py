"""Password rules (等保 身份鉴别): strength, history, expiry, a change forced after an admin sets
the password, and the self-service change page that ends the user's other sessions."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.passwords import PasswordError, check_strength, set_password
from app.extensions import db
from app.models import User, utcnow
from tests import helpers


@pytest.mark.parametrize("password, why", [
    ("Ab1-xyz", "8–128 位"), ("password", "至少 3 类"), ("12345678", "至少 3 类"), ("abcdefgh", "至少 3 类"),
    ("Abcdefgh", "至少 3 类"), ("Wang-li-2026", "包含用户名"), ("P@ssw0rd", "过于常见"), ("Zhaoshang@2026", "过于常见"),
])
def test_weak_passwords_are_refused_with_the_rule_broken(app, password, why):
    with app.app_context(), pytest.raises(PasswordError, match=why):
        check_strength("wang-li", password)


def test_a_strong_password_passes(app):
    with app.app_context():
        check_strength("wang-li", "Hezuo-2026-go")


def test_the_last_five_passwords_are_not_reused(app, world):
    with app.app_context():
        user = db.session.get(User, world.a_user_id)
        used = [f"Round-{n}-pass" for n in range(6)]
        for password in used:
            set_password(user, password)
        for recent in used[1:]:
            with pytest.raises(PasswordError, match="最近 5 次"):
                set_password(user, recent)
        set_password(user, used[0])  # six changes ago: allowed again


def _login(client, username, password=helpers.PASSWORD):
    return client.post("/auth/login", data={"username": username, "password": password})


def test_after_a_reset_the_user_changes_it_before_anything_else(app, client, world, login):
    security = app.test_client()
    login("security_admin", client=security)
    assert security.post(f"/security/users/{world.a_user_id}/password", data={"password": "Reset-by-admin-1"}).status_code == 302
    assert _login(client, "a_officer", "Reset-by-admin-1").status_code == 302
    page = client.get("/projects/")
    assert page.status_code == 302 and page.location.endswith("/auth/password")
    assert "管理员重置的密码" in client.get("/auth/password").get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 403
    wrong = client.post("/auth/password", data={"current": "nope", "new": "Mine-now-2026", "confirm": "Mine-now-2026"})
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    done = client.post("/auth/password", data={"current": "Reset-by-admin-1", "new": "Mine-now-2026",
                                               "confirm": "Mine-now-2026"})
    assert done.status_code == 302 and client.get("/projects/").status_code == 200
    with app.app_context():
        user = db.session.get(User, world.a_user_id)
        assert user.check_password("Mine-now-2026") and not user.must_change_password


def test_an_account_an_admin_opens_changes_its_password_at_first_login(app, client, world, login):
    admin = app.test_client()
    login("admin", client=admin)
    admin.post("/admin/users/new", data={"username": "newbie", "display_name": "新人",
                                         "unit_id": world.a_unit_id, "password": "First-pass-77"})
    assert "尚未分配角色" in _login(client, "newbie", "First-pass-77").get_data(as_text=True)  # 三员分立
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == "newbie")).role = "officer"
        db.session.commit()
    _login(client, "newbie", "First-pass-77")
    assert client.get("/").location.endswith("/auth/password")


def test_a_password_older_than_90_days_must_change(app, client, world):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == world.a_user_id)
                           .values(password_changed_at=utcnow() - timedelta(days=91)))
        db.session.commit()
    _login(client, "a_officer")
    assert client.get("/").location.endswith("/auth/password")
    assert "超过 90 天" in client.get("/auth/password").get_data(as_text=True)


def test_changing_ones_password_ends_the_other_sessions_not_this_one(app, client, world):
    elsewhere = app.test_client()
    _login(client, "a_officer")
    _login(elsewhere, "a_officer")
    response = client.post("/auth/password", data={"current": helpers.PASSWORD, "new": "Changed-2026-x",
                                                   "confirm": "Changed-2026-x"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200 and elsewhere.get("/").status_code == 302
