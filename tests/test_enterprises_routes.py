import io
import zipfile
from datetime import date

import sqlalchemy as sa
from openpyxl import load_workbook

from app.enterprises import services
from app.extensions import db
from app.models import AuditLog, Contact, Enterprise, EnterpriseTag
from tests import helpers
from tests.test_list_queries import counting

CODE = "91110000600037341L"


def form(world, **fields):
    return {"name": "新企业有限公司", "status": "target", "unit_id": world.a_unit_id, "officer_id": "", **fields}


def test_officer_creates_edits_and_deactivates(app, client, world, login, version):
    login("officer", unit="a")
    response = client.post("/enterprises/new", data=form(world, uscc=CODE, tags=["上市公司", "央企"]))
    assert response.status_code == 302
    with app.app_context():
        enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == CODE))
        assert enterprise.tag_names == ["上市公司", "央企"]
        ident, seen = enterprise.id, enterprise.version
    page = client.get(f"/enterprises/{ident}").get_data(as_text=True)
    assert "新企业有限公司" in page and CODE in page and "新建企业" in page  # the timeline shows the change
    client.post(f"/enterprises/{ident}/edit", data=form(world, name="新企业（改）有限公司", version=seen))
    client.post(f"/enterprises/{ident}/active", data={"version": version(Enterprise, ident)})
    with app.app_context():
        enterprise = db.session.get(Enterprise, ident)
        assert (enterprise.name, enterprise.is_active) == ("新企业（改）有限公司", False)
    timeline = client.get(f"/enterprises/{ident}").get_data(as_text=True)
    assert "修改企业：企业名称" in timeline and "修改企业：启用状态" in timeline and "is_active" not in timeline


def test_bad_fields_write_nothing(app, client, world, login):
    login("officer", unit="a")
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise))
    cases = [
        (form(world, uscc="91110000600037341"), "应为 18 位，实际 17 位"),
        (form(world, uscc="91110000600037341M"), "校验不通过，可能有输错的字符"),
        (form(world, name=""), "请填写企业名称"),
        (form(world, name="长" * 201), "企业名称不超过 200 个字"),
        (form(world, revenue_wan="-5"), "营收不能为负数"),
        (form(world, industry_code="X99"), "行业代码应为门类字母"),
        (form(world, unit_id=world.b_unit_id), "不是有效的选择"),
    ]
    for data, message in cases:
        assert message in client.post("/enterprises/new", data=data).get_data(as_text=True), message
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise)) == before


def test_an_existing_code_opens_that_record(app, client, world, login):
    with app.app_context():
        existing = helpers.make_enterprise(world.a_unit_id, "已登记企业", uscc=CODE)
        db.session.commit()
        ident = existing.id
    login("officer", unit="a")
    response = client.post("/enterprises/new", data=form(world, uscc=CODE), follow_redirects=True)
    assert response.request.path == f"/enterprises/{ident}"
    assert "已为您打开该企业" in response.get_data(as_text=True)


