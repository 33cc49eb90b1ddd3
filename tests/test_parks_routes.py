"""Park pages: a park admin keeps its own list (others get 403, on record), the list with what
projects commit, its history and the list on a past day, and the overview sorted by availability."""
import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, CapacityItem, CapacityRevision, Chain, ChainNode, Park
from app.models.enums import Role, Stage
from app.projects import services as projects
from tests import helpers

TODAY = date.today()


def keeper(app, world, client):
    """Log ``client`` in as the admin of 甲园区's park."""
    with app.app_context():
        helpers.make_user(Role.PARK_ADMIN, world.a_zone_unit_id, park_id=world.park_id, username="keeper")
        db.session.commit()
    response = client.post("/auth/login", data={"username": "keeper", "password": helpers.PASSWORD})
    assert response.status_code == 302


def test_the_park_admin_updates_its_list_and_others_are_refused_on_record(app, client, world, login, version):
    keeper(app, world, client)
    url = f"/parks/{world.park_id}/items/{world.capacity_item_id}/edit"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"kind": "land", "total": "80", "unit": "亩", "as_of": str(TODAY), "version": 1})
    assert response.status_code == 302
    refused = client.post(url, data={"kind": "land", "total": "80", "unit": "公顷", "as_of": str(TODAY),
                                      "version": version(CapacityItem, world.capacity_item_id)})
    assert "单位应为“亩”" in refused.get_data(as_text=True)
    added = client.post(f"/parks/{world.park_id}/items/new", data={
        "kind": "energy", "total": "6000", "as_of": str(TODAY), "notes": "含新增指标"})
    assert added.status_code == 302
    with app.app_context():
        assert db.session.get(CapacityItem, world.capacity_item_id).total == Decimal(80)
        assert [(r.kind, r.total) for r in db.session.scalars(sa.select(CapacityRevision)
                                                              .order_by(CapacityRevision.id))] == [
            ("land", Decimal(80)), ("energy", Decimal(6000))]

    other = app.test_client()
    login("park_admin", unit="a", client=other)  # a park admin of another park in 甲市
    assert other.get(url).status_code == 403
    assert other.post(f"/parks/{world.park_id}/items/{world.capacity_item_id}/delete").status_code == 403
    assert other.get(f"/parks/{world.park_id}").status_code == 200  # it may still see the list
    with app.app_context():
        attempts = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "denied")).all()
        assert len(attempts) == 2 and attempts[0].record_type == "Park" and attempts[0].record_id == world.park_id
        assert attempts[1].changes == {"attempt": f"POST /parks/{world.park_id}/items/{world.capacity_item_id}/delete"}
        assert db.session.get(CapacityItem, world.capacity_item_id) is not None
    manager = app.test_client()
    login("manager", unit="a", client=manager)
    assert manager.get(url).status_code == 403


def test_the_park_page_shows_total_committed_available_and_history(app, client, world, login):
    with app.app_context():
        manager = helpers.make_user(Role.MANAGER, world.root_unit_id)
        node = db.session.scalar(sa.select(ChainNode.id).where(ChainNode.chain_id == world.chain_id))
        db.session.get(Park, world.park_id).chains = [db.session.get(Chain, world.chain_id)]
        project = projects.create_project(manager, {"name": "占地项目", "unit_id": world.a_zone_unit_id,
                                                    "park_id": world.park_id, "land_mu": Decimal(130),
                                                    "chain_node_id": node},
                                          date(2026, 1, 5), today=TODAY)
        projects.move(manager, project, Stage.SIGNED, date(2026, 2, 1), today=TODAY)
        db.session.commit()
    login("officer", unit="a")
    page = client.get(f"/parks/{world.park_id}").get_data(as_text=True)
    row = page.split('data-testid="item-land"')[1].split("</tr>")[0]
    assert "100.00" in row and "130.00" in row and "-30.00" in row and "超出总量" in row
    assert "占地项目" in page and re.search(r"测试产业链 <svg[^>]*>.*?#check2\"/></svg>主导产业", page)
    past = client.get(f"/parks/{world.park_id}?on=2020-01-01").get_data(as_text=True)
    assert "暂无要素清单" in past  # build_world's item has no revision before today
    overview = client.get("/parks/?sort=land").get_data(as_text=True)
    assert "-30.00" in overview


def test_the_park_admin_sets_its_leading_chains_and_standard_land_indicators(app, client, world, login):
    keeper(app, world, client)
    url = f"/parks/{world.park_id}/edit"
    base = {"level": "provincial", "chain_ids": [world.chain_id], "investment_intensity_wan_per_mu": "300", "version": 1}
    refused = client.post(url, data={**base, "plot_ratio_min": "2.0", "plot_ratio_max": "1.2"})
    assert "容积率下限不能大于上限" in refused.get_data(as_text=True)
    assert client.post(url, data={**base, "plot_ratio_min": "1.2", "plot_ratio_max": "2.0"}).status_code == 302
    page = client.get(f"/parks/{world.park_id}").get_data(as_text=True)
    assert "测试产业链" in page.split('data-testid="park-chains">')[1].split("<")[0] and "省级" in page
    other = app.test_client()
    login("park_admin", unit="b", client=other)
    assert other.get(url).status_code == 404  # not even in its scope


