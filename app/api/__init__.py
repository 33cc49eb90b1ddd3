from flask import current_app
from flask_smorest import Blueprint

from app.extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="招商引资数据接口")
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(bp)

from app.api import changes, docs, imports, records, routes, schemas  # noqa: E402,F401
