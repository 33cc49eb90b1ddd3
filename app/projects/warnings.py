"""Warnings (预警: 签约未开工, funds that stopped or fell short, stale talks, over-committed parks),
computed from the data whenever they are asked for; nothing is stored but the thresholds, which
an admin sets per unit, inherited downward (docs/rules.md).

Each rule is a condition on Project (with correlated subqueries where it needs them), so the same
rule filters the list, counts for the dashboard and explains itself on the project page.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import tally, unit_settings
from app.auth.scope import root_ids
from app.extensions import db
from app.models import (
    NEEDS,
    CapacityItem,
    Enterprise,
    FigureTally,
    FundEntry,
    Park,
    Project,
)
from app.models.enums import ReviewStatus, Stage
from app.projects.indicators import add_months


@dataclass(frozen=True)
class Threshold:
    key: str
    label: str
    default: int
    maximum: int


THRESHOLDS = (
    Threshold("signed_idle_days", "签约后超过多少天未开工", 365, 3650),
    Threshold("no_funds_months", "开工后连续多少个月无到位资金", 3, 36),
    Threshold("low_funds_months", "开工满多少个月检查资金到位", 6, 60),
    Threshold("low_funds_percent", "到位资金低于协议投资的百分之几", 15, 100),
    Threshold("stale_talks_days", "在谈项目多少天无对接记录", 30, 365),
)


KEYS = tuple(t.key for t in THRESHOLDS)


def thresholds(unit_id: int) -> dict[str, int]:
    """The thresholds in force for a unit: its own, else the nearest set above it, else the default."""
    found = unit_settings.in_force(unit_id, KEYS)
    return {t.key: int(found[t.key][0]) if t.key in found else t.default for t in THRESHOLDS}


def save_thresholds(unit_id: int, values: dict[str, int | None]) -> None:
    """Set a unit's own thresholds; None for one: the unit follows the units above it again."""
    for threshold in THRESHOLDS:
        value = values.get(threshold.key)
        if value is not None and (not isinstance(value, int) or not 1 <= value <= threshold.maximum):
            raise ValueError(f"“{threshold.label}”应为 1–{threshold.maximum} 的整数。")
    unit_settings.save(unit_id, {t.key: None if values.get(t.key) is None else str(values[t.key]) for t in THRESHOLDS})


def threshold_groups() -> list[tuple[dict[str, int], list[int]]]:
    """The distinct sets of thresholds in force, each with the units it holds for; one set with
    no units listed when a single set holds everywhere (the usual case: no unit filter at all)."""
    if not unit_settings.overridden_below_root(KEYS):
        roots = root_ids()
        if len({tuple(thresholds(root).items()) for root in roots}) <= 1:
            return [(thresholds(roots[0]) if roots else {t.key: t.default for t in THRESHOLDS}, [])]
    groups: dict[tuple, list[int]] = {}
    for unit in unit_settings.parents():
        groups.setdefault(tuple(thresholds(unit).items()), []).append(unit)
    return [(dict(limits), units) for limits, units in groups.items()]


COUNTED_FUNDS = FundEntry.review_status != ReviewStatus.REJECTED


@dataclass(frozen=True)
class Rule:
    key: str
    label: str


RULES = (
    Rule("signed_idle", "签约未落地"),
    Rule("no_funds", "开工后无到位资金"),
    Rule("low_funds", "资金到位不足"),
    Rule("stale_talks", "在谈久未对接"),
    Rule("follow_up_overdue", "跟进逾期"),
    Rule("funds_over_agreed", "到位资金超过协议投资"),
)
LABELS = {r.key: r.label for r in RULES}


def conditions(today: date, few: bool = False) -> dict[str, sa.ColumnElement]:
    """Rule key → the condition under which a project has that warning on ``today``, with the
    thresholds of the project's unit: mostly on the project's own row (its stage dates, last
    activity, earliest open follow-up, funds in place). ``few``: written for a handful of
    projects (a page's), which look up their own fund entries and investor."""
    groups = threshold_groups()
    if len(groups) == 1:
        return _conditions(today, groups[0][0], few)
    # The largest group is "every unit not in another", which keeps the statement short.
    groups.sort(key=lambda group: len(group[1]))
    elsewhere = [unit for _, units in groups[:-1] for unit in units]
    parts = [(Project.unit_id.in_(units), _conditions(today, limits, few)) for limits, units in groups[:-1]]
    parts.append((Project.unit_id.not_in(elsewhere), _conditions(today, groups[-1][0], few)))
    return {key: sa.or_(*(sa.and_(where, rules[key]) for where, rules in parts)) for key in parts[0][1]}


def _not_among(column: sa.ColumnElement, ids: sa.Select, few: bool) -> sa.ColumnElement:
    """``column`` is not one of ``ids`` (a SELECT of one column, never null). For many projects
    NOT IN an uncorrelated set, built once from the index, where EXISTS would run once a project;
    for a few, NOT EXISTS, which reads their own rows, where the set is a country's."""
    if few:
        return ~sa.exists(ids.where(ids.selected_columns[0] == column))
    return column.not_in(ids)


