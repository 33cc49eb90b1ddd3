from flask import Blueprint

bp = Blueprint("assessment", __name__, url_prefix="/assessment")

from app.assessment import routes  # noqa: E402,F401
