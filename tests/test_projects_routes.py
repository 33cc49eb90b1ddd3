"""The project pages: creating, moving with evidence, review, stale edits, funds, board, list, export."""
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import sqlalchemy as sa

from app.extensions import db
from app.models import Attachment, FundEntry, Project, StageEvent
from app.models.enums import ReviewStatus, Stage
from app.projects import services
from tests import helpers

TODAY = date.today()
PDF = b"%PDF-1.4 signed agreement"


def create(client, world, **fields):
    data = {"name": "乳制品扩产项目", "unit_id": world.a_zone_unit_id, "channel": "team", "agreed_investment_wan": "25000",
            "negotiating_on": str(TODAY - timedelta(days=60)), **fields}
    response = client.post("/projects/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rstrip("/").rsplit("/", 1)[-1])


def move(client, project_id, stage, day, files=(), note=""):
    return client.post(f"/projects/{project_id}/move", data={
        "stage": stage, "effective_on": str(day), "note": note, "attachments": list(files),
        "version": helpers.form_version(client, f"/projects/{project_id}/move")},
        content_type="multipart/form-data", follow_redirects=True)


def test_officer_moves_with_evidence_and_a_manager_approves(app, client, world, login, version):
    login("officer", unit="a")
    project_id = create(client, world)
    page = move(client, project_id, "signed", TODAY - timedelta(days=3), [(io.BytesIO(PDF), "协议.pdf")])
    assert "签约" in page.get_data(as_text=True) and "待审核" in page.get_data(as_text=True)
    with app.app_context():
        events = db.session.scalars(sa.select(StageEvent).where(StageEvent.project_id == project_id)
                                    .order_by(StageEvent.id)).all()
        assert [(e.stage, e.review_status) for e in events] == [("negotiating", "pending"), ("signed", "pending")]
        file = db.session.scalar(sa.select(Attachment).where(Attachment.owner_type == "StageEvent"))
        assert file.owner_id == events[1].id
        event_ids, file_id = [e.id for e in events], file.id
    assert client.get(f"/attachments/{file_id}").data == PDF
    other = app.test_client()
    login("officer", unit="b", client=other)
    assert other.get(f"/attachments/{file_id}").status_code == 404
    assert other.get(f"/projects/{project_id}").status_code == 404

    manager = app.test_client()
    login("manager", unit="a", client=manager)
    queue = manager.get("/projects/review").get_data(as_text=True)
    assert f'queue-stage-{event_ids[1]}' in queue
    refused = manager.post(f"/projects/review/stage/{event_ids[1]}", data={"decision": "approve", "version": 1},
                           follow_redirects=True).get_data(as_text=True)
    assert "请先审核该项目之前的阶段变动" in refused
    assert "审核意见" in manager.post(f"/projects/review/stage/{event_ids[1]}", data={"decision": "reject", "version": 1},
                                  follow_redirects=True).get_data(as_text=True)
    for ident in event_ids:
        manager.post(f"/projects/review/stage/{ident}", data={"decision": "approve", "opinion": "同意", "version": 1})
    with app.app_context():
        assert {e.review_status for e in db.session.scalars(sa.select(StageEvent).where(
            StageEvent.project_id == project_id))} == {ReviewStatus.APPROVED}
    assert other.post(f"/projects/review/stage/{event_ids[0]}",
                      data={"decision": "approve", "version": version(StageEvent, event_ids[0])}).status_code == 403


def test_bad_moves_write_nothing(app, client, world, login):
    login("officer", unit="a")
    project_id = create(client, world)
    cases = [("signed", date.today() + timedelta(days=1), (), "晚于今天"),  # today as the app sees it, past midnight too
             ("signed", TODAY - timedelta(days=90), (), "早于在谈日期"),
             ("terminated", TODAY, (), "终止原因"),
             ("signed", TODAY, [(io.BytesIO(b"MZ"), "协议.exe")], "类型不允许"),
             ("started", TODAY, (), "不是有效的选择")]  # 在谈 cannot jump to 开工: not offered
    for stage, day, files, message in cases:
        response = move(client, project_id, stage, day, files)
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StageEvent)
                                 .where(StageEvent.project_id == project_id)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)
                                 .where(Attachment.owner_type == "StageEvent")) == 0


