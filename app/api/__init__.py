from flask_smorest import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="招商引资数据接口")

from app.api import changes, docs, records, routes, schemas  # noqa: E402,F401
