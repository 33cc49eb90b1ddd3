"""Browser tests: Playwright drives Debian's Chromium against the app served on an ephemeral port.

Chromium is required in CI; elsewhere the tests are skipped when /usr/bin/chromium is missing.
A failing test leaves a screenshot in test-artifacts/.
"""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs it")
        pytest.skip("Chromium is not installed here (apt-get install chromium fonts-wqy-microhei)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def app(app, migrated, tmp_path):
    """The same database as the other tests, with CSRF on and the task queue worked by the web
    process's own threads, as in production's embedded default."""
    served = make_app(migrated, WTF_CSRF_ENABLED=True, QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite'}",
                      QUEUE_WORKERS=1)
    yield served
    if "consumer" in served.extensions:
        served.extensions["consumer"].stop(graceful=True)


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("page")
    if report.when == "call" and report.failed and page is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{item.name}.png"), full_page=True)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    elsewhere = []
    page.on("request", lambda r: None if r.url.startswith((live_server, "data:")) else elsewhere.append(r.url))
    page.elsewhere = elsewhere
    yield page
    context.close()
