import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from app.auth.decorators import roles_required
from app.auth.scope import scoped
from app.dashboard import bp
from app.extensions import db
from app.models import Enterprise, Park, Project
from app.models.enums import Stage


@bp.route("/")
@roles_required()
def index():
    by_stage = dict(db.session.execute(
        scoped(sa.select(Project.stage, sa.func.count()).group_by(Project.stage), current_user, Project.unit_id)
    ).all())
    counts = {
        "enterprises": db.session.scalar(
            scoped(sa.select(sa.func.count()).select_from(Enterprise), current_user, Enterprise.unit_id)),
        "parks": db.session.scalar(scoped(sa.select(sa.func.count()).select_from(Park), current_user, Park.unit_id)),
    }
    stages = [(stage, by_stage.get(stage.value, 0)) for stage in Stage]
    return render_template("dashboard/index.html", counts=counts, stages=stages, park=current_user.park)
