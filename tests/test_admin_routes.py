import re
from decimal import Decimal

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, OrgUnit, User
from app.reports import settings


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_admin_creates_edits_and_deactivates_a_unit(app, client, world, login, version):
    login("admin")
    response = client.post("/admin/units/new", data={"code": "C", "name": "丙市", "kind": "city",
                                                     "parent_id": world.root_unit_id})
    assert response.status_code == 302
    with app.app_context():
        unit = db.session.scalar(sa.select(OrgUnit).where(OrgUnit.code == "C"))
        assert unit.parent_id == world.root_unit_id
        unit_id = unit.id
    client.post(f"/admin/units/{unit_id}/edit", data={"code": "C1", "name": "丙市（新）", "kind": "city",
                                                      "parent_id": world.a_unit_id, "version": 1})
    client.post(f"/admin/units/{unit_id}/active", data={"version": version(OrgUnit, unit_id)})
    with app.app_context():
        unit = db.session.get(OrgUnit, unit_id)
        assert (unit.code, unit.name, unit.parent_id, unit.is_active) == ("C1", "丙市（新）", world.a_unit_id, False)


def test_a_unit_cannot_move_under_its_own_descendant(app, client, world, login):
    login("admin")
    response = client.post(f"/admin/units/{world.a_unit_id}/edit", data={
        "code": "A", "name": "甲市", "kind": "city", "parent_id": world.a_zone_unit_id, "version": 1})
    assert "上级单位不能是本单位或其下级单位" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(OrgUnit, world.a_unit_id).parent_id == world.root_unit_id


def test_duplicate_code_and_bad_fields_write_nothing(app, client, world, login):
    login("admin")
    with app.app_context():
        units_before, log_before = count(OrgUnit), count(AuditLog)
    cases = [
        ({"code": "A", "name": "重复", "kind": "city", "parent_id": world.root_unit_id}, "单位代码 A 已被“甲市”使用"),
        ({"code": "", "name": "无代码", "kind": "city", "parent_id": world.root_unit_id}, "请填写单位代码"),
        ({"code": "X", "name": "长" * 101, "kind": "city", "parent_id": world.root_unit_id}, "单位名称不超过 100 个字"),
        ({"code": "X", "name": "坏类型", "kind": "planet", "parent_id": world.root_unit_id}, "不是有效的选择"),
        ({"code": "X", "name": "坏上级", "kind": "city", "parent_id": 999999}, "不是有效的选择"),
    ]
    for data, message in cases:
        response = client.post("/admin/units/new", data=data)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True), message
    with app.app_context():
        assert (count(OrgUnit), count(AuditLog)) == (units_before, log_before)


def test_admin_opens_edits_and_deactivates_an_account_but_grants_no_role(app, client, world, login, version):
    admin = login("admin")
    response = client.post("/admin/users/new", data={
        "username": "zhang", "display_name": "张三", "role": "admin", "unit_id": world.a_zone_unit_id,
        "park_id": world.park_id, "password": "Long-enough-1"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "zhang"))
        assert (user.role, user.park_id) == (None, world.park_id)  # the role sent was not the admin's to give
        user_id = user.id
    client.post(f"/admin/users/{user_id}/edit", data={"display_name": "张三丰", "role": "admin",
                                                      "unit_id": world.a_unit_id, "park_id": "", "version": 1})
    client.post(f"/admin/users/{user_id}/active", data={"version": version(User, user_id)})
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.display_name, user.role, user.unit_id, user.park_id, user.is_active) == (
            "张三丰", None, world.a_unit_id, None, False)
    assert "待分配角色" in client.get("/admin/users").get_data(as_text=True)
    # An admin cannot lock itself out.
    response = client.post(f"/admin/users/{admin.id}/active", data={"version": version(User, admin.id)},
                           follow_redirects=True)
    assert "不能停用自己的账号" in response.get_data(as_text=True)


