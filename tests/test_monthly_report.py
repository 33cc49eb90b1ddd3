"""The monthly report's summary (汇总) against figures worked out by hand, for 丙市 (C) with its two
counties C1 and C2 and a project of its own, in March 2026:

- p1 C1 20000: 在谈 2026-01-05, 签约 2026-02-10 (last month), 开工 2026-03-15
- p2 C1 15000: 在谈 2025-11-01, 签约 2025-12-20 (December of last year), 开工 2026-03-02
- p3 C2  8000: 在谈 2026-03-01, 签约 2026-03-20, 终止 2026-03-25 (still a March 签约)
- p4 C2 12000: 在谈 2026-02-01, 签约 2026-02-25 corrected to 2026-03-05 (a March 签约 only)
- p5 C1  5000: 在谈 2026-03-10, 签约 2026-03-28 entered by an officer, pending
- p6 C  30000: 在谈 2026-03-03 (丙市 本级)
- p7 C2  5000: 在谈 2024-12-01, 签约 2025-02-01, not started: 签约未落地 at the end of March
- funds: p1 2026-02 300 本市, 2026-03 500 省外; p2 2025-12 1000 省外 (last year), 2026-01 200 外资
  (28 万美元); p4 2026-03 100 省外; p5 2026-03 50 本市, approved, but p5's 签约 is pending, so it
  counts only with the pending switch
- 注册: p1's local company 汾酒晋中有限公司 (注册资本 5000) on 2026-03-01, between its 签约 and 开工
- events: C1 2026-03-02, C2 2026-02-10
- a year before (同比): March 2025 nothing; January–March 2025 p7's 签约 (5000)
- investors: p1's 汾酒 is C15 (二产, 长三角), p3's 晋文旅 R90 (三产, no region), the rest have none
"""
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import docx
import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CapacityRevision, Event, OrgUnit, Target
from app.models.enums import EventKind, Role, Stage, UnitKind
from app.projects import services
from app.projects.indicators import add_months
from app.reports import monthly, notice, settings
from tests import helpers

TODAY = date(2026, 4, 2)
MARCH = date(2026, 3, 1)
N, S, ST = Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED


@pytest.fixture
def scenario(app, world):
    """丙市 and its counties with the scenario above, and the manager at the root who reports:
    their ids, no app context left open (the API test's requests push their own)."""
    with app.app_context():
        root = db.session.get(helpers.OrgUnit, world.root_unit_id)
        c = helpers.make_unit("C", "丙市", UnitKind.CITY, root)
        c1 = helpers.make_unit("C1", "丙一县", UnitKind.COUNTY, c)
        c2 = helpers.make_unit("C2", "丙二县", UnitKind.COUNTY, c)
        manager = helpers.make_user(Role.MANAGER, world.root_unit_id, username="reporter")
        officer = helpers.make_user(Role.OFFICER, c1.id)

        def project(name, unit, agreed, moves):
            made = services.create_project(manager, {"name": name, "unit_id": unit.id,
                                                     "agreed_investment_wan": Decimal(agreed)}, moves[0][1], today=TODAY)
            for stage, day in moves[1:]:
                services.move(manager, made, stage, day, "原因" if stage == Stage.TERMINATED else None, today=TODAY)
            return made

        def fund(made, month, amount, origin, usd=None):
            services.save_fund(manager, made, {"month": month, "origin": origin, "amount_wan": Decimal(amount),
                                               "amount_usd_wan": usd}, today=TODAY)

        p1 = project("p1", c1, 20000, [(N, date(2026, 1, 5)), (S, date(2026, 2, 10)), (ST, date(2026, 3, 15))])
        p2 = project("p2", c1, 15000, [(N, date(2025, 11, 1)), (S, date(2025, 12, 20)), (ST, date(2026, 3, 2))])
        project("p3", c2, 8000, [(N, date(2026, 3, 1)), (S, date(2026, 3, 20)), (Stage.TERMINATED, date(2026, 3, 25))])
        p4 = project("p4", c2, 12000, [(N, date(2026, 2, 1)), (S, date(2026, 2, 25))])
        services.correct(manager, p4.stage_events[-1], "合同签订日期录错", effective_on=date(2026, 3, 5), today=TODAY)
        p5 = project("p5", c1, 5000, [(N, date(2026, 3, 10))])
        services.move(officer, p5, S, date(2026, 3, 28), today=TODAY)
        project("p6", c, 30000, [(N, date(2026, 3, 3))])
        project("p7", c2, 5000, [(N, date(2024, 12, 1)), (S, date(2025, 2, 1))])  # 签约未落地 by 31 March
        fund(p1, date(2026, 2, 1), 300, "local")
        fund(p1, date(2026, 3, 1), 500, "out_of_province")
        fund(p2, date(2025, 12, 1), 1000, "out_of_province")
        fund(p2, date(2026, 1, 1), 200, "foreign", Decimal(28))
        fund(p4, date(2026, 3, 1), 100, "out_of_province")
        fund(p5, date(2026, 3, 1), 50, "local")
        services.move(manager, p1, Stage.REGISTERED, date(2026, 3, 1), today=TODAY, company_name="汾酒晋中有限公司",
                      registered_capital_wan=Decimal(5000))
        p1.investor = helpers.make_enterprise(c1.id, "汾酒", industry_code="C15", source_region="yangtze_delta")
        p3 = db.session.scalar(sa.select(helpers.Project).where(helpers.Project.name == "p3"))
        p3.investor = helpers.make_enterprise(c2.id, "晋文旅", industry_code="R90")
        db.session.add_all([Event(name="丙一推介会", kind=EventKind.PROMOTION, starts_on=date(2026, 3, 2), unit_id=c1.id),
                            Event(name="丙二推介会", kind=EventKind.PROMOTION, starts_on=date(2026, 2, 10), unit_id=c2.id)])
        db.session.commit()
        return manager.id, c.id


