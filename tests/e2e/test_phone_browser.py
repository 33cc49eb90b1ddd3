"""The officer's paths at a phone's width (390 × 844) and a laptop's (1366 × 768): no page wider
than the screen, filters behind a button, lists as cards; printing leaves navigation and forms out."""
import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models.enums import Role
from tests import helpers
from tests.e2e.test_login_browser import log_in

pytestmark = pytest.mark.browser

PATHS = ["/agenda/", "/search/?q=甲", "/enterprises/", "/enterprises/{enterprise_id}", "/projects/", "/projects/{project_id}",
         "/projects/{project_id}/move", "/activities/", "/activities/new?enterprise_id={enterprise_id}", "/agenda/calendar",
         "/projects/warnings", "/events/"]


@pytest.mark.parametrize("width, height", [(390, 844), (1366, 768)])
def test_the_officers_pages_fit_the_screen(app, world, page, width, height):
    with app.app_context():
        helpers.make_user(Role.OFFICER, world.a_unit_id, username="phone_officer")
        db.session.commit()
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, "phone_officer")
    too_wide = []
    for path in PATHS:
        page.goto(path.format(enterprise_id=world.enterprise_id, project_id=world.project_id))
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            too_wide.append((path, scroll))
    assert too_wide == []
    if width < 576:
        page.goto("/enterprises/")
        assert not page.locator("#filters").is_visible()  # folded behind a button
        page.get_by_role("button", name="筛选", exact=True).click()
        expect(page.locator("#filters")).to_be_visible()
        assert page.locator("table.table-cards thead").is_hidden()  # rows as cards


def test_printing_a_project_leaves_navigation_and_forms_out(app, world, page):
    with app.app_context():
        helpers.make_user(Role.MANAGER, world.a_unit_id, username="print_manager")
        db.session.commit()
    log_in(page, "print_manager")
    page.goto(f"/projects/{world.project_id}")
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert all(not form.is_visible() for form in page.locator("main form").all())
    assert page.get_by_text("甲园区示例项目").first.is_visible()
