"""CSRF on every form: a POST without the token is refused with a Chinese message and writes nothing."""
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, OrgUnit
from tests import helpers
from tests.conftest import make_app
from tests.test_permissions import rules, url_for_rule

CSRF_MESSAGE = "表单已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。"


def test_every_post_route_refuses_a_missing_token(app, world, migrated):
    app = make_app(migrated, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    post_rules = [r for r in rules(app) if "POST" in r.methods]
    assert len(post_rules) >= 6
    for rule in post_rules:
        response = client.post(url_for_rule(rule, world))
        assert response.status_code == 400, rule.rule
        assert CSRF_MESSAGE in response.get_data(as_text=True), rule.rule


def test_login_without_token_is_refused_and_a_form_with_it_works(world, migrated):
    app = make_app(migrated, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/auth/login", data={"username": "a_officer", "password": helpers.PASSWORD})
    assert response.status_code == 400
    page = client.get("/auth/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/auth/login", data={"username": "a_officer", "password": helpers.PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302


def test_admin_post_without_token_writes_nothing(world, migrated):
    app = make_app(migrated, WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin_name = helpers.make_user("admin", world.root_unit_id).username
        db.session.commit()
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/auth/login", data={"username": admin_name, "password": helpers.PASSWORD, "csrf_token": token})
    with app.app_context():  # the login is on record; nothing after it may be
        before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))
    response = client.post(f"/admin/units/{world.a_unit_id}/active")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(OrgUnit, world.a_unit_id).is_active is True
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == before


def test_an_api_call_with_a_token_needs_no_csrf_token_and_a_page_post_with_one_still_does(world, migrated):
    from datetime import date

    from app.auth import tokens
    from app.models import User

    app = make_app(migrated, WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = db.session.get(User, world.a_user_id)
        _, secret = tokens.issue(user, user, "写入", 30, True, date.today())
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/me", headers=headers).status_code == 405  # past CSRF: the method is what is wrong
    page = client.post("/auth/logout", headers=headers)  # outside /api/ a bearer header counts for nothing
    assert page.status_code == 400 and CSRF_MESSAGE in page.get_data(as_text=True)


def test_api_writes_take_a_token_or_a_sessions_csrf_header(world, migrated):
    """A token's write needs no CSRF token; a cookie session's write through the API needs its
    X-CSRFToken header (the app-wide check), and the page's form it fills asks nothing more."""
    from datetime import date

    from app.auth import tokens
    from app.models import User

    app = make_app(migrated, WTF_CSRF_ENABLED=True)
    visit = {"kind": "visit", "occurred_on": "2026-03-05", "unit_id": world.a_unit_id, "summary": "走访",
             "enterprise_ids": [world.enterprise_id]}
    with app.app_context():
        user = db.session.get(User, world.a_user_id)
        _, secret = tokens.issue(user, user, "写入", 30, True, date.today())
        db.session.commit()
    assert app.test_client().post("/api/v1/activities", json=visit,
                                  headers={"Authorization": f"Bearer {secret}"}).status_code == 201
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/auth/login", data={"username": "a_officer", "password": helpers.PASSWORD,
                                            "csrf_token": token}).status_code == 302
    refused = client.post("/api/v1/activities", json=visit)
    assert refused.status_code == 400 and refused.json["detail"] == CSRF_MESSAGE
    assert client.post("/api/v1/activities", json=visit, headers={"X-CSRFToken": token}).status_code == 201
