from flask import Blueprint

bp = Blueprint("chains", __name__, url_prefix="/chains")

from app.chains import routes  # noqa: E402,F401
