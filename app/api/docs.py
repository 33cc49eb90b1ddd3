"""The API's description: /api/v1/openapi.json (flask-smorest builds it from the code; a logged-in
user or a token reads it) and /api/docs, a vendored Swagger UI that reads it (no CDN, no inline
script)."""
from flask import Blueprint, render_template, url_for

from app.auth.decorators import any_role, public

bp = Blueprint("api_docs", __name__)


@bp.route("/api/docs")
@public  # the page holds no data; the description it loads asks for a login or a token
def page():
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))


def init_app(app) -> None:
    """Register the page, and put the description itself behind a login (any role) or a token."""
    app.register_blueprint(bp)
    endpoint = "api-docs.openapi_json"
    app.view_functions[endpoint] = any_role(app.view_functions[endpoint])
