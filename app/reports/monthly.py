"""The monthly report (月报): its summary (汇总), per org unit directly under the
chosen one and in total, for the month and for the year to its end, from dated records: a stage in
the month the project first reached it, funds in the months of their entries, events in the month
they started. The API serves the summary as JSON for the upper level's platform; the workbook adds
the year's targets, a sheet per stage of the projects counted in the month and a sheet per chain,
each printable as it is.
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.scope import get_scoped_unit, scoped, unit_ids_under
from app.chains.services import visible_chains
from app.excel import Sheet
from app.extensions import db
from app.models import (
    Activity,
    Chain,
    ChainNode,
    Event,
    FundEntry,
    OrgUnit,
    Park,
    Project,
    Target,
    User,
)
from app.models.enums import (
    ActivityKind,
    CapacityKind,
    FundOrigin,
    Stage,
    TargetIndicator,
)
from app.parks.services import lists_as_of
from app.projects import warnings
from app.projects.indicators import (
    Scope,
    actual,
    add_months,
    big_signed_count,
    chain_figures,
    funds,
    month_end,
    rates,
    stage_figures_over,
)
from app.projects.stages import first_reached

MONTH, YEAR = "本月", "本年累计"
# The indicator labels, exactly as the bureau's form has them.
COUNTS = {"新增在谈项目数": Stage.NEGOTIATING, "新签约项目数": Stage.SIGNED, "新开工项目数": Stage.STARTED,
          "新投产项目数": Stage.PRODUCING}
SIGNED_AMOUNT, OUT_OF_PROVINCE, BIG_SIGNED, EVENTS = ("新签约协议投资额(万元)", "其中省外到位资金(万元)",
                                                      "亿元以上签约项目数", "招商活动场次")
FUNDS = {MONTH: "本月到位资金(万元)", YEAR: "本年累计到位资金(万元)"}
START_RATE, FUNDS_RATE = "开工率", "资金到位率"
LABELS = {period: ["新增在谈项目数", "新签约项目数", SIGNED_AMOUNT, "新开工项目数", "新投产项目数", FUNDS[period],
                   OUT_OF_PROVINCE, BIG_SIGNED, EVENTS] + ([START_RATE, FUNDS_RATE] if period == YEAR else [])
          for period in (MONTH, YEAR)}


class ReportError(ValueError):
    pass


class UnknownUnit(ReportError):
    """A unit that does not exist or lies outside the user's scope (answered as not found)."""


def parse_month(text: str | None, today: date) -> date:
    """The first day of a month given as YYYY-MM, not one still to come; the last month when none
    is given (a report goes up once its month is over)."""
    if text is None:
        return add_months(today.replace(day=1), -1)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise ReportError(f"月份“{text or ''}”格式不对，应为 YYYY-MM，如 2026-10。")
    first = date(int(match[1]), int(match[2]), 1)
    if first > today:
        raise ReportError(f"{first.year}年{first.month}月尚未开始，不能出月报。")
    return first


def report_unit(by: User, code: str | None) -> OrgUnit:
    """The unit a report is for: by code within the user's scope; the root of that scope when none."""
    if not code:
        return by.unit
    unit_id = db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.code == code))
    unit = get_scoped_unit(by, unit_id) if unit_id else None
    if unit is None:
        raise UnknownUnit(f"单位代码“{code}”不存在，或不在您的数据范围内。")
    return unit


@dataclass
class Row:
    unit: OrgUnit
    name: str
    figures: dict[str, dict]  # MONTH / YEAR → label → value
    own: bool = False  # the unit's own records (本级), not its subtree's


def _figures(scope: Scope, month: date) -> dict[str, dict]:
    """One row's indicators, for the month and for the year to the month's end."""
    end, year_start = month_end(month), date(month.year, 1, 1)
    periods = {MONTH: month, YEAR: year_start}
    stages = dict(zip(periods, stage_figures_over(scope, [(month, end), (year_start, end)])))
    figures = {}
    for period, start in periods.items():
        paid = funds(scope, start, end)
        values = {label: stages[period][stage].count for label, stage in COUNTS.items()}
        values.update({SIGNED_AMOUNT: stages[period][Stage.SIGNED].amount_wan,
                       FUNDS[period]: sum(paid.values(), Decimal(0)),
                       OUT_OF_PROVINCE: paid.get(FundOrigin.OUT_OF_PROVINCE, Decimal(0)),
                       BIG_SIGNED: big_signed_count(scope, start, end),
                       EVENTS: int(actual(scope, TargetIndicator.EVENTS, start, [end])[0])})
        if period == YEAR:
            cohort = rates(scope, start, end)
            values.update({START_RATE: cohort.start_rate, FUNDS_RATE: cohort.funds_rate})
        figures[period] = {label: values[label] for label in LABELS[period]}
    return figures


