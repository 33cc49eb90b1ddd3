"""The route-permission matrix, walked over app.url_map so new routes are covered automatically:
anonymous → login redirect (401 JSON under /api/), wrong role → 403, out-of-scope record → 404."""
import pytest

from app.models.enums import Role

PUBLIC = {"auth.login", "auth.second_factor", "static", "favicon", "agenda.feed", "api_docs.page"}
# Every URL argument names a record; its value comes from the `world` fixture (records in 甲市).
ARGUMENTS = {"unit_id": "a_unit_id", "user_id": "a_user_id", "enterprise_id": "enterprise_id",
             "project_id": "project_id", "park_id": "park_id", "chain_id": "chain_id", "contact_id": "contact_id",
             "activity_id": "activity_id", "attachment_id": "attachment_id", "batch_id": "batch_id",
             "event_id": "event_id", "stage_event_id": "stage_event_id", "fund_id": "fund_id",
             "target_id": "target_id", "item_id": "capacity_item_id", "notification_id": "notification_id", "view_id": "view_id",
             "node_id": "node_id", "exception_id": "uscc_exception_id", "problem_id": "problem_id",
             "leader_id": "leader_id", "link_id": "leader_link_id", "supervision_id": "supervision_id",
             "scheme_id": "scheme_id", "token_id": "token_id", "webhook_id": "webhook_id", "delivery_id": "delivery_id"}
# Pages whose record decides who of the allowed roles may open them, the others getting 403: a visit
# (its author, or a manager), a park's list (its own park admin; the attempt is logged,
# tests/test_parks_routes.py) and an import of a kind the role may not use (park admins import
# capacity lists only).
REFUSED_BY_RECORD = {"activities.edit", "parks.edit", "parks.item_form", "parks.item_delete", "imports.upload", "imports.detail",
                     "imports.errors", "imports.template", "imports.progress", "api.import_batch", "api.import_rows",
                     "api.upload", "api.commit_import", "api.undo_import", "api.correct_visit", "api.delete_visit"}
# A user's own records (a notification): anyone else gets 404, as for a record out of scope.
OWN = {"agenda.open_notification", "auth.revoke_token"}
# Arguments that name no record.
CONSTANTS = {"kind": "enterprises", "what": "codes", "action": "done"}
# API writes get a body that passes its schema, so that what the matrix meets is the scope check.
BODIES = {"api.move_stage": {"stage": "signed", "effective_on": "2026-01-02"},
          "api.enter_funds": {"month": "2026-01", "origin": "local", "amount_wan": "1"},
          "api.review_stage": {"decision": "approve"}, "api.review_fund": {"decision": "approve"}}


def rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in PUBLIC]


def url_for_rule(rule, world):
    unknown = set(rule.arguments) - set(ARGUMENTS) - set(CONSTANTS)
    assert not unknown, f"{rule.rule}: add {unknown} to ARGUMENTS so the matrix can test its scope"
    return rule.build({arg: getattr(world, ARGUMENTS[arg]) if arg in ARGUMENTS else CONSTANTS[arg]
                       for arg in rule.arguments})[1]


def method_of(rule):
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


def call(client, rule, url):
    return client.open(url, method=method_of(rule), json=BODIES.get(rule.endpoint))


def test_every_route_declares_its_roles(app):
    missing = [r.endpoint for r in rules(app) if not getattr(app.view_functions[r.endpoint], "allowed_roles", None)]
    assert missing == []


def test_anonymous_is_sent_to_login(app, client, world):
    wrong = []
    for rule in rules(app):
        url = url_for_rule(rule, world)
        response = call(client, rule, url)
        if rule.rule.startswith("/api/"):
            ok = response.status_code == 401 and response.json["detail"] == "请先登录。"
        else:
            ok = response.status_code == 302 and "/auth/login" in response.location
        if not ok:
            wrong.append((rule.rule, response.status_code))
    assert wrong == []