def test_a_stale_edit_is_refused_and_says_what_changed(app, client, world, login):
    login("officer", unit="a")
    project_id = create(client, world)
    form = client.get(f"/projects/{project_id}/edit").get_data(as_text=True)
    assert 'name="version"' in form
    with app.app_context():
        version = db.session.get(Project, project_id).version
    colleague = app.test_client()
    login("officer", unit="a", client=colleague)
    base = {"name": "乳制品扩产项目", "unit_id": world.a_zone_unit_id, "channel": "team", "version": version}
    assert colleague.post(f"/projects/{project_id}/edit", data={**base, "agreed_investment_wan": "30000"}).status_code == 302
    refused = client.post(f"/projects/{project_id}/edit", data={**base, "problems": "用地指标未落实"}).get_data(as_text=True)
    assert "您的修改未保存" in refused and "协议投资" in refused
    with app.app_context():
        project = db.session.get(Project, project_id)
        assert project.problems is None and project.agreed_investment_wan == 30000


def test_moving_a_project_out_of_scope_is_refused(app, client, world, login):
    login("officer", unit="a")
    response = client.post(f"/projects/{world.project_id}/edit", data={
        "name": "甲园区示例项目", "unit_id": world.b_unit_id, "channel": "other"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(Project, world.project_id).unit_id == world.a_zone_unit_id


def test_funds_in_place_bad_input_and_totals(app, client, world, login):
    login("officer", unit="a")
    unsigned = create(client, world)
    entry = {"month": TODAY.strftime("%Y-%m"), "origin": "out_of_province", "amount_wan": "100"}
    assert "尚未签约" in client.post(f"/projects/{unsigned}/funds/new", data=entry).get_data(as_text=True)
    url = f"/projects/{world.project_id}/funds/new"  # signed 2026-02-01 in build_world
    for bad, message in (({"amount_wan": "-5"}, "大于 0"), ({"amount_wan": "abc"}, "请填写到位金额"),
                         ({"month": "2026-01"}, "早于签约日期")):
        assert message in client.post(url, data={**entry, **bad}).get_data(as_text=True)
    assert client.post(url, data=entry).status_code == 302
    page = client.get(f"/projects/{world.project_id}").get_data(as_text=True)
    assert "600.00" in page  # build_world's 500 and this 100
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FundEntry)) == 2


