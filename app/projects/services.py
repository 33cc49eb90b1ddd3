"""Project rules: records, dated stage moves and corrections, review (审核) and funds in place.

Services add and flush; the caller commits once.
"""
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from difflib import SequenceMatcher

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from app import tally
from app.attachments.services import store
from app.auth.scope import get_scoped_unit, is_within, scoped, unit_ids_under
from app.concurrency import claim
from app.extensions import db
from app.models import (
    Activity,
    ChainNode,
    Enterprise,
    FigureTally,
    FundEntry,
    Park,
    Project,
    StageEvent,
    Target,
    User,
    utcnow,
)
from app.models.common import as_utc
from app.models.enums import FundOrigin, NotificationKind, ReviewStatus, Role, Stage, TargetIndicator, WebhookEvent
from app.models.labels import field_label
from app.names import normalize_name
from app.notify import link, notify, reviewers_of
from app.projects.stages import (
    DATE_COLUMNS,
    MILESTONES,
    StageError,
    check_sequence,
    counted,
    derive,
    first_reached,
    next_stages,
    position_of,
)
from app.projects.warnings import any_warning
from app.projects.warnings import conditions as warning_conditions
from app.web import list_order, walked_units
from app.webhooks import services as webhooks

# The fields a form or an import row may set on a project, with the labels users know them by.
FIELDS = ("name", "investor_id", "content", "park_id", "chain_node_id", "unit_id", "responsible_person", "officer_id",
          "channel", "total_investment_wan", "agreed_investment_wan", "phase1_investment_wan", "is_foreign",
          "source_region", "land_mu", "factory_m2", "energy_tce", "power_kva", "water_t_per_day", "emissions", "cod_t",
          "ammonia_t", "so2_t", "nox_t", "is_key", "problems", "next_steps")
LABELS = {key: field_label("Project", key) for key in FIELDS}
NEEDS_AND_AMOUNTS = ("total_investment_wan", "agreed_investment_wan", "phase1_investment_wan", "land_mu", "factory_m2",
                     "energy_tce", "power_kva", "water_t_per_day", "cod_t", "ammonia_t", "so2_t", "nox_t")


class ProjectError(ValueError):
    pass


def can_review(user: User, unit_id: int) -> bool:
    """A manager (or admin) of the record's unit or of a unit above it may approve it."""
    return user.role in (Role.MANAGER, Role.ADMIN) and is_within(unit_id, user.unit_id)


def _review_on_entry(record, by: User, unit_id: int, approvable: bool = True) -> None:
    """Pending, unless entered by someone who could approve it: then approved on entry."""
    record.recorded_by_id, record.recorded_at, record.review_opinion = by.id, utcnow(), None
    if approvable and can_review(by, unit_id):
        record.review_status, record.reviewed_by_id, record.reviewed_at = ReviewStatus.APPROVED, by.id, utcnow()
    else:
        record.review_status, record.reviewed_by_id, record.reviewed_at = ReviewStatus.PENDING, None, None


def _visible(by: User, model, ident: int, unit_column) -> bool:
    return db.session.scalars(scoped(sa.select(model.id).where(model.id == ident), by, unit_column)).first() is not None


def _check_fields(by: User, data: dict) -> None:
    if get_scoped_unit(by, data.get("unit_id")) is None:
        raise ProjectError("责任单位不存在或不在您的数据范围内。")
    if data.get("investor_id") and not _visible(by, Enterprise, data["investor_id"], Enterprise.unit_id):
        raise ProjectError("投资方企业不存在或不在您的数据范围内。")
    if data.get("park_id") and not _visible(by, Park, data["park_id"], Park.unit_id):
        raise ProjectError("落户园区不存在或不在您的数据范围内。")
    if data.get("officer_id") and not _visible(by, User, data["officer_id"], User.unit_id):
        raise ProjectError("跟进人不存在或不在您的数据范围内。")
    if data.get("chain_node_id") and db.session.get(ChainNode, data["chain_node_id"]) is None:
        raise ProjectError("产业链环节不存在。")
    for key in NEEDS_AND_AMOUNTS:
        if data.get(key) is not None and data[key] < 0:
            raise ProjectError(f"{LABELS[key]}不能为负数。")
    if not (data.get("name") or "").strip():
        raise ProjectError("请填写项目名称。")


