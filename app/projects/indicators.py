"""Indicators (开工率, 资金到位率, 履约率 and the counts and sums of the reports), computed from
dated records, never from current state (docs/rules.md lists every rule and its test): a stage counts in the period of the date the project
*first* reached it (a resumption after 暂缓 is no new signing), funds in the months of their
entries, events on their first day. The first dates
are kept on the project by projects.stages.derive, from approved events and from approved and
pending ones, so a figure is one aggregate over the projects in scope.

The rates are taken over the projects signed in the period (the 兰洽会 figure 907 / 1093 is
"of the projects signed, those started"):
- 开工率 = of them, those started by the end of the period / signed
- 资金到位率 = their funds in place up to the end of the period / their agreed investment
- 履约率 = (signed − terminated by the end of the period) / signed
"""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app import tally
from app.auth.scope import in_subtree, scoped, sees_everything
from app.extensions import db
from app.models import (
    ChainNode,
    EnterpriseTag,
    Event,
    FigureTally,
    FundEntry,
    OrgUnit,
    Project,
    Target,
    User,
)
from app.models.enums import FundOrigin, Stage, TargetIndicator
from app.projects.stages import DATE_COLUMNS, first_reached, statuses

PIPELINE = (Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)
LEAD_TAGS = ("头部企业", "龙头骨干企业")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clipped to the end of a shorter month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


@dataclass
class Scope:
    """Whose figures: the user's data scope, optionally narrowed to one unit's subtree and one chain."""

    user: User
    unit_id: int | None = None
    chain_id: int | None = None
    include_pending: bool = False
    own_unit_only: bool = False  # the unit's own records, not its subtree's (a report's 本级 row)
    min_amount_wan: Decimal | None = None  # only projects with at least this 协议投资 (亿元以上: 10000)

    def in_units(self, unit_column) -> sa.ColumnElement[bool]:
        """``unit_column`` names one of this scope's units: the unit alone (本级), or its subtree."""
        return unit_column == self.unit_id if self.own_unit_only else in_subtree(unit_column, self.unit_id)

    def projects(self, stmt: sa.Select) -> sa.Select:
        """Restrict a statement that involves Project to the projects of this scope."""
        stmt = scoped(stmt, self.user, Project.unit_id)
        if self.unit_id:
            stmt = stmt.where(self.in_units(Project.unit_id))
        if self.chain_id:
            stmt = stmt.where(Project.chain_node_id.in_(sa.select(ChainNode.id).where(ChainNode.chain_id == self.chain_id)))
        if self.min_amount_wan is not None:
            stmt = stmt.where(Project.agreed_investment_wan >= self.min_amount_wan)
        return stmt

    def funds(self):
        """Fund entries that count: reviewed as this scope counts, of projects whose 签约 counts too
        (money in place for a project not yet signed is not yet 招商 money)."""
        signed = aliased(Project)
        return sa.and_(FundEntry.review_status.in_(statuses(self.include_pending)), FundEntry.project_id.in_(
            sa.select(signed.id).where(first_reached(Stage.SIGNED, self.include_pending, signed).is_not(None))))

    def fund_entries(self, stmt: sa.Select) -> sa.Select:
        """Restrict a statement over FundEntry to this scope's entries, as reviewed as it counts them.
        Their projects are joined only when the scope leaves some out: a root user's totals read the
        entries alone (the join had been most of their cost)."""
        stmt = stmt.where(self.funds())
        root = self.unit_id is None or (db.session.get(OrgUnit, self.unit_id).parent_id is None
                                        and not self.own_unit_only)
        if sees_everything(self.user) and root and not self.chain_id and self.min_amount_wan is None:
            return stmt
        return self.projects(stmt.join(Project, Project.id == FundEntry.project_id))

    def first(self, stage: str):
        """The column with the date a project first reached ``stage``, as this scope counts."""
        return first_reached(stage, self.include_pending)


@dataclass
class StageFigures:
    count: int = 0
    amount_wan: Decimal = Decimal(0)


