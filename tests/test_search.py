"""搜索: one box over enterprises, projects, contacts, parks and chain nodes, within scope, pinyin included."""
import re

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