def test_user_form_errors_write_nothing(app, client, world, login):
    login("admin")
    with app.app_context():
        before = count(User)
    cases = [
        ({"username": "a_officer", "display_name": "重名", "unit_id": world.a_unit_id,
          "password": "Long-enough-1"}, "用户名 a_officer 已存在"),
        ({"username": "short", "display_name": "短密码", "unit_id": world.a_unit_id,
          "password": "short"}, "密码 8–128 位"),
        ({"username": "common", "display_name": "常见密码", "unit_id": world.a_unit_id,
          "password": "P@ssw0rd"}, "过于常见"),
        ({"username": "farpark", "display_name": "园区不在单位下", "unit_id": world.b_unit_id,
          "park_id": world.park_id, "password": "Long-enough-1"}, "不在所属单位“乙市”之下"),
        ({"username": "", "display_name": "", "unit_id": world.a_unit_id}, "请填写用户名"),
    ]
    for data, message in cases:
        response = client.post("/admin/users/new", data=data)
        assert message in response.get_data(as_text=True), message
    with app.app_context():
        assert count(User) == before


def test_a_city_admin_manages_only_its_subtree(app, client, world, login):
    login("admin", unit="a")
    page = client.get("/admin/units").get_data(as_text=True)
    assert "甲园区" in page and "乙市" not in page
    response = client.post("/admin/users/new", data={
        "username": "outsider", "display_name": "越权", "role": "officer", "unit_id": world.b_unit_id,
        "password": "Long-enough-1"})
    assert "不是有效的选择" in response.get_data(as_text=True)
    assert client.get(f"/admin/units/{world.b_unit_id}/edit").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "outsider")) is None


def _version(page: str) -> str:
    return re.search(r'name="version"[^>]*value="([0-9a-f]+)"', page).group(1)


def test_report_settings_are_set_per_unit_and_inherited(app, client, world, login):
    province = app.test_client()
    login("admin", client=province)
    page = province.get("/admin/reports").get_data(as_text=True)
    refused = province.post("/admin/reports", data={"tiers": "1, 两", "version": _version(page)}).get_data(as_text=True)
    assert "分档应为" in refused
    with app.app_context():
        assert settings.tiers(world.a_unit_id) == settings.DEFAULT_TIERS  # nothing written
    assert province.post("/admin/reports", data={"tiers": "3，0.5、3", "total_first": "1",
                                                 "version": _version(page)}).status_code == 302
    assert 'value="0.5, 3"' in province.get("/admin/reports").get_data(as_text=True)
    # A city follows the province until it sets its own; its own holds for it only.
    login("admin", unit="a")
    city = client.get("/admin/reports").get_data(as_text=True)
    assert "留空则沿用“测试省”的设置：0.5, 3 亿元" in city and re.search(r'name="tiers"[^>]*value=""', city)
    assert client.post("/admin/reports", data={"tiers": "2", "total_first": "", "version": _version(city)}).status_code == 302
    with app.app_context():
        assert settings.tiers(world.a_unit_id) == settings.tiers(world.a_zone_unit_id) == [Decimal(20000)]
        assert settings.tiers(world.root_unit_id) == settings.tiers(world.b_unit_id) == [Decimal(5000), Decimal(30000)]
        assert settings.total_first(world.a_unit_id)  # not set by the city: the province's
    # The province's own settings are not the city admin's to change, nor to read.
    assert client.get(f"/admin/reports?unit={world.root_unit_id}").status_code == 404
    assert client.post(f"/admin/reports?unit={world.root_unit_id}", data={"tiers": "9"}).status_code == 404
    # A page opened before another admin saved is stale.
    stale = province.post(f"/admin/reports?unit={world.a_unit_id}", data={"tiers": "5", "version": _version(page)})
    assert stale.status_code == 409 and "刚被他人修改" in stale.get_data(as_text=True)
    with app.app_context():
        assert settings.tiers(world.a_unit_id) == [Decimal(20000)]
        changes = db.session.scalars(sa.select(AuditLog).where(AuditLog.record_type == "UnitSetting")).all()
        assert {(c.action, c.record_label) for c in changes} >= {("create", "report_tiers_wan")}