def _stage_columns(scope: Scope, start: date, end: date, stages=tuple(DATE_COLUMNS)) -> list:
    """Per stage: the count of projects that first reached it within [start, end] and the sum of
    their 协议投资."""
    columns = []
    for stage in stages:
        within = scope.first(stage).between(start, end)
        columns += [sa.func.count(sa.case((within, 1))), sa.func.sum(sa.case((within, Project.agreed_investment_wan)))]
    return columns


def _figures(row, stages=tuple(DATE_COLUMNS)) -> dict[str, StageFigures]:
    figures = {stage: StageFigures() for stage in Stage}
    for index, stage in enumerate(stages):
        figures[stage] = StageFigures(row[2 * index] or 0, Decimal(row[2 * index + 1] or 0))
    return figures


def stage_figures(scope: Scope, start: date, end: date) -> dict[str, StageFigures]:
    """Projects that first reached each stage within [start, end], and the sum of their 协议投资."""
    return stage_figures_over(scope, [(start, end)])[0]


def stage_figures_over(scope: Scope, periods: list[tuple[date, date]]) -> list[dict[str, StageFigures]]:
    """``stage_figures`` for several periods (this month, the year so far) in one pass over the projects."""
    columns = [column for start, end in periods for column in _stage_columns(scope, start, end)]
    row = db.session.execute(scope.projects(sa.select(*columns).select_from(Project))).one()
    width = 2 * len(DATE_COLUMNS)
    return [_figures(row[i * width:(i + 1) * width]) for i in range(len(periods))]


CHAIN_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)


def figures_by(scope: Scope, start: date, end: date, key, join=None, outer: bool = False) -> dict:
    """签约, 开工 and 投产 within [start, end] per value of ``key`` (a chain, a region …; ``join``
    the (entity, condition) it comes from), in one grouped query over only the projects that
    reached one of them then."""
    reached = sa.or_(*(scope.first(stage).between(start, end) for stage in CHAIN_STAGES))
    stmt = sa.select(key, *_stage_columns(scope, start, end, CHAIN_STAGES)).select_from(Project)
    if join is not None:
        stmt = stmt.join(*join, isouter=outer)
    stmt = stmt.where(reached).group_by(key)
    return {row[0]: _figures(row[1:], CHAIN_STAGES) for row in db.session.execute(scope.projects(stmt))}


def chain_figures(scope: Scope, start: date, end: date) -> dict[int, dict[str, StageFigures]]:
    """``figures_by`` chain (of the project's chain node)."""
    return figures_by(scope, start, end, ChainNode.chain_id, (ChainNode, ChainNode.id == Project.chain_node_id))


def tier_counts(scope: Scope, periods: list[tuple[date, date]], tiers: list[Decimal]) -> list[list[int]]:
    """Per period, the projects signed within it with 协议投资 at or above each tier (万元; 亿元以上
    is 10000), in one pass over the projects."""
    if not tiers:
        return [[] for _ in periods]
    signed = scope.first(Stage.SIGNED)
    columns = [sa.func.count(sa.case((sa.and_(signed.between(start, end), Project.agreed_investment_wan >= tier), 1)))
               for start, end in periods for tier in tiers]
    row = db.session.execute(scope.projects(sa.select(*columns).select_from(Project))).one()
    return [list(row[i * len(tiers):(i + 1) * len(tiers)]) for i in range(len(periods))]


@dataclass
class Funds:
    by_origin: dict[str, Decimal]  # 万元
    foreign_usd_wan: Decimal  # 外资 as entered beside its 万元, in 万美元

    @property
    def total(self) -> Decimal:
        return sum(self.by_origin.values(), Decimal(0))