def _clean(data: dict) -> dict:
    return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items() if k in FIELDS}


def create_project(by: User, data: dict, negotiating_on: date, note: str | None = None,
                   today: date | None = None) -> Project:
    """A new project, 在谈 since ``negotiating_on``."""
    data = _clean(data)
    _check_fields(by, data)
    project = Project(**data)
    db.session.add(project)
    db.session.flush()
    move(by, project, Stage.NEGOTIATING, negotiating_on, note, today=today)
    return project


def update_project(by: User, project: Project, data: dict) -> None:
    data = _clean(data)
    _check_fields(by, {**{k: getattr(project, k) for k in FIELDS}, **data})
    for key, value in data.items():
        setattr(project, key, value)
    db.session.flush()


def events_of(project: Project) -> list[StageEvent]:
    return list(db.session.scalars(sa.select(StageEvent).where(StageEvent.project_id == project.id)
                                   .order_by(StageEvent.id)))


def _record(by: User, project: Project, event: StageEvent, uploads, today: date | None, first_any: bool) -> StageEvent:
    """Check the project's history with ``event`` in it; then write the event, its files and the
    project's derived stage."""
    if event.stage == Stage.TERMINATED and not (event.note or "").strip():
        raise StageError("转为终止须填写终止原因。")
    events = events_of(project)
    _review_on_entry(event, by, project.unit_id, approvable=_unapproved_before(events, event) is None)
    db.session.add(event)
    db.session.flush()  # the check orders events by id; on an error the caller rolls back
    check_sequence(counted(events + [event]), today or date.today(), first_any)
    store(list(uploads or ()), "StageEvent", event.id, by)
    derive(project, events_of(project))
    db.session.flush()
    _announce(event, project)
    return event


def _announce(record, project: Project) -> None:
    """A record waiting for review: its reviewers' bell says so, once a day per unit. An approved
    one: the webhooks that want it are called."""
    if record.review_status == ReviewStatus.PENDING:
        notify(reviewers_of(project.unit_id), NotificationKind.REVIEW, f"{project.unit.name}有新提交的待审核记录",
               link("projects.queue", unit_id=project.unit_id), f"review:{project.unit_id}:{date.today()}")
    elif record.review_status == ReviewStatus.APPROVED:
        data = {"project": {"id": project.id, "name": project.name, "unit_id": project.unit_id, "stage": project.stage,
                            "url": f"/api/v1/projects/{project.id}"}}
        if isinstance(record, StageEvent):
            data["stage_event"] = {"id": record.id, "stage": record.stage, "effective_on": record.effective_on.isoformat()}
        else:
            data["fund"] = {"id": record.id, "month": f"{record.month:%Y-%m}", "origin": record.origin,
                            "amount_wan": str(record.amount_wan)}
        event = WebhookEvent.STAGE_APPROVED if isinstance(record, StageEvent) else WebhookEvent.FUND_APPROVED
        webhooks.emit(event, project.unit_id, f"{type(record).__name__}:{record.id}:{record.version}", data)


def move(by: User, project: Project, stage: str, effective_on: date, note: str | None = None, uploads=(),
         today: date | None = None, first_any: bool = False, month_only: bool = False,
         company_name: str | None = None, registered_capital_wan: Decimal | None = None) -> StageEvent:
    """Move ``project`` to ``stage`` as of ``effective_on``: the real signing, start … date (or,
    ``month_only``, its month, as a ledger wrote it); or record its 注册 (the local company's name
    and 注册资本 with it)."""
    if stage not in set(Stage):
        raise StageError("未知的阶段。")
    event = StageEvent(project_id=project.id, stage=stage, effective_on=effective_on, note=note, month_only=month_only)
    if stage == Stage.REGISTERED:
        event.company_name = (company_name or "").strip()[:200] or None
        if event.company_name is None:
            raise StageError("登记注册须填写注册企业名称。")
        if registered_capital_wan is not None and registered_capital_wan < 0:
            raise StageError("注册资本不能为负数。")
        event.registered_capital_wan = registered_capital_wan
    return _record(by, project, event, uploads, today, first_any)


