"""Park capacity lists: who may edit, checked values, every change kept, the list on a past day,
and what signed projects commit."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CapacityItem, CapacityRevision, Park
from app.models.enums import Role, Stage
from app.parks import services
from app.projects import services as projects
from tests import helpers

TODAY = date(2026, 11, 23)


@pytest.fixture
def park(app, world):
    with app.app_context():
        yield db.session.get(Park, world.park_id)  # 甲园区, with 100 亩 of land


def land(**fields):
    return {"kind": "land", "total": Decimal(120), "as_of": date(2026, 11, 1), **fields}


def test_only_the_parks_own_admin_or_a_system_admin_may_edit(park, world):
    own = helpers.make_user(Role.PARK_ADMIN, world.a_zone_unit_id, park_id=park.id)
    other = helpers.make_user(Role.PARK_ADMIN, world.b_unit_id)  # gets a park of its own in 乙市
    assert services.may_edit(own, park) and not services.may_edit(other, park)
    assert services.may_edit(helpers.make_user(Role.ADMIN, world.root_unit_id), park)
    assert not services.may_edit(helpers.make_user(Role.ADMIN, world.b_unit_id), park)  # out of scope
    assert not services.may_edit(helpers.make_user(Role.MANAGER, world.root_unit_id), park)


@pytest.mark.parametrize("bad, message", [
    ({"kind": "gold"}, "请选择要素类别"),
    ({"total": Decimal(-1)}, "不能为负数"),
    ({"total": "很多"}, "不是数字"),
    ({"unit": "公顷"}, "单位应为“亩”"),
    ({"as_of": date(2026, 11, 24)}, "不能晚于今天"),
    ({"kind": "custom", "name": ""}, "须填写名称和单位"),
    ({"standard_land_mu": Decimal(121)}, "其中标准地不能超过"),
    ({"floor_height_m": Decimal(8)}, "“层高”只用于闲置标准厂房"),
    ({"kind": "factory", "floor_load_kn_m2": Decimal(-1)}, "承重不能为负数"),
])
def test_bad_values_are_refused(park, world, bad, message):
    admin = helpers.make_user(Role.PARK_ADMIN, world.a_zone_unit_id, park_id=park.id)
    with pytest.raises(services.CapacityError, match=message):
        services.save_item(admin, park, land(**bad), today=TODAY)


def test_land_keeps_its_standard_share_and_factory_space_its_height_and_load(park, world):
    admin = helpers.make_user(Role.PARK_ADMIN, world.a_zone_unit_id, park_id=park.id)
    land_item = services.save_item(admin, park, land(standard_land_mu=Decimal(60)), today=TODAY)
    factory = services.save_item(admin, park, {"kind": "factory", "total": Decimal(20000), "as_of": date(2026, 11, 1),
                                               "floor_height_m": Decimal(9), "floor_load_kn_m2": Decimal(30)},
                                 today=TODAY)
    assert land_item.standard_land_mu == Decimal(60) and (factory.floor_height_m, factory.floor_load_kn_m2) == (9, 30)
    revision = db.session.scalars(sa.select(CapacityRevision).order_by(CapacityRevision.id.desc())).first()
    assert (revision.floor_height_m, revision.floor_load_kn_m2) == (Decimal(9), Decimal(30))


def test_every_change_is_kept_and_the_list_can_be_read_as_on_a_past_day(park, world):
    admin = helpers.make_user(Role.PARK_ADMIN, world.a_zone_unit_id, park_id=park.id, display_name="张园区")
    item = db.session.scalar(sa.select(CapacityItem).where(CapacityItem.park_id == park.id))
    # build_world's 100 亩 item, with the first revision the migration gives an existing item.
    db.session.add(CapacityRevision(park_id=park.id, item_id=item.id, kind="land", name="可供工业用地",
                                    total=Decimal(100), unit="亩", as_of=date(2026, 1, 1)))
    energy = services.save_item(admin, park, {"kind": "energy", "total": Decimal(5000), "as_of": date(2026, 10, 1)},
                                today=TODAY)
    services.save_item(admin, park, land(total=Decimal(80)), item, today=TODAY)
    services.save_item(admin, park, land(total=Decimal(80)), item, today=TODAY)  # no change: no revision
    services.remove_item(admin, energy)
    db.session.commit()
    revisions = db.session.scalars(sa.select(CapacityRevision).order_by(CapacityRevision.id)).all()
    assert [(r.kind, r.total, r.removed) for r in revisions] == [
        ("land", Decimal(100), False), ("energy", Decimal(5000), False), ("land", Decimal(80), False),
        ("energy", Decimal(5000), True)]
    # As if made on four days: 100 亩 on 1 Oct, energy added 2 Oct, land cut to 80 on 5 Nov,
    # energy removed on 10 Nov.
    for revision, day in zip(revisions, (date(2026, 10, 1), date(2026, 10, 2), date(2026, 11, 5),
                                         date(2026, 11, 10))):
        revision.changed_at = datetime.combine(day, datetime.min.time(), UTC)
    db.session.commit()

    def on(day):
        return sorted((r.kind, r.total) for r in services.items_as_of(park, day))

    assert on(date(2026, 9, 30)) == []
    assert on(date(2026, 10, 2)) == [("energy", Decimal(5000)), ("land", Decimal(100))]
    assert on(date(2026, 11, 5)) == [("energy", Decimal(5000)), ("land", Decimal(80))]
    assert on(date(2026, 11, 10)) == [("land", Decimal(80))]
    newest, before = services.history(park)[1]  # the land change: 100 → 80, by 张园区
    assert (before.total, newest.total, newest.changed_by.display_name) == (Decimal(100), Decimal(80), "张园区")


def test_signed_projects_commit_their_needs(park, world):
    manager = helpers.make_user(Role.MANAGER, world.root_unit_id)
    for stages, need in (([Stage.SIGNED], 30), ([Stage.SIGNED, Stage.STARTED], 25), ([], 50)):
        project = projects.create_project(manager, {"name": f"用地{need}亩", "unit_id": world.a_zone_unit_id,
                                                    "park_id": park.id, "land_mu": Decimal(need),
                                                    "power_kva": Decimal(need), "cod_t": Decimal(need) / 10},
                                          date(2026, 1, 5), today=TODAY)
        for number, stage in enumerate(stages, start=2):
            projects.move(manager, project, stage, date(2026, number, 1), today=TODAY)
    committed = services.committed(park)
    assert committed["land"] == Decimal(55) and committed["power"] == Decimal(55)  # 在谈 commits nothing
    assert committed["water"] == 0 and committed["cod"] == Decimal("5.5")  # emission quotas too
