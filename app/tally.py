"""Project figures summed per unit and month (``figure_tally``), kept in the transaction of every
change, so that the dashboard of a county and of a whole country reads a few hundred rows
instead of every project in scope.

A row holds one measure of one unit's own projects (``own``) or of its whole subtree, in one
review view (approved records only, or with pending ones), one month and one key (the projects'
chain, or for ``park:signed`` and ``needs:…`` their park; 0 for none):

- ``reached:<stage>``: projects that first reached the stage that month, their 协议投资, how many
  of them 亿元以上;
- ``funds:<origin>``: fund entries of that month that count (as reviewed, of signed projects),
  their 万元 and 万美元;
- ``cohort:started``, ``cohort:terminated``, ``cohort:funds``: of the projects signed that
  month, those started or terminated since, and all their funds in place (开工率, 履约率,
  资金到位率 of the projects signed in a period);
- ``current:<stage>``: projects in that stage now, by the month they entered it;
- ``needs:<capacity kind>``: what the projects signed (or later) into a park (the key) need of
  it (land, power …), whatever the month (``NEVER``);
- ``warning:<rule>`` (and ``warning:any``): projects with that warning (with any;
  app/projects/warnings.py) on the day in ``month``. Warnings depend on the day: the first read
  of a day (or the daily job) counts them for every unit, once; changes that day keep them like
  the rest.

Dates are never in the future (stage events and fund months are refused after today), so a
period from the first of a month to today is whole months here.

How it is kept: a commit that changes projects, fund entries or an enterprise's last contact
notes the units of the projects concerned (ORM flushes; a bulk statement on those tables notes
everything unless its caller notes what it changed; so does a change of the unit tree or of a
chain node's chain; a change of warning thresholds has the day's warnings counted again); before
the commit each noted unit's own rows are counted again from its projects
and the difference is added to its subtree rows and those of every unit above it. The synthetic
seed, the migration and ``flask figures refresh`` build it all (``rebuild``).
"""
from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from app.auth.scope import root_ids
from app.models import (BIG_PROJECT_WAN, COMMITTING, NEEDS, ChainNode, Enterprise, FigureTally, FundEntry, OrgUnit,
                        Project, UnitSetting)
from app.models.enums import FundOrigin, Stage
from app.projects.stages import CURRENT, DATE_COLUMNS, first_reached, statuses
from app.revision import READS_NO_FIGURE

EVERYTHING = "*"  # noted instead of units: build it all again
NOTED = "tally_noted"  # execution option of a bulk statement whose caller notes what it changed (``note``)
LOCK = 0x5441_4C59  # PostgreSQL advisory lock namespace ("TALY"), one lock per unit
NEVER = date(1970, 1, 1)  # the month of a current stage with no date
COUNTED_ON = "warnings:day"  # a row (unit 0) whose month is the day the warnings were counted for
TALLIED = {Project: {"unit_id", "chain_node_id", "park_id", "agreed_investment_wan", "stage", "stage_on",
                     *(column.key for column in NEEDS.values()),
                     "investor_id", "funds_wan", "last_activity_on", "follow_up_due_on",
                     *DATE_COLUMNS.values(), *("approved_" + column for column in DATE_COLUMNS.values())},
           FundEntry: {"project_id", "month", "origin", "amount_wan", "amount_usd_wan", "review_status"},
           Enterprise: {"last_contacted_on"}}  # a project's 在谈久未对接 looks at its investor's
REBUILT_ON = {OrgUnit: "parent_id", ChainNode: "chain_id"}
WATCHED_TABLES = {"project", "fund_entry", "org_unit", "chain_node"}
KEY = ("unit_id", "own", "with_pending", "measure", "month", "key_id")
# The measures' names, for reading: a list of names walks the index, a prefix (LIKE) would not.
REACHED = [f"reached:{stage}" for stage in DATE_COLUMNS]
COHORT = [f"cohort:{Stage.STARTED}", f"cohort:{Stage.TERMINATED}", "cohort:funds"]
FUNDS = [f"funds:{origin}" for origin in FundOrigin]
CURRENT_STAGES = [f"current:{stage}" for stage in CURRENT]
NEEDED = [f"needs:{kind}" for kind in NEEDS]
SUMS = ("projects", "amount_wan", "big", "usd_wan")


def install(app) -> None:
    """Before app/revision.py's hooks: the tally's own writes belong to a commit that changed records."""
    if not event.contains(Session, "before_commit", settle):
        event.listen(Session, "after_flush", _flushed)
        event.listen(Session, "do_orm_execute", _executed)
        event.listen(Session, "before_commit", settle)
        event.listen(Session, "after_soft_rollback", _rolled_back)


