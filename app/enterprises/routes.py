import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.enterprises import bp
from app.models import Enterprise
from app.web import paginate


@bp.route("/")
@roles_required()
def index():
    stmt = scoped(sa.select(Enterprise).options(selectinload(Enterprise.unit), selectinload(Enterprise.tags))
                  .order_by(Enterprise.id.desc()), current_user, Enterprise.unit_id)
    return render_template("enterprises/index.html", pagination=paginate(stmt))


@bp.route("/<int:enterprise_id>")
@roles_required()
def detail(enterprise_id: int):
    enterprise = get_scoped_or_404(Enterprise, enterprise_id, current_user)
    return render_template("enterprises/detail.html", enterprise=enterprise)