def summary(by: User, month: date, unit: OrgUnit, include_pending: bool = False,
            min_amount_wan: Decimal | None = None) -> tuple[list[Row], Row]:
    """The rows of 汇总 and its 合计. A row per unit directly under ``unit``; the unit's own records
    (本级) get a row of their own when there are any, so that the rows always add up to the 合计."""
    def scope(unit_id: int, own: bool = False) -> Scope:
        return Scope(by, unit_id, include_pending=include_pending, own_unit_only=own, min_amount_wan=min_amount_wan)

    children = db.session.scalars(sa.select(OrgUnit).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.code))
    rows = [Row(child, child.name, _figures(scope(child.id), month)) for child in children]
    own = Row(unit, f"{unit.name}（本级）", _figures(scope(unit.id, own=True), month), own=True)
    if rows and any(value for period in own.figures.values() for label, value in period.items()
                    if label not in (START_RATE, FUNDS_RATE)):
        rows.insert(0, own)
    total = Row(unit, "合计", _figures(scope(unit.id), month))
    return rows, total


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


def as_json(month: date, unit: OrgUnit, rows: list[Row], total: Row) -> dict:
    """The summary as the upper level's platform collects it: amounts in 万元 and rates as fractions."""
    def periods(row: Row) -> dict:
        return {period: {label: _plain(value) for label, value in values.items()}
                for period, values in row.figures.items()}

    return {"month": f"{month:%Y-%m}", "unit": unit.code, "indicators": periods(total),
            "units": [{"unit": row.unit.code, "name": row.name, **periods(row)} for row in rows]}



# ---------- the workbook ----------
# 目标任务 set for a unit, beside the 本年累计 figure they are measured by.
TARGETED = {TargetIndicator.SIGNED_COUNT: "新签约项目数", TargetIndicator.SIGNED_AMOUNT: SIGNED_AMOUNT,
            TargetIndicator.STARTED_COUNT: "新开工项目数", TargetIndicator.PRODUCING_COUNT: "新投产项目数",
            TargetIndicator.FUNDS: FUNDS[YEAR], TargetIndicator.EVENTS: EVENTS}
RATES = {START_RATE, FUNDS_RATE}
DETAIL_SHEETS = {"签约项目": Stage.SIGNED, "开工项目": Stage.STARTED, "投产项目": Stage.PRODUCING,
                 "在谈项目": Stage.NEGOTIATING}
DETAIL_HEADERS = ["序号", "项目名称", "投资方", "统一社会信用代码", "来源地", "所属产业链", "总投资(万元)", "协议投资(万元)",
                  "本月到位(万元)", "累计到位(万元)", "阶段", "签约日期", "开工日期", "投产日期", "落户园区", "责任单位",
                  "责任人", "存在问题", "下步计划"]
DETAIL_FORMATS = ["integer", None, None, None, None, None, "amount", "amount", "amount", "amount", None, "date", "date",
                  "date", None, None, None, None, None]
DETAIL_WIDTHS = [6, 28, 26, 20, 10, 12, 12, 12, 11, 11, 6, 11, 11, 11, 18, 14, 8, 24, 24]
CHAIN_STAGES = {"签约": Stage.SIGNED, "开工": Stage.STARTED, "投产": Stage.PRODUCING}


def _heading(unit: OrgUnit, month: date, today: date, title: str | None = None) -> list[list]:
    return [[title or f"{unit.name}招商引资工作月报（{month.year}年{month.month}月）"],
            [f"填报单位：{unit.name}", None, None, f"报送日期：{today.isoformat()}"]]


