"""Search in a browser: the top bar's box with pinyin, and the 投资方 type-ahead."""
import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Project
from app.models.enums import Role
from tests import helpers
from tests.e2e.test_login_browser import log_in

pytestmark = pytest.mark.browser


def test_search_by_pinyin_and_pick_an_investor_by_typing(app, world, page):
    with app.app_context():
        helpers.make_user(Role.OFFICER, world.a_unit_id, username="a_officer2")
        fenjiu = helpers.make_enterprise(world.a_unit_id, "山西汾酒集团有限公司").id
        db.session.commit()
    log_in(page, "a_officer2")
    page.get_by_label("全局搜索").fill("fenjiu")
    page.get_by_label("全局搜索").press("Enter")
    expect(page.get_by_test_id("search-enterprise")).to_contain_text("山西汾酒集团有限公司")

    page.goto("/projects/new")
    page.get_by_label("项目名称").fill("汾酒技改项目")
    page.get_by_placeholder("输入名称、拼音或首字母查找").fill("fj")
    investor = page.get_by_label("投资方企业", exact=True)
    expect(investor.locator("option", has_text="山西汾酒集团有限公司")).to_have_count(1)
    investor.select_option(str(fenjiu))
    page.get_by_label("引荐渠道").select_option("team")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已新建项目“汾酒技改项目”")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(db.select(Project.investor_id).where(Project.name == "汾酒技改项目")) == fenjiu
    assert page.elsewhere == []