@pytest.fixture
def city(app, scenario):
    with app.app_context():
        yield db.session.get(helpers.User, scenario[0]), db.session.get(helpers.OrgUnit, scenario[1])


def row(counts, amount, tiers, funds, out, usd, events, rates=None, registered=0):
    """A row's values in label order: 在谈, 签约, 签约额, the four tiers, 注册, 开工, 投产, 到位, 其中省外,
    其中外资(万美元), 活动 (, 开工率, 资金到位率)."""
    values = [counts[0], counts[1], Decimal(amount), *tiers, registered, counts[2], counts[3], Decimal(funds),
              Decimal(out), Decimal(usd), events]
    return values + list(rates or [])


def table(report):
    return {r.name: {period: list(values.values()) for period, values in r.figures.items()}
            for r in [*report.rows, report.total]}


def test_every_number_of_the_summary_per_unit_and_in_total(city):
    manager, c = city
    report = monthly.summary(manager, MARCH, c)
    assert [r.name for r in report.rows] == ["丙市（本级）", "丙一县", "丙二县"]
    assert list(report.total.figures[monthly.MONTH]) == [
        "新增在谈项目数", "新签约项目数", "新签约协议投资额(万元)", "其中0.5亿元以上签约项目数", "其中1亿元以上签约项目数",
        "其中5亿元以上签约项目数", "其中10亿元以上签约项目数", "新注册项目数", "新开工项目数", "新投产项目数", "到位资金(万元)",
        "其中省外到位资金(万元)", "其中外资到位资金(万美元)", "招商活动场次"]
    assert list(report.total.figures[monthly.YEAR])[-2:] == ["开工率", "资金到位率"]
    none = [0, 0, 0, 0]
    assert table(report) == {
        "丙市（本级）": {monthly.MONTH: row([1, 0, 0, 0], 0, none, 0, 0, 0, 0),
                     monthly.YEAR: row([1, 0, 0, 0], 0, none, 0, 0, 0, 0, [None, None])},
        "丙一县": {monthly.MONTH: row([1, 0, 2, 0], 0, none, 500, 500, 0, 1, registered=1),
                monthly.YEAR: row([2, 1, 2, 0], 20000, [1, 1, 0, 0], 1000, 500, 28, 1, [1.0, 0.04], registered=1)},
        "丙二县": {monthly.MONTH: row([1, 2, 0, 0], 20000, [2, 1, 0, 0], 100, 100, 0, 0),
                monthly.YEAR: row([2, 2, 0, 0], 20000, [2, 1, 0, 0], 100, 100, 0, 1, [0.0, 0.005])},
        "合计": {monthly.MONTH: row([3, 2, 2, 0], 20000, [2, 1, 0, 0], 600, 600, 0, 1, registered=1),
               monthly.YEAR: row([5, 3, 2, 0], 40000, [3, 2, 0, 0], 1100, 600, 28, 2, [pytest.approx(1 / 3), 0.0225],
                                 registered=1),
               # a year before: p7's 签约 in February 2025, nothing else
               monthly.LAST_MONTH: row([0, 0, 0, 0], 0, none, 0, 0, 0, 0),
               monthly.LAST_YEAR: row([0, 1, 0, 0], 5000, [1, 0, 0, 0], 0, 0, 0, 0, [0.0, 0.0])},
    }


