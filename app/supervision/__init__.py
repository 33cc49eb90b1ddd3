from flask import Blueprint

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

from app.supervision import routes  # noqa: E402,F401