def _changed(obj, keys) -> list:
    """The values before the flush of the named attributes that changed (empty: none changed)."""
    state = sa.inspect(obj)
    return [value for key in keys for value in state.attrs[key].history.deleted or
            ((None,) if state.attrs[key].history.added else ())]


def note(session: Session, units=(), projects=(), enterprises=(), everything: bool = False) -> None:
    """What a bulk statement run with the ``NOTED`` option changed: these units', projects' or
    investors' projects' figures are counted again before the commit (or all of them)."""
    session.info.setdefault("tally_units", set()).update([EVERYTHING] if everything else units)
    session.info.setdefault("tally_projects", set()).update(projects)
    session.info.setdefault("tally_enterprises", set()).update(enterprises)


def _flushed(session: Session, _context) -> None:
    dirty = session.dirty
    for obj in (*session.new, *dirty, *session.deleted):
        kind = type(obj)
        if kind is UnitSetting:
            session.info["tally_warnings"] = True  # thresholds: the day's warnings counted again
        elif kind in REBUILT_ON:
            if obj in dirty and _changed(obj, [REBUILT_ON[kind]]):
                note(session, everything=True)
        elif kind in TALLIED and (obj not in dirty or _changed(obj, TALLIED[kind])):
            if kind is Project:
                note(session, units=[obj.unit_id, *_changed(obj, ["unit_id"])])
            elif kind is FundEntry:
                note(session, projects=[obj.project_id, *_changed(obj, ["project_id"])])
            else:
                note(session, enterprises=[obj.id])


def _executed(state) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and state.statement.table.name in WATCHED_TABLES \
            and not state.execution_options.get(NOTED):
        note(state.session, everything=True)


def settle(session: Session) -> None:
    """Count what the session changed so far: before its commit, and before a read of the tally in
    a transaction that wrote (a service that writes and then reads its figures)."""
    session.flush()
    units = session.info.pop("tally_units", set())
    projects = session.info.pop("tally_projects", set()) - {None}
    enterprises = session.info.pop("tally_enterprises", set()) - {None}
    if session.info.pop("tally_warnings", False):
        session.execute(sa.delete(FigureTally).where(FigureTally.measure.startswith("warning")))
    if EVERYTHING in units:
        rebuild(session)
        return
    if projects or enterprises:
        units.update(session.scalars(sa.select(Project.unit_id).distinct().where(
            sa.or_(Project.id.in_(projects), Project.investor_id.in_(enterprises)))))
    units.discard(None)
    if units:
        refresh(session, units)


def _rolled_back(session: Session, _transaction) -> None:
    for key in ("tally_units", "tally_projects", "tally_enterprises", "tally_warnings"):
        session.info.pop(key, None)


# ---------- counting ----------

