"""The monthly report (月报, DOMAIN.md §5): its summary (汇总), per org unit directly under the
chosen one and in total, for the month and for the year to its end, from dated records: a stage in
the month the project first reached it, funds in the months of their entries, events in the month
they started. The API serves the summary as JSON for the upper level's platform.
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from app.auth.scope import get_scoped_unit
from app.extensions import db
from app.models import OrgUnit, User
from app.models.enums import FundOrigin, Stage, TargetIndicator
from app.projects.indicators import (
    Scope,
    actual,
    add_months,
    big_signed_count,
    funds,
    month_end,
    rates,
    stage_figures_over,
)

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
    own = Row(unit, f"{unit.name}（本级）", _figures(scope(unit.id, own=True), month))
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

