import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.chains import bp
from app.extensions import db
from app.models import Chain
from app.models.enums import Segment


@bp.route("/")
@roles_required()
def index():
    stmt = scoped(sa.select(Chain).options(selectinload(Chain.unit), selectinload(Chain.nodes))
                  .order_by(Chain.cluster, Chain.name), current_user, Chain.unit_id)
    return render_template("chains/index.html", chains=list(db.session.scalars(stmt)))


@bp.route("/<int:chain_id>")
@roles_required()
def detail(chain_id: int):
    chain = get_scoped_or_404(Chain, chain_id, current_user)
    return render_template("chains/detail.html", chain=chain, segments=list(Segment))