def correct(by: User, original: StageEvent, note: str | None, effective_on: date | None = None,
            stage: str | None = None, withdraw: bool = False, uploads=(), today: date | None = None) -> StageEvent:
    """Correct a move — another date, another stage, or its withdrawal — or resubmit a rejected
    one. The corrected event stays in the history, replaced."""
    if not (note or "").strip():
        raise StageError("更正须说明原因。")
    project = original.project
    events = events_of(project)
    position = position_of(original)
    latest = [e for e in events if position_of(e) == position][-1]
    milestone = latest.stage in MILESTONES
    if stage and (stage in MILESTONES) != milestone:
        raise StageError("注册与阶段变动不能相互更正；请撤回后重新登记。")
    standing = [e for e in counted(events) if (e.stage in MILESTONES) == milestone]
    if withdraw and (not standing or position_of(standing[-1]) != position):
        raise StageError("只能撤回项目最近的一次阶段变动。")
    event = StageEvent(project_id=project.id, supersedes_id=position, withdrawn=withdraw, note=note,
                       stage=stage or latest.stage, effective_on=effective_on or latest.effective_on,
                       company_name=latest.company_name, registered_capital_wan=latest.registered_capital_wan)
    return _record(by, project, event, uploads, today, first_any=False)


def review(by: User, record: StageEvent | FundEntry, approve: bool, opinion: str | None) -> None:
    """Approve (审核通过) or reject (已退回, with an opinion) a pending record."""
    project = record.project
    if record.review_status != ReviewStatus.PENDING:
        raise ProjectError("该记录已审核过，不能重复审核。")
    if not can_review(by, project.unit_id):
        raise ProjectError("只有该单位或上级单位的负责人可以审核。")
    opinion = (opinion or "").strip() or None
    if not approve and not opinion:
        raise ProjectError("退回须填写审核意见。")
    if approve and isinstance(record, StageEvent):
        earlier = _unapproved_before(events_of(project), record)
        if earlier is not None:
            raise ProjectError(f"请先审核该项目之前的阶段变动（{earlier.stage_label} {earlier.effective_on}）。")
    record.review_status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
    record.reviewed_by_id, record.reviewed_at, record.review_opinion = by.id, utcnow(), opinion
    what = f"阶段变动（{record.stage_label}）" if isinstance(record, StageEvent) else f"到位资金（{record.month:%Y-%m}）"
    notify([record.recorded_by_id], NotificationKind.APPROVED if approve else NotificationKind.RETURNED,
           f"“{project.name}”的{what}" + ("已审核通过" if approve else f"被退回：{opinion}"),
           link("projects.detail", project_id=project.id), f"{'approved' if approve else 'returned'}:"
           f"{type(record).__name__}:{record.id}:{record.version}")
    if isinstance(record, StageEvent):
        if not approve:
            try:
                check_sequence(counted(events_of(project)), date.max)
            except StageError:
                raise ProjectError("该项目其后还有以此为前提的阶段变动，请先退回或撤回其后的记录。") from None
        derive(project, events_of(project))
    else:
        db.session.flush()
        refresh_facts([project.id])
    db.session.flush()
    if approve:
        _announce(record, project)


def similar_open_projects(by: User, investor_id: int | None, name: str, exclude_id: int | None = None) -> list[Project]:
    """The investor's projects still under way (not 投产, not 终止) in the user's scope whose name is
    like ``name`` (one contains the other, or they share most characters): a second project for
    one investor is confirmed before it is created, never created by a double entry unnoticed."""
    if not investor_id or not (wanted := normalize_name(name)):
        return []
    stmt = scoped(sa.select(Project).where(Project.investor_id == investor_id,
                                           Project.stage.not_in([Stage.PRODUCING, Stage.TERMINATED])), by, Project.unit_id)
    if exclude_id:
        stmt = stmt.where(Project.id != exclude_id)

    def alike(other: str) -> bool:
        other = normalize_name(other)
        return wanted in other or other in wanted or SequenceMatcher(None, wanted, other).ratio() >= 0.6

    return [p for p in db.session.scalars(stmt.order_by(Project.id)) if alike(p.name)]


