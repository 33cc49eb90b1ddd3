"""考核: a unit's admin sets the year's scheme for the units directly under it — indicators,
weights summing to 100, how each scores — and enters bonus and penalty points with reasons. The
monthly ranking is computed from dated records, year to date: each indicator scores 完成率 ×
weight (capped), or by place among the units; the points are added; units rank by total. A month
finalised (定稿) keeps its scores as they stood; a later correction of its records counts in the
next month, and that month says so.

Services flush, never commit."""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from app import unit_settings
from app.auth.scope import get_scoped_unit, scoped
from app.extensions import db
from app.models import (
    Activity,
    AssessmentAdjustment,
    AssessmentItem,
    AssessmentResult,
    AssessmentScheme,
    FundEntry,
    OrgUnit,
    Project,
    ProjectProblem,
    StageEvent,
    Supervision,
    Target,
    User,
)
from app.models.common import BEIJING, as_utc
from app.models.enums import ProblemStatus, Role, SupervisionStatus, TargetIndicator, WebhookEvent
from app.projects.indicators import Scope, actual_by_unit, add_months, month_end
from app.webhooks import services as webhooks

RATES = {"supervision_on_time": "督办按期办结率", "problems_solved": "问题解决率", "reporting_timely": "数据报送及时率"}
INDICATORS = {**{t.value: t.label for t in TargetIndicator}, "activities": "对接次数", **RATES}
METHODS = {"rate": "完成率×权重", "rank": "按排名计分"}
REPORT_BY_DAY = 5  # a record dated in a month is reported on time when entered by the 5th of the next
CENT = Decimal("0.01")


class AssessmentError(ValueError):
    pass


def ranked_units(scheme: AssessmentScheme) -> list[OrgUnit]:
    return list(db.session.scalars(sa.select(OrgUnit).where(OrgUnit.parent_id == scheme.unit_id,
                                                            OrgUnit.is_active.is_(True)).order_by(OrgUnit.code)))


def save_scheme(by: User, data: dict, items: list[dict], scheme: AssessmentScheme | None = None) -> AssessmentScheme:
    """A scheme with its indicators: each used at most once, weights (> 0) summing to 100, 完成率
    scoring only where there is a 完成率 (a target indicator, or a rate), a cap of 1 to 2."""
    if by.role != Role.ADMIN:
        raise AssessmentError("只有系统管理员可以制定考核办法。")
    unit = get_scoped_unit(by, data.get("unit_id"))
    if unit is None:
        raise AssessmentError("单位不在您的数据范围内。")
    name, year = (data.get("name") or "").strip(), data.get("year")
    if not name or not year or not 2000 <= year <= 2100:
        raise AssessmentError("请填写名称和年度。")
    used = [i for i in items if i.get("weight")]
    if not used:
        raise AssessmentError("请至少设置一项指标的权重。")
    for item in used:
        if item["indicator"] not in INDICATORS or item.get("method") not in METHODS:
            raise AssessmentError("指标或计分方式无效。")
        if item["weight"] <= 0:
            raise AssessmentError("权重应大于 0。")
        if item["method"] == "rate" and item["indicator"] == "activities":
            raise AssessmentError("对接次数没有目标值，只能按排名计分。")
        if not Decimal(1) <= (item.get("cap") or Decimal(1)) <= Decimal(2):
            raise AssessmentError("完成率封顶应在 100%–200% 之间。")
    if len({i["indicator"] for i in used}) != len(used):
        raise AssessmentError("同一指标只能设置一次。")
    total = sum(Decimal(i["weight"]) for i in used)
    if total != 100:
        raise AssessmentError(f"各项权重合计应为 100，现为 {total.normalize():f}。")
    clash = sa.select(AssessmentScheme.id).where(AssessmentScheme.unit_id == unit.id, AssessmentScheme.year == year)
    if scheme is not None:
        clash = clash.where(AssessmentScheme.id != scheme.id)
    if db.session.scalar(clash) is not None:
        raise AssessmentError(f"{unit.name}{year}年已有考核办法。")
    scheme = scheme or AssessmentScheme()
    scheme.unit_id, scheme.year, scheme.name = unit.id, year, name[:100]
    scheme.items = [AssessmentItem(indicator=i["indicator"], weight=Decimal(i["weight"]), method=i["method"],
                                   cap=Decimal(i.get("cap") or 1), position=n) for n, i in enumerate(used)]
    db.session.add(scheme)
    db.session.flush()
    return scheme


