"""A user sees its own unit and everything below it; the root sees everything."""
import sqlalchemy as sa

from app.auth.scope import listed_units, scoped
from app.extensions import db
from app.models import Enterprise, OrgUnit, User
from tests import helpers


def visible_names(user_id):
    user = db.session.get(User, user_id)
    return set(db.session.scalars(scoped(sa.select(Enterprise.name), user, Enterprise.unit_id)))


def test_scope_follows_the_unit_tree(app, world):
    with app.app_context():
        helpers.make_enterprise(world.a_zone_unit_id, "甲园区企业")
        helpers.make_enterprise(world.b_unit_id, "乙市企业")
        root = helpers.make_user("manager", world.root_unit_id)
        city_a = helpers.make_user("manager", world.a_unit_id)
        zone_a = helpers.make_user("officer", world.a_zone_unit_id)
        city_b = helpers.make_user("officer", world.b_unit_id)
        db.session.commit()
        assert visible_names(root.id) == {"甲市示例企业有限公司", "甲园区企业", "乙市企业"}
        assert visible_names(city_a.id) == {"甲市示例企业有限公司", "甲园区企业"}
        assert visible_names(zone_a.id) == {"甲园区企业"}
        assert visible_names(city_b.id) == {"乙市企业"}


def test_a_list_shows_the_chosen_units_subtree_within_the_scope(app, world):
    with app.app_context():
        root = helpers.make_user("manager", world.root_unit_id)
        city_a = helpers.make_user("manager", world.a_unit_id)
        assert listed_units(root) is None  # every unit: no condition at all
        assert set(listed_units(root, world.a_unit_id)) == {world.a_unit_id, world.a_zone_unit_id}
        assert set(listed_units(city_a)) == {world.a_unit_id, world.a_zone_unit_id}
        assert listed_units(city_a, world.a_zone_unit_id) == [world.a_zone_unit_id]
        assert listed_units(city_a, world.b_unit_id) == [] and listed_units(city_a, world.root_unit_id) == []


def test_a_deeper_tree_is_followed_to_the_leaves(app, world):
    with app.app_context():
        parent = db.session.get(OrgUnit, world.a_zone_unit_id)
        for depth in range(4):
            parent = helpers.make_unit(f"D{depth}", f"第{depth}层", "department", parent)
        helpers.make_enterprise(parent.id, "最深处企业")
        city_a = helpers.make_user("manager", world.a_unit_id)
        db.session.commit()
        assert "最深处企业" in visible_names(city_a.id)


def test_list_pages_show_only_the_scope(client, world, login, app):
    with app.app_context():
        helpers.make_enterprise(world.b_unit_id, "乙市企业")
        db.session.commit()
    login("officer", unit="a")
    page = client.get("/enterprises/").get_data(as_text=True)
    assert "甲市示例企业有限公司" in page and "乙市企业" not in page
    assert client.get("/api/v1/units").json["units"][0]["code"] == "A"
