"""A manager opens a demo chain's map, clicks a 补链 node, sees its target enterprises beside the
map, and downloads the 招商目录, which opens with those targets under that node."""
import openpyxl
import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.seed.demo import DEMO_PASSWORD, load_demo
from tests.e2e.test_login_browser import log_in

pytestmark = pytest.mark.browser


def test_a_manager_finds_the_targets_of_a_gap_and_exports_the_catalogue(app, page, tmp_path):
    with app.app_context():
        load_demo()
        db.session.commit()

    log_in(page, "manager", DEMO_PASSWORD)
    page.get_by_role("link", name="产业链", exact=True).click()
    page.get_by_test_id("chains").get_by_role("link", name="乳制品", exact=True).click()
    page.get_by_role("link", name="招商图谱").click()

    gap = page.locator('a.map-node[data-name="奶粉及奶酪"]')
    expect(gap).to_have_attribute("data-gap", "fill")
    expect(gap).to_contain_text("补链")
    expect(gap).to_contain_text("目标2")
    gap.click()
    panel = page.get_by_test_id("node-panel")
    targets = panel.locator('tr[data-role="target"]')
    expect(targets).to_have_count(2)
    expect(targets.first).to_contain_text("示例婴配乳粉（上海）有限公司")
    expect(targets.nth(1)).to_contain_text("示例乳业装备（杭州）有限公司")
    expect(panel.get_by_test_id("node-projects")).to_contain_text("奶粉及奶酪加工项目")
    assert page.url.endswith("/map")  # the panel filled in place

    with page.expect_download() as download:
        page.get_by_test_id("catalogue").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "招商目录-乳制品.xlsx"
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    under_gap = [row[5] for row in rows if row[2] == "奶粉及奶酪"]
    assert under_gap == ["示例婴配乳粉（上海）有限公司", "示例乳业装备（杭州）有限公司"]  # latest contact first
    assert page.elsewhere == []