@pytest.mark.parametrize("role", list(Role))
def test_wrong_role_is_forbidden_and_right_role_gets_the_page(app, client, world, login, role):
    login(role)
    wrong = []
    for rule in rules(app):
        allowed = app.view_functions[rule.endpoint].allowed_roles
        if rule.endpoint == "auth.logout":
            continue  # would end this client's session; covered in test_auth_routes
        url = url_for_rule(rule, world)
        if role not in allowed:
            response = call(client, rule, url)
            if response.status_code != 403:
                wrong.append((rule.rule, response.status_code))
        elif method_of(rule) == "GET":
            response = client.get(url)
            allowed_codes = (200, 302, 403) if rule.endpoint in REFUSED_BY_RECORD else \
                (200, 302, 404) if rule.endpoint in OWN else (200, 302)
            if response.status_code not in allowed_codes:
                wrong.append((rule.rule, response.status_code))
    assert wrong == []


@pytest.mark.parametrize("role", list(Role))
def test_record_outside_scope_is_not_found(app, client, world, login, role):
    login(role, unit="b")  # 乙市 cannot see 甲市's records
    wrong = []
    for rule in rules(app):
        if not set(rule.arguments) & set(ARGUMENTS) or role not in app.view_functions[rule.endpoint].allowed_roles:
            continue
        response = call(client, rule, url_for_rule(rule, world))
        if response.status_code != 404:
            wrong.append((rule.rule, response.status_code))
    assert wrong == []


def test_there_are_scoped_routes_to_check(app):
    """Guards the matrix against silently checking nothing."""
    assert sum(1 for r in rules(app) if r.arguments) >= 8


# ---------- the API with tokens: the same matrix, the token in place of the session ----------

def api_rules(app):
    return [r for r in rules(app) if r.rule.startswith("/api/")]


def token_client(app, world, role, unit, **issue):
    """A client without a cookie whose calls carry a token (read-write unless told) of a new user."""
    from datetime import date

    from app.auth import tokens
    from app.extensions import db
    from tests import helpers

    with app.app_context():
        user = helpers.make_user(role, getattr(world, f"{unit}_unit_id"))
        token, secret = tokens.issue(user, user, "矩阵", issue.get("days", 30), role != Role.AUDITOR,
                                     issue.get("today", date.today()))
        if issue.get("revoked"):
            tokens.revoke(user, token)
        db.session.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_api_without_a_valid_token_is_unauthorized(app, world):
    from datetime import date, timedelta

    bad = app.test_client()
    bad.environ_base["HTTP_AUTHORIZATION"] = "Bearer zsk_not-a-token"
    clients = {"bad": bad, "revoked": token_client(app, world, Role.MANAGER, "a", revoked=True),
               "expired": token_client(app, world, Role.MANAGER, "a", days=1, today=date.today() - timedelta(days=2))}
    wrong = [(name, rule.rule, response.status_code) for name, client in clients.items() for rule in api_rules(app)
             if (response := call(client, rule, url_for_rule(rule, world))).status_code != 401]
    assert wrong == []


@pytest.mark.parametrize("role", list(Role))
def test_api_tokens_keep_their_users_role_and_scope(app, world, role):
    inside, outside = token_client(app, world, role, "a"), token_client(app, world, role, "b")
    wrong = []
    for rule in api_rules(app):
        allowed, url = role in app.view_functions[rule.endpoint].allowed_roles, url_for_rule(rule, world)
        if not allowed:
            expected = {403}
        elif set(rule.arguments) & set(ARGUMENTS):
            expected = {404}
            seen = call(inside, rule, url).status_code if method_of(rule) == "GET" else 200
            if seen not in ((200, 403) if rule.endpoint in REFUSED_BY_RECORD else (200,)):
                wrong.append(("in scope", rule.rule, seen))
        else:
            expected = {200, 201, 422} if method_of(rule) != "GET" else {200}
        if (response := call(outside, rule, url)).status_code not in expected:
            wrong.append((rule.rule, response.status_code))
    assert wrong == []
