from datetime import date

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import aliased

from app.auth.decorators import roles_required
from app.auth.scope import scoped
from app.extensions import db
from app.models import Project, StageEvent
from app.models.enums import ReviewStatus, Stage
from app.reports import bp


def effective_stage_events() -> sa.Select:
    """Approved stage events that no later correction has superseded."""
    correction = aliased(StageEvent)
    return sa.select(StageEvent).where(
        StageEvent.review_status == ReviewStatus.APPROVED,
        ~sa.exists().where(correction.supersedes_id == StageEvent.id),
    )


@bp.route("/")
@roles_required()
def index():
    year = date.today().year
    events = effective_stage_events().subquery()
    stmt = (sa.select(events.c.stage, sa.extract("month", events.c.effective_on), sa.func.count())
            .join(Project, Project.id == events.c.project_id)
            .where(events.c.effective_on.between(date(year, 1, 1), date(year, 12, 31)))
            .group_by(events.c.stage, sa.extract("month", events.c.effective_on)))
    counts = {(stage, int(month)): n for stage, month, n in db.session.execute(
        scoped(stmt, current_user, Project.unit_id))}
    stages = [Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.PRODUCING]
    totals = {stage.value: sum(n for (s, _m), n in counts.items() if s == stage) for stage in stages}
    return render_template("reports/index.html", year=year, stages=stages, counts=counts, totals=totals)
