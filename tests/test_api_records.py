"""The API's records: lists are the pages' searches read by cursor (every row once, in the page's
order, whatever the sort); changes since a moment; contacts masked; writes go through the pages'
forms and services (same record, same audit rows) and carry the version they are based on."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.auth import tokens
from app.extensions import db
from app.models import Activity, AuditLog, Project, StageEvent, User
from app.models.enums import Role
from app.projects import services as project_services
from tests import helpers


def api_client(app, user_id: int, write: bool = True):
    with app.app_context():
        user = db.session.get(User, user_id)
        _, secret = tokens.issue(user, user, "接口测试", 30, write, date.today())
        db.session.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.fixture
def manager(app, world):
    with app.app_context():
        user = helpers.make_user(Role.MANAGER, world.a_unit_id)
        db.session.commit()
        return user.id


def walk(client, url: str) -> list[int]:
    ids, cursor = [], None
    while True:
        page = client.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert page.status_code == 200, page.json
        ids += [item["id"] for item in page.json["items"]]
        cursor = page.json["next_cursor"]
        if cursor is None:
            return ids


def test_cursor_pages_give_every_row_once_in_the_pages_order_for_every_sort(app, world, manager):
    with app.app_context():
        for i in range(23):  # ties in every sort column, and empty amounts
            helpers.make_project(world.a_zone_unit_id, f"项目{i % 5}", agreed_investment_wan=None if i % 3 else Decimal(i % 4),
                                 stage_on=date(2026, 1, 1 + i % 4) if i % 7 else None)
        db.session.commit()
    client = api_client(app, manager)
    for sort in ("stage_on", "agreed_investment_wan", "name", "created_at", "updated_at"):
        for desc in (True, False):
            with app.test_request_context():
                user = db.session.get(User, manager)
                f = {"sort": sort, "desc": "1" if desc else ""}
                expected = list(db.session.scalars(project_services.search(user, f, date.today()).with_only_columns(Project.id)))
            got = walk(client, f"/api/v1/projects?limit=4&sort={sort}&desc={str(desc).lower()}")
            assert got == expected, (sort, desc)
            assert len(got) == 24


def test_updated_since_lists_only_what_changed_since_then(app, world, manager):
    with app.app_context():
        old = datetime(2026, 1, 1, tzinfo=UTC)
        db.session.execute(sa.update(Project).values(updated_at=old))
        fresh = helpers.make_project(world.a_zone_unit_id, "新近修改的项目")
        db.session.commit()
        fresh_id = fresh.id
    client = api_client(app, manager)
    changed = client.get("/api/v1/projects?updated_since=2026-06-01&sort=updated_at&desc=false")
    assert [p["id"] for p in changed.json["items"]] == [fresh_id]
    # a moment without an offset is Beijing time: 08:00 there is midnight UTC
    everything = client.get("/api/v1/projects?updated_since=2026-01-01T08:00:00")
    assert len(everything.json["items"]) == 2
    assert client.get("/api/v1/projects?updated_since=2026-01-01T08:00:01").json["items"] == [changed.json["items"][0]]


def test_bad_queries_are_refused_with_the_field_named(app, world, manager):
    client = api_client(app, manager)
    first = client.get("/api/v1/projects?limit=1&sort=name").json
    for url, field in [("/api/v1/projects?cursor=garbage", "cursor"),
                       (f"/api/v1/projects?sort=stage_on&cursor={first['next_cursor'] or 'x'}", "cursor"),
                       ("/api/v1/projects?limit=0", "limit"), ("/api/v1/projects?stage=nonsense", "stage"),
                       ("/api/v1/projects?reached_from=2026-13-01", "reached_from"),
                       ("/api/v1/projects?updated_since=yesterday", "updated_since")]:
        response = client.get(url)
        assert response.status_code == 422 and response.mimetype == "application/problem+json", url
        assert field in response.json["errors"]["query"], (url, response.json)


def test_records_are_the_users_scope_and_contacts_are_masked(app, world, manager):
    client = api_client(app, manager)
    enterprise = client.get(f"/api/v1/enterprises/{world.enterprise_id}")
    assert enterprise.headers["ETag"] == '"1"'
    assert enterprise.json["contacts"][0]["mobile"] == "138****8000"
    project = client.get(f"/api/v1/projects/{world.project_id}").json
    assert [e["stage"] for e in project["stage_events"]] == ["negotiating", "signed"]
    assert project["funds"][0]["amount_wan"] == "500.00" and project["project"]["investor"]["id"] == world.enterprise_id
    with app.app_context():
        other = helpers.make_user(Role.MANAGER, world.b_unit_id)
        db.session.commit()
        other_id = other.id
    outsider = api_client(app, other_id)
    assert outsider.get(f"/api/v1/projects/{world.project_id}").status_code == 404
    assert outsider.get("/api/v1/projects").json["items"] == []
    listed = client.get(f"/api/v1/attachments/{world.attachment_id}")
    assert listed.status_code == 200 and listed.data.startswith(b"\x89PNG")


VISIT = {"kind": "visit", "occurred_on": "2026-03-05", "participants": "张科长", "summary": "介绍园区要素保障",
         "outcome": "同意考察", "next_step": "安排实地考察", "led_by_top_leader": True}


def _without_moment(row: AuditLog) -> tuple:
    return row.user_id, row.action, row.record_type, row.record_label, {k: v for k, v in row.changes.items() if k != "id"}


def test_a_visit_written_through_the_api_is_the_one_the_page_writes(app, world, client, login):
    user = login(Role.OFFICER, unit="a")
    page = client.post("/activities/new", data={**VISIT, "led_by_top_leader": "y", "unit_id": world.a_unit_id,
                                                "enterprise_ids": world.enterprise_id})
    assert page.status_code == 302
    api = api_client(app, user.id)
    made = api.post("/api/v1/activities", json={**VISIT, "unit_id": world.a_unit_id, "enterprise_ids": [world.enterprise_id]})
    assert made.status_code == 201 and made.headers["Location"] == f"/api/v1/activities/{made.json['id']}"
    with app.app_context():
        by_page, by_api = db.session.scalars(sa.select(Activity).where(Activity.recorded_by_id == user.id)
                                             .order_by(Activity.id)).all()
        columns = [c.key for c in Activity.__table__.columns if c.key not in ("id", "created_at", "updated_at")]
        assert [getattr(by_page, c) for c in columns] == [getattr(by_api, c) for c in columns]
        assert [e.id for e in by_page.enterprises] == [e.id for e in by_api.enterprises]
        trails = [db.session.scalars(sa.select(AuditLog).where(AuditLog.record_type == "Activity", AuditLog.record_id == a.id)
                                     .order_by(AuditLog.id)).all() for a in (by_page, by_api)]
        assert [_without_moment(r) for r in trails[0]] == [_without_moment(r) for r in trails[1]]


def test_a_change_carries_its_version_and_a_refused_one_writes_nothing(app, world, login, client):
    user = login(Role.OFFICER, unit="a")
    api = api_client(app, user.id)
    visit = api.post("/api/v1/activities", json={**VISIT, "unit_id": world.a_unit_id,
                                                 "enterprise_ids": [world.enterprise_id]}).json
    url = f"/api/v1/activities/{visit['id']}"
    etag = api.get(url).headers["ETag"]
    assert api.patch(url, json={"outcome": "已签约意向"}).status_code == 428
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    refused = api.patch(url, json={"occurred_on": tomorrow}, headers={"If-Match": etag})
    assert refused.status_code == 422 and refused.json["detail"] == "对接日期不能晚于今天。"
    changed = api.patch(url, json={"outcome": "已签约意向"}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.json["outcome"] == "已签约意向"
    assert changed.json["summary"] == VISIT["summary"] and changed.json["led_by_top_leader"] is True  # the rest stays
    stale = api.patch(url, json={"outcome": "覆盖"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and "修改（对接结果）" in stale.json["detail"]
    with app.app_context():
        assert db.session.get(Activity, visit["id"]).outcome == "已签约意向"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
            AuditLog.record_type == "Activity", AuditLog.record_id == visit["id"])) == 2
    assert api.delete(url, headers={"If-Match": etag}).status_code == 412
    assert api.delete(url, headers={"If-Match": changed.headers["ETag"]}).status_code == 204
    assert api.get(url).status_code == 404


def test_a_stage_move_through_the_api_follows_the_pages_rules(app, world, manager, version):
    api = api_client(app, manager)
    url = f"/api/v1/projects/{world.project_id}/stages"
    current = {"If-Match": f'"{version(Project, world.project_id)}"'}
    backwards = api.post(url, json={"stage": "negotiating", "effective_on": "2026-03-01"}, headers=current)
    assert backwards.status_code == 422 and "stage" in backwards.json["errors"]["json"]
    early = api.post(url, json={"stage": "started", "effective_on": "2026-01-05"}, headers=current)
    assert early.status_code == 422 and early.json["type"] == "urn:zhaoshang:problem:rule"
    moved = api.post(url, json={"stage": "started", "effective_on": "2026-03-01"}, headers=current)
    assert moved.status_code == 201 and moved.json["stage"] == "started"
    assert moved.headers["ETag"] == f'"{version(Project, world.project_id)}"'
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StageEvent).where(
            StageEvent.project_id == world.project_id)) == 3
    funds = api.post(f"/api/v1/projects/{world.project_id}/funds", json={"month": "2026-04", "origin": "local",
                                                                         "amount_wan": "250.50"})
    assert funds.status_code == 201 and funds.json["amount_wan"] == "250.50" and funds.json["month"] == "2026-04-01"
    read_only = api_client(app, manager, write=False)
    assert read_only.post(url, json={"stage": "producing", "effective_on": "2026-05-01"}).status_code == 403


def test_review_queue_ranking_and_audit_log_are_the_pages(app, world, manager, version):
    with app.app_context():
        officer = helpers.make_user(Role.OFFICER, world.a_zone_unit_id)
        auditor = helpers.make_user(Role.AUDITOR, world.root_unit_id)
        db.session.commit()
        officer_id, auditor_id = officer.id, auditor.id
    moved = api_client(app, officer_id).post(f"/api/v1/projects/{world.project_id}/stages",
                                             json={"stage": "started", "effective_on": "2026-03-01"},
                                             headers={"If-Match": f'"{version(Project, world.project_id)}"'})
    assert moved.json["review_status"] == "pending"
    api = api_client(app, manager)
    queue = api.get("/api/v1/review-queue").json["items"]
    assert [(q["kind"], q["id"]) for q in queue] == [("fund", world.fund_id), ("stage", moved.json["id"])]
    assert [q["id"] for q in api.get("/api/v1/review-queue?kind=stage").json["items"]] == [moved.json["id"]]
    review = f"/api/v1/projects/{world.project_id}/stages/{moved.json['id']}/review"
    assert api.post(review, json={"decision": "reject"}, headers={"If-Match": f'"{queue[1]["version"]}"'}).json["detail"] \
        == "退回须填写审核意见。"
    approved = api.post(review, json={"decision": "approve"}, headers={"If-Match": f'"{queue[1]["version"]}"'})
    assert approved.status_code == 200 and approved.json["review_status"] == "approved"
    assert api.post(review, json={"decision": "approve"}, headers={"If-Match": approved.headers["ETag"]}).json["detail"] \
        == "该记录已审核过，不能重复审核。"
    ranking = api.get(f"/api/v1/assessment/{world.scheme_id}/ranking?month=2026-03")
    assert ranking.status_code == 200 and ranking.json["month"] == "2026-03-01"
    assert [i["indicator"] for i in ranking.json["indicators"]] == ["signed_count"]
    assert api.get(f"/api/v1/assessment/{world.scheme_id}/ranking?month=2025-03").status_code == 422
    assert api.get("/api/v1/audit").status_code == 403  # the auditor's alone
    auditing = api_client(app, auditor_id, write=False)
    log = auditing.get("/api/v1/audit?record_type=Contact").json["items"]
    assert log and log[0]["changes"]["mobile"] == [None, "138****8000"]
    newest_first = walk(auditing, "/api/v1/audit?limit=7")
    assert newest_first == sorted(newest_first, reverse=True) == walk(auditing, "/api/v1/audit?limit=5&desc=false")[::-1]


def test_too_many_calls_get_429_and_too_large_a_body_413(app, world, manager):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    client, other = api_client(app, manager), api_client(app, manager)
    answers = [client.get("/api/v1/me") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].mimetype == "application/problem+json" and answers[-1].json["title"] == "请求过于频繁"
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert other.get("/api/v1/me").status_code == 200  # counted per token
    app.config["MAX_CONTENT_LENGTH"] = 1000
    big = other.post("/api/v1/activities", data=b'{"summary": "' + b"x" * 2000 + b'"}', content_type="application/json")
    assert big.status_code == 413 and big.json["title"] == "内容过大"


def test_a_ledger_is_imported_through_the_api_as_on_the_pages(app, world, tmp_path):
    from tests.workbooks import messy_enterprises

    with app.app_context():
        officer = helpers.make_user(Role.OFFICER, world.a_unit_id)
        db.session.commit()
        officer_id = officer.id
    api = api_client(app, officer_id)
    with open(messy_enterprises(tmp_path / "台账.xlsx"), "rb") as ledger:
        sent = api.post("/api/v1/imports/enterprises", data={"file": (ledger, "台账.xlsx")},
                        content_type="multipart/form-data")
    assert sent.status_code == 202 and sent.headers["Location"] == f"/api/v1/imports/{sent.json['id']}"
    batch = api.get(sent.headers["Location"]).json  # the queue runs at once in the tests
    assert batch["status"] == "previewed" and batch["total_rows"] == 6 and batch["progress"]["label"] == "待确认"
    first = api.get(f"/api/v1/imports/{batch['id']}/rows?limit=1").json["items"][0]
    assert first["data"]["phone"] == "138****8000"  # personal data masked, as everywhere by default
    errors = api.get(f"/api/v1/imports/{batch['id']}/rows?action=error").json["items"]
    assert [r["row_number"] for r in errors] == [8, 9, 10] and errors[0]["message"] == "企业名称为空"
    refused = api.post(f"/api/v1/imports/{batch['id']}/commit", json={})
    assert refused.status_code == 409 and "共 3 行有错误，未导入任何数据" in refused.json["detail"]
    done = api.post(f"/api/v1/imports/{batch['id']}/commit", json={"skip_errors": True})
    assert done.status_code == 202 and api.get(f"/api/v1/imports/{batch['id']}").json["status"] == "committed"
    names = [e["name"] for e in api.get("/api/v1/enterprises?sort=name&desc=false").json["items"]]
    assert "山西示例酒业有限公司" in names
    assert api.post(f"/api/v1/imports/{batch['id']}/commit", json={"skip_errors": True}).status_code == 409
    assert api.post(f"/api/v1/imports/{batch['id']}/undo").status_code == 202
    assert api.get(f"/api/v1/imports/{batch['id']}").json["status"] == "undone"
    assert api.post("/api/v1/imports/nonsense", data={"file": (open(tmp_path / "台账.xlsx", "rb"), "x.xlsx")},
                    content_type="multipart/form-data").status_code == 404


def test_an_enterprise_is_added_and_changed_through_the_api_under_the_pages_rules(app, world, manager):
    api = api_client(app, manager)
    bad = api.post("/api/v1/enterprises", json={"name": "乙示例企业", "unit_id": world.a_unit_id, "uscc": "91110000600037341M"})
    assert bad.status_code == 422 and "uscc" in bad.json["errors"]["json"]
    twin = api.post("/api/v1/enterprises", json={"name": "甲市示例企业有限公司", "unit_id": world.a_unit_id})
    assert twin.status_code == 409, twin.json
    assert f"编号 {world.enterprise_id}" in twin.json["detail"]
    made = api.post("/api/v1/enterprises", json={"name": "甲市示例企业有限公司", "unit_id": world.a_unit_id,
                                                 "confirm_duplicate": True, "tags": ["上市公司"]})
    assert made.status_code == 201 and made.json["tags"] == ["上市公司"]
    url = made.headers["Location"]
    changed = api.patch(url, json={"employees": 120}, headers={"If-Match": made.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["employees"] == 120 and changed.json["tags"] == ["上市公司"]
    assert api.patch(url, json={"tags": ["火星企业"]}, headers={"If-Match": changed.headers["ETag"]}).status_code == 422


def test_a_project_is_added_and_changed_through_the_api_under_the_pages_rules(app, world, manager, version):
    api = api_client(app, manager)
    new = {"name": "焦化副产品综合利用项目", "unit_id": world.a_zone_unit_id, "channel": "team", "investor_id": world.enterprise_id,
           "park_id": world.park_id, "land_mu": "500", "agreed_investment_wan": "30000", "negotiating_on": "2026-03-01"}
    short = api.post("/api/v1/projects", json=new)
    assert short.status_code == 409 and short.json["type"] == "urn:zhaoshang:problem:capacity_shortfall"
    twin = api.post("/api/v1/projects", json={**new, "name": "甲园区示例项目", "confirm_capacity": True})
    assert twin.status_code == 409 and f"编号 {world.project_id}" in twin.json["detail"]
    made = api.post("/api/v1/projects", json={**new, "confirm_capacity": True})
    assert made.status_code == 201 and made.json["stage"] == "negotiating" and made.json["negotiating_on"] == "2026-03-01"
    assert made.json["investor"]["id"] == world.enterprise_id and made.json["agreed_investment_wan"] == "30000.00"
    url = made.headers["Location"]
    refused = api.patch(url, json={"is_key": True}, headers={"If-Match": made.headers["ETag"]})
    assert refused.status_code == 409  # still more than the park has: confirmed again, as on the page
    changed = api.patch(url, json={"is_key": True, "confirm_capacity": True}, headers={"If-Match": made.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["is_key"] is True and changed.json["land_mu"] == "500.00"
    assert api.patch(url, json={"unit_id": world.b_unit_id}, headers={"If-Match": changed.headers["ETag"]}).status_code == 422
    assert api.patch(url, json={"stage": "started"}, headers={"If-Match": changed.headers["ETag"]}).status_code == 422