def _conditions(today: date, limits: dict[str, int], few: bool) -> dict[str, sa.ColumnElement]:
    this_month = today.replace(day=1)
    quiet_since = add_months(this_month, -limits["no_funds_months"])
    stale_since = today - timedelta(days=limits["stale_talks_days"])
    return {
        "signed_idle": sa.and_(Project.stage == Stage.SIGNED,
                               Project.signed_on < today - timedelta(days=limits["signed_idle_days"])),
        # The whole months before this one; the project had started before the first of them.
        "no_funds": sa.and_(Project.stage == Stage.STARTED, Project.started_on < quiet_since,
                            _not_among(Project.id, sa.select(FundEntry.project_id).where(
                                COUNTED_FUNDS, FundEntry.month >= quiet_since, FundEntry.month < this_month), few)),
        "low_funds": sa.and_(Project.stage.in_([Stage.STARTED, Stage.PRODUCING]),
                             Project.started_on <= add_months(today, -limits["low_funds_months"]),
                             Project.funds_wan * 100 < Project.agreed_investment_wan * limits["low_funds_percent"]),
        "stale_talks": sa.and_(
            Project.stage == Stage.NEGOTIATING, Project.stage_on < stale_since,
            sa.or_(Project.last_activity_on.is_(None), Project.last_activity_on < stale_since),
            sa.or_(Project.investor_id.is_(None), _not_among(Project.investor_id, sa.select(Enterprise.id).where(
                Enterprise.last_contacted_on >= stale_since), few))),
        "follow_up_overdue": sa.and_(Project.stage.not_in([Stage.TERMINATED, Stage.PRODUCING]),
                                     Project.follow_up_due_on < today),
        "funds_over_agreed": Project.funds_wan > Project.agreed_investment_wan,
    }


def any_warning(today: date, few: bool = False) -> sa.ColumnElement:
    return sa.or_(*conditions(today, few).values())


def counts(scoped_projects: sa.Select, today: date) -> dict[str, int]:
    """How many projects of ``scoped_projects`` (a SELECT of Project ids) have each warning, and
    how many have any (``any``)."""
    rules = conditions(today)
    rules["any"] = sa.or_(*rules.values())
    ids = scoped_projects.subquery()
    stmt = (sa.select(*[sa.func.coalesce(sa.func.sum(sa.case((c, 1), else_=0)), 0) for c in rules.values()])
            .select_from(Project).where(Project.id.in_(sa.select(ids.c.id))))
    return dict(zip(rules, db.session.execute(stmt).one()))


def of_projects(ids: list[int], today: date) -> dict[int, list[str]]:
    """The labels of the warnings each of these projects (a page's) has on ``today`` (one query)."""
    rules = conditions(today, few=True)
    stmt = sa.select(Project.id, *[sa.case((c, 1), else_=0) for c in rules.values()]).where(Project.id.in_(ids))
    return {ident: [LABELS[key] for key, on in zip(rules, flags) if on] for ident, *flags in db.session.execute(stmt)}


def of_project(project: Project, today: date) -> list[str]:
    return of_projects([project.id], today).get(project.id, [])


@dataclass
class Overcommitment:
    park: Park
    item: CapacityItem
    committed: Decimal


def committed_by_park(park_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """What projects signed (or later) into each of these parks need, by capacity kind, whichever
    unit keeps them — read from the figures kept per unit, whose roots' subtree rows hold every
    project; parks without such projects are left out."""
    kind_of = sa.func.substr(FigureTally.measure, len("needs:") + 1)
    found: dict[int, dict[str, Decimal]] = {}
    for park_id, kind, _projects, amount, *_ in tally.sums(db.session, root_ids(), False, tally.NEEDED, tally.NEVER,
                                                           tally.NEVER, by=(FigureTally.key_id, kind_of),
                                                           where=[FigureTally.key_id.in_(park_ids)]):
        if park_id not in found:
            found[park_id] = {need.value: Decimal(0) for need in NEEDS}
        found[park_id][kind] = Decimal(amount)
    return found


OVERCOMMITTED_SHOWN = 100  # capacity items the warning list shows; a country has thousands


def overcommitted_parks(park_ids: list[int] | None) -> tuple[int, list[Overcommitment]]:
    """Capacity items of these parks (None: every park) whose total is below what signed (or
    later) projects in the park need: how many, and the first ``OVERCOMMITTED_SHOWN`` by park.
    Each item is joined to the roots' figure row of its park and kind by the row's key (one row
    where there is one root, as usual: no grouping), a country's 9,000 items in 10 ms, a
    province's in 2, where summing the needs of every park first and joining the items to the
    sums took 40–60 ms in a country, and grouping the items by id to sum over the roots 17–24."""
    tally.settle(db.session)
    roots = root_ids()
    committed = FigureTally.amount_wan if len(roots) == 1 else sa.func.sum(FigureTally.amount_wan)
    stmt = (sa.select(CapacityItem, committed, sa.func.count().over())
            .join(FigureTally, sa.and_(FigureTally.unit_id.in_(roots), sa.not_(FigureTally.own),
                                       FigureTally.with_pending.is_(False), FigureTally.month == tally.NEVER,
                                       FigureTally.measure == sa.literal("needs:") + CapacityItem.kind,
                                       FigureTally.key_id == CapacityItem.park_id))
            .options(selectinload(CapacityItem.park)).order_by(CapacityItem.park_id, CapacityItem.id)
            .limit(OVERCOMMITTED_SHOWN))
    if len(roots) == 1:
        stmt = stmt.where(FigureTally.projects != 0, committed > CapacityItem.total)
    else:
        stmt = stmt.group_by(CapacityItem.id).having(sa.func.sum(FigureTally.projects) != 0,
                                                     committed > CapacityItem.total)
    if park_ids is not None:
        stmt = stmt.where(CapacityItem.park_id.in_(park_ids))
    rows = db.session.execute(stmt).all()
    return (rows[0][2] if rows else 0), [Overcommitment(item.park, item, Decimal(amount)) for item, amount, _ in rows]
