"""A park admin updates land and energy on its own park and cannot open another park's edit
page; an officer matches a project's needs and sees the ranking with reasons."""
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Park
from app.models.enums import Role
from tests import helpers
from tests.e2e.test_login_browser import log_in

pytestmark = pytest.mark.browser


def test_park_admin_keeps_its_list_and_an_officer_matches_a_project(app, world, page):
    with app.app_context():
        helpers.make_user(Role.PARK_ADMIN, world.a_zone_unit_id, park_id=world.park_id, username="a_keeper")
        other = helpers.make_park(world.a_zone_unit_id, "甲园区二期")  # same unit: visible, not its own
        project = helpers.make_project(world.a_zone_unit_id, "需用地项目", land_mu=Decimal(90),
                                       agreed_investment_wan=Decimal(36000))
        db.session.commit()
        other_id, project_id = other.id, project.id

    log_in(page, "a_keeper")
    page.goto(f"/parks/{world.park_id}")
    page.get_by_test_id("item-land").get_by_role("link", name="修改").click()
    page.get_by_label("总量").fill("150")
    page.get_by_label("截至日期").fill(date.today().isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("item-land")).to_contain_text("150.00")
    page.get_by_role("link", name="添加要素").click()
    page.get_by_label("要素类别").select_option("energy")
    page.get_by_label("总量").fill("8000")
    page.get_by_label("截至日期").fill(date.today().isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("item-energy")).to_contain_text("8,000.00")
    expect(page.get_by_test_id("capacity-history")).to_contain_text("可供工业用地 150.00 亩")
    response = page.goto(f"/parks/{other_id}/items/new")
    assert response.status == 403
    page.goto("/")
    page.get_by_role("button", name="退出").click()

    log_in(page, "a_officer")
    page.goto(f"/projects/{project_id}")
    page.get_by_role("link", name="匹配园区").click()
    first = page.get_by_test_id("matches").get_by_role("listitem").first
    expect(first).to_contain_text("甲园区")
    expect(first).to_contain_text("满足全部需求")
    expect(first).to_contain_text("可供工业用地：需 90.00 亩，可用 150.00 亩")
    with app.app_context():
        assert db.session.get(Park, world.park_id).capacity_items[0].total == Decimal(150)
    assert page.elsewhere == []
