"""A manager downloads this month's report from the 报表 page; the workbook opens and its 合计 row
agrees with the dashboard's figures for the month."""
from datetime import date

import openpyxl
import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.seed.demo import DEMO_PASSWORD, load_demo
from tests.e2e.test_login_browser import log_in

pytestmark = pytest.mark.browser


def test_a_manager_downloads_the_month_report_that_matches_the_dashboard(app, page, tmp_path):
    with app.app_context():
        load_demo()
        db.session.commit()
    log_in(page, "manager", DEMO_PASSWORD)
    expect(page.get_by_test_id("month-row")).to_be_visible()
    shown = {key: page.get_by_test_id(f"month-{key}").inner_text().replace(",", "")
             for key in ("negotiating", "signed", "started", "producing", "big", "funds")}

    page.get_by_role("link", name="报表").click()
    month = f"{date.today():%Y-%m}"
    page.get_by_label("月份").fill(month)
    with page.expect_download() as download:
        page.get_by_role("button", name="下载月报（.xlsx）").click()
    assert download.value.suggested_filename == f"招商引资工作月报-山西省-{month}.xlsx"
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)

    summary = openpyxl.load_workbook(path)["汇总"]
    got = {row[0]: row[1] for row in summary.iter_rows(min_row=5, values_only=True)}  # an indicator a row; 本月
    assert summary["B3"].value == "本月" and summary["E3"].value == "本年累计"
    assert [got["新增在谈项目数"], got["新签约项目数"], got["新开工项目数"], got["新投产项目数"],
            got["其中1亿元以上签约项目数"]] == [int(shown[key])
                                        for key in ("negotiating", "signed", "started", "producing", "big")]
    assert got["到位资金(万元)"] == float(shown["funds"])
    assert summary["A1"].value == f"山西省招商引资工作月报（{date.today().year}年{date.today().month}月）"
    assert page.elsewhere == []