def funds_over(scope: Scope, periods: list[tuple[date, date]]) -> list[Funds]:
    """Funds in place entered for the months within each period, by origin, in one pass over the entries."""
    columns = []
    for start, end in periods:
        within = FundEntry.month.between(start.replace(day=1), end)
        columns += [sa.func.sum(sa.case((within, FundEntry.amount_wan))),
                    sa.func.sum(sa.case((within, FundEntry.amount_usd_wan)))]
    stmt = (sa.select(FundEntry.origin, *columns)
            .where(FundEntry.month.between(min(start for start, _ in periods).replace(day=1),
                                           max(end for _, end in periods)))
            .group_by(FundEntry.origin))
    rows = db.session.execute(scope.fund_entries(stmt)).all()
    return [Funds({row[0]: Decimal(row[1 + 2 * i]) for row in rows if row[1 + 2 * i] is not None},
                  sum((Decimal(row[2 + 2 * i] or 0) for row in rows if row[0] == FundOrigin.FOREIGN), Decimal(0)))
            for i in range(len(periods))]


@dataclass
class Rates:
    signed: int
    started: int
    terminated: int
    agreed_wan: Decimal
    funds_wan: Decimal

    @property
    def start_rate(self) -> float | None:  # 开工率
        return self.started / self.signed if self.signed else None

    @property
    def funds_rate(self) -> float | None:  # 资金到位率
        return float(self.funds_wan / self.agreed_wan) if self.agreed_wan else None

    @property
    def keep_rate(self) -> float | None:  # 履约率
        return (self.signed - self.terminated) / self.signed if self.signed else None


def rates(scope: Scope, start: date, end: date) -> Rates:
    """开工率, 资金到位率 and 履约率 over the projects signed within [start, end]."""
    paid = (sa.select(sa.func.coalesce(sa.func.sum(FundEntry.amount_wan), 0))
            .where(FundEntry.project_id == Project.id, scope.funds(), FundEntry.month <= end).scalar_subquery())
    stmt = sa.select(sa.func.count(), sa.func.count(sa.case((scope.first(Stage.STARTED) <= end, 1))),
                     sa.func.count(sa.case((scope.first(Stage.TERMINATED) <= end, 1))),
                     sa.func.sum(Project.agreed_investment_wan), sa.func.sum(paid)
                     ).where(scope.first(Stage.SIGNED).between(start, end))
    row = db.session.execute(scope.projects(stmt)).one()
    return Rates(row[0] or 0, row[1] or 0, row[2] or 0, Decimal(row[3] or 0), Decimal(row[4] or 0))


def monthly_trend(scope: Scope, year: int, through: date) -> list[dict]:
    """Per month of ``year`` up to ``through``: projects first reaching each pipeline stage, 协议投资
    signed and funds in place."""
    last = 12 if through.year > year else through.month if through.year == year else 0
    months = {m: {"month": m, "start": date(year, m, 1), "end": min(month_end(date(year, m, 1)), through),
                  "counts": dict.fromkeys(PIPELINE, 0), "signed_wan": Decimal(0), "funds_wan": Decimal(0)}
              for m in range(1, last + 1)}
    for stage in PIPELINE:
        column = scope.first(stage)
        month = sa.extract("month", column)
        stmt = (sa.select(month, sa.func.count(), sa.func.sum(Project.agreed_investment_wan))
                .where(column.between(date(year, 1, 1), through)).group_by(month))
        for m, count, amount in db.session.execute(scope.projects(stmt)):
            months[int(m)]["counts"][stage] = count
            if stage == Stage.SIGNED:
                months[int(m)]["signed_wan"] = Decimal(amount or 0)
    fund_month = sa.extract("month", FundEntry.month)
    stmt = (sa.select(fund_month, sa.func.sum(FundEntry.amount_wan))
            .where(FundEntry.month.between(date(year, 1, 1), through)).group_by(fund_month))
    for m, amount in db.session.execute(scope.fund_entries(stmt)):
        months[int(m)]["funds_wan"] = Decimal(amount or 0)
    return list(months.values())


