"""Errors answer in Chinese: HTML pages, JSON under /api/; bad ids and page numbers are 404, never 500."""
import re
from pathlib import Path

import pytest

from tests.conftest import make_app


def test_404_page_is_chinese(client, login):
    login("officer")
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "页面或记录不存在" in response.get_data(as_text=True)


def test_api_errors_are_json(client, login):
    assert client.get("/api/v1/me").json == {"type": "about:blank", "title": "未登录或令牌无效", "status": 401, "detail": "请先登录。"}
    login("officer")
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404 and response.json["detail"].startswith("页面或记录不存在")


@pytest.mark.parametrize("url", ["/projects/abc", "/projects/99999999999999999999", "/enterprises/-1",
                                 "/parks/0", "/projects/?page=abc", "/projects/?page=0", "/projects/?page=-3",
                                 "/enterprises/?page=1e9"])
def test_malformed_ids_and_pages_are_404(client, login, url):
    login("admin")
    assert client.get(url).status_code == 404


def test_500_is_a_chinese_page_and_json_under_api(migrated):
    app = make_app(migrated, TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("boom")

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500 and "服务器内部错误" in response.get_data(as_text=True)
    assert client.get("/api/v1/boom").json["status"] == 500


def test_403_page(client, login):
    login("officer")
    response = client.get("/admin/units")
    assert response.status_code == 403 and "您没有权限访问此页面" in response.get_data(as_text=True)


def test_security_headers(client):
    headers = client.get("/auth/login").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS
    assert "max-age=" in client.get("/auth/login", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_no_template_has_an_inline_script_or_style():
    templates = Path(__file__).resolve().parent.parent / "app" / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=", text), path


def test_cookies_are_secure_by_default_outside_debug_and_tests(migrated):
    secure = make_app(migrated, TESTING=False)
    assert (secure.config["SESSION_COOKIE_SECURE"], secure.config["REMEMBER_COOKIE_SECURE"]) == (True, True)
    plain = make_app(migrated, TESTING=False, SECURE_COOKIES=False)  # CRM_SECURE_COOKIES=false: HTTP on an intranet
    assert plain.config["SESSION_COOKIE_SECURE"] is False