def _summary_sheet(month: date, unit: OrgUnit, rows: list[Row], total: Row, today: date) -> Sheet:
    wanted = [None if r.own else r.unit.id for r in [*rows, total]]  # the unit's targets go on 合计
    targets = {(t.unit_id, t.indicator): t.value for t in db.session.scalars(sa.select(Target).where(
        Target.year == month.year, Target.chain_id.is_(None), Target.unit_id.in_([w for w in wanted if w])))}
    indicators = [i for i in TARGETED if any((w, i) in targets for w in wanted if w)]
    headers = ["单位", *LABELS[MONTH], *LABELS[YEAR]]
    for indicator in indicators:
        headers += [f"{TargetIndicator.label_of(indicator)}目标", f"{TargetIndicator.label_of(indicator)}完成率"]
    labels = [*LABELS[MONTH], *LABELS[YEAR]]
    formats = [None] + ["percent" if label in RATES else "amount" if "万元" in label else "integer"
                        for label in labels]
    formats += [f for i in indicators for f in ("amount" if "万元" in TARGETED[i] else "integer", "percent")]
    lines = []
    for row, unit_id in zip([*rows, total], wanted):
        line = [row.name, *(row.figures[MONTH][label] for label in LABELS[MONTH]),
                *(row.figures[YEAR][label] for label in LABELS[YEAR])]
        for indicator in indicators:
            target = targets.get((unit_id, indicator))
            done = row.figures[YEAR][TARGETED[indicator]]
            line += [target, float(Decimal(done) / target) if target else None]
        lines.append(line)
    groups = [(MONTH, 1, len(LABELS[MONTH])), (YEAR, len(LABELS[MONTH]) + 1, len(labels))]
    if indicators:
        groups.append(("年度目标任务", len(labels) + 1, len(headers) - 1))
    return Sheet("汇总", headers, lines, widths=[16] + [11] * (len(headers) - 1), above=_heading(unit, month, today),
                 groups=groups, formats=formats, printed=True)


def _paid(scope: Scope, ids: list[int], month: date, end: date) -> dict[int, tuple[Decimal, Decimal]]:
    """Per project: funds in place this month and up to the month's end."""
    stmt = (sa.select(FundEntry.project_id, sa.func.sum(sa.case((FundEntry.month >= month, FundEntry.amount_wan),
                                                                 else_=0)), sa.func.sum(FundEntry.amount_wan))
            .where(FundEntry.project_id.in_(ids), FundEntry.month <= end, scope.funds()).group_by(FundEntry.project_id))
    return {pid: (Decimal(m or 0), Decimal(c or 0)) for pid, m, c in db.session.execute(stmt)}


def _detail_sheet(title: str, stage: str, scope: Scope, month: date, unit: OrgUnit, today: date) -> Sheet:
    """The projects that first reached ``stage`` in the month, one row each, and a 合计 row."""
    end, reached = month_end(month), scope.first(stage)
    projects = db.session.scalars(scope.projects(
        sa.select(Project).where(reached.between(month, end))
        .options(selectinload(Project.investor), selectinload(Project.park), selectinload(Project.unit),
                 selectinload(Project.officer), selectinload(Project.chain_node).selectinload(ChainNode.chain))
        .order_by(reached, Project.id))).all()
    paid = _paid(scope, [p.id for p in projects], month, end)
    dates = {s: first_reached(s, scope.include_pending).key for s in (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)}
    lines, sums = [], [Decimal(0)] * 4
    for number, p in enumerate(projects, start=1):
        amounts = [p.total_investment_wan, p.agreed_investment_wan, *paid.get(p.id, (Decimal(0), Decimal(0)))]
        sums = [s + (a or 0) for s, a in zip(sums, amounts)]
        lines.append([number, p.name, p.investor.name if p.investor else None, p.investor.uscc if p.investor else None,
                      p.source_region, p.chain_node.chain.name if p.chain_node else None, *amounts, p.stage_label,
                      *(getattr(p, column) for column in dates.values()), p.park.name if p.park else None,
                      p.unit.name, p.responsible_person or (p.officer.display_name if p.officer else None),
                      p.problems, p.next_steps])
    lines.append(["合计", f"{len(projects)} 个项目", None, None, None, None, *sums])
    return Sheet(title, DETAIL_HEADERS, lines, widths=DETAIL_WIDTHS,
                 above=_heading(unit, month, today, f"{unit.name}{month.year}年{month.month}月{title}"),
                 formats=DETAIL_FORMATS, printed=True)


