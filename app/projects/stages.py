"""The stage rules. A move is a dated event; a correction is a new event that replaces an earlier
one (or withdraws it); nothing is overwritten. Which events count:

- an event is a *position* in the project's history: an original move, together with every
  correction of it (a correction always points at the original, so each history is flat);
- in a position, the latest event whose review status counts is the one that stands: approved
  ones only, or approved and pending ones (the view a project page and the board show);
- a withdrawal standing in a position removes the move.

``derive()`` keeps the outcome on the project (its stage, and the date it first reached each
stage, with and without pending events), which is what lists and figures read.
"""
from datetime import date

from app.models import Project, StageEvent
from app.models.enums import ReviewStatus, Stage

FORWARD = (Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)
EXITS = (Stage.TERMINATED, Stage.ON_HOLD)
# Milestones are dated and reviewed like moves but are no stage a project is in: 注册 (the local
# company registered) lies between 签约 and 开工, once.
MILESTONES = (Stage.REGISTERED,)
CURRENT = tuple(s for s in Stage if s not in MILESTONES)  # the stages a project can be in
DATE_COLUMNS = {Stage.NEGOTIATING: "negotiating_on", Stage.SIGNED: "signed_on", Stage.REGISTERED: "registered_on",
                Stage.STARTED: "started_on", Stage.PRODUCING: "producing_on", Stage.TERMINATED: "terminated_on"}


class StageError(ValueError):
    pass


def statuses(include_pending: bool) -> tuple[str, ...]:
    return (ReviewStatus.APPROVED, ReviewStatus.PENDING) if include_pending else (ReviewStatus.APPROVED,)


def position_of(event: StageEvent) -> int:
    return event.supersedes_id or event.id


def counted(events: list[StageEvent], include_pending: bool = True) -> list[StageEvent]:
    """The events that stand, in the order of their positions."""
    standing: dict[int, StageEvent] = {}
    for event in sorted(events, key=lambda e: e.id):
        if event.review_status in statuses(include_pending):
            standing[position_of(event)] = event
    return [e for _, e in sorted(standing.items()) if not e.withdrawn]


def moves_of(sequence: list[StageEvent]) -> list[StageEvent]:
    return [e for e in sequence if e.stage not in MILESTONES]


def next_stages(sequence: list[StageEvent]) -> list[str]:
    """Where a project whose standing events are ``sequence`` may move next, and 注册 while it is
    signed, started or producing and not yet registered (a late entry is dated back)."""
    registered = any(e.stage == Stage.REGISTERED for e in sequence)
    sequence = moves_of(sequence)
    going = bool(sequence) and sequence[-1].stage in FORWARD[1:]
    return _next_moves(sequence) + ([Stage.REGISTERED] if going and not registered else [])


def _next_moves(sequence: list[StageEvent]) -> list[str]:
    if not sequence:
        return [Stage.NEGOTIATING]
    current = sequence[-1].stage
    if current == Stage.ON_HOLD:
        held = next((e.stage for e in reversed(sequence) if e.stage in FORWARD), Stage.NEGOTIATING)
        return [held, Stage.TERMINATED]
    if current in (Stage.TERMINATED, Stage.PRODUCING):
        return []
    return [FORWARD[FORWARD.index(current) + 1], *EXITS]


def check_sequence(sequence: list[StageEvent], today: date, first_any: bool = False) -> None:
    """Every move one allowed step from the one before, dated no earlier than it and not in the
    future; 注册 once, after 签约 and not after 开工. ``first_any``: a ledger may start at a later
    stage (its 在谈 date unknown)."""
    _check_milestones(sequence, today)
    sequence = moves_of(sequence)
    for index, event in enumerate(sequence):
        label = Stage.label_of(event.stage)
        if event.effective_on > today:
            raise StageError(f"{label}日期 {event.effective_on} 晚于今天，发生日期不能是将来的日期。")
        if index == 0:
            if event.stage != Stage.NEGOTIATING and not (first_any and event.stage in FORWARD):
                raise StageError("项目的第一个阶段应为“在谈”。")
            continue
        before = sequence[:index]
        allowed = _next_moves(before)
        previous = before[-1]
        if event.stage not in allowed:
            current = Stage.label_of(previous.stage)
            options = "、".join(Stage.label_of(s) for s in allowed) or "无（已是最终阶段）"
            raise StageError(f"项目当时处于“{current}”，不能变为“{label}”（可选：{options}）。")
        if _earlier(event, previous):
            raise StageError(f"{label}日期 {event.date_label} 早于{Stage.label_of(previous.stage)}日期 "
                             f"{previous.date_label}，阶段日期不能倒退。")


def _check_milestones(sequence: list[StageEvent], today: date) -> None:
    registrations = [e for e in sequence if e.stage == Stage.REGISTERED]
    if len(registrations) > 1:
        raise StageError("项目已登记注册，注册只记一次；如有错误请更正原记录。")
    for event in registrations:
        if event.effective_on > today:
            raise StageError(f"注册日期 {event.effective_on} 晚于今天，发生日期不能是将来的日期。")
        signed = next((e for e in sequence if e.stage == Stage.SIGNED), None)
        if signed is None:
            raise StageError("项目签约后才能登记注册。")
        if _earlier(event, signed):
            raise StageError(f"注册日期 {event.date_label} 早于签约日期 {signed.date_label}。")
        started = next((e for e in sequence if e.stage == Stage.STARTED), None)
        if started is not None and _earlier(started, event):
            raise StageError(f"注册日期 {event.date_label} 晚于开工日期 {started.date_label}，注册应在签约与开工之间。")


def _earlier(event: StageEvent, previous: StageEvent) -> bool:
    """Whether a move is dated before the one it follows; a date known only to its month is
    compared by month (签约 2016-02-15 may be followed by 开工 201602)."""
    if event.month_only or previous.month_only:
        return (event.effective_on.year, event.effective_on.month) < \
            (previous.effective_on.year, previous.effective_on.month)
    return event.effective_on < previous.effective_on


def derive(project: Project, events: list[StageEvent]) -> None:
    """Set the project's current stage and the date it first reached each stage from its events:
    with pending ones (the project page, the board) and approved ones only (the reports)."""
    sequence = counted(events)
    moves = moves_of(sequence)
    project.stage = moves[-1].stage if moves else Stage.NEGOTIATING
    project.stage_on = moves[-1].effective_on if moves else None
    for include_pending, prefix in ((True, ""), (False, "approved_")):
        standing = sequence if include_pending else counted(events, include_pending=False)
        for stage, column in DATE_COLUMNS.items():
            setattr(project, prefix + column, min((e.effective_on for e in standing if e.stage == stage), default=None))


def first_reached(stage: str, include_pending: bool, project=Project):
    """The Project column (of ``project``, an alias maybe) holding the date a project first reached ``stage``."""
    return getattr(project, ("" if include_pending else "approved_") + DATE_COLUMNS[stage])