def frozen_months(scheme: AssessmentScheme) -> set[date]:
    return set(db.session.scalars(sa.select(AssessmentResult.month).where(AssessmentResult.scheme_id == scheme.id)
                                  .distinct()))


def add_adjustment(by: User, scheme: AssessmentScheme, data: dict) -> AssessmentAdjustment:
    """加减分 for a ranked unit from a month of the scheme's year not yet finalised."""
    if by.role != Role.ADMIN:
        raise AssessmentError("只有系统管理员可以加减分。")
    month = data.get("month")
    if data.get("unit_id") not in {u.id for u in ranked_units(scheme)}:
        raise AssessmentError("请选择参加考核的单位。")
    if month is None or month.year != scheme.year:
        raise AssessmentError(f"月份应在 {scheme.year} 年内。")
    month = month.replace(day=1)
    if month in frozen_months(scheme):
        raise AssessmentError(f"{month:%Y-%m} 已定稿，加减分请计入以后的月份。")
    points, reason = data.get("points"), (data.get("reason") or "").strip()
    if points is None or points == 0 or abs(points) > 100:
        raise AssessmentError("加减分应为 -100 至 100 之间的非零分值。")
    if not reason:
        raise AssessmentError("请写明加减分的理由。")
    adjustment = AssessmentAdjustment(scheme_id=scheme.id, unit_id=data["unit_id"], month=month,
                                      points=Decimal(points).quantize(CENT), reason=reason, by_id=by.id)
    db.session.add(adjustment)
    db.session.flush()
    return adjustment


# ---------- the ranking ----------

@dataclass
class Cell:
    value: Decimal | None  # the actual (or the rate)
    target: Decimal | None
    completion: Decimal | None  # 完成率 (or the rate), for display and for 完成率 scoring
    score: Decimal
    parts: tuple[int, int] | None = None  # a rate's numerator and denominator


@dataclass
class Line:
    unit_id: int
    unit_name: str
    cells: list[Cell]
    adjustment: Decimal
    total: Decimal
    rank: int = 0
    change: int | None = None  # places gained since last month
    correction: Decimal | None = None  # last month's finalised score corrected since (counted this month)


@dataclass
class Ranking:
    scheme: AssessmentScheme
    month: date
    lines: list[Line]
    frozen_at: datetime | None = None
    adjustments: list[AssessmentAdjustment] = field(default_factory=list)

    @property
    def start(self) -> date:
        return date(self.month.year, 1, 1)

    @property
    def end(self) -> date:
        return month_end(self.month)


def _child_of(scheme: AssessmentScheme) -> dict[int, int]:
    """Every unit under the scheme's unit → the ranked unit (a child of the scheme's) it lies under."""
    parents, found = unit_settings.parents(), {}
    for unit in parents:
        at = unit
        while at is not None and parents.get(at) != scheme.unit_id:
            at = parents.get(at)
        if at is not None:
            found[unit] = at
    return found


