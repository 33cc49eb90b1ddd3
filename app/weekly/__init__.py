from flask import Blueprint

bp = Blueprint("weekly", __name__, url_prefix="/weekly")

from app.weekly import routes  # noqa: E402,F401
