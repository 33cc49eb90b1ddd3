from flask import Blueprint

bp = Blueprint("chains", __name__, url_prefix="/chains")

from app.chains import importer, routes  # noqa: E402,F401
