"""JSON API for the upper level's platform; the same scope and services as the pages."""
from flask_login import current_user

from app.admin.services import units_in_scope
from app.api import bp
from app.auth.decorators import roles_required


@bp.route("/me")
@roles_required()
def me():
    return {"username": current_user.username, "name": current_user.display_name, "role": current_user.role,
            "unit": {"code": current_user.unit.code, "name": current_user.unit.name}}


@bp.route("/units")
@roles_required()
def units():
    return {"units": [{"id": u.id, "code": u.code, "name": u.name, "kind": u.kind, "parent_id": u.parent_id}
                      for u in units_in_scope(current_user)]}