def test_yoy_time_progress_and_targets_from_dated_records(city):
    manager, c = city
    c1 = db.session.scalar(sa.select(helpers.OrgUnit).where(helpers.OrgUnit.code == "C1"))
    db.session.add_all([Target(year=2026, unit_id=c.id, indicator="signed_count", value=10),
                        Target(year=2026, unit_id=c.id, indicator="signed_amount_wan", value=100000),
                        Target(year=2026, unit_id=c1.id, indicator="funds_wan", value=2000),
                        Target(year=2025, unit_id=c.id, indicator="started_count", value=9)])  # another year
    db.session.commit()
    report = monthly.summary(manager, MARCH, c)
    assert monthly.time_progress(MARCH) == 0.25 and monthly.time_progress(date(2026, 6, 1)) == 0.5
    # 同比: 3 signed against 1 a year before is +200 %; nothing a year before gives no rate
    answer = monthly.as_json(report)
    assert answer["yoy"]["本年累计"]["新签约项目数"] == 2.0 and answer["yoy"]["本年累计"]["新签约协议投资额(万元)"] == 7.0
    assert answer["yoy"]["本月"]["新签约项目数"] is None and answer["time_progress"] == 0.25
    targets = [(t.unit.code, t.label, t.target, t.done, t.rate, t.ahead_points) for t in report.targets]
    assert targets == [("C", "新签约项目数", 10, 3, 0.3, Decimal("5.00")),  # 30 % done, 25 % of the year: 超 5 points
                       ("C", "新签约协议投资额(万元)", 100000, 40000, 0.4, Decimal("15.00")),
                       ("C1", "到位资金(万元)", 2000, 1000, 0.5, Decimal("25.00"))]
    assert answer["targets"][0] == {"unit": "C", "indicator": "新签约项目数", "target": 10.0, "done": 3.0, "rate": 0.3,
                                    "ahead_points": 5.0}
    assert monthly.change(1, 4) == -0.75 and monthly.change(0, 0) is None


def test_funds_count_once_the_projects_signing_is_approved(city):
    """p5's approved 50 万元 waits for its pending 签约: out by default, in with the pending switch."""
    manager, c = city
    assert monthly.summary(manager, MARCH, c).total.figures[monthly.MONTH]["到位资金(万元)"] == 600
    pending = monthly.summary(manager, MARCH, c, include_pending=True).total.figures[monthly.MONTH]
    assert pending["到位资金(万元)"] == 650 and pending["新签约项目数"] == 3
    p5 = db.session.scalar(sa.select(helpers.Project).where(helpers.Project.name == "p5"))
    services.review(manager, p5.stage_events[-1], True, None)
    db.session.commit()
    assert monthly.summary(manager, MARCH, c).total.figures[monthly.MONTH]["到位资金(万元)"] == 650


