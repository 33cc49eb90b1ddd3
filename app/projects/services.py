"""Project rules. First cut: recording a dated stage move; the full pipeline comes later."""
from datetime import date

from app.extensions import db
from app.models import Project, StageEvent, User, utcnow
from app.models.enums import ReviewStatus


def record_stage(project: Project, stage: str, effective_on: date, by: User | None, note: str | None = None,
                 approved: bool = False) -> StageEvent:
    """Append a stage event and bring the project's current stage in step with it."""
    event = StageEvent(project=project, stage=stage, effective_on=effective_on, note=note,
                       recorded_by_id=by.id if by else None)
    if approved:
        event.review_status = ReviewStatus.APPROVED
        event.reviewed_by_id = by.id if by else None
        event.reviewed_at = utcnow()
    project.stage = stage
    db.session.add(event)
    db.session.flush()
    return event
