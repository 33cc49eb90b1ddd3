from flask import Blueprint

bp = Blueprint("parks", __name__, url_prefix="/parks")

from app.parks import importer, routes  # noqa: E402,F401
