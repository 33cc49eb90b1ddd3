"""The API described: OpenAPI 3.1 built from the code, every field described in Chinese, read
with a login or a token; the docs page is the vendored Swagger UI."""
import re
from datetime import date

from app.auth import tokens
from app.extensions import db
from app.models import User

CJK = re.compile(r"[\u4e00-\u9fff]")


def properties(schema_objects):
    for name, schema in schema_objects.items():
        for field, spec in schema.get("properties", {}).items():
            yield name, field, spec


def test_the_description_is_openapi_31_with_every_field_described_in_chinese(app, client, world):
    assert client.get("/api/v1/openapi.json").status_code == 401
    with app.app_context():
        user = db.session.get(User, world.a_user_id)
        _, secret = tokens.issue(user, user, "文档", 1, False, date.today())
        db.session.commit()
    spec = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {secret}"}).json
    assert spec["openapi"] == "3.1.0" and spec["info"]["title"] == "招商引资项目管理平台 API"
    assert {"/api/v1/me", "/api/v1/units", "/api/v1/reports/monthly"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    undescribed = [(name, field) for name, field, prop in properties(spec["components"]["schemas"])
                   if not CJK.search(prop.get("description", ""))]
    assert undescribed == []
    month = next(p for p in spec["paths"]["/api/v1/reports/monthly"]["get"]["parameters"] if p["name"] == "month")
    assert CJK.search(month["schema"].get("description", "") + month.get("description", ""))


def test_the_docs_page_loads_only_the_apps_own_files(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert 'data-spec-url="/api/v1/openapi.json"' in page
    for asset in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/vendor/swagger-ui/swagger-ui.css",
                  "/static/js/api-docs.js"):
        assert asset in page and client.get(asset).status_code == 200
    assert "<script>" not in page  # no inline script: the CSP allows none
