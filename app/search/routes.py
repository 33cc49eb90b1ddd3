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


@bp.route("/enterprises.json")
@roles_required()
def enterprises():
    """A picker's type-ahead: the first enterprises in scope whose name (or pinyin) matches ?q=."""
    q = request.args.get("q", "").strip()[:50]
    found = services.enterprise_choices(current_user, q) if q else []
    return {"results": [{"id": e.id, "name": e.name, "unit": e.unit.name} for e in found]}


@bp.route("/projects.json")
@roles_required()
def projects():
    """A picker's type-ahead over the projects in scope whose name matches ?q=."""
    q = request.args.get("q", "").strip()[:50]
    found = services.project_choices(current_user, q, date.today()) if q else []
    return {"results": [{"id": p.id, "name": f"#{p.id} {p.name}", "unit": p.unit.name} for p in found]}