def _own_rows(session: Session, units: list[int] | None, figures: bool = True,
              warnings_on: date | None = None) -> sa.CompoundSelect:
    """The own rows of these units (every unit: None), counted from their projects, one SELECT:
    the figures, and the warnings on a day."""
    if session.get_bind().dialect.name == "postgresql":
        def month(day):
            return sa.cast(sa.func.date_trunc("month", day), sa.Date)
    else:
        def month(day):
            return sa.func.date(day, "start of month")
    chain = sa.func.coalesce(ChainNode.chain_id, 0)
    agreed = sa.func.coalesce(Project.agreed_investment_wan, 0)
    big = sa.func.count(sa.case((Project.agreed_investment_wan >= BIG_PROJECT_WAN, 1)))
    zero, none = sa.literal(0), sa.cast(sa.literal(0), FigureTally.amount_wan.type)

    def rows(pending, measure, day, key, sums, *where, funds=False):
        """``measure``: a name, or an expression to group by."""
        measure = sa.literal(measure) if isinstance(measure, str) else measure
        grouped = [e for e in (Project.unit_id, measure, day, key) if not isinstance(e, sa.BindParameter)]
        stmt = (sa.select(Project.unit_id, sa.true(), sa.literal(pending), sa.cast(measure, sa.String), day, key, *sums)
                .select_from(Project).outerjoin(ChainNode, ChainNode.id == Project.chain_node_id).where(*where))
        if funds:
            stmt = stmt.join(FundEntry, FundEntry.project_id == Project.id).where(
                FundEntry.review_status.in_(statuses(pending)))
        if units is not None:
            stmt = stmt.where(Project.unit_id.in_(units))
        return stmt.group_by(*grouped)

    selects = []
    if warnings_on is not None:
        from app.projects.warnings import conditions  # it reads app.projects.indicators, which reads this
        rules = conditions(warnings_on)
        for rule, condition in [*rules.items(), ("any", sa.or_(*rules.values()))]:
            selects.append(rows(False, f"warning:{rule}", sa.literal(warnings_on, sa.Date), zero,
                                (sa.func.count(), none, zero, none), condition))
    if not figures:
        return sa.union_all(*selects)
    for kind, need in NEEDS.items():
        selects.append(rows(False, f"needs:{kind}", sa.literal(NEVER, sa.Date), Project.park_id,
                            (sa.func.count(), sa.func.sum(sa.func.coalesce(need, 0)), zero, none),
                            Project.stage.in_(COMMITTING), Project.park_id.is_not(None)))
    selects.append(rows(False, sa.literal("current:") + Project.stage,
                        month(sa.func.coalesce(Project.stage_on, NEVER)), chain,
                        (sa.func.count(), sa.func.sum(agreed), big, none)))
    for pending in (False, True):
        signed = first_reached(Stage.SIGNED, pending)
        for stage in DATE_COLUMNS:
            day = first_reached(stage, pending)
            selects.append(rows(pending, f"reached:{stage}", month(day), chain,
                                (sa.func.count(), sa.func.sum(agreed), big, none), day.is_not(None)))
        for stage in (Stage.STARTED, Stage.TERMINATED):
            selects.append(rows(pending, f"cohort:{stage}", month(signed), chain,
                                (sa.func.count(), none, zero, none), signed.is_not(None),
                                first_reached(stage, pending).is_not(None)))
        selects.append(rows(pending, "cohort:funds", month(signed), chain,
                            (sa.func.count(), sa.func.sum(FundEntry.amount_wan), zero, none),
                            signed.is_not(None), funds=True))
        selects.append(rows(pending, sa.literal("funds:") + FundEntry.origin, FundEntry.month, chain,
                            (sa.func.count(), sa.func.sum(FundEntry.amount_wan), zero,
                             sa.func.sum(sa.func.coalesce(FundEntry.amount_usd_wan, 0))),
                            signed.is_not(None), funds=True))
        selects.append(rows(pending, "park:signed", month(signed), Project.park_id,
                            (sa.func.count(), sa.func.sum(agreed), big, none),
                            signed.is_not(None), Project.park_id.is_not(None)))
    return sa.union_all(*selects)


def rebuild(session: Session) -> None:
    """Count every unit's own rows from the projects, with today's warnings, and sum them up the
    tree (one pass each): what was noted before is then counted."""
    session.flush()
    _rolled_back(session, None)
    session.execute(sa.delete(FigureTally))
    _count(session, _own_rows(session, None, warnings_on=date.today()), date.today())


def count_warnings(session: Session, day: date) -> None:
    """Count the warnings on ``day`` for every unit, in place of those counted for another day. Run
    by the first read of a day; one at a time (the later one finds them counted). Not a change any
    kept figure must follow: each is kept for its day."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK, 0)))
    if counted_on(session) == day:
        return
    session.execute(sa.delete(FigureTally).where(FigureTally.measure.startswith("warning")),
                    execution_options={READS_NO_FIGURE: True})
    _count(session, _own_rows(session, None, figures=False, warnings_on=day), day,
           FigureTally.measure.startswith("warning:"))


def _count(session: Session, own_rows: sa.CompoundSelect, warnings_on: date, *which) -> None:
    """Insert ``own_rows``, then the subtree rows: the own rows (``which`` of them) summed over
    each unit's ancestors; mark the day the warnings were counted for."""
    table, options = FigureTally.__table__, {READS_NO_FIGURE: True}
    session.execute(sa.insert(table).from_select([*KEY, *SUMS], own_rows), execution_options=options)
    up = sa.select(OrgUnit.id.label("unit_id"), OrgUnit.id.label("ancestor_id")).cte("up", recursive=True)
    parent = aliased(OrgUnit)
    up = up.union_all(sa.select(up.c.unit_id, parent.parent_id).join(parent, parent.id == up.c.ancestor_id)
                      .where(parent.parent_id.is_not(None)))
    group = (table.c.with_pending, table.c.measure, table.c.month, table.c.key_id)
    session.execute(sa.insert(table).from_select([*KEY, *SUMS], sa.select(
        up.c.ancestor_id, sa.false(), *group, *(sa.func.sum(table.c[name]) for name in SUMS))
        .join(up, up.c.unit_id == table.c.unit_id).where(table.c.own, *which).group_by(up.c.ancestor_id, *group)),
        execution_options=options)
    session.execute(sa.insert(table).values(unit_id=0, own=True, with_pending=False, measure=COUNTED_ON,
                                            month=warnings_on, key_id=0, projects=1, amount_wan=0, big=0,
                                            usd_wan=0), execution_options=options)


