import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.models import Park
from app.parks import bp
from app.web import paginate


@bp.route("/")
@roles_required()
def index():
    stmt = scoped(sa.select(Park).options(selectinload(Park.unit)).order_by(Park.name), current_user, Park.unit_id)
    return render_template("parks/index.html", pagination=paginate(stmt))


@bp.route("/<int:park_id>")
@roles_required()
def detail(park_id: int):
    park = get_scoped_or_404(Park, park_id, current_user)
    return render_template("parks/detail.html", park=park)
