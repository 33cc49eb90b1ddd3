"""三员分立 (等保 access control): the admin opens accounts, the security admin grants roles and
permissions and sets the password and session policy, the auditor reads the log; settings of a
unit's subtree are the unit's own, inherited downward. (The route matrix in test_permissions.py
walks every route for each of the six roles.)"""
import io
import re
from datetime import date, timedelta

import openpyxl
import sqlalchemy as sa

from app.auth.passwords import PasswordError, check_strength
from app.auth.policy import KNOBS
from app.extensions import db
from app.models import AuditLog, Project, Setting, User
from app.models.enums import Role, Stage
from app.projects import warnings
from tests import helpers


def _version(page: str) -> str:
    return re.search(r'name="version"[^>]*value="([0-9a-f]+)"', page).group(1)


def _rows(app, **where):
    with app.app_context():
        stmt = sa.select(AuditLog).filter_by(**where).order_by(AuditLog.id)
        return [(e.action, e.record_type, e.record_label, e.changes, e.user_id) for e in db.session.scalars(stmt)]


def test_the_security_admin_grants_a_role_and_permissions_audited(app, client, world, login, version):
    security = login("security_admin")
    response = client.post(f"/security/users/{world.a_user_id}", data={
        "role": "manager", "permissions": ["view_personal"], "version": version(User, world.a_user_id)})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, world.a_user_id)
        assert user.role == Role.MANAGER and [g.permission for g in user.grants] == ["view_personal"]
    changes = _rows(app, record_type="User", action="update") + _rows(app, record_type="UserPermission")
    assert ("update", "User", "a_officer", {"role": ["officer", "manager"]}, security.id) in changes
    assert any(action == "create" and who == security.id for action, kind, _, _, who in changes if kind == "UserPermission")
    # Revoked again: the grant's row is deleted, and that is audited too.
    client.post(f"/security/users/{world.a_user_id}", data={"role": "manager", "version": version(User, world.a_user_id)})
    assert [a for a, *_ in _rows(app, record_type="UserPermission")] == ["create", "delete"]


def test_what_the_security_admin_may_not_grant(app, client, world, login, version):
    security = login("security_admin")
    cases = [
        (security.id, {"role": "admin"}, "不能修改自己的角色和权限"),
        (world.a_user_id, {"role": "park_admin"}, "园区管理员必须绑定一个园区"),
        (world.a_user_id, {"role": "auditor", "permissions": ["export_personal"]}, "只能授予业务角色"),
        (world.a_user_id, {"role": "boss"}, "不是有效的选择"),
        (world.a_user_id, {"role": ""}, "请选择角色"),
    ]
    for user_id, data, message in cases:
        page = client.post(f"/security/users/{user_id}", data={**data, "version": version(User, user_id)})
        assert message in page.get_data(as_text=True), message
    with app.app_context():
        assert db.session.get(User, world.a_user_id).role == Role.OFFICER
        assert db.session.get(User, security.id).role == Role.SECURITY_ADMIN


def test_a_city_security_admin_manages_its_subtree_only(app, client, world, login):
    login("security_admin", unit="a")
    page = client.get("/security/users").get_data(as_text=True)
    assert "a_officer" in page
    with app.app_context():
        outsider = helpers.make_user("officer", world.b_unit_id)
        db.session.commit()
        outsider_id = outsider.id
    assert client.get(f"/security/users/{outsider_id}").status_code == 404
    assert client.post(f"/security/users/{outsider_id}/password", data={"password": "Outside-pass-9"}).status_code == 404


def test_each_of_the_three_sees_only_its_own_pages(app, client, world, login):
    login("security_admin")
    assert client.get("/projects/").status_code == 403 and client.get("/audit/").status_code == 403
    assert client.get("/admin/users").status_code == 403
    client.post("/auth/logout")
    login("auditor")
    assert client.get("/enterprises/").status_code == 403 and client.get("/security/users").status_code == 403
    assert client.get("/audit/").status_code == 200
    client.post("/auth/logout")
    login("admin")
    assert client.get("/audit/").status_code == 403 and client.get("/security/policy").status_code == 403
    assert client.get("/admin/users").status_code == 200


def test_the_auditor_exports_the_log_as_filtered_and_the_export_is_logged(app, client, world, login):
    app.test_client().post("/auth/login", data={"username": "a_officer", "password": "wrong"})  # a failure to find
    auditor = login("auditor")
    response = client.get("/audit/export?action=login_fail")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["审计日志"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "时间", "用户名", "姓名", "操作")
    assert len(rows) == 2 and rows[1][4] == "登录失败" and "密码错误" in rows[1][8]
    [export] = [c for a, _, _, c, who in _rows(app, action="export") if who == auditor.id]
    assert export["文件"] == "审计日志.xlsx" and export["条件"] == "action=login_fail" and export["行数"] == "1"


