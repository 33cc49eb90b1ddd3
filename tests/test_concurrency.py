"""No lost edit and no 500 on a race: every edit form carries its record's version; a form without
it is refused (400), one filled from an older version gets 409 naming, by their labels, the fields
someone else changed and who; two saves of one record at the same moment: one wins, the rest 409."""
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from http.cookiejar import CookieJar

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.extensions import db
from app.models import (
    CapacityItem,
    Chain,
    ChainNode,
    Contact,
    Enterprise,
    Event,
    FundEntry,
    OrgUnit,
    Park,
    Project,
    StageEvent,
    User,
)
from app.models.labels import CHOICES, FIELDS, field_label
from tests import helpers

# name: (role, unit, url, model, id key, a valid change, the label its field is known by)
EDITS = {
    "unit": ("admin", "root", "/admin/units/{a_unit_id}/edit", OrgUnit, "a_unit_id",
             lambda w: {"code": "A", "name": "甲市（改）", "kind": "city", "parent_id": w.root_unit_id}, "单位名称"),
    "user": ("admin", "root", "/admin/users/{a_user_id}/edit", User, "a_user_id",
             lambda w: {"display_name": "改名", "role": "officer", "unit_id": w.a_unit_id, "park_id": ""}, "姓名"),
    "enterprise": ("officer", "a", "/enterprises/{enterprise_id}/edit", Enterprise, "enterprise_id",
                   lambda w: {"name": "甲市示例企业（改）有限公司", "status": "target", "unit_id": w.a_unit_id,
                              "officer_id": ""}, "企业名称"),
    "contact": ("officer", "a", "/enterprises/{enterprise_id}/contacts/{contact_id}/edit", Contact, "contact_id",
                lambda w: {"name": "王经理", "title": "总经理", "mobile": "13800138000"}, "职务"),
    "event": ("officer", "a", "/events/{event_id}/edit", Event, "event_id",
              lambda w: {"name": "测试推介会（改）", "kind": "promotion", "starts_on": "2026-03-02",
                         "unit_id": w.a_unit_id}, "活动名称"),
    "park": ("admin", "root", "/parks/{park_id}/edit", Park, "park_id",
             lambda w: {"level": "provincial", "city": "甲市"}, "级别"),
    "capacity item": ("admin", "root", "/parks/{park_id}/items/{capacity_item_id}/edit", CapacityItem,
                      "capacity_item_id", lambda w: {"kind": "land", "total": "90", "unit": "亩",
                                                     "as_of": str(date.today())}, "总量"),
    "fund entry": ("officer", "a", "/projects/{project_id}/funds/{fund_id}/edit", FundEntry, "fund_id",
                   lambda w: {"month": "2026-03", "origin": "local", "amount_wan": "600"}, "金额（万元）"),
    "project": ("officer", "a", "/projects/{project_id}/edit", Project, "project_id",
                lambda w: {"name": "甲园区示例项目", "unit_id": w.a_zone_unit_id, "channel": "team",
                           "problems": "用地指标未落实"}, "存在问题"),
    "chain": ("manager", "a", "/chains/{chain_id}/edit", Chain, "chain_id",
              lambda w: {"name": "测试产业链", "cluster": "测试集群", "unit_id": w.a_unit_id, "leader": "市长"}, "链长"),
    "chain node": ("manager", "a", "/chains/{chain_id}/nodes/{node_id}/edit", ChainNode, "node_id",
                   lambda w: {"name": "原料", "segment": "upstream", "gap": "extend", "parent_id": ""}, "短板标识"),
}


def state(app, model, ident):
    with app.app_context():
        record = db.session.get(model, ident)
        return record.version, {a.key: getattr(record, a.key) for a in sa.inspect(model).column_attrs}