def test_breakdowns_by_sector_and_region(city):
    manager, c = city
    breakdowns = monthly.summary(manager, MARCH, c).breakdowns

    def counts(kind, name, period):
        found = breakdowns[kind][name].get(period, {})
        return [(found[s].count, found[s].amount_wan) if s in found else (0, 0) for s in (S, ST, Stage.PRODUCING)]

    assert list(breakdowns["产业"]) == ["第一产业", "第二产业", "第三产业", "未填写"]
    # March: p3 (三产) and p4 (no investor) signed; p1 (二产) and p2 (none) started
    assert counts("产业", "第二产业", monthly.MONTH) == [(0, 0), (1, 20000), (0, 0)]
    assert counts("产业", "第三产业", monthly.MONTH) == [(1, 8000), (0, 0), (0, 0)]
    assert counts("产业", "未填写", monthly.MONTH) == [(1, 12000), (1, 15000), (0, 0)]
    assert counts("产业", "第二产业", monthly.YEAR) == [(1, 20000), (1, 20000), (0, 0)]
    assert counts("来源区域", "长三角", monthly.YEAR) == [(1, 20000), (1, 20000), (0, 0)]
    assert counts("来源区域", "未填写", monthly.YEAR) == [(2, 20000), (1, 15000), (0, 0)]
    assert sum(counts("产业", name, monthly.YEAR)[0][0] for name in breakdowns["产业"]) == 3  # = 新签约项目数


def test_pending_records_and_the_threshold_change_only_what_they_should(city):
    manager, c = city
    total = monthly.summary(manager, MARCH, c, include_pending=True).total
    assert (total.figures[monthly.MONTH]["新签约项目数"], total.figures[monthly.YEAR]["新签约协议投资额(万元)"]) == (
        3, Decimal(45000))
    big = monthly.summary(manager, MARCH, c, min_amount_wan=Decimal(10000)).total
    assert list(big.figures[monthly.MONTH].values()) == row([1, 1, 2, 0], 12000, [1, 1, 0, 0], 600, 600, 0, 1,
                                                            registered=1)
    # A month before the scenario: nothing yet, and the 本级 row is left out when it has nothing.
    empty = monthly.summary(manager, date(2025, 10, 1), c)
    assert [r.name for r in empty.rows] == ["丙一县", "丙二县"]
    assert empty.total.figures[monthly.MONTH]["新增在谈项目数"] == 0


def test_the_api_serves_the_summary_as_json_within_scope(app, client, scenario, login, world):
    with app.app_context():
        unit = db.session.get(helpers.OrgUnit, scenario[1])
        expected = monthly.as_json(monthly.summary(db.session.get(helpers.User, scenario[0]), MARCH, unit))
    client.post("/auth/login", data={"username": "reporter", "password": helpers.PASSWORD})
    answer = client.get("/api/v1/reports/monthly?month=2026-03&unit=C").json
    assert answer == expected
    assert answer["indicators"]["本年累计"]["资金到位率"] == 0.0225 and answer["month"] == "2026-03"
    assert answer["indicators"]["上年同期"]["新签约项目数"] == 1 and answer["amount_unit"] == "万元"
    assert answer["units"][1] == {"unit": "C1", "name": "丙一县", "本月": answer["units"][1]["本月"],
                                  "本年累计": answer["units"][1]["本年累计"]}
    assert answer["units"][1]["本月"]["新开工项目数"] == 2 and answer["units"][1]["本月"]["到位资金(万元)"] == 500.0
    sectors = {line["name"]: line for line in answer["breakdowns"]["产业"]}
    assert sectors["第三产业"]["本月"]["签约"] == {"count": 1, "amount_wan": 8000.0}
    bad = client.get("/api/v1/reports/monthly?month=2026-13&unit=C")
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert bad.json["errors"] == {"query": {"month": ["月份格式应为 YYYY-MM"]}}
    b_user = app.test_client()
    login(Role.MANAGER, unit="b", client=b_user)
    refused = b_user.get("/api/v1/reports/monthly?month=2026-03&unit=C")
    assert refused.status_code == 404 and "不在您的数据范围内" in refused.json["detail"]


def test_months_are_checked():
    assert monthly.parse_month("2026-3", TODAY) == MARCH and monthly.parse_month(None, TODAY) == MARCH
    for wrong in ("2026/03", "2026-13", "", "2026-05"):
        with pytest.raises(monthly.ReportError):
            monthly.parse_month(wrong, TODAY)