def _values(by: User, scheme: AssessmentScheme, ends: list[date], child_of: dict[int, int]) -> dict:
    """indicator → ranked unit → per end: the value (a Decimal), or for a rate (done, of)."""
    start, found = date(scheme.year, 1, 1), {}
    wanted = {item.indicator for item in scheme.items}

    def add(indicator: str, unit_id: int, values: list):
        """Add a unit's values (numbers, or (done, of) pairs) to its ranked unit's."""
        child = child_of.get(unit_id)
        if child is not None:
            into = found.setdefault(indicator, {}).setdefault(child, [])
            into[:] = [value if not into else tuple(map(sum, zip(into[n], value))) if isinstance(value, tuple)
                       else into[n] + value for n, value in enumerate(values)]

    scope = Scope(by, scheme.unit_id)
    for indicator in wanted & {t.value for t in TargetIndicator}:
        for unit_id, values in actual_by_unit(scope, indicator, start, ends).items():
            add(indicator, unit_id, values)
    if "activities" in wanted:
        stmt = scoped(sa.select(Activity.unit_id, *(sa.func.count(sa.case((Activity.occurred_on <= end, 1)))
                                                    for end in ends)).where(Activity.occurred_on >= start)
                      .group_by(Activity.unit_id), by, Activity.unit_id)
        for unit_id, *counts in db.session.execute(stmt):
            add("activities", unit_id, [Decimal(c) for c in counts])
    if "supervision_on_time" in wanted:  # of the orders due by the end, those closed by their deadline
        closed = lambda end: sa.and_(Supervision.status == SupervisionStatus.CLOSED,  # noqa: E731
                                     Supervision.closed_on <= end, Supervision.closed_on <= Supervision.due_on)
        for unit_id, values in _shares(by, Supervision, Supervision.due_on, closed, start, ends).items():
            add("supervision_on_time", unit_id, values)
    if "problems_solved" in wanted:  # of the problems raised by the end, those closed by it
        solved = lambda end: sa.and_(ProjectProblem.status == ProblemStatus.CLOSED,  # noqa: E731
                                     ProjectProblem.closed_on <= end)
        for unit_id, values in _shares(by, ProjectProblem, ProjectProblem.raised_on, solved, start, ends).items():
            add("problems_solved", unit_id, values)
    if "reporting_timely" in wanted:
        for unit_id, values in _timely(by, start, ends).items():
            add("reporting_timely", unit_id, values)
    return found


def _shares(by: User, model, dated, done, start: date, ends: list[date]) -> dict[int, list[tuple[int, int]]]:
    """Per unit of ``model``: of its records dated (``dated``) from ``start`` to each end, how many
    are ``done(end)`` by then — (done, of) — in one query."""
    columns = []
    for end in ends:
        columns += [sa.func.count(sa.case((dated <= end, 1))), sa.func.count(sa.case((sa.and_(dated <= end, done(end)), 1)))]
    stmt = scoped(sa.select(model.unit_id, *columns).where(dated >= start).group_by(model.unit_id), by, model.unit_id)
    return {unit_id: [(counts[2 * n + 1], counts[2 * n]) for n in range(len(ends))]
            for unit_id, *counts in db.session.execute(stmt)}


def _timely(by: User, start: date, ends: list[date]) -> dict[int, list[tuple[int, int]]]:
    """Per unit: of the stage moves and fund entries dated by each end, those entered by the 5th
    of the month after their date (Beijing time)."""
    rows = [*db.session.execute(scoped(sa.select(Project.unit_id, StageEvent.effective_on, StageEvent.recorded_at)
                                       .join(Project, Project.id == StageEvent.project_id)
                                       .where(StageEvent.effective_on.between(start, ends[-1])), by, Project.unit_id)),
            *db.session.execute(scoped(sa.select(Project.unit_id, FundEntry.month, FundEntry.recorded_at)
                                       .join(Project, Project.id == FundEntry.project_id)
                                       .where(FundEntry.month.between(start, ends[-1])), by, Project.unit_id))]
    found: dict[int, list[list[int]]] = {}
    for unit_id, dated, entered in rows:
        deadline = add_months(dated.replace(day=1), 1).replace(day=REPORT_BY_DAY)
        on_time = as_utc(entered).astimezone(BEIJING).date() <= deadline
        counts = found.setdefault(unit_id, [[0, 0] for _ in ends])
        for n, end in enumerate(ends):
            if dated <= end:
                counts[n][0] += on_time
                counts[n][1] += 1
    return {unit: [tuple(c) for c in counts] for unit, counts in found.items()}


