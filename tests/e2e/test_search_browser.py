"""Search in a browser: the top bar's box with pinyin, and the 投资方 type-ahead."""
import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Activity, Project
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


def test_a_visit_picks_a_second_enterprise_by_typing_and_keeps_the_first(app, world, page):
    with app.app_context():
        helpers.make_user(Role.OFFICER, world.a_unit_id, username="a_officer3")
        fenjiu = helpers.make_enterprise(world.a_unit_id, "山西汾酒集团有限公司").id
        db.session.commit()
    log_in(page, "a_officer3")
    page.goto(f"/activities/new?enterprise_id={world.enterprise_id}")
    enterprises = page.get_by_label("对接企业", exact=True)
    expect(enterprises.locator("option:checked")).to_have_text(["甲市示例企业有限公司"])
    page.get_by_placeholder("输入名称、拼音或首字母查找").first.fill("fenjiu")
    found = enterprises.locator("option", has_text="山西汾酒集团有限公司")
    expect(found).to_have_count(1)
    found.click()  # a plain click adds it; the one already chosen stays chosen
    expect(enterprises.locator("option:checked")).to_have_count(2)
    page.get_by_label("对接内容").fill("两家企业一起座谈")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已记录对接。")).to_be_visible()
    with app.app_context():
        activity = db.session.scalar(db.select(Activity).where(Activity.summary == "两家企业一起座谈"))
        assert sorted(e.id for e in activity.enterprises) == sorted([world.enterprise_id, fenjiu])
    assert page.elsewhere == []
