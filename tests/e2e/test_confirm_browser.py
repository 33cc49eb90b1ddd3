"""A destructive click asks first, in a dialog; without 确定 nothing changes."""
import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Contact
from app.models.enums import Role
from tests import helpers
from tests.e2e.test_login_browser import log_in

pytestmark = pytest.mark.browser


def test_deleting_a_contact_asks_first(app, world, page):
    with app.app_context():
        helpers.make_user(Role.MANAGER, world.a_unit_id, username="a_manager")
        db.session.commit()
    log_in(page, "a_manager")
    page.goto(f"/enterprises/{world.enterprise_id}")
    row = page.get_by_role("row").filter(has_text="王经理")
    dialog = page.locator("#confirm-modal")
    row.get_by_role("button", name="删除").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("确定删除联系人“王经理”？")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    with app.app_context():
        assert db.session.get(Contact, world.contact_id) is not None
    row.get_by_role("button", name="删除").click()
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_role("row").filter(has_text="王经理")).to_have_count(0)
    with app.app_context():
        assert db.session.get(Contact, world.contact_id) is None
    assert page.elsewhere == []