def test_the_cli_writes_the_workbook_that_agrees_with_the_json(app, runner, scenario, tmp_path):
    with app.app_context():
        c1 = db.session.scalar(sa.select(helpers.OrgUnit.id).where(helpers.OrgUnit.code == "C1"))
        c = db.session.scalar(sa.select(helpers.OrgUnit.id).where(helpers.OrgUnit.code == "C"))
        db.session.add_all([Target(year=2026, unit_id=c1, indicator="signed_count", value=4),
                            Target(year=2026, unit_id=c, indicator="signed_amount_wan", value=100000)])
        park = helpers.make_park(c1, "丙一园区")  # its land: 100 亩 from 10 March, 150 from 5 April
        for total, day in ((100, datetime(2026, 3, 10, tzinfo=UTC)), (150, datetime(2026, 4, 5, tzinfo=UTC))):
            db.session.add(CapacityRevision(park_id=park.id, item_id=1, kind="land", name="可供工业用地",
                                            total=Decimal(total), unit="亩", as_of=day.date(), changed_at=day))
        db.session.commit()
    result = runner.invoke(args=["report", "monthly", "--month", "2026-03", "--unit", "C", "--user", "reporter",
                                 "--json", "-o", str(tmp_path / "月报.xlsx")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    book = openpyxl.load_workbook(tmp_path / "月报.xlsx")
    assert book.sheetnames == ["汇总", "分单位（本月）", "分单位（本年累计）", "目标任务", "签约项目", "开工项目", "投产项目",
                               "在谈项目", "注册项目", "到位资金", "招商活动", "产业链", "产业", "来源区域", "要素保障", "预警项目"]
    ws = book["汇总"]
    assert ws["A1"].value == "丙市招商引资工作月报（2026年3月）" and ws["A2"].value == "填报单位：丙市"
    assert {"B3:D3", "E3:G3", "H3:K3", "A1:K1"} <= {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(3, c).value for c in (2, 5, 8)] == ["本月", "本年累计", "年度目标任务"]
    assert [ws.cell(4, c).value for c in range(2, 12)] == ["本月", "上年同月", "同比", "本年累计", "上年同期", "同比",
                                                           "年度目标", "完成率", "时间进度", "超欠进度(百分点)"]
    by_label = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(2, 12)] for r in range(5, ws.max_row + 1)}
    assert list(by_label) == monthly.labels(monthly.YEAR, [Decimal(t) for t in summary["tiers_wan"]])
    for label, values in by_label.items():  # every figure is the JSON's
        assert values[0] == summary["indicators"]["本月"].get(label)
        assert values[3:5] == [summary["indicators"][p][label] for p in ("本年累计", "上年同期")]
    assert by_label["新签约项目数"][:7] == [2, 0, None, 3, 1, 2.0, None]  # 同比 +200 %
    assert by_label["新签约协议投资额(万元)"][6:] == [100000, 0.4, 0.25, 15]  # 目标, 完成率, 时间进度, 超 15 points
    assert ws["C9"].number_format == "0" and ws["E7"].number_format == "#,##0.00" and ws["G6"].number_format == "0.00%"
    assert ws.print_title_rows == "$1:$4" and ws.page_setup.orientation == "landscape"
    units = book["分单位（本年累计）"]
    assert units["E3"].value == "其中签约项目数" and units["E4"].value == "0.5亿元以上"
    by_name = {units.cell(r, 1).value: [units.cell(r, c).value for c in range(2, units.max_column + 1)]
               for r in range(5, units.max_row + 1)}
    assert list(by_name) == ["丙市（本级）", "丙一县", "丙二县", "合计"] and units["A8"].font.b
    for unit in [*summary["units"], {"name": "合计", "本年累计": summary["indicators"]["本年累计"]}]:
        assert by_name[unit["name"]] == list(unit["本年累计"].values())
    targets = book["目标任务"]
    assert [[c.value for c in row] for row in targets.iter_rows(min_row=4)] == [
        ["丙市", "新签约协议投资额(万元)", 100000, 40000, 0.4, 0.25, 15, "超进度"],
        ["丙一县", "新签约项目数", 4, 1, 0.25, 0.25, 0, "超进度"]]

    def projects(title):
        sheet = book[title]
        return [[sheet.cell(r, c).value for c in (2, 7, 8, 9, 10)] for r in range(4, sheet.max_row + 1)]

    march = datetime(2026, 3, 1)
    assert projects("签约项目") == [["p4", 12000, 100, 100, march.replace(day=5)], ["p3", 8000, 0, 0, march.replace(day=20)],
                                ["2 个项目", 20000, 100, 100, None]]
    assert book["签约项目"]["C5"].value == "晋文旅"
    assert projects("开工项目") == [["p2", 15000, 0, 1200, march.replace(day=2)],
                                ["p1", 20000, 500, 800, march.replace(day=15)], ["2 个项目", 35000, 500, 2000, None]]
    assert projects("投产项目") == [["0 个项目", 0, 0, 0, None]]
    assert [row[0] for row in projects("在谈项目")] == ["p3", "p6", "p5", "3 个项目"]
    assert book["签约项目"]["J4"].number_format == "yyyy-mm-dd" and book["产业链"]["C3"].value == "本月"

    def values(title, first_row=4):
        sheet = book[title]
        return [[c.value for c in row] for row in sheet.iter_rows(min_row=first_row)]

    assert values("到位资金") == [[1, "p1", "丙一县", "本市", 0, 300, None], [2, "p1", "丙一县", "省外境内", 500, 500, None],
                              [3, "p2", "丙一县", "外资", 0, 200, 28], [4, "p4", "丙二县", "省外境内", 100, 100, None],
                              ["合计", None, None, None, 600, 1100, 28]]
    assert values("注册项目") == [[1, "p1", "汾酒晋中有限公司", 5000, march, "汾酒", 20000, "丙一县"],
                              ["合计", "1 个项目", None, 5000, None, None, None, None]]
    assert values("招商活动") == [[1, march.replace(day=2), "专题招商推介会", "丙一推介会", None, "否", None, None, "丙一县"],
                              ["合计", "1 场活动、0 次对接", None, None, None, None, None, None, None]]
    assert values("产业", 5)[1] == ["第二产业", 0, 0, 1, 20000, 0, 0, 1, 20000, 1, 20000, 0, 0]
    assert values("要素保障") == [["丙一园区", "可供工业用地", "可供工业用地", 100, "亩", datetime(2026, 3, 10),
                               datetime(2026, 3, 10)]]
    assert values("预警项目") == [[1, "p7", "签约", 5000, "丙二县", "签约未落地"], ["合计", "1 个项目", None, None, None, None]]
    assert runner.invoke(args=["report", "monthly", "--month", "2026-3x", "--user", "reporter"]).exit_code != 0


