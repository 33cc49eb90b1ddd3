import time

import pyotp
import pytest

from app.extensions import db
from app.models.enums import Role
from tests import helpers

pytestmark = pytest.mark.browser

# Draws a character on a canvas in the page's font; a missing CJK font draws the same box (tofu)
# as a code point no font has.
GLYPH_CHECK = """() => {
  const canvas = document.createElement('canvas'); canvas.width = 48; canvas.height = 48;
  const ctx = canvas.getContext('2d');
  ctx.font = '36px ' + getComputedStyle(document.body).fontFamily;
  const draw = (text) => { ctx.clearRect(0, 0, 48, 48); ctx.fillText(text, 4, 40);
                           return ctx.getImageData(0, 0, 48, 48).data.join(','); };
  return draw('驾') !== draw('\\u{10FFFD}') && draw('驾') !== draw('');
}"""


def make_user(app, world, role):
    with app.app_context():
        unit = world.a_zone_unit_id if role == Role.PARK_ADMIN else world.a_unit_id
        user = helpers.make_user(role, unit, display_name=f"测试{Role(role).label}")
        db.session.commit()
        return user.username


def log_in(page, username, password=helpers.PASSWORD):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


# 三员分立: the security admin and the auditor start on their own pages and see no business menu.
HOMES = {Role.SECURITY_ADMIN: ("**/security/users", "安全管理", ("用户角色与权限", "密码与会话策略")),
         Role.AUDITOR: ("**/audit/", "审计日志", ("审计日志",))}
BUSINESS = ("**/", "驾驶舱", ("驾驶舱", "企业库", "招商项目", "对接记录", "招商活动", "园区要素", "产业链", "报表"))


@pytest.mark.parametrize("role", list(Role))
def test_each_role_logs_in_sees_home_in_chinese_and_logs_out(app, world, page, role):
    username = make_user(app, world, role)
    log_in(page, username)
    home, heading, menu = HOMES.get(role, BUSINESS)
    page.wait_for_url(home)
    assert page.get_by_role("heading", name=heading).is_visible()
    assert f"测试{Role(role).label}" in page.get_by_test_id("whoami").inner_text()
    nav = page.locator("#main-nav")
    for label in menu:
        assert nav.get_by_role("link", name=label, exact=True).is_visible()
    assert (nav.get_by_role("link", name="企业库").count() == 1) is (menu is BUSINESS[2])
    assert (nav.get_by_role("link", name="系统管理").count() == 1) is (role == Role.ADMIN)
    assert page.evaluate(GLYPH_CHECK), "Chinese renders as boxes: is a CJK font installed?"
    page.get_by_role("button", name="退出").click()
    assert page.get_by_text("您已退出登录。").is_visible()
    assert page.elsewhere == []


def test_wrong_password_shows_the_message(app, world, page):
    username = make_user(app, world, Role.OFFICER)
    log_in(page, username, "not-the-password")
    assert page.get_by_text("用户名或密码错误。").is_visible()
    assert "/auth/login" in page.url


def test_an_officer_enrols_a_second_factor_and_logs_in_with_it(app, world, page):
    username = make_user(app, world, Role.OFFICER)
    log_in(page, username)
    page.get_by_role("link", name="双因素认证").click()
    qr = page.get_by_test_id("totp-qr").locator("svg")
    assert qr.is_visible() and qr.bounding_box()["width"] > 100  # drawn here, under the CSP
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("动态口令").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="绑定").click()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    page.get_by_role("button", name="退出").click()
    log_in(page, username)
    page.wait_for_url("**/auth/login/code")
    page.get_by_label("动态口令").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="驾驶舱").is_visible()
    assert page.elsewhere == []
