import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.auth.decorators import roles_required
from app.auth.scope import scoped
from app.events import bp
from app.models import Event
from app.web import paginate


@bp.route("/")
@roles_required()
def index():
    stmt = scoped(sa.select(Event).options(selectinload(Event.unit))
                  .order_by(Event.starts_on.desc(), Event.id.desc()), current_user, Event.unit_id)
    return render_template("events/index.html", pagination=paginate(stmt))
