import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.activities import bp
from app.auth.decorators import roles_required
from app.auth.scope import scoped
from app.models import Activity
from app.web import paginate


@bp.route("/")
@roles_required()
def index():
    stmt = scoped(sa.select(Activity).options(selectinload(Activity.unit), selectinload(Activity.enterprises))
                  .order_by(Activity.occurred_on.desc(), Activity.id.desc()), current_user, Activity.unit_id)
    return render_template("activities/index.html", pagination=paginate(stmt))
