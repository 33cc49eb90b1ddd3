"""A project problem in a browser: an officer raises it to the city, the city manager hands it on
and answers it solved, the officer confirms it."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models.enums import Role
from tests import helpers
from tests.e2e.test_login_browser import log_in

pytestmark = pytest.mark.browser


def test_raise_assign_solve_and_confirm_a_problem(app, world, page):
    with app.app_context():
        helpers.make_user(Role.OFFICER, world.a_zone_unit_id, username="zone_officer")
        helpers.make_user(Role.MANAGER, world.a_unit_id, username="city_manager")
        db.session.commit()

    log_in(page, "zone_officer")
    page.goto(f"/projects/{world.project_id}")
    page.get_by_role("link", name="反映问题").click()
    page.get_by_label("问题类别").select_option("land")
    page.get_by_label("需协调层级").select_option("city")
    page.get_by_label("问题描述").fill("二期用地指标缺 30 亩")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("problem-state")).to_contain_text("当前由 甲市（市级）办理")
    problem_url = page.url
    page.get_by_role("button", name="退出").click()

    log_in(page, "city_manager")
    page.get_by_test_id("bell").click()
    page.get_by_role("link", name="“甲园区示例项目”用地问题：待甲市办理").click()
    page.get_by_label("或填写承办单位").fill("市自然资源局")
    page.get_by_label("办理期限").fill((date.today() + timedelta(days=10)).isoformat())
    page.get_by_role("button", name="交办", exact=True).click()
    expect(page.get_by_text("已交办。")).to_be_visible()
    page.get_by_label("解决情况").fill("市里调剂 30 亩指标")
    page.get_by_role("button", name="答复已解决").click()
    page.locator("#confirm-modal").get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("problem-state")).to_contain_text("已解决待确认")
    page.get_by_role("button", name="退出").click()

    log_in(page, "zone_officer")
    page.goto(problem_url)
    page.get_by_role("button", name="确认已解决").click()
    page.locator("#confirm-modal").get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("problem-state")).to_contain_text("已办结")
    expect(page.get_by_test_id("problem-steps")).to_contain_text("确认解决")
    assert page.elsewhere == []
