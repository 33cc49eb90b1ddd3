"""An officer's day: find a company by a 2-character query, add a contact, log a visit with a
follow-up date and see it under 待跟进; import a messy workbook and read the preview."""
from datetime import date

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests import helpers
from tests.e2e.test_login_browser import log_in
from tests.workbooks import messy_enterprises

pytestmark = pytest.mark.browser


def test_officer_finds_a_company_adds_a_contact_and_logs_a_visit(app, world, page):
    with app.app_context():
        helpers.make_enterprise(world.a_unit_id, "山西汾酒集团有限公司")
        helpers.make_enterprise(world.a_unit_id, "紫林醋业有限公司")
        db.session.commit()
    log_in(page, "a_officer")
    page.get_by_role("link", name="企业库").click()
    page.get_by_label("搜索", exact=True).fill("汾酒")
    page.get_by_role("button", name="查询").click()
    assert page.get_by_role("link", name="山西汾酒集团有限公司").is_visible()
    assert page.get_by_role("link", name="紫林醋业有限公司").count() == 0
    page.get_by_role("link", name="山西汾酒集团有限公司").click()

    page.get_by_role("link", name="添加联系人").click()
    page.get_by_label("姓名").fill("郑经理")
    page.get_by_label("手机").fill("13900139000")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_test_id("contacts").get_by_text("139****9000").is_visible()  # masked for a plain officer
    assert page.get_by_test_id("contacts").get_by_text("13900139000").count() == 0

    page.get_by_role("link", name="记录对接").click()
    page.get_by_label("对接日期").fill(date.today().isoformat())
    page.get_by_label("对接内容").fill("赴企业洽谈新建生产线")
    page.get_by_label("下次跟进日期").fill(date.today().isoformat())
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text("已记录对接。").is_visible()

    page.get_by_role("link", name="对接记录").click()
    page.get_by_role("link", name="待跟进", exact=True).click()
    today = page.get_by_test_id("follow-ups-2")  # the 今天 table
    assert today.get_by_role("link", name="山西汾酒集团有限公司").is_visible()
    assert page.elsewhere == []


def test_officer_imports_a_messy_workbook_and_reads_the_preview(app, world, page, tmp_path):
    path = messy_enterprises(tmp_path / "目标企业台账.xlsx")
    log_in(page, "a_officer")
    page.goto("/enterprises/")
    page.get_by_role("link", name="从 Excel 导入").click()
    page.get_by_label("Excel 文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/imports/*")  # the batch page: read on the queue, it shows itself again when done
    expect(page.get_by_test_id("batch-status")).to_have_text("待确认", timeout=15000)
    counts = page.get_by_test_id("batch-counts").inner_text()
    assert "新增 3" in counts and "错误 3" in counts
    preview = page.get_by_test_id("preview")
    assert preview.get_by_text("企业名称为空").is_visible()
    assert preview.get_by_text("日期“2026-13-45”不存在").is_visible()
    page.get_by_label("跳过错误行，只导入无误的行").check()
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/imports/*")
    expect(page.get_by_test_id("batch-status")).to_have_text("已导入", timeout=15000)
    page.goto("/enterprises/?q=示例酒业")
    assert page.get_by_role("link", name="山西示例酒业有限公司").is_visible()
