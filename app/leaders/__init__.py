from flask import Blueprint

bp = Blueprint("leaders", __name__, url_prefix="/leaders")

from app.leaders import routes  # noqa: E402,F401