def approve_all(by: User, chosen: list[tuple[StageEvent | FundEntry, str]]) -> int:
    """Approve these records, each at the version its reviewer saw, oldest entry first (a project's
    moves are approved in order); one that may not be approved stops them all, named."""
    for record, version in sorted(chosen, key=lambda c: (as_utc(c[0].recorded_at), type(c[0]).__name__, c[0].id)):
        claim(record, version)
        try:
            review(by, record, True, None)
        except ProjectError as error:
            raise ProjectError(f"“{record.project.name}”的记录未能通过：{error}未通过任何记录。") from None
    return len(chosen)


def _unapproved_before(events: list[StageEvent], event: StageEvent) -> StageEvent | None:
    """A standing move before ``event``'s place that is not approved yet: moves are approved in order,
    so the approved history never has a gap."""
    position = position_of(event) if event.id or event.supersedes_id else None
    for earlier in counted(events):
        if position is not None and position_of(earlier) >= position:
            break
        if earlier.review_status != ReviewStatus.APPROVED:
            return earlier
    return None


# ---------- funds in place ----------

def first_of_month(day: date) -> date:
    return day.replace(day=1)


def _check_fund(project: Project, data: dict, today: date) -> None:
    month = first_of_month(data["month"])
    if month > first_of_month(today):
        raise ProjectError("到位资金的月份不能是将来的月份。")
    if project.signed_on is None:
        raise ProjectError("项目尚未签约，不能登记到位资金。")
    if month < first_of_month(project.signed_on):
        raise ProjectError(f"到位资金的月份早于签约日期 {project.signed_on}。")
    if data.get("amount_wan") is None or data["amount_wan"] <= 0:
        raise ProjectError("到位金额应大于 0（万元）。")
    if data["origin"] not in set(FundOrigin):
        raise ProjectError("请选择资金来源。")
    if data.get("amount_usd_wan") is not None and (data["origin"] != FundOrigin.FOREIGN or data["amount_usd_wan"] <= 0):
        raise ProjectError("万美元金额只用于外资，且应大于 0。")


def save_fund(by: User, project: Project, data: dict, entry: FundEntry | None = None, uploads=(),
              today: date | None = None) -> FundEntry:
    """Add a month's funds in place, or change (and so resubmit) an entry; it goes to review again."""
    _check_fund(project, data, today or date.today())
    entry = entry or FundEntry(project_id=project.id)
    entry.month, entry.origin = first_of_month(data["month"]), data["origin"]
    entry.amount_wan = Decimal(data["amount_wan"]).quantize(Decimal("0.01"))
    entry.amount_usd_wan = data.get("amount_usd_wan")
    entry.evidence = (data.get("evidence") or "").strip() or None
    _review_on_entry(entry, by, project.unit_id)
    db.session.add(entry)
    db.session.flush()
    store(list(uploads or ()), "FundEntry", entry.id, by)
    refresh_facts([project.id])
    _announce(entry, project)
    return entry


def funds_summary(project: Project, today: date | None = None, include_pending: bool = True) -> dict:
    """Totals since start and for this year, by origin (pending entries included unless told)."""
    year = (today or date.today()).year
    kept = (ReviewStatus.APPROVED, ReviewStatus.PENDING) if include_pending else (ReviewStatus.APPROVED,)
    rows = db.session.execute(
        sa.select(FundEntry.origin, sa.func.sum(FundEntry.amount_wan),
                  sa.func.sum(sa.case((FundEntry.month >= date(year, 1, 1), FundEntry.amount_wan), else_=0)))
        .where(FundEntry.project_id == project.id, FundEntry.review_status.in_(kept))
        .group_by(FundEntry.origin)).all()
    by_origin = {origin: (Decimal(total or 0), Decimal(this_year or 0)) for origin, total, this_year in rows}
    total = sum((t for t, _ in by_origin.values()), Decimal(0))
    return {"by_origin": by_origin, "total": total, "this_year": sum((y for _, y in by_origin.values()), Decimal(0)),
            "over_agreed": bool(project.agreed_investment_wan) and total > project.agreed_investment_wan}


