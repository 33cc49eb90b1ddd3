"""The pipeline in a browser: an officer moves a project to 签约 from the board with a date and
evidence; a manager approves it in the queue; the dashboard counts it; a colleague's stale edit
is refused."""
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models.enums import Role, Stage
from app.projects import services
from tests import helpers
from tests.e2e.test_login_browser import log_in

pytestmark = pytest.mark.browser


def test_sign_approve_count_and_refuse_a_stale_edit(app, world, page, browser, live_server, tmp_path):
    with app.app_context():
        manager = helpers.make_user(Role.MANAGER, world.a_unit_id, username="a_manager")
        helpers.make_user(Role.OFFICER, world.a_unit_id, username="a_officer2")
        project = services.create_project(manager, {"name": "乳制品加工项目", "unit_id": world.a_zone_unit_id,
                                                    "agreed_investment_wan": Decimal(30000)}, date(2026, 1, 6))
        db.session.commit()
        project_id = project.id
    evidence = tmp_path / "投资协议.pdf"
    evidence.write_bytes(b"%PDF-1.4 agreement")

    log_in(page, "a_officer")
    page.get_by_role("link", name="招商项目").click()
    page.get_by_role("link", name="看板").click()
    assert page.get_by_test_id(f"column-{Stage.NEGOTIATING.value}").get_by_test_id(f"card-{project_id}").is_visible()
    # Dragging the card onto the 签约 column opens the dated stage form for that move.
    page.get_by_test_id(f"card-{project_id}").drag_to(page.get_by_test_id(f"column-{Stage.SIGNED.value}"))
    page.wait_for_url(f"**/projects/{project_id}/move?to=signed")
    assert page.get_by_label("变为").input_value() == Stage.SIGNED.value
    page.get_by_label("发生日期").fill(date.today().isoformat())
    page.get_by_label("说明").fill("在省推介会上签约")
    page.get_by_label("附件").set_input_files(str(evidence))
    page.get_by_role("button", name="提交").click()
    assert page.get_by_test_id("stage").inner_text() == "签约"
    events = page.get_by_test_id("stage-events")
    expect(events.get_by_text("待审核")).to_be_visible()
    expect(events.get_by_role("link", name="投资协议.pdf")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    log_in(page, "a_manager")
    page.goto("/")
    before = int(page.get_by_test_id("month-signed").inner_text())
    page.get_by_role("link", name="招商项目").click()
    page.get_by_role("link", name="审核").click()
    row = page.get_by_role("row").filter(has_text="乳制品加工项目")
    row.get_by_label("审核意见").fill("协议齐全")
    row.get_by_label("审核意见").press("Enter")  # a new line, never 通过
    row.get_by_label("审核意见").type("同意")
    expect(row.get_by_label("审核意见")).to_have_value("协议齐全\n同意")
    row.get_by_role("button", name="通过").click()  # asks first: an approval cannot be undone
    dialog = page.locator("#confirm-modal")
    expect(dialog).to_contain_text("审核通过后不能撤回")
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_text("已审核通过。")).to_be_visible()
    page.get_by_role("link", name="驾驶舱").click()
    assert int(page.get_by_test_id("month-signed").inner_text()) == before + 1
    page.locator("#trend-chart canvas").wait_for()  # ECharts drew the trend
    page.get_by_role("button", name="退出").click()

    # Two officers open the same project; the second save is refused and says what changed.
    log_in(page, "a_officer")
    page.goto(f"/projects/{project_id}/edit")
    colleague = browser.new_context(base_url=live_server, locale="zh-CN").new_page()
    log_in(colleague, "a_officer2")
    colleague.goto(f"/projects/{project_id}/edit")
    colleague.get_by_label("协议投资").fill("32000")
    colleague.get_by_role("button", name="保存").click()
    expect(colleague.get_by_text("已保存项目")).to_be_visible()
    colleague.context.close()
    page.get_by_label("存在问题").fill("用地指标未落实")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("您的修改未保存")).to_be_visible()
    expect(page.get_by_test_id("error-message")).to_contain_text("协议投资")
    page.get_by_role("link", name="重新打开").click()  # the form again, filled from the saved record
    expect(page.get_by_label("协议投资")).to_have_value("32000.00")
    assert page.elsewhere == []
