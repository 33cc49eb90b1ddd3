"""Control characters and bidirectional overrides are refused in one place (app/hygiene.py): every
query parameter and form field of every route the permission matrix walks gets a Chinese 400 and
nothing is written — on SQLite, which would store them, and on PostgreSQL, which refused NUL with
a 500. And what the app writes of a name is escaped."""
import pytest
import sqlalchemy as sa
from flask import request
from wtforms import SelectField, widgets

from app.extensions import db
from app.forms import Form, optional_int
from app.models import AuditLog, LoginAttempt
from tests.test_permissions import method_of, rules, url_for_rule

BAD = ["\x00", "\x07", "\x1b", "\u202e"]


def _written(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)),
                db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)))


@pytest.mark.parametrize("char", BAD)
def test_every_route_refuses_control_characters(app, client, world, login, char):
    login("admin")
    before, wrong = _written(app), []
    for rule in rules(app):
        url, method = url_for_rule(rule, world), method_of(rule)
        if method == "GET":
            response = client.get(url, query_string={"q": f"甲{char}", "unit": char, "page": "1"})
        else:
            response = client.open(url, method=method, data={"name": f"名称{char}", "notes": "多行\n文字"})
        text = response.json["detail"] if response.is_json else response.get_data(as_text=True)
        if response.status_code != 400 or "控制字符" not in text:
            wrong.append((method, rule.rule, response.status_code))
    assert wrong == []
    assert _written(app) == before


def test_login_name_and_next_with_control_characters(app, client, world):
    before = _written(app)
    response = client.post("/auth/login", data={"username": "officer\x00", "password": "x"})
    assert response.status_code == 400 and "U+0000" in response.get_data(as_text=True)
    assert client.get("/auth/login?next=/%0d%0a//evil.com").status_code == 400
    assert _written(app) == before


def test_api_json_and_message(app, client, world, login):
    login("manager")
    response = client.get("/api/v1/reports/monthly?unit=%00")
    assert response.status_code == 400 and "控制字符" in response.json["detail"]


def test_tab_and_newline_are_text_in_forms(app, client, world, login):
    login("officer", unit="a")
    response = client.post(f"/enterprises/{world.enterprise_id}/edit", data={"name": "甲\t乙", "version": 1})
    assert response.status_code != 400


def test_a_choice_not_offered_is_refused_in_chinese(app, client, world, login):
    login("admin")
    page = client.post(f"/parks/{world.park_id}/edit", data={"level": "provincial", "chain_ids": ["999998", "999999"],
                                                            "version": 1}).get_data(as_text=True)
    assert "&#39;999998&#39;, &#39;999999&#39; 不是有效的选择。" in page and "valid choice" not in page


def test_a_select_writes_its_options_as_wtforms_does(app):
    """Selects render their options in one step (app/forms.py): the same markup as WTForms',
    names escaped, the chosen one selected."""
    class Filters(Form):
        unit_id = SelectField("单位", coerce=optional_int)

    with app.test_request_context("/?unit_id=2"):
        form = Filters(request.args, meta={"csrf": False})  # as a list reads its filters
        form.unit_id.choices = [("", "全部"), (1, '<script>"甲" & \'乙\'</script>'), (2, "第二"),
                                (3, "带属性", {"disabled": True})]
        form.validate()
        ours = str(form.unit_id())
        theirs = str(widgets.Select()(form.unit_id))  # the same entities, written differently
        assert ours.replace("&quot;", "&#34;").replace("&#x27;", "&#39;") == theirs
        assert '<option selected value="2">第二</option>' in ours and "<script>" not in ours


def test_a_large_select_kept_as_rendered_follows_its_value_and_choices(app):
    """A large select (a country's units) is rendered once for its choices and value; another
    value or a renamed choice renders anew."""

    class Filters(Form):
        unit_id = SelectField("单位", coerce=optional_int)

    units = [("", "全部")] + [(i, f"第{i}单位&") for i in range(1, 500)]

    def rendered(query: str, choices: list) -> str:
        with app.test_request_context(query):
            form = Filters(request.args, meta={"csrf": False})
            form.unit_id.choices = list(choices)
            form.validate()
            ours = str(form.unit_id(class_="form-select"))
            theirs = str(widgets.Select()(form.unit_id, class_="form-select"))
            assert ours.replace("&quot;", "&#34;").replace("&#x27;", "&#39;") == theirs
            return ours

    first = rendered("/?unit_id=7", units)
    assert rendered("/?unit_id=7", units) == first and '<option selected value="7">第7单位&amp;</option>' in first
    assert '<option selected value="8">' in rendered("/?unit_id=8", units)
    renamed = units[:7] + [(7, "改名单位")] + units[8:]
    assert '<option selected value="7">改名单位</option>' in rendered("/?unit_id=7", renamed)