STAGE_INDICATORS = {TargetIndicator.SIGNED_COUNT: Stage.SIGNED, TargetIndicator.SIGNED_AMOUNT: Stage.SIGNED,
                    TargetIndicator.STARTED_COUNT: Stage.STARTED, TargetIndicator.PRODUCING_COUNT: Stage.PRODUCING}


def _actual_statement(scope: Scope, indicator: str, start: date, ends: list[date], by_unit: bool) -> sa.Select:
    """The sums of a target indicator from ``start`` to each of ``ends``; ``by_unit``: per unit
    of the records (the unit id last in each row)."""
    if indicator in STAGE_INDICATORS:
        reached = scope.first(STAGE_INDICATORS[indicator])
        amount = Project.agreed_investment_wan if indicator == TargetIndicator.SIGNED_AMOUNT else 1
        sums = [sa.func.sum(sa.case((reached.between(start, end), amount), else_=0)) for end in ends]
        stmt, unit = scope.projects(sa.select(*sums).select_from(Project)), Project.unit_id
    elif indicator == TargetIndicator.FUNDS:
        sums = [sa.func.sum(sa.case((FundEntry.month <= end, FundEntry.amount_wan), else_=0)) for end in ends]
        stmt = sa.select(*sums).where(FundEntry.month >= start.replace(day=1))
        # per unit the entries need their projects; the totals join them only where the scope must
        stmt = scope.projects(stmt.join(Project, Project.id == FundEntry.project_id).where(scope.funds())) \
            if by_unit else scope.fund_entries(stmt)
        unit = Project.unit_id
    elif indicator == TargetIndicator.LEAD_ENTERPRISES:
        signed = scope.first(Stage.SIGNED)
        stmt = scope.projects(sa.select(*(sa.func.count(sa.distinct(sa.case((signed <= end, Project.investor_id))))
                                          for end in ends)).where(
            signed >= start,
            Project.investor_id.in_(sa.select(EnterpriseTag.enterprise_id).where(EnterpriseTag.tag.in_(LEAD_TAGS)))))
        unit = Project.unit_id
    elif indicator == TargetIndicator.EVENTS:
        stmt = scoped(sa.select(*(sa.func.count(sa.case((Event.starts_on <= end, 1))) for end in ends))
                      .where(Event.starts_on >= start), scope.user, Event.unit_id)
        if scope.unit_id:
            stmt = stmt.where(scope.in_units(Event.unit_id))
        unit = Event.unit_id
    else:
        raise ValueError(f"未知的指标：{indicator}")
    if by_unit:
        stmt = stmt.add_columns(unit).group_by(unit)
    return stmt


def actual(scope: Scope, indicator: str, start: date, ends: list[date]) -> list[Decimal]:
    """The actual value of a target indicator (目标任务) from ``start`` to each of ``ends``
    (the year so far and the end of June, for 双过半), in one query."""
    return [Decimal(value or 0) for value in db.session.execute(_actual_statement(scope, indicator, start, ends,
                                                                                  False)).one()]


def actual_by_unit(scope: Scope, indicator: str, start: date, ends: list[date]) -> dict[int, list[Decimal]]:
    """``actual`` per unit of the records, in one query (a 考核 adds them up per ranked unit)."""
    return {row[-1]: [Decimal(value or 0) for value in row[:-1]]
            for row in db.session.execute(_actual_statement(scope, indicator, start, ends, True))}


@dataclass
class TargetProgress:
    target: Target
    actual: Decimal
    half_year_actual: Decimal | None  # by 30 June, for 双过半

    @property
    def rate(self) -> float | None:  # 完成率
        return float(self.actual / self.target.value) if self.target.value else None

    @property
    def half_passed(self) -> bool | None:
        """双过半: half the yearly target reached by the end of June (None before July)."""
        if self.half_year_actual is None or not self.target.value:
            return None
        return self.half_year_actual * 2 >= self.target.value


def _targets(user: User, year: int, unit_id: int | None) -> list[Target]:
    stmt = scoped(sa.select(Target).where(Target.year == year), user, Target.unit_id)
    if unit_id:
        stmt = stmt.where(Target.unit_id == unit_id)
    return db.session.scalars(stmt.order_by(Target.unit_id, Target.chain_id.nulls_first(), Target.indicator)).all()


