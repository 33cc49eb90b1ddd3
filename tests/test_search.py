"""搜索: one box over enterprises, projects, contacts, parks and chain nodes, within scope, pinyin included."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Contact
from tests import helpers


def test_one_query_finds_every_kind_in_scope_only(app, client, world, login):
    with app.app_context():
        fenjiu = helpers.make_enterprise(world.a_unit_id, "山西汾酒集团有限公司")
        helpers.make_project(world.a_zone_unit_id, "汾酒技改项目", investor_id=fenjiu.id)
        db.session.add(Contact(enterprise=fenjiu, name="汾经理", mobile="13900001111"))
        helpers.make_park(world.a_zone_unit_id, "汾阳杏花村园区")
        helpers.make_enterprise(world.b_unit_id, "乙市汾酒经销有限公司")  # outside 甲市
        db.session.commit()
    login("officer", unit="a")
    page = client.get("/search/?q=汾").get_data(as_text=True)
    groups = set(re.findall(r'data-testid="search-([a-z]+)"', page))
    assert groups == {"enterprise", "project", "contact", "park"}
    assert "山西汾酒集团有限公司" in page and "汾酒技改项目" in page and "汾经理" in page and "汾阳杏花村园区" in page
    assert "乙市汾酒经销" not in page and "13900001111" not in page
    assert "测试产业链" in client.get("/search/?q=原料").get_data(as_text=True)  # a chain node, from above
    pinyin = client.get("/search/?q=fenjiu").get_data(as_text=True)
    assert "山西汾酒集团有限公司" in pinyin and "乙市汾酒经销" not in pinyin
    assert "没有找到" in client.get("/search/?q=不存在的名字").get_data(as_text=True)
    assert 'action="/search/"' in client.get("/enterprises/").get_data(as_text=True)  # the box in the top bar


def test_the_investor_picker_finds_any_enterprise_in_scope(app, client, world, login):
    with app.app_context():
        for n in range(25):  # more recently contacted ones than the picker lists at first
            helpers.make_enterprise(world.a_unit_id, f"常联系企业{n}", last_contacted_on=date(2026, 11, 1))
        quiet = helpers.make_enterprise(world.a_unit_id, "山西汾酒集团有限公司").id
        far = helpers.make_enterprise(world.b_unit_id, "乙市汾酒经销有限公司").id
        db.session.commit()
    login("officer", unit="a")
    assert f'value="{quiet}"' not in client.get("/projects/new").get_data(as_text=True)
    found = client.get("/search/enterprises.json?q=fj").json["results"]
    assert [r["id"] for r in found] == [quiet] and found[0]["unit"] == "甲市"
    data = {"name": "技改项目", "unit_id": world.a_unit_id, "channel": "team", "negotiating_on": "2026-11-02"}
    assert client.post("/projects/new", data={**data, "investor_id": quiet}).status_code == 302
    refused = client.post("/projects/new", data={**data, "name": "越权项目", "investor_id": far})
    assert "不是有效的选择" in refused.get_data(as_text=True)


def test_a_search_is_counted_up_to_a_bound_in_the_box_and_the_list(app, client, world, login, monkeypatch):
    from app.enterprises import routes
    from app.search import services

    with app.app_context():
        for n in range(4):
            helpers.make_enterprise(world.a_unit_id, f"汾河科技{n}有限公司")
        db.session.commit()
    monkeypatch.setattr(services, "SEARCH_BOUND", 2)
    monkeypatch.setattr(services, "SHOWN", 1)
    monkeypatch.setattr(routes, "SEARCH_BOUND", 2)
    login("officer", unit="a")
    page = client.get("/search/?q=汾河").get_data(as_text=True)
    assert "在企业库中查看全部 2+ 个" in page
    listed = client.get("/enterprises/?q=汾河").get_data(as_text=True)  # the list is counted as far too
    assert "全部 2+ 条" in listed and "共 2+ 条" in listed and "结果较多" in listed
    assert "共 5 条" in client.get("/enterprises/?tag=").get_data(as_text=True)  # no search: counted further,
    monkeypatch.setattr(routes, "LIST_BOUND", 3)  # but not all the way (no figure drills down to the library)
    assert "共 3+ 条" in client.get("/enterprises/?tag=&page=1").get_data(as_text=True)


def test_the_event_and_chain_node_finders_use_the_pickers_search(app, client, world, login):
    with app.app_context():
        helpers.make_enterprise(world.a_unit_id, "山西汾酒集团有限公司")
        db.session.commit()
    login("officer", unit="a")
    node = client.get(f"/chains/{world.chain_id}/nodes/{world.node_id}?q=fenjiu").get_data(as_text=True)
    assert "山西汾酒集团有限公司" in node
    event = client.get(f"/events/{world.event_id}?q=fj").get_data(as_text=True)
    assert "企业：山西汾酒集团有限公司" in event
    assert "项目：甲园区示例项目" in client.get(f"/events/{world.event_id}?q=%23{world.project_id}").get_data(as_text=True)


def test_postgresql_connections_run_with_the_apps_settings(app):
    """Whatever the server's defaults (app/config.py): no JIT for short queries, and work memory
    enough for a common term's index bitmap to stay exact."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's settings")
        assert db.session.execute(sa.text("SHOW jit")).scalar() == "off"
        assert db.session.execute(sa.text("SHOW work_mem")).scalar() == "32MB"