def _chain_sheet(scope: Scope, month: date, unit: OrgUnit, today: date) -> Sheet:
    """Per chain, 签约 / 开工 / 投产 counts and 协议投资, for the month and the year."""
    end = month_end(month)
    periods = {MONTH: chain_figures(scope, month, end), YEAR: chain_figures(scope, date(month.year, 1, 1), end)}
    chains = db.session.scalars(visible_chains(scope.user).order_by(Chain.cluster, Chain.name)).all()
    headers, formats = ["产业链", "产业集群"], [None, None]
    for _period in periods:
        for label in CHAIN_STAGES:
            headers += [f"{label}项目数", f"{label}协议投资(万元)"]
            formats += ["integer", "amount"]
    lines, sums = [], [Decimal(0)] * (len(headers) - 2)
    for chain in chains:
        values = []
        for figures in periods.values():
            for stage in CHAIN_STAGES.values():
                found = figures.get(chain.id, {}).get(stage)
                values += [found.count if found else 0, found.amount_wan if found else Decimal(0)]
        sums = [s + v for s, v in zip(sums, values)]
        lines.append([chain.name, chain.cluster, *values])
    lines.append(["合计", None, *sums])
    width = 2 * len(CHAIN_STAGES)
    return Sheet("产业链", headers, lines, widths=[16, 10] + [11] * (len(headers) - 2),
                 above=_heading(unit, month, today, f"{unit.name}{month.year}年{month.month}月分产业链招商情况"),
                 groups=[(MONTH, 2, 1 + width), (YEAR, 2 + width, 1 + 2 * width)], formats=formats, printed=True)


def _funds_sheet(scope: Scope, month: date, unit: OrgUnit, today: date) -> Sheet:
    """Funds in place per project and origin: this month and the year to the month's end."""
    end = month_end(month)
    stmt = scope.projects(
        sa.select(Project.name, OrgUnit.name, FundEntry.origin,
                  sa.func.sum(sa.case((FundEntry.month >= month, FundEntry.amount_wan), else_=0)),
                  sa.func.sum(FundEntry.amount_wan))
        .select_from(FundEntry).join(Project, Project.id == FundEntry.project_id)
        .join(OrgUnit, OrgUnit.id == Project.unit_id)
        .where(scope.funds(), FundEntry.month.between(date(month.year, 1, 1), end))
        .group_by(Project.id, Project.name, OrgUnit.name, FundEntry.origin)
        .order_by(OrgUnit.name, Project.id, FundEntry.origin))
    lines, sums = [], [Decimal(0), Decimal(0)]
    for number, (name, unit_name, origin, this_month, year) in enumerate(db.session.execute(stmt), start=1):
        sums = [sums[0] + this_month, sums[1] + year]
        lines.append([number, name, unit_name, FundOrigin.label_of(origin), this_month, year])
    lines.append(["合计", None, None, None, *sums])
    return Sheet("到位资金", ["序号", "项目名称", "责任单位", "资金来源", "本月到位(万元)", "本年累计到位(万元)"], lines,
                 widths=[6, 30, 16, 10, 14, 16], formats=["integer", None, None, None, "amount", "amount"],
                 above=_heading(unit, month, today, f"{unit.name}{month.year}年{month.month}月到位资金"), printed=True)


def _activities_sheet(by: User, month: date, unit: OrgUnit, today: date) -> Sheet:
    """The month's promotion events (in the month they started) and activities (when they happened)."""
    end, units = month_end(month), unit_ids_under(unit.id)
    events = db.session.scalars(scoped(
        sa.select(Event).where(Event.starts_on.between(month, end), Event.unit_id.in_(units))
        .options(selectinload(Event.enterprises), selectinload(Event.unit)), by, Event.unit_id)).all()
    activities = db.session.scalars(scoped(
        sa.select(Activity).where(Activity.occurred_on.between(month, end), Activity.unit_id.in_(units))
        .options(selectinload(Activity.enterprises), selectinload(Activity.unit)), by, Activity.unit_id)).all()
    lines = [[e.starts_on, e.kind_label, e.name, e.place, f"是（{e.leaders}）" if e.leaders else "否",
              "、".join(x.name for x in e.enterprises) or None, None, e.unit.name] for e in events]
    lines += [[a.occurred_on, ActivityKind.label_of(a.kind), a.summary, None, "是" if a.led_by_top_leader else "否",
               "、".join(x.name for x in a.enterprises) or None, a.outcome, a.unit.name] for a in activities]
    lines.sort(key=lambda line: line[0])
    return Sheet("招商活动", ["序号", "日期", "类别", "名称或事由", "地点", "主要领导带队", "对接企业", "成效", "组织单位"],
                 [[number, *line] for number, line in enumerate(lines, start=1)]
                 + [["合计", f"{len(events)} 场活动、{len(activities)} 次对接"]],
                 widths=[6, 11, 14, 30, 16, 16, 30, 30, 14], formats=["integer", "date"] + [None] * 7,
                 above=_heading(unit, month, today, f"{unit.name}{month.year}年{month.month}月招商活动"), printed=True)