def target_actuals(user: User, year: int, today: date, include_pending: bool = False,
                   unit_id: int | None = None) -> dict[int, tuple[Decimal, Decimal | None]]:
    """Per target of ``year`` set for units in the user's scope: the actual of that unit's subtree
    (and chain) up to ``today`` within the year, and by 30 June once it has passed."""
    return _actuals(user, _targets(user, year, unit_id), year, today, include_pending)


# The indicators read from the figures kept per unit and month (app/tally.py): the stage reached
# (None: funds in place), and whether the count (0) or the amount (1) is the value.
TALLIED = {TargetIndicator.SIGNED_COUNT: (Stage.SIGNED, 0), TargetIndicator.SIGNED_AMOUNT: (Stage.SIGNED, 1),
           TargetIndicator.STARTED_COUNT: (Stage.STARTED, 0), TargetIndicator.PRODUCING_COUNT: (Stage.PRODUCING, 0),
           TargetIndicator.FUNDS: (None, 1)}


def _tallied_measures(indicator: str) -> list[str]:
    stage = TALLIED[indicator][0]
    return tally.FUNDS if stage is None else [f"reached:{stage}"]


def _actuals(user: User, targets: list[Target], year: int, today: date, include_pending: bool) -> dict:
    """The targets' actuals: those tallied in one read of the kept figures (whole months: no record
    is dated after today), the others each in one query."""
    end = min(today, date(year, 12, 31))
    june = date(year, 6, 30)
    tallied = [target for target in targets if target.indicator in TALLIED]
    tally.settle(db.session)
    units = {target.unit_id: tally.scope_units(db.session, target.unit_id) for target in tallied}
    rows = db.session.execute(sa.select(
        FigureTally.unit_id, FigureTally.key_id, FigureTally.measure,
        *(sa.func.sum(sa.case((FigureTally.month <= through, column), else_=0))
          for through in (end, june) for column in (FigureTally.projects, FigureTally.amount_wan)))
        .where(FigureTally.unit_id.in_({unit for found in units.values() for unit in found}),
               sa.not_(FigureTally.own), FigureTally.with_pending == include_pending,
               FigureTally.measure.in_([name for indicator in TALLIED for name in _tallied_measures(indicator)]),
               FigureTally.month.between(date(year, 1, 1), end))
        .group_by(FigureTally.unit_id, FigureTally.key_id, FigureTally.measure)).all() if tallied else []
    actuals = {}
    for target in targets:
        if target.indicator not in TALLIED:
            scope = Scope(user, target.unit_id, target.chain_id, include_pending)
            values = actual(scope, target.indicator, date(year, 1, 1), [end, june] if end >= june else [end])
            actuals[target.id] = (values[0], values[1] if len(values) > 1 else None)
            continue
        field, measures = TALLIED[target.indicator][1], _tallied_measures(target.indicator)
        found = [row for row in rows if row.unit_id in units[target.unit_id] and row.measure in measures
                 and (target.chain_id is None or row.key_id == target.chain_id)]
        actuals[target.id] = (Decimal(sum((row[3 + field] or 0 for row in found), 0)),
                              Decimal(sum((row[5 + field] or 0 for row in found), 0)) if end >= june else None)
    return actuals


def target_progress(user: User, year: int, today: date, include_pending: bool = False,
                    unit_id: int | None = None, actuals: dict | None = None) -> list[TargetProgress]:
    """The targets of ``year`` set for units in the user's scope with their ``target_actuals``
    (given, where they were kept; a target set since, in another request, shows on the next view)."""
    targets = _targets(user, year, unit_id)
    if actuals is None:
        actuals = _actuals(user, targets, year, today, include_pending)
    return [TargetProgress(target, *actuals[target.id]) for target in targets if target.id in actuals]