def next_moves(project: Project) -> list[str]:
    return next_stages(counted(events_of(project)))


# ---------- lists ----------

TIER_BOUNDS = {"lt1": (None, 10000), "1-3": (10000, 30000), "3-10": (30000, 100000), "10-20": (100000, 200000),
               "ge20": (200000, None), "ge1": (10000, None)}  # 万元, lower bound included


WALKED_ORDERS = ("stage_on desc",)  # the list orders whose index holds the unit (list_order), on PostgreSQL


def search(by: User, f: dict, today: date, for_page: bool = False) -> sa.Select:
    """The projects in scope matching the list filters ``f`` (the filter form's data), sorted.
    ``for_page``: written for one page (walked in its order's index where it can be: list_order),
    not for counting or exporting them all."""
    walked = walked_units(by, f, "stage_on", WALKED_ORDERS) if for_page else None
    stmt = sa.select(Project) if walked is not None else scoped(sa.select(Project), by, Project.unit_id)
    if f.get("q"):
        q = f["q"].strip()
        number = re.fullmatch(r"#?(\d{1,9})", q)  # a project number as the review queue and pickers show it
        name = Project.name.contains(q, autoescape=True)
        stmt = stmt.where(sa.or_(name, Project.id == int(number[1])) if number else name)
    for key in ("stage", "park_id", "channel"):
        if f.get(key):
            stmt = stmt.where(getattr(Project, key) == f[key])
    if f.get("unit_id") and walked is None:
        stmt = stmt.where(Project.unit_id.in_(unit_ids_under(f["unit_id"])))
    if f.get("node_id"):
        stmt = stmt.where(Project.chain_node_id == f["node_id"])
    if f.get("chain_id"):
        stmt = stmt.where(Project.chain_node_id.in_(sa.select(ChainNode.id).where(ChainNode.chain_id == f["chain_id"])))
    if f.get("tier") in TIER_BOUNDS:
        low, high = TIER_BOUNDS[f["tier"]]
        if low is not None:
            stmt = stmt.where(Project.agreed_investment_wan >= low)
        if high is not None:
            stmt = stmt.where(sa.func.coalesce(Project.agreed_investment_wan, 0) < high)
    if f.get("is_key"):
        stmt = stmt.where(Project.is_key.is_(True))
    if f.get("warning"):  # one rule, or any
        rules = warning_conditions(today, few=for_page)
        stmt = stmt.where(rules[f["warning"]] if f["warning"] in rules else any_warning(today, few=for_page))
    if f.get("reached") in DATE_COLUMNS:
        column = first_reached(f["reached"], bool(f.get("counted")))
        stmt = stmt.where(column.is_not(None))
        if f.get("reached_from"):
            stmt = stmt.where(column >= f["reached_from"])
        if f.get("reached_to"):
            stmt = stmt.where(column <= f["reached_to"])
    if f.get("pending"):
        stmt = stmt.where(sa.or_(
            sa.exists().where(StageEvent.project_id == Project.id, StageEvent.review_status == ReviewStatus.PENDING),
            sa.exists().where(FundEntry.project_id == Project.id, FundEntry.review_status == ReviewStatus.PENDING)))
    return list_order(stmt, Project, f, "stage_on", walked)


def _kept_units(by: User, f: dict, answerable: set[str]) -> list[int] | None:
    """The units whose kept figures (app/tally.py) make ``search(by, f)``'s scope, where every
    filter set is ``answerable`` from them; None where one is not (the rows are counted instead)."""
    if any(value not in (None, "") for key, value in f.items() if key not in answerable | {"sort", "desc"}):
        return None
    return [f["unit_id"]] if f.get("unit_id") else tally.scope_units(db.session, by.unit_id)  # as search() reads them


