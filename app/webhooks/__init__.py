from flask import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")

from app.webhooks import routes, services  # noqa: E402,F401