def test_summaries_in_yi_yuan_and_the_total_first(app, runner, scenario, tmp_path):
    with app.app_context():
        root = db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)))
        settings.save(root, "1, 0.5", "1")  # set at the province, holds for its units
        db.session.commit()
    path = tmp_path / "亿元.xlsx"
    result = runner.invoke(args=["report", "monthly", "--month", "2026-03", "--unit", "C", "--user", "reporter",
                                 "--unit-amount", "亿元", "-o", str(path)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    summary = {row[0]: row[1:] for row in book["汇总"].iter_rows(min_row=5, values_only=True)}
    assert summary["新签约协议投资额(亿元)"][3:5] == (4, 0.5) and "其中0.5亿元以上签约项目数" in summary
    units = book["分单位（本月）"]
    assert units["A5"].value == "合计" and units["D3"].value == "新签约协议投资额(亿元)" and units["D5"].value == 2
    assert book["签约项目"]["A4"].value == "合计" and book["签约项目"]["G4"].value == 20000  # details stay in 万元
    with pytest.raises(ValueError, match="分档应为"):
        settings.parse_tiers("1, x")


def test_every_sheet_has_a_header_over_every_column(app, scenario):
    """A sheet whose headers are one short prints every header over the wrong column."""
    with app.app_context():
        user = db.session.scalar(sa.select(helpers.User).where(helpers.User.username == "reporter"))
        sheets = monthly.workbook(user, monthly.summary(user, date(2026, 3, 1), monthly.report_unit(user, "C")))
        for sheet in sheets:
            rows = [list(row) for row in sheet.rows]
            assert max(map(len, rows), default=0) <= len(sheet.headers), sheet.title
        activities = next(s for s in sheets if s.title == "招商活动")
        assert activities.headers[:2] == ["序号", "日期"] and [r[:4] for r in activities.rows][0] == [
            1, date(2026, 3, 2), "专题招商推介会", "丙一推介会"]


def test_the_report_page_downloads_the_workbook_and_refuses_bad_input(app, client, scenario, login):
    client.post("/auth/login", data={"username": "reporter", "password": helpers.PASSWORD})
    page = client.get("/reports/").get_data(as_text=True)
    last_month = add_months(date.today().replace(day=1), -1)
    assert 'data-testid="monthly-form"' in page and f'value="{last_month:%Y-%m}"' in page  # last month by default
    response = client.get("/reports/monthly.xlsx?month=2026-03&unit=C&big=y")
    assert response.status_code == 200
    assert "filename*=UTF-8''%E6%8B%9B%E5%95%86" in response.headers["Content-Disposition"]
    # a client that ignores the Chinese name still saves a name that says what the file is
    assert 'filename="monthly-report-C-2026-03.xlsx"' in response.headers["Content-Disposition"]
    summary = openpyxl.load_workbook(io.BytesIO(response.data))["汇总"]
    month = {row[0]: row[1] for row in summary.iter_rows(min_row=5, values_only=True)}
    assert [month[label] for label in ("新增在谈项目数", "新签约项目数", "新签约协议投资额(万元)", "新开工项目数",
                                       "到位资金(万元)")] == [1, 1, 12000, 2, 600]  # 亿元以上 only, as worked out above
    for query, message in (("month=2026-13&unit=C", "月份“2026-13”格式不对"), ("month=2099-01&unit=C", "2099年1月尚未开始")):
        refused = client.get(f"/reports/monthly.xlsx?{query}", follow_redirects=True).get_data(as_text=True)
        assert message in refused
    other = app.test_client()
    login(Role.MANAGER, unit="b", client=other)
    refused = other.get("/reports/monthly.xlsx?month=2026-03&unit=C", follow_redirects=True).get_data(as_text=True)
    assert "单位代码“C”不存在，或不在您的数据范围内" in refused


def test_the_notice_says_in_words_what_the_workbook_counts(app, client, scenario):
    """Every number in the 通报 is one of the summary's, written as the notice writes it."""
    with app.app_context():
        c = db.session.scalar(sa.select(helpers.OrgUnit).where(helpers.OrgUnit.code == "C"))
        db.session.add(Target(year=2026, unit_id=c.id, indicator="signed_count", value=10))
        db.session.commit()
        report = monthly.summary(db.session.get(helpers.User, scenario[0]), MARCH, c)
        year, before = report.total.figures[monthly.YEAR], report.total.figures[monthly.LAST_YEAR]
    client.post("/auth/login", data={"username": "reporter", "password": helpers.PASSWORD})
    response = client.get("/reports/notice.docx?month=2026-03&unit=C")
    assert response.status_code == 200 and 'filename="monthly-notice-C-2026-03.docx"' in response.headers[
        "Content-Disposition"]
    doc = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "丙市2026年3月招商引资工作通报"
    # 1—3月: 3 signed against 1 a year before, 4.00 亿元 against 0.50, 1100 万元 in place
    assert (year["新签约项目数"], before["新签约项目数"]) == (3, 1)
    assert ("1—3月，丙市新签约项目3个，同比增长200.0%；协议投资4.00亿元，同比增长700.0%，其中1亿元以上项目2个。"
            "新开工项目2个，新投产项目0个；到位资金0.11亿元，上年同期为零；开展招商活动2场。") in text
    assert "3月当月，新签约项目2个，上年同期为零；协议投资2.00亿元，上年同期为零，其中1亿元以上项目1个。" in text
    assert "时间进度为25.0%" in text and "丙市签约项目数完成年度目标的30.0%，超时间进度5.0个百分点。" in text
    assert "协议投资居前的是丙一县（2.00亿元）、丙二县（2.00亿元）。" in text
    table = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert table[0][0] == "单位" and table[-1] == ["合计", "3", "4.00", "2", "0", "0.11"]
    assert table[2] == ["丙一县", "1", "2.00", "2", "0", "0.10"]
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm), round(section.top_margin.mm)) == (210, 297, 37)
    assert (notice.trend(3, 1), notice.trend(1, 2), notice.trend(2, 2), notice.trend(1, 0)) == (
        "同比增长200.0%", "同比下降50.0%", "与上年同期持平", "上年同期为零")
