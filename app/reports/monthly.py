"""The monthly report (月报), from dated records: a stage counts in the month the project first
reached it, funds in the months of their entries, events in the month they started (docs/rules.md
has every rule). The summary (汇总) gives each indicator for the month and the year to its end, the
same periods a year before (同比), and the unit's targets against the share of the year gone
(时间进度); per unit directly under the chosen one, and broken down by 产业 and 来源区域. The API
serves it as JSON; the workbook adds the projects behind each count, funds, events, chains,
capacity and warnings, every sheet ready to print as it is.
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.scope import get_scoped_unit, in_subtree, scoped
from app.chains import services as chain_services  # modules, not names: these packages import each other
from app.excel import Percent, Sheet
from app.extensions import db
from app.models import (
    Activity,
    Chain,
    ChainNode,
    Enterprise,
    Event,
    FundEntry,
    OrgUnit,
    Park,
    Project,
    Target,
    User,
    activity_enterprise,
    event_enterprise,
)
from app.models.enums import (
    ActivityKind,
    CapacityKind,
    EventKind,
    FundOrigin,
    SourceRegion,
    Stage,
    TargetIndicator,
)
from app.parks import services as park_services
from app.projects import warnings
from app.projects.indicators import (
    Scope,
    StageFigures,
    actual,
    add_months,
    chain_figures,
    figures_by,
    funds_over,
    month_end,
    rates,
    stage_figures_over,
    tier_counts,
)
from app.projects.stages import counted, first_reached
from app.reports import settings
from app.standards import SECTORS, sector_of
from app.models.common import BEIJING

MONTH, YEAR, LAST_MONTH, LAST_YEAR = "本月", "本年累计", "上年同月", "上年同期"
# The indicator labels, as bureaus' forms have them; amounts in 万元.
NEGOTIATING, SIGNED, SIGNED_AMOUNT, REGISTERED, STARTED, PRODUCING = (
    "新增在谈项目数", "新签约项目数", "新签约协议投资额(万元)", "新注册项目数", "新开工项目数", "新投产项目数")
FUNDS, OUT_OF_PROVINCE, FOREIGN_USD, EVENTS = ("到位资金(万元)", "其中省外到位资金(万元)", "其中外资到位资金(万美元)",
                                               "招商活动场次")
START_RATE, FUNDS_RATE = "开工率", "资金到位率"
RATES = (START_RATE, FUNDS_RATE)
COUNTS = {NEGOTIATING: Stage.NEGOTIATING, SIGNED: Stage.SIGNED, REGISTERED: Stage.REGISTERED, STARTED: Stage.STARTED,
          PRODUCING: Stage.PRODUCING}


def tier_label(wan: Decimal) -> str:
    return f"其中{settings.yi(wan)}亿元以上签约项目数"


def labels(period: str, tiers: list[Decimal]) -> list[str]:
    """A period's indicators in the form's order; the rates over the year only."""
    year = period in (YEAR, LAST_YEAR)
    return [NEGOTIATING, SIGNED, SIGNED_AMOUNT, *map(tier_label, tiers), REGISTERED, STARTED, PRODUCING, FUNDS,
            OUT_OF_PROVINCE, FOREIGN_USD, EVENTS, *(RATES if year else ())]


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
    figures: dict[str, dict]  # MONTH / YEAR (and for 合计 LAST_MONTH / LAST_YEAR) → label → value
    own: bool = False  # the unit's own records (本级), not its subtree's


@dataclass
class TargetLine:
    """A 目标任务 beside what is done: 完成率, and 超欠进度 against the share of the year gone."""
    unit: OrgUnit
    label: str
    target: Decimal | int  # a count's target is a whole number
    done: Decimal | int
    time_progress: float

    @property
    def rate(self) -> float | None:  # 完成率
        return float(Decimal(self.done) / Decimal(self.target)) if self.target else None

    @property
    def ahead_points(self) -> Decimal | None:  # 超欠进度, in percentage points (negative: 欠进度)
        if self.rate is None:
            return None
        return (Decimal(self.rate - self.time_progress) * 100).quantize(Decimal("0.01"))


@dataclass
class Summary:
    month: date
    unit: OrgUnit
    tiers: list[Decimal]
    rows: list[Row]  # a row per unit directly under the report's, and its own (本级) when it has records
    total: Row
    targets: list[TargetLine]
    breakdowns: dict[str, dict[str, dict[str, dict]]]  # 产业 / 来源区域 → name → MONTH / YEAR → stage → figures

    @property
    def time_progress(self) -> float:
        return time_progress(self.month)


def time_progress(month: date) -> float:
    """时间进度 at the end of ``month``: the share of the year's months gone (June: 50 %, as bureaus
    count it for 双过半)."""
    return month.month / 12


def _periods(month: date, last_year: bool) -> dict[str, tuple[date, date]]:
    end, before = month_end(month), add_months(month, -12)
    periods = {MONTH: (month, end), YEAR: (date(month.year, 1, 1), end)}
    if last_year:  # 同比: the same month, and the same months, a year before
        periods |= {LAST_MONTH: (before, month_end(before)), LAST_YEAR: (date(before.year, 1, 1), month_end(before))}
    return periods


def _figures(scope: Scope, month: date, tiers: list[Decimal], last_year: bool = False) -> dict[str, dict]:
    """One row's indicators, for the month and the year to the month's end (and a year before)."""
    periods = _periods(month, last_year)
    stages = dict(zip(periods, stage_figures_over(scope, list(periods.values()))))
    tiered = dict(zip(periods, tier_counts(scope, list(periods.values()), tiers)))
    paid_in = dict(zip(periods, funds_over(scope, list(periods.values()))))
    figures = {}
    for period, (start, end) in periods.items():
        paid = paid_in[period]
        values = {label: stages[period][stage].count for label, stage in COUNTS.items()}
        values.update(zip(map(tier_label, tiers), tiered[period]))
        values.update({SIGNED_AMOUNT: stages[period][Stage.SIGNED].amount_wan,
                       FUNDS: paid.total,
                       OUT_OF_PROVINCE: paid.by_origin.get(FundOrigin.OUT_OF_PROVINCE, Decimal(0)),
                       FOREIGN_USD: paid.foreign_usd_wan,
                       EVENTS: int(actual(scope, TargetIndicator.EVENTS, start, [end])[0])})
        if period in (YEAR, LAST_YEAR):
            cohort = rates(scope, start, end)
            values.update({START_RATE: cohort.start_rate, FUNDS_RATE: cohort.funds_rate})
        figures[period] = {label: values[label] for label in labels(period, tiers)}
    return figures


# 目标任务 set for a unit, and the indicator of the year they are measured by.
TARGETED = {TargetIndicator.SIGNED_COUNT: SIGNED, TargetIndicator.SIGNED_AMOUNT: SIGNED_AMOUNT,
            TargetIndicator.STARTED_COUNT: STARTED, TargetIndicator.PRODUCING_COUNT: PRODUCING,
            TargetIndicator.FUNDS: FUNDS, TargetIndicator.EVENTS: EVENTS}


def _targets(month: date, rows: list[Row], total: Row) -> list[TargetLine]:
    """The year's targets of the report's unit (measured by 合计) and of each unit under it."""
    measured = {total.unit.id: total} | {r.unit.id: r for r in rows if not r.own}
    found = db.session.scalars(sa.select(Target).where(
        Target.year == month.year, Target.chain_id.is_(None), Target.unit_id.in_(list(measured)),
        Target.indicator.in_(list(TARGETED))))
    order = list(measured)
    lines = []
    for t in sorted(found, key=lambda t: (order.index(t.unit_id), list(TARGETED).index(t.indicator))):
        label = TARGETED[t.indicator]
        done = measured[t.unit_id].figures[YEAR][label]
        lines.append(TargetLine(measured[t.unit_id].unit, label, t.value if isinstance(done, Decimal) else int(t.value),
                                done, time_progress(month)))
    return lines


UNKNOWN = "未填写"


def _breakdowns(scope: Scope, month: date) -> dict[str, dict[str, dict[str, dict]]]:
    """签约 / 开工 / 投产 of the month and the year by 产业 (三次产业 of the investor's GB/T 4754 code)
    and by 来源区域 (the investor's), each with a line for the projects that do not say."""
    investor = (Enterprise, Enterprise.id == Project.investor_id)
    keys = {"产业": sa.func.substr(Enterprise.industry_code, 1, 3), "来源区域": Enterprise.source_region}
    names = {"产业": [*SECTORS, UNKNOWN], "来源区域": [r.label for r in SourceRegion] + [UNKNOWN]}
    found = {kind: {name: {} for name in names[kind]} for kind in keys}
    for period, (start, end) in _periods(month, False).items():
        for kind, key in keys.items():
            for value, figures in figures_by(scope, start, end, key, investor, outer=True).items():
                name = (sector_of(value) if kind == "产业" else SourceRegion.label_of(value) if value else None) or UNKNOWN
                into = found[kind][name].setdefault(period, {stage: StageFigures() for stage in CHAIN_STAGES.values()})
                for stage in CHAIN_STAGES.values():
                    into[stage] = StageFigures(into[stage].count + figures[stage].count,
                                               into[stage].amount_wan + figures[stage].amount_wan)
    return found


def summary(by: User, month: date, unit: OrgUnit, include_pending: bool = False,
            min_amount_wan: Decimal | None = None) -> Summary:
    """汇总 and what goes with it. A row per unit directly under ``unit``; the unit's own records
    (本级) get a row of their own when there are any, so that the rows always add up to the 合计."""
    tiers = settings.tiers(unit.id)

    def scope(unit_id: int, own: bool = False) -> Scope:
        return Scope(by, unit_id, include_pending=include_pending, own_unit_only=own, min_amount_wan=min_amount_wan)

    children = db.session.scalars(sa.select(OrgUnit).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.code))
    rows = [Row(child, child.name, _figures(scope(child.id), month, tiers)) for child in children]
    own = Row(unit, f"{unit.name}（本级）", _figures(scope(unit.id, own=True), month, tiers), own=True)
    if rows and any(value for period in own.figures.values() for label, value in period.items() if label not in RATES):
        rows.insert(0, own)
    total = Row(unit, "合计", _figures(scope(unit.id), month, tiers, last_year=True))
    return Summary(month, unit, tiers, rows, total, _targets(month, rows, total), _breakdowns(scope(unit.id), month))


def change(now, before) -> float | None:
    """同比: the change on the same period a year before, as a fraction (None where it was nothing)."""
    if now is None or before is None or not before:
        return None
    return float((Decimal(now) - Decimal(before)) / Decimal(before))


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


def as_json(report: Summary) -> dict:
    """The summary as the upper level's platform collects it: amounts in 万元 (外资 also in 万美元),
    rates, 同比 and 时间进度 as fractions, 超欠进度 in percentage points."""
    def periods(row: Row) -> dict:
        return {period: {label: _plain(value) for label, value in values.items()}
                for period, values in row.figures.items()}

    def stages(figures: dict) -> dict:
        return {Stage.label_of(stage): {"count": f.count, "amount_wan": _plain(f.amount_wan)}
                for stage, f in figures.items()}

    total = report.total.figures
    return {"month": f"{report.month:%Y-%m}", "unit": report.unit.code, "amount_unit": "万元",
            "time_progress": report.time_progress, "tiers_wan": [_plain(t) for t in report.tiers],
            "indicators": periods(report.total),
            "yoy": {period: {label: change(total[period][label], total[before][label])
                             for label in total[period] if label not in RATES}
                    for period, before in ((MONTH, LAST_MONTH), (YEAR, LAST_YEAR))},
            "targets": [{"unit": t.unit.code, "indicator": t.label, "target": _plain(t.target), "done": _plain(t.done),
                         "rate": t.rate, "ahead_points": _plain(t.ahead_points)} for t in report.targets],
            "units": [{"unit": row.unit.code, "name": row.name, **periods(row)} for row in report.rows],
            "breakdowns": {kind: [{"name": name, **{period: stages(figures) for period, figures in found.items()}}
                                  for name, found in by_name.items()]
                           for kind, by_name in report.breakdowns.items()}}


# ---------- the workbook ----------
@dataclass
class Layout:
    """How the sheets present the figures: amounts in summaries in 亿元 or 万元, 合计 first or last."""
    in_yi: bool = False
    total_first: bool = False

    def label(self, label: str) -> str:
        """A summary's label in the chosen unit (detail sheets stay in 万元)."""
        return label.replace("(万元)", "(亿元)") if self.in_yi else label

    def value(self, label: str, value):
        """A summary's figure in the chosen unit, if ``label`` says it is an amount in 万元."""
        if not self.in_yi or "(万元)" not in label or value is None:
            return value
        return (Decimal(value) / 10000).quantize(CENT)

    def with_total(self, lines: list, total: list) -> list:
        return [total, *lines] if self.total_first else [*lines, total]


CENT = Decimal("0.01")
AMOUNT_UNITS = ("万元", "亿元")
DETAIL_SHEETS = {"签约项目": Stage.SIGNED, "开工项目": Stage.STARTED, "投产项目": Stage.PRODUCING,
                 "在谈项目": Stage.NEGOTIATING}
CHAIN_STAGES = {"签约": Stage.SIGNED, "开工": Stage.STARTED, "投产": Stage.PRODUCING}


def _percent(value) -> Percent | None:
    return None if value is None else Percent(value)


def _byline(unit: OrgUnit, today: date) -> tuple[str, str]:
    return f"填报单位：{unit.name}", f"报送日期：{today.isoformat()}"


def _title(unit: OrgUnit, month: date, what: str) -> str:
    return f"{unit.name}{month.year}年{month.month}月{what}"


def _summary_sheet(report: Summary, layout: Layout, today: date) -> Sheet:
    """汇总: an indicator a row, with the month, the year so far, the same periods a year before and
    the change (同比), and where the unit has a target, 目标 / 完成率 / 时间进度 / 超欠进度 beside it."""
    figures = report.total.figures
    targets = {t.label: t for t in report.targets if t.unit.id == report.unit.id}
    lines = []
    for label in labels(YEAR, report.tiers):
        now, before, year, last = (figures[p].get(label) for p in (MONTH, LAST_MONTH, YEAR, LAST_YEAR))
        if label in RATES:
            lines.append([label, None, None, None, _percent(year), _percent(last), None, None, None, None, None])
            continue
        target = targets.get(label)
        lines.append([layout.label(label), layout.value(label, now), layout.value(label, before),
                      _percent(change(now, before)), layout.value(label, year), layout.value(label, last),
                      _percent(change(year, last)),
                      *((layout.value(label, target.target), _percent(target.rate), _percent(target.time_progress),
                         target.ahead_points) if target else [None] * 4)])
    headers = ["指标", MONTH, LAST_MONTH, "同比", YEAR, LAST_YEAR, "同比", "年度目标", "完成率", "时间进度",
               "超欠进度(百分点)"]
    return Sheet("汇总", headers, lines, heading=f"{report.unit.name}招商引资工作月报（{report.month.year}年"
                                                 f"{report.month.month}月）", byline=_byline(report.unit, today),
                 groups=[(MONTH, 1, 3), (YEAR, 4, 6), ("年度目标任务", 7, 10)])


def _units_sheet(report: Summary, period: str, layout: Layout, today: date) -> Sheet:
    """分单位: a unit a row, the period's indicators in columns."""
    columns = labels(period, report.tiers)

    def line(row: Row) -> list:
        return [row.name, *(_percent(row.figures[period][c]) if c in RATES else layout.value(c, row.figures[period][c])
                            for c in columns)]

    # the tiers under one group header, each headed by its amount alone
    tiered = {tier_label(t): f"{settings.yi(t)}亿元以上" for t in report.tiers}
    first = columns.index(SIGNED_AMOUNT) + 2
    return Sheet(f"分单位（{period}）", ["单位", *(tiered.get(c) or layout.label(c) for c in columns)],
                 layout.with_total([line(r) for r in report.rows], line(report.total)),
                 heading=_title(report.unit, report.month, f"分单位招商引资情况（{period}）"),
                 byline=_byline(report.unit, today),
                 groups=[("其中签约项目数", first, first + len(tiered) - 1)] if tiered else [])


def _targets_sheet(report: Summary, layout: Layout, today: date) -> Sheet:
    """目标任务: each target of the report's unit and the units under it, its 完成率 and 超欠进度."""
    lines = [[t.unit.name, layout.label(t.label), layout.value(t.label, t.target), layout.value(t.label, t.done),
              _percent(t.rate),
              _percent(t.time_progress), t.ahead_points,
              None if t.ahead_points is None else "超进度" if t.ahead_points >= 0 else "欠进度"]
             for t in report.targets]
    return Sheet("目标任务", ["单位", "指标", "年度目标", "本年完成", "完成率", "时间进度", "超欠进度(百分点)", "进度"],
                 lines, heading=_title(report.unit, report.month, "目标任务完成情况"),
                 byline=_byline(report.unit, today))


def _paid(scope: Scope, ids: list[int], month: date, end: date) -> dict[int, tuple[Decimal, Decimal]]:
    """Per project: funds in place this month and up to the month's end."""
    stmt = (sa.select(FundEntry.project_id, sa.func.sum(sa.case((FundEntry.month >= month, FundEntry.amount_wan),
                                                                 else_=0)), sa.func.sum(FundEntry.amount_wan))
            .where(FundEntry.project_id.in_(ids), FundEntry.month <= end, scope.funds()).group_by(FundEntry.project_id))
    return {pid: (Decimal(m or 0), Decimal(c or 0)) for pid, m, c in db.session.execute(stmt)}


def _lines(*parts: str | None) -> str | None:
    return "\n".join(p for p in parts if p) or None


def _detail_sheet(title: str, stage: str, scope: Scope, report: Summary, layout: Layout, today: date) -> Sheet:
    """The projects that first reached ``stage`` in the month, one row each, and a 合计 row."""
    month = report.month
    end, reached = month_end(month), scope.first(stage)
    projects = db.session.scalars(scope.projects(
        sa.select(Project).where(reached.between(month, end))
        .options(selectinload(Project.investor), selectinload(Project.park), selectinload(Project.unit),
                 selectinload(Project.officer), selectinload(Project.chain_node).selectinload(ChainNode.chain))
        .order_by(reached, Project.id))).all()
    paid = _paid(scope, [p.id for p in projects], month, end)
    column = first_reached(stage, scope.include_pending).key
    lines, sums = [], [Decimal(0)] * 4
    for number, p in enumerate(projects, start=1):
        amounts = [p.total_investment_wan, p.agreed_investment_wan, *paid.get(p.id, (Decimal(0), Decimal(0)))]
        sums = [s + (a or 0) for s, a in zip(sums, amounts)]
        # Paired facts share a cell, a line each, so that the sheet prints legibly on one page width.
        person = p.responsible_person or (p.officer.display_name if p.officer else None)
        lines.append([number, p.name, _lines(p.investor.name, p.investor.uscc) if p.investor else None,
                      p.source_region, p.chain_node.chain.name if p.chain_node else None, *amounts,
                      getattr(p, column), p.park.name if p.park else None, _lines(p.unit.name, person),
                      _lines(p.problems and f"问题：{p.problems}", p.next_steps and f"计划：{p.next_steps}")])
    headers = ["序号", "项目名称", "投资方（统一社会信用代码）", "来源地", "所属产业链", "总投资(万元)", "协议投资(万元)",
               "本月到位(万元)", "累计到位(万元)", f"{Stage.label_of(stage)}日期", "落户园区", "责任单位、责任人",
               "存在问题及下步计划"]
    return Sheet(title, headers, layout.with_total(lines, ["合计", f"{len(projects)} 个项目", None, None, None, *sums]),
                 heading=_title(report.unit, month, title), byline=_byline(report.unit, today))


def _registered_sheet(scope: Scope, report: Summary, layout: Layout, today: date) -> Sheet:
    """新注册项目: the projects whose local company registered in the month, its name and 注册资本."""
    month, end = report.month, month_end(report.month)
    reached = scope.first(Stage.REGISTERED)
    projects = db.session.scalars(scope.projects(
        sa.select(Project).where(reached.between(month, end))
        .options(selectinload(Project.investor), selectinload(Project.unit), selectinload(Project.stage_events))
        .order_by(reached, Project.id))).all()
    lines, capital = [], Decimal(0)
    for number, p in enumerate(projects, start=1):
        event = next(e for e in counted(p.stage_events, scope.include_pending) if e.stage == Stage.REGISTERED)
        capital += event.registered_capital_wan or 0
        lines.append([number, p.name, event.company_name, event.registered_capital_wan, event.effective_on,
                      p.investor.name if p.investor else None, p.agreed_investment_wan, p.unit.name])
    return Sheet("注册项目", ["序号", "项目名称", "注册企业名称", "注册资本(万元)", "注册日期", "投资方", "协议投资(万元)",
                          "责任单位"],
                 layout.with_total(lines, ["合计", f"{len(projects)} 个项目", None, capital]),
                 heading=_title(report.unit, month, "新注册项目"), byline=_byline(report.unit, today))


def _breakdown_sheet(title: str, what: str, names: list[list], found: list[dict], report: Summary, layout: Layout,
                     today: date) -> Sheet:
    """签约 / 开工 / 投产 counts and 协议投资 per line (a chain, a sector, a region), for the month and
    the year, and their 合计. ``names`` are the first cells of each line, ``found`` its figures."""
    headers = [*what]
    for _period in (MONTH, YEAR):
        for label in CHAIN_STAGES:
            headers += [f"{label}项目数", layout.label(f"{label}协议投资(万元)")]
    lines, sums = [], [Decimal(0)] * (len(headers) - len(what))
    for name, figures in zip(names, found):
        values = []
        for period in (MONTH, YEAR):
            for stage in CHAIN_STAGES.values():
                f = figures.get(period, {}).get(stage) or StageFigures()
                values += [f.count, f.amount_wan]
        sums = [s + v for s, v in zip(sums, values)]
        lines.append([*name, *(layout.value("(万元)", v) if i % 2 else v for i, v in enumerate(values))])
    total = ["合计", *[None] * (len(what) - 1),
             *(layout.value("(万元)", v) if i % 2 else int(v) for i, v in enumerate(sums))]
    width = 2 * len(CHAIN_STAGES)
    first = len(what)
    return Sheet(title, headers, layout.with_total(lines, total), heading=_title(report.unit, report.month, f"分{title}招商情况"),
                 byline=_byline(report.unit, today),
                 groups=[(MONTH, first, first + width - 1), (YEAR, first + width, first + 2 * width - 1)])


def _chain_sheet(scope: Scope, report: Summary, layout: Layout, today: date) -> Sheet:
    end = month_end(report.month)
    periods = {MONTH: chain_figures(scope, report.month, end), YEAR: chain_figures(scope, date(report.month.year, 1, 1), end)}
    chains = db.session.scalars(chain_services.visible_chains(scope.user).order_by(Chain.cluster, Chain.name)).all()
    return _breakdown_sheet("产业链", ["产业链", "产业集群"], [[c.name, c.cluster] for c in chains],
                            [{p: periods[p].get(c.id, {}) for p in periods} for c in chains], report, layout, today)


def _funds_sheet(scope: Scope, report: Summary, layout: Layout, today: date) -> Sheet:
    """Funds in place per project and origin: this month and the year to the month's end."""
    month, end = report.month, month_end(report.month)
    stmt = scope.projects(
        sa.select(Project.name, OrgUnit.name, FundEntry.origin,
                  sa.func.sum(sa.case((FundEntry.month >= month, FundEntry.amount_wan), else_=0)),
                  sa.func.sum(FundEntry.amount_wan), sa.func.sum(FundEntry.amount_usd_wan))
        .select_from(FundEntry).join(Project, Project.id == FundEntry.project_id)
        .join(OrgUnit, OrgUnit.id == Project.unit_id)
        .where(scope.funds(), FundEntry.month.between(date(month.year, 1, 1), end))
        .group_by(Project.id, Project.name, OrgUnit.name, FundEntry.origin)
        .order_by(OrgUnit.name, Project.id, FundEntry.origin))
    lines, sums = [], [Decimal(0)] * 3
    for number, (name, unit_name, origin, this_month, year, usd) in enumerate(db.session.execute(stmt), start=1):
        usd = Decimal(usd) if origin == FundOrigin.FOREIGN and usd is not None else None
        sums = [sums[0] + this_month, sums[1] + year, sums[2] + (usd or 0)]
        lines.append([number, name, unit_name, FundOrigin.label_of(origin), Decimal(this_month), Decimal(year), usd])
    return Sheet("到位资金", ["序号", "项目名称", "责任单位", "资金来源", "本月到位(万元)", "本年累计到位(万元)",
                          "其中外资(万美元)"], layout.with_total(lines, ["合计", None, None, None, *sums]),
                 heading=_title(report.unit, month, "到位资金"), byline=_byline(report.unit, today))


def _enterprise_names(link: sa.Table, owner: sa.Column, owners: sa.Select) -> dict[int, str]:
    """The names of the enterprises linked to each of these events or activities, joined by 、."""
    rows = db.session.execute(sa.select(owner, Enterprise.name).join(Enterprise, Enterprise.id == link.c.enterprise_id)
                              .where(owner.in_(owners)).order_by(owner, Enterprise.name))
    names: dict[int, list[str]] = {}
    for ident, name in rows:
        names.setdefault(ident, []).append(name)
    return {ident: "、".join(found) for ident, found in names.items()}


def _activities_sheet(by: User, report: Summary, layout: Layout, today: date) -> Sheet:
    """The month's promotion events (in the month they started) and activities (when they happened).
    Read as rows, not records: a province has tens of thousands of visits a month."""
    month, unit = report.month, report.unit
    end = month_end(month)
    events = scoped(sa.select(Event.id).where(Event.starts_on.between(month, end), in_subtree(Event.unit_id, unit.id)),
                    by, Event.unit_id)
    activities = scoped(sa.select(Activity.id).where(Activity.occurred_on.between(month, end),
                                                     in_subtree(Activity.unit_id, unit.id)), by, Activity.unit_id)
    met_at_events = _enterprise_names(event_enterprise, event_enterprise.c.event_id, events)
    met_on_visits = _enterprise_names(activity_enterprise, activity_enterprise.c.activity_id, activities)
    lines = [[starts_on, EventKind.label_of(kind), name, place, f"是（{leaders}）" if leaders else "否",
              met_at_events.get(ident), None, unit_name]
             for ident, starts_on, kind, name, place, leaders, unit_name in db.session.execute(
                 sa.select(Event.id, Event.starts_on, Event.kind, Event.name, Event.place, Event.leaders, OrgUnit.name)
                 .join(OrgUnit, OrgUnit.id == Event.unit_id).where(Event.id.in_(events)))]
    event_count = len(lines)
    lines += [[occurred_on, ActivityKind.label_of(kind), summary_, None, "是" if top_led else "否",
               met_on_visits.get(ident), outcome, unit_name]
              for ident, occurred_on, kind, summary_, top_led, outcome, unit_name in db.session.execute(
                  sa.select(Activity.id, Activity.occurred_on, Activity.kind, Activity.summary,
                            Activity.led_by_top_leader, Activity.outcome, OrgUnit.name)
                  .join(OrgUnit, OrgUnit.id == Activity.unit_id).where(Activity.id.in_(activities)))]
    lines.sort(key=lambda line: line[0])
    return Sheet("招商活动", ["序号", "日期", "类别", "名称或事由", "地点", "主要领导带队", "对接企业", "成效", "组织单位"],
                 layout.with_total([[number, *line] for number, line in enumerate(lines, start=1)],
                                   ["合计", f"{event_count} 场活动、{len(lines) - event_count} 次对接"] + [None] * 7),
                 heading=_title(unit, month, "招商活动"), byline=_byline(unit, today))


def _capacity_sheet(by: User, report: Summary, today: date) -> Sheet:
    """Each park's capacity list (要素保障能力清单) as it stood at the end of the month: what was valid
    then (截至日期), and when it was last entered (填报日期)."""
    end = month_end(report.month)
    parks = db.session.scalars(scoped(sa.select(Park).where(in_subtree(Park.unit_id, report.unit.id))
                                      .order_by(Park.name), by, Park.unit_id)).all()
    lists = park_services.lists_as_of([park.id for park in parks], end)
    lines = [[park.name, CapacityKind.label_of(item.kind), item.name, item.total, item.unit, item.as_of,
              item.changed_at.astimezone(BEIJING).date()] for park in parks for item in lists.get(park.id, [])]
    return Sheet("要素保障", ["园区", "要素类别", "名称", "总量", "单位", "截至日期", "填报日期"], lines,
                 heading=f"{report.unit.name}要素保障能力清单（{end.isoformat()}）", byline=_byline(report.unit, today))


def _warnings_sheet(scope: Scope, report: Summary, layout: Layout, today: date) -> Sheet:
    """Each project with a warning open at the end of the month, and why (as rows: thousands of them)."""
    end = month_end(report.month)
    projects = db.session.execute(scope.projects(
        sa.select(Project.id, Project.name, Project.stage, Project.agreed_investment_wan,
                  OrgUnit.name).join(OrgUnit, OrgUnit.id == Project.unit_id).where(warnings.any_warning(end))
        .order_by(Project.unit_id, Project.id))).all()
    reasons = warnings.of_projects([p.id for p in projects], end)
    lines = [[number, name, Stage.label_of(stage), amount, unit_name, "；".join(reasons.get(ident, []))]
             for number, (ident, name, stage, amount, unit_name) in enumerate(projects, start=1)]
    return Sheet("预警项目", ["序号", "项目名称", "阶段", "协议投资(万元)", "责任单位", "预警原因"],
                 layout.with_total(lines, ["合计", f"{len(projects)} 个项目", None, None, None, None]),
                 heading=_title(report.unit, report.month, "末预警项目"), byline=_byline(report.unit, today))


def filename(unit: OrgUnit, month: date, what: str = "招商引资工作月报", suffix: str = "xlsx") -> str:
    return f"{what}-{unit.name}-{month:%Y-%m}.{suffix}"


def ascii_filename(unit: OrgUnit, month: date, what: str = "monthly-report", suffix: str = "xlsx") -> str:
    """The name for a client that ignores the Chinese one: still says what it is."""
    return f"{what}-{re.sub(r'[^0-9A-Za-z_-]', '', unit.code) or unit.id}-{month:%Y-%m}.{suffix}"


def workbook(by: User, report: Summary, include_pending: bool = False, min_amount_wan: Decimal | None = None,
             amount_unit: str = "万元", today: date | None = None) -> list[Sheet]:
    """The sheets of the month's report, to print and send as they are. Summaries show amounts in
    ``amount_unit`` (万元 or 亿元); detail sheets keep 万元."""
    today = today or date.today()
    layout = Layout(in_yi=amount_unit == "亿元", total_first=settings.total_first(report.unit.id))
    scope = Scope(by, report.unit.id, include_pending=include_pending, min_amount_wan=min_amount_wan)
    breakdowns = [_breakdown_sheet(kind, [kind], [[name] for name in found], list(found.values()), report, layout, today)
                  for kind, found in report.breakdowns.items()]
    return [_summary_sheet(report, layout, today), *(_units_sheet(report, p, layout, today) for p in (MONTH, YEAR)),
            *([_targets_sheet(report, layout, today)] if report.targets else []),
            *(_detail_sheet(title, stage, scope, report, layout, today) for title, stage in DETAIL_SHEETS.items()),
            _registered_sheet(scope, report, layout, today),
            _funds_sheet(scope, report, layout, today), _activities_sheet(by, report, layout, today),
            _chain_sheet(scope, report, layout, today), *breakdowns, _capacity_sheet(by, report, today),
            _warnings_sheet(scope, report, layout, today)]
