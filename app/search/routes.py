from datetime import date

from flask import render_template, request
from flask_login import current_user

from app.auth.decorators import roles_required
from app.search import bp, services


@bp.route("/")
@roles_required()
def index():
    q = request.args.get("q", "").strip()[:50]
    groups = services.everywhere(current_user, q, date.today()) if q else []
    return render_template("search/index.html", q=q, groups=groups)