def _lines(scheme: AssessmentScheme, children: list[OrgUnit], values: dict, n: int, end: date,
           targets: dict, adjustments: list[AssessmentAdjustment]) -> list[Line]:
    """The ranking at the n-th end: each unit's cells, points, total and place."""
    cells: dict[int, list[Cell]] = {u.id: [] for u in children}
    for item in scheme.items:
        weight, rated = Decimal(item.weight), item.indicator in RATES
        by_completion = rated or any((u.id, item.indicator) in targets for u in children)  # else by the value
        metric: dict[int, Decimal | None] = {}
        for unit in children:
            raw = (values.get(item.indicator, {}).get(unit.id) or [None] * (n + 1))[n]
            parts = raw if rated else None
            if rated:
                done, of = raw or (0, 0)
                value = completion = Decimal(done) / Decimal(of) if of else Decimal(1)  # nothing due: nothing late
                target = None
            else:
                value = raw or Decimal(0)
                target = targets.get((unit.id, item.indicator))
                completion = value / target if target else None
            cells[unit.id].append(Cell(value, target, completion, Decimal(0), parts))
            metric[unit.id] = completion if by_completion else value
        if item.method == "rate":
            for unit in children:
                cell = cells[unit.id][-1]
                cell.score = (weight * min(cell.completion or Decimal(0), Decimal(item.cap))).quantize(CENT, ROUND_HALF_UP)
        else:
            places = _places({u: metric[u] for u in metric})
            for unit in children:
                cells[unit.id][-1].score = (weight * (len(children) - places[unit.id] + 1) / len(children)).quantize(
                    CENT, ROUND_HALF_UP)
    lines = []
    for unit in children:
        points = sum((a.points for a in adjustments if a.unit_id == unit.id and a.month <= end), Decimal(0))
        total = sum((c.score for c in cells[unit.id]), Decimal(0)) + points
        lines.append(Line(unit.id, unit.name, cells[unit.id], points, total))
    places = _places({line.unit_id: line.total for line in lines})
    for line in lines:
        line.rank = places[line.unit_id]
    return sorted(lines, key=lambda line: (line.rank, line.unit_name))


def _places(metric: dict[int, Decimal | None]) -> dict[int, int]:
    """1, 1, 3 …: equal values share the better place; no value comes last."""
    ordered = sorted(metric.values(), key=lambda v: (v is None, -(v or 0)))
    return {unit: ordered.index(value) + 1 for unit, value in metric.items()}


def _frozen(scheme: AssessmentScheme, month: date) -> list[AssessmentResult]:
    return list(db.session.scalars(sa.select(AssessmentResult).where(AssessmentResult.scheme_id == scheme.id,
                                                                     AssessmentResult.month == month)))


def _from_results(results: list[AssessmentResult], names: dict[int, str]) -> list[Line]:
    lines = [Line(r.unit_id, names.get(r.unit_id, ""), [Cell(*[None if v is None else Decimal(v) for v in c[:4]],
                                                              tuple(c[4]) if c[4] else None)
                                                         for c in r.details["cells"]],
                  Decimal(r.details["adjustment"]), Decimal(r.score), r.rank) for r in results]
    return sorted(lines, key=lambda line: (line.rank, line.unit_name))


def nearest_month(scheme: AssessmentScheme, today: date) -> date:
    """The scheme's month nearest today: this month within its year, else its first or last."""
    return min(max(today.replace(day=1), date(scheme.year, 1, 1)), date(scheme.year, 12, 1))