def counted_on(session: Session) -> date | None:
    """The day the warnings in the tally were counted for."""
    return session.scalar(sa.select(FigureTally.month).where(FigureTally.unit_id == 0,
                                                             FigureTally.measure == COUNTED_ON))


def refresh(session: Session, units: set[int]) -> None:
    """Count these units' own rows again (with the warnings of the day they were counted for) and
    add what changed to their subtree rows and above."""
    units = sorted(units)
    if session.get_bind().dialect.name == "postgresql":  # one writer a unit; SQLite has one writer
        for unit in units:
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK, unit)))
    before = _own(session, units)
    session.execute(sa.delete(FigureTally).where(FigureTally.own, FigureTally.unit_id.in_(units)))
    session.execute(sa.insert(FigureTally.__table__).from_select(
        [*KEY, *SUMS], _own_rows(session, units, warnings_on=counted_on(session))))
    after = _own(session, units)
    deltas: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0), 0, Decimal(0)])
    for key in before.keys() | after.keys():
        change = [new - old for new, old in zip(after.get(key, (0, 0, 0, 0)), before.get(key, (0, 0, 0, 0)))]
        if any(change):
            unit, *rest = key
            for ancestor in (unit, *_above(session, unit)):
                total = deltas[(ancestor, *rest)]
                for index, value in enumerate(change):
                    total[index] += value
    if deltas:
        _add(session, [dict(zip((*KEY, *SUMS), (unit, False, *rest, *sums)))
                       for (unit, *rest), sums in sorted(deltas.items())])


def _own(session: Session, units: list[int]) -> dict[tuple, tuple]:
    rows = session.execute(sa.select(FigureTally.unit_id, FigureTally.with_pending, FigureTally.measure,
                                     FigureTally.month, FigureTally.key_id, *(getattr(FigureTally, s) for s in SUMS))
                           .where(FigureTally.own, FigureTally.unit_id.in_(units)))
    return {tuple(row[:5]): tuple(row[5:]) for row in rows}


def _above(session: Session, unit_id: int) -> list[int]:
    found, unit = [], session.get(OrgUnit, unit_id)
    while unit is not None and unit.parent_id is not None:
        found.append(unit.parent_id)
        unit = session.get(OrgUnit, unit.parent_id)
    return found


def _add(session: Session, rows: list[dict]) -> None:
    """Add to the subtree rows (made where missing), in key order: concurrent writers lock rows
    in the same order."""
    table = FigureTally.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=list(KEY),
                                      set_={name: table.c[name] + stmt.excluded[name] for name in SUMS})
    session.execute(stmt, rows)


# ---------- reading ----------

def scope_units(session: Session, unit_id: int) -> list[int]:
    """The units whose subtree rows make a scope of ``unit_id``'s subtree: a root's scope is
    every record (app.auth.scope), so every root."""
    unit = session.get(OrgUnit, unit_id)
    if unit.parent_id is None:
        return root_ids()
    return [unit_id]


def sums(session: Session, units, with_pending: bool, measures, first: date, last: date,
         by=(FigureTally.measure,), where=()) -> list[tuple]:
    """Rows of ``by`` with the sums of projects, amount, big and usd over the subtree rows of
    ``units`` (ids) for ``measures`` (names) in the months from ``first`` to ``last`` (what the
    session wrote is counted first)."""
    settle(session)
    return session.execute(
        sa.select(*by, *(sa.func.sum(getattr(FigureTally, s)).label(s) for s in SUMS))
        .where(FigureTally.unit_id.in_(units), sa.not_(FigureTally.own),
               FigureTally.with_pending == with_pending, FigureTally.measure.in_(measures),
               FigureTally.month.between(first.replace(day=1), last), *where)
        .group_by(*by).having(sa.func.sum(FigureTally.projects) != 0)).all()  # a row that went back to nothing


def warnings_on(session: Session, units: list[int], day: date) -> dict[str, int]:
    """Per warning rule (every one, and ``any``), the projects of these units' subtrees that have
    it on ``day``. The first read of a day counts them for every unit: its caller commits."""
    settle(session)
    if counted_on(session) != day:
        count_warnings(session, day)
    from app.projects.warnings import RULES  # it reads app.projects.indicators, which reads this
    keys = [rule.key for rule in RULES] + ["any"]
    found = {measure: projects for measure, projects, *_ in
             sums(session, units, False, [f"warning:{key}" for key in keys], day, day)}
    return {key: found.get(f"warning:{key}", 0) for key in keys}