def test_capacity_lists_export_as_a_workbook(app, client, world, login):
    login("officer", unit="a")
    for url in (f"/parks/{world.park_id}/export.xlsx", "/parks/export.xlsx"):
        sheet = openpyxl.load_workbook(io.BytesIO(client.get(url).get_data())).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("园区", "要素类别", "名称", "总量")
        assert rows[1][:6] == ("甲园区", "可供工业用地", "可供工业用地", 100, 0, 100) and rows[1][7].date() == date(2026, 1, 1)


def test_an_admin_creates_a_park_with_a_unique_name_in_scope(app, client, world, login):
    login("admin", unit="a")
    data = {"name": "甲市新材料园", "unit_id": world.a_unit_id, "level": "other", "chain_ids": [world.chain_id]}
    assert client.post("/parks/new", data=data).status_code == 302
    assert "已存在" in client.post("/parks/new", data=data).get_data(as_text=True)
    assert "不是有效的选择" in client.post("/parks/new", data={**data, "name": "乙市园",
                                                          "unit_id": world.b_unit_id}).get_data(as_text=True)
    officer = app.test_client()
    login("officer", unit="a", client=officer)
    assert officer.get("/parks/new").status_code == 403


def test_the_overview_sorts_by_any_capacity_a_park_lists(app, client, world, login):
    with app.app_context():
        for name, cod in (("少排污园区", 5), ("多排污园区", 50)):
            park = helpers.make_park(world.a_unit_id, name)
            db.session.add(CapacityItem(park_id=park.id, kind="cod", name="排污指标 COD", total=Decimal(cod),
                                        unit="吨/年", as_of=date(2026, 11, 1)))
        db.session.commit()
    login("officer", unit="a")
    page = client.get("/parks/?sort=cod").get_data(as_text=True)
    assert "排污指标 COD可用" in page and page.index("多排污园区") < page.index("少排污园区")


def test_a_stale_capacity_edit_is_refused(app, client, world):
    keeper(app, world, client)
    url = f"/parks/{world.park_id}/items/{world.capacity_item_id}/edit"
    assert 'name="version" type="hidden" value="1"' in client.get(url).get_data(as_text=True)
    row = {"kind": "land", "unit": "亩", "as_of": str(TODAY), "version": "1"}
    assert client.post(url, data={**row, "total": "90"}).status_code == 302
    refused = client.post(url, data={**row, "total": "70"}).get_data(as_text=True)
    assert "您的修改未保存" in refused and "总量" in refused
    with app.app_context():
        assert db.session.get(CapacityItem, world.capacity_item_id).total == Decimal(90)


def test_the_park_admin_sees_every_project_that_takes_its_capacity_and_the_figure_adds_up(app, client, world):
    """已占用 is the sum over the projects listed beneath it, those another unit is responsible for too
    (shown by name, stage and needs only, without a link)."""
    with app.app_context():
        manager = helpers.make_user(Role.MANAGER, world.root_unit_id)
        for name, unit, land, stage in (("本区项目", world.a_zone_unit_id, 30, Stage.SIGNED),
                                        ("市里的项目", world.a_unit_id, 50, Stage.STARTED),
                                        ("在谈项目", world.a_unit_id, 70, None)):
            made = projects.create_project(manager, {"name": name, "unit_id": unit, "park_id": world.park_id,
                                                     "land_mu": Decimal(land), "agreed_investment_wan": Decimal(9999)},
                                           date(2026, 1, 5), today=TODAY)
            for step in ([Stage.SIGNED, Stage.STARTED][:[Stage.SIGNED, Stage.STARTED].index(stage) + 1]
                         if stage else []):
                projects.move(manager, made, step, date(2026, 2, 1), today=TODAY)
        db.session.commit()
    keeper(app, world, client)
    page = client.get(f"/parks/{world.park_id}").get_data(as_text=True)
    used = Decimal(page.split('data-testid="used-land">')[1].split("<")[0].replace(",", ""))
    rows = page.split('data-testid="park-projects"')[1].split("</table>")[0].split("<tr data-committing=")[1:]
    listed = sum(Decimal(r.split('data-land="')[1].split('"')[0]) for r in rows if r.startswith('"1"'))
    assert used == listed == 80  # 30 + 50; the project still 在谈 commits nothing
    city_row = next(r for r in rows if "市里的项目" in r)
    assert "其他单位" in city_row and "/projects/" not in city_row and "9,999.00" not in city_row
    assert "用地 50.00 亩" in city_row
