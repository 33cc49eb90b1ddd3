"""项目—园区匹配: needs against what parks have available, a score that says why, scope."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CapacityItem, Chain, ChainNode, Park
from app.models.enums import ParkLevel, Role, Stage
from app.parks.matching import Needs, rank
from app.projects import services as projects
from tests import helpers

TODAY = date(2026, 11, 23)


@pytest.fixture
def parks(app, world):
    """甲园区 (100 亩, 其他) and a national park in 乙市 built for the test chain (500 亩, 1,000 kVA,
    投资强度 ≥ 300 万元/亩). The chain is the province's here, so that 乙市 sees it too."""
    with app.app_context():
        db.session.get(Chain, world.chain_id).unit_id = world.root_unit_id
        b_park = helpers.make_park(world.b_unit_id, "乙市国家级开发区")
        b_park.level, b_park.investment_intensity_wan_per_mu = ParkLevel.NATIONAL, Decimal(300)
        b_park.chains = [db.session.get(Chain, world.chain_id)]
        for kind, name, total, unit in (("land", "可供工业用地", 500, "亩"), ("power", "供电容量", 1000, "kVA")):
            db.session.add(CapacityItem(park_id=b_park.id, kind=kind, name=name, total=Decimal(total), unit=unit,
                                        as_of=date(2026, 11, 1)))
        db.session.commit()
        yield db.session.get(Park, world.park_id), b_park


def test_parks_where_every_need_fits_come_first_and_explain_themselves(parks, world):
    a_park, b_park = parks
    manager = helpers.make_user(Role.MANAGER, world.root_unit_id)
    node = db.session.scalar(sa.select(ChainNode.id).where(ChainNode.chain_id == world.chain_id))
    prospect = Needs({"land": Decimal(150), "power": Decimal(200)}, world.chain_id, Decimal(60000))
    first, second = rank(sa.select(Park), prospect)
    assert (first.park.id, first.ok, first.score) == (b_park.id, True, 90)
    assert first.reasons == ["主导产业含本项目所属产业链（+40）",
                             "投资强度 400.00 万元/亩，不低于园区门槛 300.00（+30）", "国家级园区（+20）"]
    assert (second.park.id, second.ok) == (a_park.id, False)
    assert [f.text for f in second.fits] == ["可供工业用地：需 150.00 亩，可用 100.00 亩，缺 50.00 亩",
                                             "供电容量：需 200.00 kVA，园区清单中没有此项"]

    # A project signed into 甲园区 commits 60 亩 there; its own share is not counted against it.
    signed = projects.create_project(manager, {"name": "已签约项目", "unit_id": world.a_zone_unit_id,
                                               "park_id": a_park.id, "land_mu": Decimal(60),
                                               "chain_node_id": node}, date(2026, 1, 5), today=TODAY)
    projects.move(manager, signed, Stage.SIGNED, date(2026, 2, 1), today=TODAY)
    other = [m for m in rank(sa.select(Park), Needs({"land": Decimal(50)})) if m.park.id == a_park.id][0]
    assert not other.ok and other.fits[0].available == Decimal(40)
    own = [m for m in rank(sa.select(Park), Needs.of_project(signed)) if m.park.id == a_park.id][0]
    assert own.ok and own.fits[0].available == Decimal(100)


def test_the_match_page_from_a_project_and_from_typed_needs_within_scope(app, client, parks, world, login):
    a_park, b_park = parks
    login("officer", unit="b")
    page = client.get("/parks/match?land_mu=150&power_kva=200&agreed_investment_wan=60000"
                      f"&chain_id={world.chain_id}").get_data(as_text=True)
    assert f'data-testid="match-{b_park.id}"' in page and "评分 90" in page
    assert f'data-testid="match-{a_park.id}"' not in page  # 甲园区 is outside 乙市's scope
    assert client.get(f"/parks/match?project_id={world.project_id}").status_code == 404
    assert "请至少填写一项要素需求" in client.get("/parks/match?land_mu=-5").get_data(as_text=True)