def _capacity_sheet(by: User, month: date, unit: OrgUnit, today: date) -> Sheet:
    """Each park's capacity list (要素保障能力清单) as it stood at the end of the month."""
    end = month_end(month)
    parks = db.session.scalars(scoped(sa.select(Park).where(Park.unit_id.in_(unit_ids_under(unit.id)))
                                      .order_by(Park.name), by, Park.unit_id)).all()
    lists = lists_as_of([park.id for park in parks], end)
    lines = [[park.name, CapacityKind.label_of(item.kind), item.name, item.total, item.unit, item.as_of]
             for park in parks for item in lists.get(park.id, [])]
    return Sheet("要素保障", ["园区", "要素类别", "名称", "总量", "单位", "截至日期"], lines,
                 widths=[24, 14, 16, 14, 10, 12], formats=[None, None, None, "amount", None, "date"],
                 above=_heading(unit, month, today, f"{unit.name}要素保障能力清单（{end.isoformat()}）"), printed=True)


def _warnings_sheet(scope: Scope, month: date, unit: OrgUnit, today: date) -> Sheet:
    """Each project with a warning open at the end of the month, and why."""
    end = month_end(month)
    projects = db.session.scalars(scope.projects(
        sa.select(Project).where(warnings.any_warning(end)).options(selectinload(Project.unit))
        .order_by(Project.unit_id, Project.id))).all()
    reasons = warnings.of_projects([p.id for p in projects], end)
    lines = [[number, p.name, p.stage_label, p.agreed_investment_wan, p.unit.name, "；".join(reasons.get(p.id, []))]
             for number, p in enumerate(projects, start=1)]
    return Sheet("预警项目", ["序号", "项目名称", "阶段", "协议投资(万元)", "责任单位", "预警原因"],
                 lines + [["合计", f"{len(projects)} 个项目"]], widths=[6, 30, 8, 14, 16, 48],
                 formats=["integer", None, None, "amount", None, None],
                 above=_heading(unit, month, today, f"{unit.name}{month.year}年{month.month}月末预警项目"), printed=True)


def filename(unit: OrgUnit, month: date) -> str:
    return f"招商引资工作月报-{unit.name}-{month:%Y-%m}.xlsx"


def ascii_filename(unit: OrgUnit, month: date) -> str:
    """The name for a client that ignores the Chinese one: still says what it is."""
    return f"monthly-report-{re.sub(r'[^0-9A-Za-z_-]', '', unit.code) or unit.id}-{month:%Y-%m}.xlsx"


def workbook(by: User, month: date, unit: OrgUnit, include_pending: bool = False,
             min_amount_wan: Decimal | None = None, today: date | None = None,
             summarised: tuple[list[Row], Row] | None = None) -> list[Sheet]:
    """The sheets of the month's report, to print and send as they are; ``summarised`` is the
    summary when the caller has it already (the CLI prints it as JSON too)."""
    today = today or date.today()
    rows, total = summarised or summary(by, month, unit, include_pending, min_amount_wan)
    scope = Scope(by, unit.id, include_pending=include_pending, min_amount_wan=min_amount_wan)
    return [_summary_sheet(month, unit, rows, total, today),
            *(_detail_sheet(title, stage, scope, month, unit, today) for title, stage in DETAIL_SHEETS.items()),
            _funds_sheet(scope, month, unit, today), _activities_sheet(by, month, unit, today),
            _chain_sheet(scope, month, unit, today), _capacity_sheet(by, month, unit, today),
            _warnings_sheet(scope, month, unit, today)]