def test_board_list_filters_and_export(app, client, world, login):
    login("manager")
    project_id = create(client, world, agreed_investment_wan="120000", is_key="y")
    move(client, project_id, "signed", TODAY)
    board = client.get("/projects/board").get_data(as_text=True)
    assert 'data-testid="count-signed">2<' in board and "130,000.00" in board  # with build_world's 10000
    assert f"/projects/{project_id}/move?to=started" in board
    big = client.get("/projects/?tier=10-20").get_data(as_text=True)
    assert "乳制品扩产项目" in big and "甲园区示例项目" not in big
    assert "甲园区示例项目" in client.get("/projects/?tier=1-3&is_key=").get_data(as_text=True)
    assert "乳制品扩产项目" in client.get("/projects/?is_key=1").get_data(as_text=True)
    export = client.get("/projects/export.xlsx?stage=signed")
    sheet = openpyxl.load_workbook(io.BytesIO(export.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("项目名称", "投资方", "统一社会信用代码", "阶段") and len(rows) == 3
    mine = next(r for r in rows if r[0] == "乳制品扩产项目")
    assert mine[5].date() == TODAY and mine[10] == 120000 and mine[3] == Stage.SIGNED.label


def test_dashboard_counts_approved_moves_of_this_month(app, client, world, login):
    login("manager")
    before = client.get("/").get_data(as_text=True)
    project_id = create(client, world)
    move(client, project_id, "signed", TODAY)
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="month-signed">1<' in page and 'data-testid="month-signed">0<' in before
    small = create(client, world, name="小项目", agreed_investment_wan="9999.99")
    move(client, small, "signed", TODAY)
    page = client.get("/").get_data(as_text=True)
    # 亿元以上: 协议投资 ≥ 10,000 万元 — the 25,000 one, not the 9,999.99 one.
    assert 'data-testid="month-signed">2<' in page and 'data-testid="month-big">1<' in page

    assert "trend-chart" in page and "vendor/echarts/echarts.min.js" in page


def test_the_officer_sees_a_rejection_on_the_dashboard_and_resubmits(app, client, world, login):
    login("officer", unit="a")
    project_id = create(client, world)
    manager = app.test_client()
    login("manager", unit="a", client=manager)
    with app.app_context():
        [first] = db.session.scalars(sa.select(StageEvent.id).where(StageEvent.project_id == project_id)).all()
    manager.post(f"/projects/review/stage/{first}", data={"decision": "reject", "opinion": "在谈日期与纪要不符", "version": 1})
    returned = client.get("/").get_data(as_text=True)
    assert 'data-testid="returned"' in returned and "在谈日期与纪要不符" in returned
    response = client.post(f"/projects/{project_id}/stages/{first}/correct", data={
        "effective_on": str(TODAY - timedelta(days=50)), "note": "按纪要改正",
        "version": helpers.form_version(client, f"/projects/{project_id}/stages/{first}/correct")}, follow_redirects=True)
    assert "已提交更正" in response.get_data(as_text=True)
    assert 'data-testid="returned"' not in client.get("/").get_data(as_text=True)


def test_a_project_started_from_an_enterprise_page_offers_that_investor(app, client, world, login):
    login("officer", unit="a")
    with app.app_context():
        far = helpers.make_enterprise(world.a_unit_id, "很久未联系的企业有限公司").id
        db.session.commit()
    form = client.get(f"/projects/new?investor_id={far}").get_data(as_text=True)
    assert f'<option selected value="{far}">很久未联系的企业有限公司</option>' in form
    assert "新建项目" in client.get(f"/enterprises/{far}").get_data(as_text=True)
    response = client.post(f"/projects/new?investor_id={far}", data={
        "name": "来自企业页的项目", "unit_id": world.a_unit_id, "channel": "other", "investor_id": far,
        "negotiating_on": str(TODAY)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Project.investor_id).where(Project.name == "来自企业页的项目")) == far


def test_the_form_shows_a_park_shortfall_before_saving(app, client, world, login):
    login("officer", unit="a")
    data = {"name": "大用地项目", "unit_id": world.a_zone_unit_id, "channel": "other", "park_id": world.park_id,
            "land_mu": "150", "negotiating_on": str(TODAY)}
    page = client.post("/projects/new", data=data).get_data(as_text=True)
    assert 'data-testid="shortfalls"' in page and "需 150.00 亩，可用 100.00 亩，缺 50.00 亩" in page
    with app.app_context():
        assert db.session.scalar(sa.select(Project).where(Project.name == "大用地项目")) is None
    assert client.post("/projects/new", data={**data, "confirm_capacity": "1"}).status_code == 302
    assert client.post("/projects/new", data={**data, "name": "小用地项目", "land_mu": "100"}).status_code == 302


def test_the_channel_must_be_chosen_and_a_fund_month_round_trips(app, client, world, login):
    login("officer", unit="a")
    form = client.get("/projects/new").get_data(as_text=True)
    assert 'name="channel" placeholder="" required><option value="">— 请选择 —</option>' in form  # none chosen for the user
    refused = client.post("/projects/new", data={"name": "未选渠道", "unit_id": world.a_unit_id,
                                                 "negotiating_on": str(TODAY)}).get_data(as_text=True)
    assert "请选择引荐渠道" in refused
    with app.app_context():
        assert db.session.scalar(sa.select(Project).where(Project.name == "未选渠道")) is None
    # 到位资金's month is a month field showing the stored month when editing.
    page = client.get(f"/projects/{world.project_id}/funds/{world.fund_id}/edit").get_data(as_text=True)
    assert re.search(r'name="month"[^>]*type="month" value="2026-03"', page)


def test_amounts_and_counts_read_the_same_everywhere(app, client, world, login):
    login("manager", unit="a")
    with app.app_context():
        helpers.make_project(world.a_unit_id, "六亿项目", agreed_investment_wan=Decimal(60000))
        db.session.commit()
    board = client.get("/projects/board").get_data(as_text=True)
    assert '<span title="60,000.00 万元">6.00 亿元</span>' in board  # 亿元 where space is short, exact on hover
    assert "60,000.00" in client.get("/projects/?q=六亿").get_data(as_text=True)
    targets = client.get("/projects/targets?year=2026").get_data(as_text=True)
    row = re.search(r"签约项目数.*?</tr>", targets, re.S).group(0)
    assert '<td class="num">3</td>' in row and "3.00" not in row  # a count has no decimals


def test_warning_counts_are_links_to_lists_of_that_many_and_export_alike(app, client, world, login):
    login("manager", unit="a")
    with app.app_context():
        for unit, days in [(world.a_unit_id, 400), (world.a_zone_unit_id, 500), (world.a_zone_unit_id, 10)]:
            helpers.make_project(unit, f"签约{days}天", stage=Stage.SIGNED, signed_on=TODAY - timedelta(days=days),
                                 stage_on=TODAY - timedelta(days=days))
        db.session.commit()
    page = client.get("/projects/warnings").get_data(as_text=True)
    chips = dict(re.findall(r'href="([^"]+)">[^<]+<span data-testid="warning-([a-z_]+)">', page))
    for href, rule in chips.items():
        count = int(re.search(rf'data-testid="warning-{rule}">(\d+)<', page).group(1))
        listed = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        assert int(re.search(r"导出 Excel（全部 (\d+) 个）", listed).group(1)) == count, rule
    idle = client.get("/projects/warnings?warning=signed_idle").get_data(as_text=True)
    assert "签约400天" in idle and "签约500天" in idle and "签约10天" not in idle
    zone = client.get(f"/projects/warnings?warning=signed_idle&unit_id={world.a_zone_unit_id}").get_data(as_text=True)
    assert "签约500天" in zone and "签约400天" not in zone
    assert re.search(r'data-testid="warning-signed_idle">1<', zone)  # the counts follow the unit filter
    export = re.search(r'href="(/projects/export[^"]+)"', zone).group(1).replace("&amp;", "&")
    rows = list(openpyxl.load_workbook(io.BytesIO(client.get(export).data))["招商项目"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["签约500天"]


def test_the_queue_shows_the_evidence_and_approves_a_selection_all_or_none(app, client, world, login, version):
    login("officer", unit="a")
    project_id = create(client, world, investor_id=world.enterprise_id)
    move(client, project_id, "signed", TODAY - timedelta(days=3), [(io.BytesIO(helpers.PNG), "签约现场.png"),
                                                                    (io.BytesIO(PDF), "协议.pdf")])
    with app.app_context():
        negotiating, signed = db.session.scalars(sa.select(StageEvent).where(StageEvent.project_id == project_id)
                                                 .order_by(StageEvent.id)).all()
        picture, agreement = db.session.scalars(sa.select(Attachment).where(Attachment.owner_id == signed.id)
                                                .order_by(Attachment.id)).all()
        ids, picture_id, agreement_id = (negotiating.id, signed.id), picture.id, agreement.id
    manager = app.test_client()
    login("manager", unit="a", client=manager)
    queue = manager.get("/projects/review").get_data(as_text=True)
    row = re.search(rf'data-testid="queue-stage-{ids[1]}">.*?</tr>', queue, re.S).group(0)
    assert f"#{project_id}" in row and "甲市示例企业有限公司" in row  # number and investor tell namesakes apart
    assert f'<img\n         src="/attachments/{picture_id}/view"' in row and f'/attachments/{agreement_id}/view" target="_blank"' in row
    shown = manager.get(f"/attachments/{picture_id}/view")
    assert shown.status_code == 200 and shown.mimetype == "image/png" and "attachment" not in shown.headers.get(
        "Content-Disposition", "") and shown.headers["Content-Security-Policy"].startswith("default-src 'none'")
    # A stale selection (the record changed since the page was read) approves nothing.
    items = [f"stage:{ids[0]}:{version(StageEvent, ids[0])}", f"stage:{ids[1]}:{int(version(StageEvent, ids[1])) - 1}"]
    assert manager.post("/projects/review/bulk", data={"item": items}).status_code == 409
    with app.app_context():
        assert {db.session.get(StageEvent, i).review_status for i in ids} == {ReviewStatus.PENDING}
    # Ticked in any order, they are approved in the order they were entered.
    items = [f"stage:{ids[1]}:{version(StageEvent, ids[1])}", f"stage:{ids[0]}:{version(StageEvent, ids[0])}"]
    done = manager.post("/projects/review/bulk", data={"item": items}, follow_redirects=True).get_data(as_text=True)
    assert "已审核通过 2 条记录" in done
    with app.app_context():
        assert {db.session.get(StageEvent, i).review_status for i in ids} == {ReviewStatus.APPROVED}
    assert manager.post("/projects/review/bulk", data={"item": ["planet:1:1"]}).status_code == 400


def test_a_second_project_for_an_investor_with_a_like_name_asks_first(app, client, world, login):
    login("officer", unit="a")
    data = {"name": "甲园区示例项目（二期）", "unit_id": world.a_zone_unit_id, "channel": "team",
            "investor_id": world.enterprise_id, "negotiating_on": str(TODAY)}
    asked = client.post("/projects/new", data=data).get_data(as_text=True)
    assert 'data-testid="twins"' in asked and f"#{world.project_id}" in asked
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 1  # nothing written
    assert client.post("/projects/new", data={**data, "confirm_twin": "1"}).status_code == 302
    other = client.post("/projects/new", data={**data, "name": "冷链物流中心"})
    assert other.status_code == 302  # another kind of project for the same investor: no question


def _options(page: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [(value, label) for value, label in re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select)]


def test_a_large_scope_narrows_the_unit_filter_a_level_at_a_time(app, client, world, login, monkeypatch):
    """Beyond FILTER_CHOICES units in scope (a country's 5,000) the 单位 select offers the units from
    the user's down to the chosen one and those right under it; a filter takes the whole subtree."""
    from app.admin import services as admin_services

    login("manager")
    small = _options(client.get("/projects/").get_data(as_text=True), "unit_id")
    assert [label for _, label in small] == ["全部", "甲市", "甲园区", "乙市", "测试省"]  # few: all, by code
    monkeypatch.setattr(admin_services, "FILTER_CHOICES", 2)
    ids = {world.root_unit_id: "测试省", world.a_unit_id: "甲市", world.a_zone_unit_id: "甲园区", world.b_unit_id: "乙市"}

    def offered(url):
        page = client.get(url).get_data(as_text=True)
        return [ids.get(int(v), v) + "·" + label.count("\u3000") * "›" for v, label in _options(page, "unit_id") if v], page

    top, page = offered("/projects/")
    assert top == ["测试省·", "甲市·›", "乙市·›"] and "甲园区示例项目" in page
    deep, page = offered(f"/projects/?unit_id={world.a_zone_unit_id}")
    assert deep == ["测试省·", "甲市·›", "甲园区·››"] and "甲园区示例项目" in page
    assert f'<option selected value="{world.a_zone_unit_id}">' in page
    other, page = offered(f"/projects/?unit_id={world.b_unit_id}")
    assert other == ["测试省·", "乙市·›"] and "甲园区示例项目" not in page
    enterprises, _ = offered(f"/enterprises/?unit_id={world.a_unit_id}")  # every filter bar: the enterprise list
    visits, _ = offered(f"/activities/?unit_id={world.a_unit_id}")  # and the lists sharing list_filters
    assert enterprises == visits == ["测试省·", "甲市·›", "甲园区·››"]


def test_a_unit_out_of_scope_is_not_offered_in_a_narrowed_filter(app, client, world, login, monkeypatch):
    from app.admin import services as admin_services

    monkeypatch.setattr(admin_services, "FILTER_CHOICES", 1)
    login("manager", unit="a")
    page = client.get(f"/projects/?unit_id={world.b_unit_id}").get_data(as_text=True)
    assert [v for v, _ in _options(page, "unit_id")] == ["", str(world.a_unit_id), str(world.a_zone_unit_id)]
    assert "甲园区示例项目" in page  # the filter is ignored, the user's own scope listed


def test_many_parks_wait_for_a_unit_before_they_are_offered(app, client, world, login, monkeypatch):
    from app.admin import services as admin_services

    login("manager")
    assert _options(client.get("/projects/").get_data(as_text=True), "park_id") == [("", "全部"), (str(world.park_id), "甲园区")]
    page = client.get(f"/projects/?unit_id={world.b_unit_id}").get_data(as_text=True)
    assert _options(page, "park_id") == [("", "全部")]  # the parks under the chosen unit
    monkeypatch.setattr(admin_services, "FILTER_CHOICES", 0)
    assert _options(client.get("/projects/").get_data(as_text=True), "park_id") == [("", "全部（园区较多，先选单位）")]
    page = client.get(f"/projects/?park_id={world.park_id}").get_data(as_text=True)  # a link to one park's projects
    assert _options(page, "park_id") == [("", "全部（园区较多，先选单位）"), (str(world.park_id), "甲园区")]
    assert f'<option selected value="{world.park_id}">' in page and "甲园区示例项目" in page


def test_a_page_walked_from_the_order_index_lists_what_the_list_holds(app, world):
    """A page of a scope, or of a unit filter, in the default order: on PostgreSQL it is walked in
    the order's index (app/web.py, list_order); the same projects in the same order as the list, empty
    stage dates last, a unit outside the user's scope giving nothing."""
    with app.app_context():
        days = [None, TODAY - timedelta(days=400), TODAY - timedelta(days=5), TODAY - timedelta(days=5), None]
        for unit in (world.root_unit_id, world.a_unit_id, world.a_zone_unit_id, world.b_unit_id):
            for i, day in enumerate(days):
                helpers.make_project(unit, stage=Stage.SIGNED if i % 2 else Stage.NEGOTIATING, stage_on=day,
                                     signed_on=day if i % 2 else None)
        db.session.flush()
        root = helpers.make_user("manager", world.root_unit_id)
        city = helpers.make_user("manager", world.a_unit_id)
        cases = [(city, {}), (city, {"warning": "1"}), (city, {"unit_id": world.a_zone_unit_id}),
                 (city, {"unit_id": world.b_unit_id}), (root, {"unit_id": world.a_unit_id}), (root, {})]
        for user, filters in cases:
            listed = db.session.scalars(services.search(user, filters, TODAY)).all()
            paged = db.session.scalars(services.search(user, filters, TODAY, for_page=True)).all()
            assert [p.id for p in paged] == [p.id for p in listed], filters
        in_city = db.session.scalars(services.search(city, {}, TODAY, for_page=True)).all()
        assert {p.unit_id for p in in_city} == {world.a_unit_id, world.a_zone_unit_id}
        days = [p.stage_on for p in in_city]
        assert days.count(None) >= 4 and set(days[days.index(None):]) == {None}  # empty last
        assert days[:days.index(None)] == sorted(days[:days.index(None)], reverse=True)
        assert not db.session.scalars(services.search(city, {"unit_id": world.b_unit_id}, TODAY, for_page=True)).all()
        warned = db.session.scalars(services.search(city, {"warning": "1"}, TODAY, for_page=True)).all()
        assert warned and all(p.stage == Stage.SIGNED or p.follow_up_due_on for p in warned)
