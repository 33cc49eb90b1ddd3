"""Visit log: logging from an enterprise, follow-ups (待跟进), 久未联系, attachments."""
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from app.activities import services
from app.extensions import db
from app.models import Activity, Attachment, AuditLog, Enterprise, Project, User
from tests import helpers

TODAY = date.today()


def visit(world, **fields):
    return {"kind": "visit", "occurred_on": TODAY - timedelta(days=1), "unit_id": world.a_unit_id,
            "summary": "上门拜访", **fields}


def test_logging_from_the_enterprise_page(app, client, world, login):
    login("officer", unit="a")
    page = client.get(f"/activities/new?enterprise_id={world.enterprise_id}").get_data(as_text=True)
    assert "甲市示例企业有限公司" in page
    assert re.search(r'<input accept="image/\*" capture="environment"[^>]*name="photos"', page)  # the phone's camera
    pdf = (io.BytesIO(b"%PDF-1.4 minutes"), "纪要.pdf")
    response = client.post(f"/activities/new?enterprise_id={world.enterprise_id}", data={
        "kind": "reception", "occurred_on": str(TODAY), "unit_id": world.a_unit_id, "led_by_top_leader": "y",
        "enterprise_ids": [world.enterprise_id], "summary": "来访洽谈扩产", "next_follow_up_on": str(TODAY),
        "attachments": [pdf], "photos": [(io.BytesIO(helpers.PNG), "现场.png")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        activity = db.session.scalar(sa.select(Activity).where(Activity.summary == "来访洽谈扩产"))
        assert activity.led_by_top_leader and [e.id for e in activity.enterprises] == [world.enterprise_id]
        assert db.session.get(Enterprise, world.enterprise_id).last_contacted_on == TODAY
        attachment, photo = db.session.scalars(sa.select(Attachment).where(
            Attachment.owner_id == activity.id, Attachment.owner_type == "Activity").order_by(Attachment.id)).all()
        assert photo.name == "现场.png" and photo.content_type == "image/png"
        assert attachment.name == "纪要.pdf" and attachment.content_type == "application/pdf"
        ident, file_id = activity.id, attachment.id
    assert client.get(f"/activities/{ident}").status_code == 200
    download = client.get(f"/attachments/{file_id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 minutes"
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename=\"attachment-{file_id}.pdf\"; filename*=UTF-8''%E7%BA%AA%E8%A6%81.pdf")
    timeline = client.get(f"/enterprises/{world.enterprise_id}").get_data(as_text=True)
    assert "来访洽谈扩产" in timeline


@pytest.mark.parametrize("name, content, message", [
    ("x.exe", b"MZ...", "类型不允许"),
    ("伪装.pdf", b"MZ not a pdf", "内容与扩展名 .pdf 不符"),
    ("伪装.xlsx", b"PK\x03\x04 no workbook inside", "内容与扩展名 .xlsx 不符"),
    ("空.png", b"", "空文件"),
])
def test_attachments_are_checked_by_content_and_nothing_is_written(app, client, world, login, name, content,
                                                                   message):
    login("officer", unit="a")
    response = client.post(f"/activities/new?enterprise_id={world.enterprise_id}", data={
        "kind": "visit", "occurred_on": str(TODAY), "unit_id": world.a_unit_id, "enterprise_ids": [world.enterprise_id],
        "summary": "带附件", "attachments": [(io.BytesIO(content), name)]}, content_type="multipart/form-data")
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Activity).where(Activity.summary == "带附件")) is None


def test_an_attachment_is_served_only_within_scope(app, client, world, login):
    login("officer", unit="b")
    assert client.get(f"/attachments/{world.attachment_id}").status_code == 404


def test_dates_out_of_order_are_refused(app, world):
    with app.app_context():
        user = db.session.get(User, world.a_user_id)
        with pytest.raises(services.ActivityError, match="不能晚于今天"):
            services.log_activity(user, visit(world, occurred_on=date.today() + timedelta(days=1)), [world.enterprise_id])
        with pytest.raises(services.ActivityError, match="不能早于对接日期"):
            services.log_activity(user, visit(world, next_follow_up_on=TODAY - timedelta(days=5)), [world.enterprise_id])
        other = helpers.make_enterprise(world.b_unit_id, "乙市企业")
        with pytest.raises(services.ActivityError, match="不在您的数据范围内"):
            services.log_activity(user, visit(world), [other.id])


def test_follow_ups_by_bucket_and_closed_by_the_next_visit(app, world):
    with app.app_context():
        officer = db.session.get(User, world.a_user_id)
        other = helpers.make_user("officer", world.a_unit_id)
        manager = helpers.make_user("manager", world.a_unit_id)
        e1, e2, e3 = (helpers.make_enterprise(world.a_unit_id, n) for n in ("甲一", "甲二", "甲三"))
        services.log_activity(officer, visit(world, occurred_on=TODAY - timedelta(days=10),
                                             next_follow_up_on=TODAY - timedelta(days=2)), [e1.id])
        services.log_activity(officer, visit(world, next_follow_up_on=TODAY), [e2.id])
        services.log_activity(other, visit(world, next_follow_up_on=TODAY + timedelta(days=3)), [e3.id])
        services.log_activity(officer, visit(world, next_follow_up_on=TODAY + timedelta(days=30)), [e3.id])
        mine = services.follow_ups(officer)
        assert ([a.enterprises[0].name for a in mine.overdue], [a.enterprises[0].name for a in mine.today],
                mine.next_week) == (["甲一"], ["甲二"], [])
        # a colleague's in the officer's scope count for it too: the 驾驶舱's 跟进逾期 lies in its scope
        services.log_activity(other, visit(world, occurred_on=TODAY - timedelta(days=9),
                                           next_follow_up_on=TODAY - timedelta(days=1)), [e2.id])
        assert [a.recorded_by_id for a in services.follow_ups(officer).overdue] == [officer.id, other.id]
        b_officer = helpers.make_user("officer", world.b_unit_id)
        assert services.follow_ups(b_officer).overdue == []  # another unit's are not
        scope = services.follow_ups(manager)
        assert [a.enterprises[0].name for a in scope.next_week] == []  # closed by the later visit to 甲三
        services.log_activity(officer, visit(world, occurred_on=TODAY), [e1.id])
        assert [a.enterprises[0].name for a in services.follow_ups(officer).overdue] == ["甲二"]  # 甲一 closed


def test_follow_up_page_and_stale_targets(app, client, world, login):
    with app.app_context():
        officer = db.session.get(User, world.a_user_id)
        fresh = helpers.make_enterprise(world.a_unit_id, "刚联系过")
        helpers.make_enterprise(world.a_unit_id, "从未联系")
        old = helpers.make_enterprise(world.a_unit_id, "很久以前")
        services.log_activity(officer, visit(world, occurred_on=TODAY - timedelta(days=5),
                                             next_follow_up_on=TODAY + timedelta(days=2)), [fresh.id])
        services.log_activity(officer, visit(world, occurred_on=TODAY - timedelta(days=40)), [old.id])
        db.session.commit()
    client.post("/auth/login", data={"username": "a_officer", "password": helpers.PASSWORD})
    page = client.get("/activities/follow-ups").get_data(as_text=True)
    assert "刚联系过" in page and "未来 7 天" in page
    stale = client.get("/activities/stale").get_data(as_text=True)
    assert "从未联系" in stale and "很久以前" in stale and "刚联系过" not in stale
    assert "很久以前" not in client.get("/activities/stale?days=60").get_data(as_text=True)


def test_logging_from_the_project_page(app, client, world, login):
    login("officer", unit="a")
    page = client.get(f"/projects/{world.project_id}").get_data(as_text=True)
    assert f"/activities/new?project_id={world.project_id}" in page
    form = client.get(f"/activities/new?project_id={world.project_id}").get_data(as_text=True)
    assert "甲园区示例项目" in form and "甲市示例企业有限公司" in form  # the investor comes along
    response = client.post(f"/activities/new?project_id={world.project_id}", data={
        "kind": "call", "occurred_on": str(TODAY), "unit_id": world.a_unit_id, "project_id": world.project_id,
        "enterprise_ids": [world.enterprise_id], "summary": "电话沟通项目进度"})
    assert response.status_code == 302
    with app.app_context():
        activity = db.session.scalar(sa.select(Activity).where(Activity.summary == "电话沟通项目进度"))
        assert activity.project_id == world.project_id
    assert client.get("/activities/new?project_id=999999").status_code == 404


def test_logging_from_anywhere_picks_enterprises_and_project_by_name_in_scope_only(app, client, world, login):
    with app.app_context():
        fenjiu = helpers.make_enterprise(world.a_unit_id, "山西汾酒集团有限公司").id
        far = helpers.make_enterprise(world.b_unit_id, "乙市汾酒经销有限公司").id
        db.session.commit()
    login("officer", unit="a")
    for page in ("/activities/", "/agenda/"):
        assert 'href="/activities/new"' in client.get(page).get_data(as_text=True)
    form = client.get("/activities/new").get_data(as_text=True)
    assert 'data-typeahead="/search/enterprises.json"' in form and 'data-typeahead="/search/projects.json"' in form
    found = client.get(f"/search/projects.json?q=%23{world.project_id}").json["results"]  # by its number
    assert [r["id"] for r in found] == [world.project_id] and found[0]["name"] == f"#{world.project_id} 甲园区示例项目"
    assert [r["id"] for r in client.get("/search/projects.json?q=示例项目").json["results"]] == [world.project_id]
    data = {"kind": "visit", "occurred_on": str(TODAY), "unit_id": world.a_unit_id, "summary": "两家一起拜访",
            "project_id": world.project_id}
    assert client.post("/activities/new", data={**data, "enterprise_ids": [world.enterprise_id, fenjiu]}).status_code == 302
    refused = client.post("/activities/new", data={**data, "summary": "越权拜访", "enterprise_ids": [fenjiu, far]})
    assert refused.status_code == 200 and "不是有效的选择" in refused.get_data(as_text=True)
    with app.app_context():
        activity = db.session.scalar(sa.select(Activity).where(Activity.summary == "两家一起拜访"))
        assert sorted(e.id for e in activity.enterprises) == sorted([world.enterprise_id, fenjiu])
        assert activity.project_id == world.project_id
        assert db.session.scalar(sa.select(Activity).where(Activity.summary == "越权拜访")) is None
    other = app.test_client()
    login("officer", unit="b", client=other)
    assert other.get(f"/search/projects.json?q=%23{world.project_id}").json["results"] == []


def _visit(client, world, summary, day):
    response = client.post(f"/activities/new?project_id={world.project_id}", data={
        "kind": "visit", "occurred_on": str(day), "unit_id": world.a_unit_id, "enterprise_ids": [world.enterprise_id],
        "project_id": world.project_id, "summary": summary})
    assert response.status_code == 302
    with client.application.app_context():
        return db.session.scalar(sa.select(Activity.id).where(Activity.summary == summary))


def test_a_visit_is_corrected_and_deleted_by_its_author_or_a_manager_audited(app, client, world, login, version):
    author = login("officer", unit="a")
    earlier, later = TODAY - timedelta(days=20), TODAY - timedelta(days=2)
    _visit(client, world, "初次拜访", earlier)
    wrong = _visit(client, world, "误录的拜访", later)
    with app.app_context():
        assert db.session.get(Enterprise, world.enterprise_id).last_contacted_on == later
    # A colleague who did not record it may not touch it.
    colleague = app.test_client()
    login("officer", unit="a", client=colleague)
    assert colleague.get(f"/activities/{wrong}/edit").status_code == 403
    assert colleague.post(f"/activities/{wrong}/delete", data={"version": version(Activity, wrong)}).status_code == 403
    # The author corrects the date; the enterprise's and the project's dates follow.
    fixed = TODAY - timedelta(days=10)
    response = client.post(f"/activities/{wrong}/edit", data={
        "kind": "visit", "occurred_on": str(fixed), "unit_id": world.a_unit_id, "project_id": world.project_id,
        "summary": "更正后的拜访", "version": version(Activity, wrong)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Enterprise, world.enterprise_id).last_contacted_on == fixed
        assert db.session.get(Project, world.project_id).last_activity_on == fixed
    refused = client.post(f"/activities/{wrong}/edit", data={
        "kind": "visit", "occurred_on": str(date.today() + timedelta(days=1)), "unit_id": world.a_unit_id,
        "summary": "未来", "version": version(Activity, wrong)})
    assert "对接日期不能晚于今天" in refused.get_data(as_text=True)
    # A manager deletes it; the dates go back to the other visit's, and the log keeps both changes.
    manager = app.test_client()
    login("manager", unit="a", client=manager)
    assert manager.post(f"/activities/{wrong}/delete", data={"version": version(Activity, wrong)}).status_code == 302
    with app.app_context():
        assert db.session.get(Activity, wrong) is None
        assert db.session.get(Enterprise, world.enterprise_id).last_contacted_on == earlier
        assert db.session.get(Project, world.project_id).last_activity_on == earlier
        trail = db.session.execute(sa.select(AuditLog.action, AuditLog.user_id).where(
            AuditLog.record_type == "Activity", AuditLog.record_id == wrong)
            .order_by(AuditLog.id)).all()
    assert [a for a, _ in trail] == ["create", "update", "delete"] and trail[1][1] == author.id


def test_the_visit_log_filters_sorts_and_exports_what_it_shows(app, client, world, login):
    login("manager", unit="a")
    with app.app_context():
        other = helpers.make_enterprise(world.a_zone_unit_id, "乙方科技有限公司")
        for n, (kind, day, led, due) in enumerate([("visit", 30, True, 5), ("reception", 10, False, None),
                                                    ("call", 3, False, -2)]):
            db.session.add(Activity(kind=kind, occurred_on=TODAY - timedelta(days=day), unit_id=world.a_zone_unit_id,
                                    led_by_top_leader=led, summary=f"第{n}次洽谈", enterprises=[other],
                                    next_follow_up_on=TODAY - timedelta(days=due) if due is not None else None))
        db.session.commit()

    def total(query):
        page = client.get(f"/activities/?{query}").get_data(as_text=True)
        return int(re.search(r'data-testid="list-total">(\d+)<', page).group(1))

    assert total("q=乙方") == 3 and total("q=第1次") == 1 and total("kind=call") == 1 and total("led=1") == 1
    assert total(f"unit_id={world.a_zone_unit_id}") == 3 and total("follow_up=overdue") == 1
    assert total(f"date_from={TODAY - timedelta(days=12)}&date_to={TODAY}") == 2
    assert total("kind=nonsense") == total("")  # a malformed filter is ignored, not a 500
    page = client.get("/activities/?q=乙方&sort=occurred_on&desc=").get_data(as_text=True)
    assert page.index("第0次洽谈") < page.index("第1次洽谈") < page.index("第2次洽谈")  # oldest first
    export = client.get("/activities/export.xlsx?q=乙方&follow_up=open")
    rows = list(openpyxl.load_workbook(io.BytesIO(export.data))["对接记录"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == total("q=乙方&follow_up=open") == 2
    assert {r[10] for r in rows} == {"逾期", "待跟进"} and all(r[2] == "乙方科技有限公司" for r in rows)
