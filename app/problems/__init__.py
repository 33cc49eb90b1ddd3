from flask import Blueprint

bp = Blueprint("problems", __name__, url_prefix="/problems")

from app.problems import routes  # noqa: E402,F401
