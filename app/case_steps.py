"""The dated steps of a problem or a 督办单 (one case_step table for both), and the notification
each step sends: told once per user and step, never to the one who took it."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import CaseStep, User
from app.notify import notify


def add(owner_type: str, owner_id: int, action: str, by: User | None, today: date, text: str | None = None,
        unit_id: int | None = None, due_on: date | None = None) -> CaseStep:
    """A step of the record ``owner_type`` ("problem" or "supervision") ``owner_id``; ``by`` None: the clock."""
    step = CaseStep(owner_type=owner_type, owner_id=owner_id, action=action, text=text, unit_id=unit_id,
                    due_on=due_on, happened_on=today, by_id=by.id if by else None)
    db.session.add(step)
    db.session.flush()
    return step


def tell(user_ids, kind: str, text: str, url: str, step: CaseStep, by: User | None = None) -> None:
    notify([u for u in user_ids if u and (by is None or u != by.id)], kind, text, url, f"case-step:{step.id}")


def of(owner_type: str, owner_id: int) -> list[CaseStep]:
    """A record's steps in the order they were taken, with who took them and the unit each names."""
    return list(db.session.scalars(sa.select(CaseStep).where(CaseStep.owner_type == owner_type,
                                                             CaseStep.owner_id == owner_id)
                                   .options(selectinload(CaseStep.by), selectinload(CaseStep.unit))
                                   .order_by(CaseStep.at, CaseStep.id)))