def kept_stage_totals(by: User, f: dict) -> dict[str, tuple[int, Decimal]] | None:
    """Per current stage, the count and 协议投资 of the projects ``search(by, f)`` finds, read from
    the figures kept per unit where its filters are only stage, unit and chain: the totals of a
    whole province's or country's list without reading its projects. None otherwise."""
    units = _kept_units(by, f, {"stage", "unit_id", "chain_id"})
    if units is None:
        return None
    where = [] if not f.get("chain_id") else [FigureTally.key_id == f["chain_id"]]
    if f.get("stage"):
        where.append(FigureTally.measure == f"current:{f['stage']}")
    rows = tally.sums(db.session, units, False, tally.CURRENT_STAGES, tally.NEVER, date.today(), where=where)
    return {measure.removeprefix("current:"): (projects, Decimal(amount or 0)) for measure, projects, amount, *_ in rows}


def kept_warning_counts(by: User, f: dict, today: date) -> dict[str, int] | None:
    """Per warning rule, how many projects ``search(by, f)`` finds have it today, read from the
    figures kept per unit where the only filter is the unit. None otherwise."""
    units = _kept_units(by, f, {"unit_id"})
    return None if units is None else tally.warnings_on(db.session, units, today)


QUEUE_SHOWN = 500  # records of each kind the review queue lists


def _queue_rows(model, by: User, status: str, unit_id: int | None = None, older_than_days: int | None = None,
                today: date | None = None) -> sa.Select:
    """A kind of reviewed record with this status in the user's scope, oldest first, as the queue lists it."""
    stmt = (sa.select(model).join(Project, Project.id == model.project_id)
            .where(model.review_status == status).order_by(model.recorded_at, model.id).limit(QUEUE_SHOWN))
    stmt = scoped(stmt, by, Project.unit_id)
    if unit_id:
        stmt = stmt.where(Project.unit_id.in_(unit_ids_under(unit_id)))
    if older_than_days:
        stmt = stmt.where(model.recorded_at < datetime.combine(today - timedelta(days=older_than_days),
                                                                datetime.min.time(), UTC))
    return stmt


def review_queue(by: User, kind: str | None, unit_id: int | None, older_than_days: int | None, status: str,
                 today: date) -> list:
    """Stage events and fund entries waiting for review (or sent back) in the user's scope, oldest first."""
    found = []
    for model, key in ((StageEvent, "stage"), (FundEntry, "fund")):
        if kind and kind != key:
            continue
        stmt = _queue_rows(model, by, status, unit_id, older_than_days, today)
        found += db.session.scalars(stmt.options(selectinload(model.project).selectinload(Project.unit),
                                                 selectinload(model.project).selectinload(Project.investor),
                                                 selectinload(model.recorded_by))).all()
    return sorted(found, key=lambda r: (r.recorded_at.replace(tzinfo=None), type(r).__name__, r.id))


def waiting_for_review(by: User) -> int:
    """How many records the user's review queue lists (a count, for the agenda and the digest)."""
    return sum(db.session.scalar(sa.select(sa.func.count()).select_from(
        _queue_rows(model, by, ReviewStatus.PENDING).subquery())) for model in (StageEvent, FundEntry))


# ---------- targets ----------

def save_target(by: User, data: dict) -> Target:
    """Set a yearly target for a unit in scope (and optionally a chain); one value per indicator."""
    if get_scoped_unit(by, data.get("unit_id")) is None:
        raise ProjectError("单位不存在或不在您的数据范围内。")
    if data["indicator"] == TargetIndicator.EVENTS and data.get("chain_id"):
        raise ProjectError("招商活动场次不分产业链，请不要选择产业链。")
    key = {"year": data["year"], "unit_id": data["unit_id"], "chain_id": data.get("chain_id") or None,
           "indicator": data["indicator"]}
    target = db.session.scalar(sa.select(Target).filter_by(**key)) or Target(**key)
    target.value = data["value"]
    db.session.add(target)
    db.session.flush()
    return target


def delete_target(target: Target) -> None:
    db.session.delete(target)
    db.session.flush()


# ---------- facts from other records ----------

