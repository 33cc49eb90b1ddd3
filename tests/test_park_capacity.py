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


def test_every_change_is_kept_and_the_list_as_of_a_day_goes_by_the_date_it_is_valid_for(park, world):
    """The list on a day is what was valid then (截至日期), whenever it was typed in: a list dated 截至
    10-31 but entered in December counts for October; a removal counts from the day it was made."""
    admin = helpers.make_user(Role.PARK_ADMIN, world.a_zone_unit_id, park_id=park.id, display_name="张园区")
    item = db.session.scalar(sa.select(CapacityItem).where(CapacityItem.park_id == park.id))
    # build_world's 100 亩 item, with the first revision the migration gives an existing item.
    db.session.add(CapacityRevision(park_id=park.id, item_id=item.id, kind="land", name="可供工业用地",
                                    total=Decimal(100), unit="亩", as_of=date(2026, 1, 1)))
    energy = services.save_item(admin, park, {"kind": "energy", "total": Decimal(5000), "as_of": date(2026, 10, 1)},
                                today=TODAY)
    services.save_item(admin, park, land(total=Decimal(80), as_of=date(2026, 10, 31)), item, today=TODAY)
    services.save_item(admin, park, land(total=Decimal(80), as_of=date(2026, 10, 31)), item, today=TODAY)  # no change
    services.remove_item(admin, energy, on=date(2026, 11, 10))
    db.session.commit()
    revisions = db.session.scalars(sa.select(CapacityRevision).order_by(CapacityRevision.id)).all()
    assert [(r.kind, r.total, r.as_of, r.removed) for r in revisions] == [
        ("land", Decimal(100), date(2026, 1, 1), False), ("energy", Decimal(5000), date(2026, 10, 1), False),
        ("land", Decimal(80), date(2026, 10, 31), False), ("energy", Decimal(5000), date(2026, 11, 10), True)]
    for revision in revisions:  # all typed in on one December day: it changes nothing
        revision.changed_at = datetime(2026, 12, 3, 2, tzinfo=UTC)
    db.session.commit()

    def on(day):
        return sorted((r.kind, r.total) for r in services.items_as_of(park, day))

    assert on(date(2025, 12, 31)) == []
    assert on(date(2026, 9, 30)) == [("land", Decimal(100))]
    assert on(date(2026, 10, 30)) == [("energy", Decimal(5000)), ("land", Decimal(100))]
    assert on(date(2026, 10, 31)) == [("energy", Decimal(5000)), ("land", Decimal(80))]
    assert on(date(2026, 11, 10)) == [("land", Decimal(80))]
    # a correction of an older date, entered later, takes over from its date on
    services.save_item(admin, park, land(total=Decimal(90), as_of=date(2026, 10, 15)), item, today=TODAY)
    db.session.commit()
    assert on(date(2026, 10, 14)) == [("energy", Decimal(5000)), ("land", Decimal(100))]
    assert on(date(2026, 11, 30)) == [("land", Decimal(90))]
    newest, before = services.history(park)[0]  # the correction: 80 → 90, by 张园区
    assert (before.total, newest.total, newest.changed_by.display_name) == (Decimal(80), Decimal(90), "张园区")


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
