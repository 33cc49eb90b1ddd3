from flask import Blueprint

bp = Blueprint("parks", __name__, url_prefix="/parks")

from app.parks import routes  # noqa: E402,F401