def test_the_security_admin_sets_the_password_and_session_policy(app, client, world, login):
    login("security_admin")
    page = client.get("/security/policy").get_data(as_text=True)
    values = {knob.key: knob.from_config(app.config[knob.key]) for knob in KNOBS}
    too_weak = client.post("/security/policy", data={**values, "PASSWORD_MIN_LENGTH": 6, "version": _version(page)})
    assert "应为 8–64 的整数" in too_weak.get_data(as_text=True)  # never below 等保 level 3
    saved = client.post("/security/policy", data={**values, "PASSWORD_MIN_LENGTH": 12, "SESSION_IDLE": 10,
                                                  "totp_roles": ["admin"], "version": _version(page)})
    assert saved.status_code == 302
    with app.test_request_context():
        try:
            check_strength("wang", "Short-pass-1")  # 12 characters: allowed
            check_strength("wang", "Short-pas-1")
            raise AssertionError("an 11-character password passed a 12-character minimum")
        except PasswordError as error:
            assert "12–128 位" in str(error)
    # The idle timeout in force is the new one.
    with client.session_transaction() as session:
        session["seen"] -= 11 * 60
    assert client.get("/security/users").status_code == 302
    [stored] = [r for r in _rows(app, record_type="Setting") if r[2] == "policy.PASSWORD_MIN_LENGTH"]
    assert stored[0] == "create" and stored[3]["value"] == [None, "12"]
    # A page opened before that save is stale.
    login("security_admin")
    stale = client.post("/security/policy", data={**values, "version": _version(page)})
    assert stale.status_code == 409
    with app.app_context():
        assert db.session.get(Setting, "policy.PASSWORD_MIN_LENGTH").value == "12"


def test_the_security_admin_releases_a_held_back_login(app, client, world, login):
    other = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        other.post("/auth/login", data={"username": "a_officer", "password": "wrong"})
    held = other.post("/auth/login", data={"username": "a_officer", "password": helpers.PASSWORD})
    assert "登录失败次数过多" in held.get_data(as_text=True)
    security = login("security_admin")
    assert "解除限制" in client.get("/security/users").get_data(as_text=True)
    assert client.post(f"/security/users/{world.a_user_id}/unlock").status_code == 302
    assert other.post("/auth/login", data={"username": "a_officer", "password": helpers.PASSWORD}).status_code == 302
    [unlock] = _rows(app, action="unlock")
    assert unlock[2] == "a_officer" and unlock[4] == security.id and unlock[3]["清除的失败次数"] == "5"


def test_warning_thresholds_are_set_per_unit_and_inherited(app, client, world, login):
    with app.app_context():
        for unit in (world.a_unit_id, world.a_zone_unit_id, world.b_unit_id):
            helpers.make_project(unit, name=f"签约{unit}", stage=Stage.SIGNED, signed_on=date.today() - timedelta(days=60))
        db.session.commit()
    login("admin", unit="a")
    page = client.get("/admin/warnings").get_data(as_text=True)
    assert "留空则沿用“测试省”的设置" not in page  # nothing set above: the defaults hold
    assert client.post("/admin/warnings", data={"signed_idle_days": 30, "version": _version(page)}).status_code == 302
    assert client.get(f"/admin/warnings?unit={world.root_unit_id}").status_code == 404  # not the city's to change
    with app.app_context():
        assert warnings.thresholds(world.a_zone_unit_id)["signed_idle_days"] == 30  # inherited from the city
        assert warnings.thresholds(world.b_unit_id)["signed_idle_days"] == 365
        assert _idle_units() == sorted([world.a_unit_id, world.a_zone_unit_id])
        assert warnings.counts(sa.select(Project.id).where(Project.name.like("签约%")), date.today())["signed_idle"] == 2
    # The province sets its own; the city keeps its own, the zone follows the city.
    client.post("/auth/logout")
    login("admin")
    page = client.get("/admin/warnings").get_data(as_text=True)
    client.post("/admin/warnings", data={"signed_idle_days": 50, "version": _version(page)})
    zone = client.get(f"/admin/warnings?unit={world.a_zone_unit_id}").get_data(as_text=True)
    assert "留空则沿用“甲市”的设置：30" in zone
    with app.app_context():
        assert [warnings.thresholds(u)["signed_idle_days"] for u in
                (world.root_unit_id, world.a_unit_id, world.a_zone_unit_id, world.b_unit_id)] == [50, 30, 30, 50]
        assert _idle_units() == sorted([world.a_unit_id, world.a_zone_unit_id, world.b_unit_id])


def _idle_units() -> list[int]:
    """The units of the test's signed projects that have the warning 签约未落地 today."""
    idle = warnings.conditions(date.today())["signed_idle"]
    return sorted(db.session.scalars(sa.select(Project.unit_id).where(idle, Project.name.like("签约%"))))


def test_a_login_goes_to_the_page_it_came_from_only_if_the_role_may_open_it(app, client, world):
    with app.app_context():
        auditor = helpers.make_user("auditor", world.root_unit_id)
        db.session.commit()
        name = auditor.username
    sent = client.post("/auth/login?next=/projects/", data={"username": name, "password": helpers.PASSWORD})
    assert sent.location == "/audit/"
    client.post("/auth/logout")
    sent = client.post("/auth/login?next=/audit/%3Faction%3Dlogin", data={"username": name, "password": helpers.PASSWORD})
    assert sent.location == "/audit/?action=login"