def ranking(by: User, scheme: AssessmentScheme, month: date) -> Ranking:
    """The month's ranking (year to date by its end): as finalised, or computed now; with each
    unit's change of place since last month and the correction of a finalised last month."""
    month = month.replace(day=1)
    children = ranked_units(scheme)
    names = {u.id: u.name for u in children}
    previous = add_months(month, -1) if month.month > 1 else None
    ends = [month_end(previous), month_end(month)] if previous else [month_end(month)]
    adjustments = list(db.session.scalars(sa.select(AssessmentAdjustment).where(
        AssessmentAdjustment.scheme_id == scheme.id).order_by(AssessmentAdjustment.month, AssessmentAdjustment.id)))
    targets = {(t.unit_id, t.indicator): Decimal(t.value) for t in db.session.scalars(sa.select(Target).where(
        Target.year == scheme.year, Target.chain_id.is_(None), Target.unit_id.in_(list(names))))}
    values = _values(by, scheme, ends, _child_of(scheme))
    live = [_lines(scheme, children, values, n, end, targets, adjustments) for n, end in enumerate(ends)]
    results = _frozen(scheme, month)
    lines = _from_results(results, names) if results else live[-1]
    if previous:
        before = _frozen(scheme, previous)
        earlier = {line.unit_id: line for line in (_from_results(before, names) if before else live[0])}
        recomputed = {line.unit_id: line for line in live[0]}
        for line in lines:
            if line.unit_id in earlier:
                line.change = earlier[line.unit_id].rank - line.rank
                if before and not results:
                    corrected = recomputed[line.unit_id].total - earlier[line.unit_id].total
                    line.correction = corrected or None
    return Ranking(scheme, month, lines, results[0].frozen_at if results else None,
                   [a for a in adjustments if a.month <= month])


def freeze(by: User, scheme: AssessmentScheme, month: date, today: date) -> Ranking:
    """定稿: keep the month's scores and places as they stand now."""
    month = month.replace(day=1)
    if by.role != Role.ADMIN:
        raise AssessmentError("只有系统管理员可以定稿。")
    if month.year != scheme.year or month > today.replace(day=1):
        raise AssessmentError("只能定稿本年度已到的月份。")
    if _frozen(scheme, month):
        raise AssessmentError(f"{month:%Y-%m} 已定稿。")
    current = ranking(by, scheme, month)
    for line in current.lines:
        db.session.add(AssessmentResult(
            scheme_id=scheme.id, month=month, unit_id=line.unit_id, score=line.total, rank=line.rank,
            frozen_by_id=by.id, details={"adjustment": str(line.adjustment), "cells": [
                [None if v is None else str(v) for v in (c.value, c.target, c.completion, c.score)]
                + [list(c.parts) if c.parts else None] for c in line.cells]}))
    db.session.flush()
    webhooks.emit(WebhookEvent.ASSESSMENT_FROZEN, scheme.unit_id, f"assessment:{scheme.id}:{month:%Y-%m}", {
        "scheme": {"id": scheme.id, "name": scheme.name, "year": scheme.year, "unit_id": scheme.unit_id},
        "month": f"{month:%Y-%m}", "url": f"/api/v1/assessment/{scheme.id}/ranking?month={month:%Y-%m}",
        "lines": [{"unit_id": line.unit_id, "unit_name": line.unit_name, "rank": line.rank, "score": str(line.total)}
                  for line in current.lines]})
    return ranking(by, scheme, month)


def summary(ranking: Ranking) -> list[str]:
    """The 通报's words: who leads, who trails, and what is asked of them."""
    lines = ranking.lines
    if not lines:
        return []
    top = "、".join(f"{line.unit_name}（{line.total}分）" for line in lines[:3])
    words = [f"{ranking.month.year}年1—{ranking.month.month}月综合得分前三的是{top}。"]
    if len(lines) > 3:
        bottom = "、".join(f"{line.unit_name}（{line.total}分）" for line in lines[-3:])
        words.append(f"排名后三位的是{bottom}，请分析原因，研究改进措施，加快工作进度。")
    risen = [line for line in lines if line.change and line.change > 0]
    if risen:
        best = max(risen, key=lambda line: line.change)
        words.append(f"与上月相比，{best.unit_name}上升{best.change}位，进步明显。")
    return words