def test_similar_name_warns_before_creating(app, client, world, login):
    login("officer", unit="a")
    response = client.post("/enterprises/new", data=form(world, name="甲市示例企业"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "名称相近" in page and "甲市示例企业有限公司" in page
    with app.app_context():
        assert db.session.scalar(sa.select(Enterprise).where(Enterprise.name == "甲市示例企业")) is None
    assert client.post("/enterprises/new", data=form(world, name="甲市示例企业", confirm_duplicate="1")).status_code == 302


def test_stale_edit_from_the_form_is_refused(app, client, world, login):
    login("officer", unit="a")
    with app.app_context():
        enterprise = db.session.get(Enterprise, world.enterprise_id)
        old_version = enterprise.version
        enterprise.city = "别人改的"
        db.session.commit()
    response = client.post(f"/enterprises/{world.enterprise_id}/edit", data=form(world, name="我的修改", version=old_version))
    assert response.status_code == 409
    assert "您的修改未保存" in response.get_data(as_text=True) and "（所在市）" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Enterprise, world.enterprise_id).name == "甲市示例企业有限公司"


def test_contacts(app, client, world, login, version):
    login("officer", unit="a")
    bad = client.post(f"/enterprises/{world.enterprise_id}/contacts/new", data={"name": "孙八", "mobile": "12345"})
    assert "手机号应为 11 位" in bad.get_data(as_text=True)
    client.post(f"/enterprises/{world.enterprise_id}/contacts/new",
                data={"name": "孙八", "title": "总经理", "mobile": "13700137000", "email": "sun@example.com"})
    with app.app_context():
        contact = db.session.scalar(sa.select(Contact).where(Contact.name == "孙八"))
        assert contact.mobile == "13700137000"
        ident = contact.id
    client.post(f"/enterprises/{world.enterprise_id}/contacts/{ident}/delete", data={"version": version(Contact, ident)})
    with app.app_context():
        assert db.session.get(Contact, ident) is None
        assert db.session.scalar(sa.select(AuditLog).where(AuditLog.record_type == "Contact",
                                                           AuditLog.record_id == ident, AuditLog.action == "delete"))
    # A contact of another enterprise is not reachable through this one.
    with app.app_context():
        other = helpers.make_enterprise(world.a_unit_id, "别家")
        other_contact = Contact(enterprise=other, name="别人")
        db.session.add(other_contact)
        db.session.commit()
        other_id = other_contact.id
    assert client.get(f"/enterprises/{world.enterprise_id}/contacts/{other_id}/edit").status_code == 404


def test_list_search_filters_and_bookmarkable_state(app, client, world, login):
    with app.app_context():
        helpers.make_enterprise(world.a_unit_id, "汾酒集团", status="contacting")
        helpers.make_enterprise(world.a_unit_id, "紫林醋业")
        db.session.commit()
    login("officer", unit="a")
    page = client.get("/enterprises/?q=汾&status=contacting&sort=name&desc=").get_data(as_text=True)
    assert "汾酒集团" in page and "紫林醋业" not in page
    assert 'value="汾"' in page  # the filter state is in the form (and the URL)
    assert "sort=name" in page and "q=%E6%B1%BE" in page  # sort links keep the filters
    assert client.get("/enterprises/?contacted_after=not-a-date").status_code == 200


def test_the_officer_filter_is_typed_a_username_or_a_name(app, client, world, login):
    with app.app_context():
        li = helpers.make_user("officer", world.a_unit_id, username="lihua", display_name="李华")
        namesake = helpers.make_user("officer", world.a_zone_unit_id, display_name="李华")
        helpers.make_enterprise(world.a_unit_id, "汾酒集团", officer_id=li.id)
        helpers.make_enterprise(world.a_zone_unit_id, "紫林醋业", officer_id=namesake.id)
        helpers.make_enterprise(world.a_unit_id, "东湖醋园")
        db.session.commit()
        li_id = li.id
    login("manager", unit="a")

    def found(query):
        page = client.get(f"/enterprises/?{query}").get_data(as_text=True)
        return sorted(n for n in ("汾酒集团", "紫林醋业", "东湖醋园") if n in page)

    assert found("officer=lihua") == ["汾酒集团"]
    assert found("officer=李华") == ["汾酒集团", "紫林醋业"]  # two officers share the name
    assert found("officer=nobody") == []
    assert found(f"officer_id={li_id}") == ["汾酒集团"]  # a view saved before the filter was typed
    page = client.get("/enterprises/").get_data(as_text=True)
    assert 'name="officer"' in page and 'placeholder="用户名或姓名"' in page and "<select" not in page.split('name="officer"')[0][-200:]


def test_pinyin_and_initials_find_a_name(app, client, world, login):
    with app.app_context():
        for name in ("山西汾酒集团有限公司", "重庆啤酒股份有限公司", "紫林醋业", "FJ Trading 汾阳贸易"):
            helpers.make_enterprise(world.a_unit_id, name)
        db.session.commit()
    login("officer", unit="a")

    def found(q):
        page = client.get("/enterprises/", query_string={"q": q}).get_data(as_text=True)
        return sorted(n for n in ("山西汾酒集团有限公司", "重庆啤酒股份有限公司", "紫林醋业", "FJ Trading 汾阳贸易") if n in page)

    assert found("fenjiu") == ["山西汾酒集团有限公司"]
    assert found("FenJiu") == found("fen jiu") == ["山西汾酒集团有限公司"]
    assert found("fj") == ["FJ Trading 汾阳贸易", "山西汾酒集团有限公司"]  # initials, and Latin in the name itself
    assert found("chongqing") == found("cq") == ["重庆啤酒股份有限公司"]  # 重 read as chong in 重庆
    assert found("zlcy") == ["紫林醋业"] and found("xyz") == []
    assert found("sxfj") == ["山西汾酒集团有限公司"] and found("jt") == ["山西汾酒集团有限公司"]  # initials anywhere in a run
    assert found("sf") == []  # initials that are not adjacent


def test_list_query_count_is_constant_with_filters(app, client, world, login):
    with app.app_context():
        for n in range(25):
            e = helpers.make_enterprise(world.a_unit_id, f"查询企业{n}", tags=[EnterpriseTag(tag="上市公司")])
            db.session.add(Contact(enterprise=e, name=f"人{n}"))
        db.session.commit()
    login("officer", unit="a")
    counts = []
    for size in (3, 20):
        app.config["PAGE_SIZE"] = size
        with counting(app) as statements:
            client.get("/enterprises/?q=企业&tag=上市公司&sort=name")
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_export_has_every_matching_row(app, client, world, login):
    with app.app_context():
        for n in range(30):
            helpers.make_enterprise(world.a_unit_id, f"导出企业{n:02d}", last_contacted_on=date(2026, 1, 2))
        helpers.make_enterprise(world.a_unit_id, "=cmd|' /C calc'!A0")
        db.session.commit()
    login("officer", unit="a")
    app.config["PAGE_SIZE"] = 5
    response = client.get("/enterprises/export.xlsx?q=导出")
    assert response.status_code == 200 and response.headers["Content-Disposition"] == (
        "attachment; filename=\"enterprises.xlsx\"; filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%BA%93.xlsx")
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 30 and ws["A1"].value == "企业名称"
    assert ws.cell(row=2, column=13).is_date
    exported = client.get("/enterprises/export.xlsx").data
    names = [r[0] for r in load_workbook(io.BytesIO(exported)).active.iter_rows(min_row=2, values_only=True)]
    assert "=cmd|' /C calc'!A0" in names  # a formula-looking name is exported as text, as typed
    with zipfile.ZipFile(io.BytesIO(exported)) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")  # an inline string, never a formula


def test_a_quote_in_a_pinyin_query_is_no_error(app, client, world, login):
    login("officer", unit="a")
    for q in ("xi'an", "fen' jiu", "o'", "a b"):
        assert client.get("/enterprises/", query_string={"q": q}).status_code == 200


def test_a_page_walked_from_the_order_index_lists_what_the_list_holds(app, world):
    """A page of a scope or a unit filter in 录入时间 order is walked in the order's index on
    PostgreSQL (app/web.py, list_order): the same enterprises in the same order as the list."""
    with app.app_context():
        for unit in (world.root_unit_id, world.a_unit_id, world.a_zone_unit_id, world.b_unit_id):
            for i in range(3):
                helpers.make_enterprise(unit, is_active=i != 1)
        root = helpers.make_user("manager", world.root_unit_id)
        city = helpers.make_user("manager", world.a_unit_id)
        cases = [(city, {}), (city, {"desc": ""}), (city, {"inactive": True}), (city, {"unit_id": world.a_zone_unit_id}),
                 (city, {"unit_id": world.b_unit_id}), (root, {"unit_id": world.a_unit_id}), (root, {})]
        for user, filters in cases:
            listed = db.session.scalars(services.search(user, filters)).all()
            paged = db.session.scalars(services.search(user, filters, for_page=True)).all()
            assert [e.id for e in paged] == [e.id for e in listed], filters
        in_city = db.session.scalars(services.search(city, {}, for_page=True)).all()
        assert {e.unit_id for e in in_city} == {world.a_unit_id, world.a_zone_unit_id}
        assert all(e.is_active for e in in_city) and len(in_city) == db.session.scalar(
            sa.select(sa.func.count()).select_from(Enterprise).where(
                Enterprise.unit_id.in_([world.a_unit_id, world.a_zone_unit_id]), Enterprise.is_active))
        assert not db.session.scalars(services.search(city, {"unit_id": world.b_unit_id}, for_page=True)).all()
