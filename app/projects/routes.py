import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.models import Project
from app.projects import bp
from app.web import paginate


@bp.route("/")
@roles_required()
def index():
    stmt = scoped(sa.select(Project).options(selectinload(Project.unit), selectinload(Project.investor),
                                             selectinload(Project.park))
                  .order_by(Project.id.desc()), current_user, Project.unit_id)
    return render_template("projects/index.html", pagination=paginate(stmt))


@bp.route("/<int:project_id>")
@roles_required()
def detail(project_id: int):
    project = get_scoped_or_404(Project, project_id, current_user)
    return render_template("projects/detail.html", project=project)