@pytest.mark.parametrize("name", EDITS)
def test_an_edit_needs_the_version_it_was_filled_from(app, client, world, login, name):
    role, unit, url, model, key, change, label = EDITS[name]
    url = url.format(**vars(world))
    ident = getattr(world, key)
    login(role, unit)
    seen, before = state(app, model, ident)
    assert f'name="version" type="hidden" value="{seen}"' in client.get(url).get_data(as_text=True)

    missing = client.post(url, data=change(world))
    assert missing.status_code == 400 and "缺少记录的版本信息" in missing.get_data(as_text=True)
    assert state(app, model, ident) == (seen, before)

    colleague = app.test_client()
    with app.app_context():
        saver = db.session.get(User, login(role, unit, client=colleague).id).display_name
    assert colleague.post(url, data={**change(world), "version": seen}).status_code == 302
    now, after = state(app, model, ident)
    assert now > seen and after != before

    stale = client.post(url, data={**change(world), "version": seen})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409, page
    assert f"（{label}" in page or f"、{label}" in page, page
    assert f"被{saver}修改" in page and "您的修改未保存" in page
    assert state(app, model, ident) == (now, after)


def test_a_double_click_acts_once(app, client, world, login, version):
    login("officer", "a")
    toggle = f"/enterprises/{world.enterprise_id}/active"
    seen = version(Enterprise, world.enterprise_id)
    assert client.post(toggle, data={"version": seen}).status_code == 302
    assert client.post(toggle, data={"version": seen}).status_code == 409
    with app.app_context():
        assert db.session.get(Enterprise, world.enterprise_id).is_active is False

    move = f"/projects/{world.project_id}/move"
    form = {"stage": "started", "effective_on": str(date.today()), "version": helpers.form_version(client, move)}
    assert client.post(move, data=form).status_code == 302
    assert client.post(move, data=form).status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StageEvent).where(
            StageEvent.project_id == world.project_id, StageEvent.stage == "started")) == 1


def test_every_column_of_an_audited_record_has_a_label():
    from app.models import Audited

    for mapper in db.Model.registry.mappers:
        if issubclass(mapper.class_, Audited):
            name = mapper.class_.__name__
            unlabelled = [a.key for a in mapper.column_attrs if field_label(name, a.key) == a.key
                          and a.key not in ("version", "created_at", "updated_at", "session_version",
                                            "last_login_at", "normalized_name", "name_tokens")]
            assert not unlabelled, (name, unlabelled)
    assert set(FIELDS) <= {m.class_.__name__ for m in db.Model.registry.mappers}
    columns = {(m.class_.__name__, a.key) for m in db.Model.registry.mappers for a in m.column_attrs}
    assert set(CHOICES) <= columns  # each coded column whose values the log shows by their labels


def test_the_log_shows_coded_values_by_their_labels():
    from app.audit.routes import change_lines
    from app.models import AuditLog

    entry = AuditLog(record_type="Target", changes={"indicator": ["events", "funds_wan"], "value": ["3.00", None]})
    assert change_lines(entry) == ["指标: 招商活动场次 → 到位资金(万元)", "目标值: 3.00 → ∅"]


class Browser:
    """A logged-in HTTP client of its own (cookies kept), for a live server."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()),
                                                  NoRedirect())
        assert self.post("/auth/login", {"username": username, "password": helpers.PASSWORD}) == 302

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.parametrize("what", ["edit", "stage move"])
def test_ten_saves_of_one_record_at_once_one_wins_the_rest_409(app, world, what):
    with app.app_context():
        for i in range(10):
            helpers.make_user("officer", world.a_unit_id, username=f"racer{i}")
        db.session.commit()
        seen = db.session.get(Project, world.project_id).version
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        browsers = [Browser(base, f"racer{i}") for i in range(10)]
        if what == "edit":
            path = f"/projects/{world.project_id}/edit"
            forms = [{"name": "甲园区示例项目", "unit_id": world.a_zone_unit_id, "channel": "team",
                      "problems": f"第 {i} 位的意见", "version": seen} for i in range(10)]
        else:
            path = f"/projects/{world.project_id}/move"
            forms = [{"stage": "started", "effective_on": str(date.today()), "note": f"第 {i} 位",
                      "version": seen} for i in range(10)]
        start, codes = threading.Barrier(10), [None] * 10

        def save(i):
            start.wait()
            codes[i] = browsers[i].post(path, forms[i])

        threads = [threading.Thread(target=save, args=(i,)) for i in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.shutdown()
    assert sorted(codes) == [302] + [409] * 9, codes
    with app.app_context():
        project = db.session.get(Project, world.project_id)
        assert project.version > seen
        moves = db.session.scalar(sa.select(sa.func.count()).select_from(StageEvent).where(
            StageEvent.project_id == world.project_id, StageEvent.stage == "started"))
        assert moves == (1 if what == "stage move" else 0)
