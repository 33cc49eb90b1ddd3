"""The API's docs page in a browser: the vendored Swagger UI renders the description under the
app's CSP, fetching nothing from elsewhere."""
import pytest
from playwright.sync_api import expect

from tests.e2e.test_login_browser import log_in

pytestmark = pytest.mark.browser


def test_the_docs_page_shows_the_operations(world, page):
    log_in(page, "a_officer")
    page.goto("/api/docs")
    expect(page.get_by_text("招商引资项目管理平台 API")).to_be_visible()
    expect(page.get_by_text("/api/v1/reports/monthly")).to_be_visible()
    assert page.elsewhere == []
