"""Events: a project signed at several events counts once, at the first; events against targets."""
import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import sqlalchemy as sa

from app.events import services
from app.extensions import db
from app.models import Event, EventProject, Target, User
from tests import helpers


def make_event(unit_id, name, starts_on, **fields):
    event = Event(name=name, kind="promotion", starts_on=starts_on, unit_id=unit_id, **fields)
    db.session.add(event)
    db.session.flush()
    return event


def test_a_project_signed_at_several_events_counts_once_at_the_first(app, world):
    with app.app_context():
        user = db.session.get(User, world.a_user_id)
        late = make_event(world.a_unit_id, "十月推介会", date(2026, 10, 1))
        early = make_event(world.a_unit_id, "三月推介会", date(2026, 3, 1))
        shown = make_event(world.a_unit_id, "展会", date(2026, 2, 1))
        project = helpers.make_project(world.a_unit_id, "重复签约项目")
        services.add_project(user, late, project.id, signed_here=True)
        services.add_project(user, early, project.id, signed_here=True)
        services.add_project(user, shown, project.id, signed_here=False)
        counts = services.signed_counted([late.id, early.id, shown.id])
        assert counts == {early.id: 1}
        assert [(l.signed_here, l.counted_here) for l in services.project_lines(late)] == [(True, False)]
        assert [(l.signed_here, l.counted_here) for l in services.project_lines(early)] == [(True, True)]
        # Taking it off the first event moves the count to the next signing event.
        services.remove_project(early, project.id)
        assert services.signed_counted([late.id, early.id, shown.id]) == {late.id: 1}


def test_events_per_unit_against_targets(app, world):
    with app.app_context():
        manager = helpers.make_user("manager", world.root_unit_id)
        make_event(world.a_unit_id, "甲市一", date(2026, 4, 1))
        make_event(world.a_zone_unit_id, "甲园区一", date(2026, 5, 1))
        make_event(world.a_unit_id, "去年的", date(2025, 12, 31))
        db.session.add(Target(year=2026, unit_id=world.a_unit_id, indicator="events", value=Decimal(3)))
        db.session.add(Target(year=2026, unit_id=world.b_unit_id, indicator="events", value=Decimal(3)))
        db.session.flush()
        rows = {r.unit.name: (r.held, r.target) for r in services.events_against_targets(manager, 2026)}
        # The world's 测试推介会 (2026-03-02) is 甲市's too.
        assert rows["甲市"] == (3, 3) and rows["甲园区"] == (1, None) and rows["乙市"] == (0, 3)
        assert rows["测试省"] == (3, None)


def test_event_pages(app, client, world, login):
    login("officer", unit="a")
    bad = client.post("/events/new", data={"name": "倒序活动", "kind": "expo", "starts_on": "2026-05-02",
                                           "ends_on": "2026-05-01", "unit_id": world.a_unit_id})
    assert "结束日期不能早于开始日期" in bad.get_data(as_text=True)
    response = client.post("/events/new", data={"name": "深圳专题推介会", "kind": "promotion",
                                                "starts_on": "2026-05-01", "unit_id": world.a_unit_id})
    event_id = int(response.location.rsplit("/", 1)[1])
    found = client.get(f"/events/{event_id}?q=示例").get_data(as_text=True)
    assert "甲市示例企业有限公司" in found and "甲园区示例项目" in found
    client.post(f"/events/{event_id}/enterprises", data={"enterprise_id": world.enterprise_id})
    client.post(f"/events/{event_id}/projects", data={"project_id": world.project_id, "signed_here": "y"})
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "甲市示例企业有限公司" in page and "在本活动签约" in page
    with app.app_context():
        assert db.session.get(EventProject, (event_id, world.project_id)).signed_here
        assert db.session.scalar(sa.select(Event).where(Event.name == "倒序活动")) is None
    # Out-of-scope records cannot be attached.
    with app.app_context():
        other = helpers.make_enterprise(world.b_unit_id, "乙市企业")
        db.session.commit()
        other_id = other.id
    page = client.post(f"/events/{event_id}/enterprises", data={"enterprise_id": other_id},
                       follow_redirects=True).get_data(as_text=True)
    assert "不在您的数据范围内" in page


def test_event_list_filters_by_unit_subtree_and_dates_within_scope(app, client, world, login):
    with app.app_context():
        make_event(world.a_zone_unit_id, "甲园区五月", date(2026, 5, 1))
        make_event(world.a_unit_id, "甲市十月", date(2026, 10, 1))
        make_event(world.b_unit_id, "乙市五月", date(2026, 5, 2))
        db.session.commit()
    login("officer", unit="a")

    def listed(query):
        page = client.get(f"/events/?{query}").get_data(as_text=True)
        return int(re.search(r'data-testid="list-total">(\d+)<', page)[1]), page

    everything, _ = listed("")
    total, page = listed(f"unit_id={world.a_unit_id}&starts_from=2026-04-01&starts_to=2026-06-30")
    assert total == 1 and "甲园区五月" in page  # the zone is under 甲市
    assert listed(f"unit_id={world.a_zone_unit_id}")[0] == 1
    # Another city's unit is not a choice: the filter is ignored, nothing of 乙市 shows.
    total, page = listed(f"unit_id={world.b_unit_id}")
    assert total == everything and "乙市五月" not in page
    assert listed("starts_from=not-a-date")[0] == everything


def test_event_list_searches_sorts_and_exports_what_it_shows(app, client, world, login):
    login("manager", unit="a")
    with app.app_context():
        for name, kind, day, place in [("乙推介会", "promotion", date(2026, 5, 1), "深圳"), ("丙展会", "expo", date(2026, 4, 1), "上海")]:
            db.session.add(Event(name=name, kind=kind, starts_on=day, place=place, unit_id=world.a_zone_unit_id))
        db.session.commit()

    def names(query):
        page = client.get(f"/events/?{query}").get_data(as_text=True)
        return re.findall(r'/events/\d+">([^<]+)</a>', page)

    assert names("q=深圳") == ["乙推介会"] and names("kind=expo") == ["丙展会"]
    assert names("sort=starts_on&desc=") == ["测试推介会", "丙展会", "乙推介会"]  # earliest first
    export = client.get("/events/export.xlsx?kind=promotion")
    rows = list(openpyxl.load_workbook(io.BytesIO(export.data))["招商活动"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(names("kind=promotion")) == ["乙推介会", "测试推介会"]