def refresh_facts(project_ids: list[int] | None = None) -> None:
    """Recompute the projects' last activity, earliest open follow-up and funds in place (all
    projects when ``project_ids`` is None). Called by every service that changes these records;
    a bulk UPDATE, so it neither bumps the version nor makes a concurrent edit stale."""
    ids = [i for i in (project_ids or []) if i]
    if project_ids is not None and not ids:
        return
    if project_ids is None:
        _refresh_all_facts()
    else:
        db.session.execute(sa.update(Project).where(Project.id.in_(ids)).values(
            last_activity_on=sa.select(sa.func.max(Activity.occurred_on)).where(Activity.project_id == Project.id)
            .scalar_subquery(),
            follow_up_due_on=sa.select(sa.func.min(Activity.next_follow_up_on)).where(
                Activity.project_id == Project.id, Activity.follow_up_done_at.is_(None)).scalar_subquery(),
            funds_wan=sa.select(sa.func.coalesce(sa.func.sum(FundEntry.amount_wan), 0)).where(
                FundEntry.project_id == Project.id, FundEntry.review_status != ReviewStatus.REJECTED)
            .scalar_subquery()), execution_options={"synchronize_session": False, tally.NOTED: True})
        tally.note(db.session, projects=ids)
    for record in list(db.session.identity_map.values()):
        if isinstance(record, Project) and (project_ids is None or record.id in ids):
            db.session.expire(record, ["last_activity_on", "follow_up_due_on", "funds_wan"])


def _refresh_all_facts() -> None:
    """refresh_facts of every project in aggregate passes (UPDATE … FROM), not three subqueries a
    project: a bulk load of a million projects. Projects with no visit or fund left are reset."""
    visits = (sa.select(Activity.project_id, sa.func.max(Activity.occurred_on).label("last"),
                        sa.func.min(Activity.next_follow_up_on).filter(Activity.follow_up_done_at.is_(None))
                        .label("due"))
              .where(Activity.project_id.is_not(None)).group_by(Activity.project_id).subquery())
    funds = (sa.select(FundEntry.project_id, sa.func.sum(FundEntry.amount_wan).label("total"))
             .where(FundEntry.review_status != ReviewStatus.REJECTED).group_by(FundEntry.project_id).subquery())
    tally.note(db.session, everything=True)
    options = {"synchronize_session": False, tally.NOTED: True}
    db.session.execute(sa.update(Project).where(sa.or_(Project.last_activity_on.is_not(None),
                                                       Project.follow_up_due_on.is_not(None), Project.funds_wan != 0))
                       .values(last_activity_on=None, follow_up_due_on=None, funds_wan=0), execution_options=options)
    db.session.execute(sa.update(Project).where(Project.id == visits.c.project_id)
                       .values(last_activity_on=visits.c.last, follow_up_due_on=visits.c.due), execution_options=options)
    db.session.execute(sa.update(Project).where(Project.id == funds.c.project_id).values(funds_wan=funds.c.total),
                       execution_options=options)


def returned_to(user: User, limit: int = 50) -> list:
    """The user's stage events and fund entries sent back (已退回) and not yet corrected and
    resubmitted, newest first, for the user to act on."""
    later = aliased(StageEvent)
    events = db.session.scalars(sa.select(StageEvent).where(
        StageEvent.recorded_by_id == user.id, StageEvent.review_status == ReviewStatus.REJECTED,
        ~sa.exists().where(later.supersedes_id == sa.func.coalesce(StageEvent.supersedes_id, StageEvent.id),
                           later.id > StageEvent.id)).options(selectinload(StageEvent.project))
        .order_by(StageEvent.reviewed_at.desc()).limit(limit)).all()
    funds = db.session.scalars(sa.select(FundEntry).where(
        FundEntry.recorded_by_id == user.id, FundEntry.review_status == ReviewStatus.REJECTED)
        .options(selectinload(FundEntry.project)).order_by(FundEntry.reviewed_at.desc()).limit(limit)).all()
    return sorted([*events, *funds], key=lambda r: r.reviewed_at.replace(tzinfo=None), reverse=True)[:limit]
