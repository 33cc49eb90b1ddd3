"""我的工作台 and the notification centre: follow-ups by when they are due with the counts their
lists hold, done / put off / handed on in place, reviews, returns and warnings; notifications
told once, read by following them."""
import re
from datetime import date, timedelta

import icalendar
import sqlalchemy as sa

from app.extensions import db
from app.models import Activity, Notification, SavedView, StageEvent, User
from app.models.enums import ReviewStatus
from tests import helpers

TODAY = date.today()


def _follow_up(world, user_id, days, summary):
    activity = Activity(kind="visit", occurred_on=TODAY - timedelta(days=40), unit_id=world.a_unit_id, summary=summary,
                        next_follow_up_on=TODAY + timedelta(days=days), recorded_by_id=user_id, follow_up_by_id=user_id)
    db.session.add(activity)
    db.session.flush()
    return activity.id


def test_the_agenda_buckets_follow_ups_and_its_counts_equal_their_lists(app, client, world, login, version):
    me = login("officer", unit="a")
    with app.app_context():
        colleague = helpers.make_user("officer", world.a_unit_id, display_name="同事小王").id
        ids = {days: _follow_up(world, me.id, days, f"跟进{days}") for days in (-3, -1, 0, 40)}
        _follow_up(world, colleague, -2, "同事的逾期")
        db.session.commit()
    page = client.get("/agenda/").get_data(as_text=True)
    counts = dict(re.findall(r'data-testid="count-([a-z_]+)">(\d+)<', page))
    assert counts["overdue"] == "2" and counts["today"] == "1" and counts["later"] == "1"
    assert "同事的逾期" not in page  # an officer's own by default
    overdue_list = client.get(re.search(r'href="([^"]+)" data-testid="count-overdue"', page).group(1).replace("&amp;", "&"))
    assert int(re.search(r'data-testid="list-total">(\d+)<', overdue_list.get_data(as_text=True)).group(1)) == 2
    scope = client.get("/agenda/?view=scope").get_data(as_text=True)
    assert "同事的逾期" in scope and re.search(r'data-testid="count-overdue">3<', scope)

    # Done, put off a week, handed to the colleague — each at the version shown, each audited.
    assert client.post(f"/agenda/follow-ups/{ids[-3]}/done", data={"version": version(Activity, ids[-3])}).status_code == 302
    client.post(f"/agenda/follow-ups/{ids[-1]}/snooze", data={"days": "7", "version": version(Activity, ids[-1])})
    client.post(f"/agenda/follow-ups/{ids[0]}/reassign", data={"user_id": colleague, "version": version(Activity, ids[0])})
    refused = client.post(f"/agenda/follow-ups/{ids[40]}/snooze", data={"days": "99", "version": version(Activity, ids[40])},
                          follow_redirects=True)
    assert "顺延天数应为 1–30 天" in refused.get_data(as_text=True)
    stale = client.post(f"/agenda/follow-ups/{ids[40]}/done", data={"version": int(version(Activity, ids[40])) - 1})
    assert stale.status_code == 409
    with app.app_context():
        done, put_off, handed, later = (db.session.get(Activity, ids[d]) for d in (-3, -1, 0, 40))
        assert done.follow_up_done_at is not None and put_off.next_follow_up_on == TODAY + timedelta(days=7)
        assert handed.follow_up_by_id == colleague and later.follow_up_done_at is None
    counts = dict(re.findall(r'data-testid="count-([a-z_]+)">(\d+)<', client.get("/agenda/").get_data(as_text=True)))
    assert (counts["overdue"], counts["today"], int(counts["this_week"]) + int(counts["later"])) == ("0", "0", 2)


def test_reviewers_are_told_once_and_the_recorder_hears_the_decision(app, client, world, login):
    officer = login("officer", unit="a")
    with app.app_context():
        manager = helpers.make_user("manager", world.a_unit_id)
        province = helpers.make_user("manager", world.root_unit_id)
        far = helpers.make_user("manager", world.b_unit_id)
        db.session.commit()
        manager_id, province_id, far_id, manager_name = manager.id, province.id, far.id, manager.username
    for stage, days in (("started", 10), ("producing", 5)):  # two moves on one day: one notice per reviewer
        form = client.get(f"/projects/{world.project_id}/move").get_data(as_text=True)
        assert client.post(f"/projects/{world.project_id}/move", data={
            "stage": stage, "effective_on": str(TODAY - timedelta(days=days)),
            "version": re.search(r'name="version"[^>]*value="(\d+)"', form).group(1)}).status_code == 302
    with app.app_context():
        told = db.session.execute(sa.select(Notification.user_id, Notification.kind).where(Notification.key != "test")).all()
        assert sorted(told) == sorted([(manager_id, "review"), (province_id, "review")]) and far_id not in dict(told)
        latest = db.session.scalar(sa.select(StageEvent).where(StageEvent.project_id == world.project_id,
                                                               StageEvent.stage == "producing"))
        ident, seen = latest.id, latest.version
    reviewer = client.application.test_client()
    reviewer.post("/auth/login", data={"username": manager_name, "password": helpers.PASSWORD})
    bell = reviewer.get("/agenda/").get_data(as_text=True)
    assert re.search(r'data-testid="unread">1<', bell)
    reviewer.post(f"/projects/review/stage/{ident}", data={"decision": "reject", "opinion": "日期有误", "version": seen})
    page = client.get("/agenda/notifications").get_data(as_text=True)
    assert "被退回：日期有误" in page and re.search(r'data-testid="unread">1<', page)
    with app.app_context():
        note = db.session.scalar(sa.select(Notification).where(Notification.user_id == officer.id, Notification.key != "test"))
        assert note.kind == "returned" and db.session.get(StageEvent, ident).review_status == ReviewStatus.REJECTED
    opened = client.get(f"/agenda/notifications/{note.id}")
    assert opened.location == f"/projects/{world.project_id}"
    assert 'data-testid="unread"' not in client.get("/agenda/").get_data(as_text=True)
    assert reviewer.get(f"/agenda/notifications/{note.id}").status_code == 404  # another's notification


def test_the_calendar_feed_holds_ones_follow_ups_only_and_is_revocable(app, client, world, login):
    me = login("officer", unit="a")
    with app.app_context():
        colleague = helpers.make_user("officer", world.a_unit_id).id
        mine = _follow_up(world, me.id, 3, "我的回访")
        _follow_up(world, colleague, 3, "同事的回访")
        db.session.commit()
    made = client.post("/agenda/feed").get_data(as_text=True)
    url = re.search(r'<code class="user-select-all">([^<]+)</code>', made).group(1)
    path = url.split("localhost", 1)[1]
    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = list(icalendar.Calendar.from_ical(response.data).walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == [f"follow-up-{mine}@zhaoshang"]
    assert events[0].decoded("dtstart") == TODAY + timedelta(days=3) and "甲市" not in str(events[0]["summary"])
    assert anonymous.get(path.replace(".ics", "x.ics")).status_code == 404
    client.post("/agenda/feed")  # a new address: the old one stops
    assert anonymous.get(path).status_code == 404
    client.post("/agenda/feed", data={"action": "revoke"})
    with app.app_context():
        assert db.session.get(User, me.id).calendar_token_hash is None


def test_the_calendar_shows_a_month_of_follow_ups_visits_and_events(app, client, world, login):
    me = login("officer", unit="a")
    with app.app_context():
        colleague = helpers.make_user("officer", world.a_unit_id).id
        _follow_up(world, me.id, 3, "我的回访")
        _follow_up(world, colleague, 3, "同事的回访")
        db.session.commit()
    due = TODAY + timedelta(days=3)

    def cell(view):
        page = client.get(f"/agenda/calendar?month={due:%Y-%m}&view={view}").get_data(as_text=True)
        return re.search(rf'data-day="{due}">(.*?)</td>', page, re.S).group(1).count("text-bg-danger")

    assert (cell("mine"), cell("scope")) == (1, 2)
    march = client.get("/agenda/calendar?month=2026-03").get_data(as_text=True)
    day = re.search(r'data-day="2026-03-02">(.*?)</td>', march, re.S).group(1)
    assert "测试推介会" in day  # an event of the scope
    assert client.get("/agenda/calendar?month=2026-13").status_code == 200  # a bad month: this month
    week = client.get(f"/agenda/calendar?week={due}&view=scope").get_data(as_text=True)
    assert re.search(rf'data-day="{due}">(.*?)</li>', week, re.S).group(1).count("text-bg-danger") == 2
    assert "测试推介会" in client.get("/agenda/calendar?week=2026-03-04").get_data(as_text=True)  # Monday 2 March
    assert client.get("/agenda/calendar?week=nonsense").status_code == 200


def test_a_list_s_filters_are_saved_as_a_view_of_ones_own(app, client, world, login):
    login("officer", unit="a")
    query = "q=%E7%A4%BA%E4%BE%8B&status=target&page=2"
    saved = client.post("/agenda/views", data={"endpoint": "enterprises.index", "name": "我的目标企业", "query": query})
    assert saved.status_code == 302 and saved.location == "/enterprises/?q=%E7%A4%BA%E4%BE%8B&status=target"
    page = client.get("/enterprises/").get_data(as_text=True)
    assert 'href="/enterprises/?q=%E7%A4%BA%E4%BE%8B&amp;status=target">我的目标企业</a>' in page
    refused = client.post("/agenda/views", data={"endpoint": "admin.users", "name": "x", "query": ""}, follow_redirects=True)
    assert "这个页面不能保存视图" in refused.get_data(as_text=True)
    other = app.test_client()
    login("officer", unit="a", client=other)
    assert "我的目标企业" not in other.get("/enterprises/").get_data(as_text=True)
    with app.app_context():
        view_id = db.session.scalar(sa.select(SavedView.id).where(SavedView.name == "我的目标企业"))
    assert other.post(f"/agenda/views/{view_id}/delete").status_code == 404
    deleted = client.post(f"/agenda/views/{view_id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "已删除视图“我的目标企业”" in deleted and "我的目标企业</a>" not in client.get("/enterprises/").get_data(as_text=True)


def test_the_agenda_warning_count_equals_the_warning_list_the_dashboard_links_to(app, client, world, login):
    login("manager", unit="a")
    with app.app_context():
        for days in (400, 500, 10):
            helpers.make_project(world.a_zone_unit_id, f"签约{days}天", stage="signed", signed_on=TODAY - timedelta(days=days))
        db.session.commit()
    agenda = client.get("/agenda/?view=scope").get_data(as_text=True)
    listed = client.get("/projects/warnings").get_data(as_text=True)
    count = int(re.search(r'data-testid="count-warned">(\d+)<', agenda).group(1))
    assert count == int(re.search(r"导出 Excel（全部 (\d+) 个）", listed).group(1)) >= 2
    dashboard = client.get("/").get_data(as_text=True)
    assert re.search(r'data-testid="warning-signed_idle">(\d+)<', dashboard).group(1) == \
        re.search(r'data-testid="warning-signed_idle">(\d+)<', listed).group(1)


def test_what_managers_see_first_is_their_units_setting(app, client, world, login):
    login("manager", unit="a")
    with app.app_context():
        colleague = helpers.make_user("officer", world.a_unit_id).id
        _follow_up(world, colleague, -2, "同事的逾期")
        db.session.commit()
    assert "同事的逾期" in client.get("/agenda/").get_data(as_text=True)  # the scope, by default
    admin = app.test_client()
    login("admin", unit="a", client=admin)
    page = admin.get("/admin/agenda").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="([0-9a-f]+)"', page).group(1)
    assert admin.post("/admin/agenda", data={"manager_view": "mine", "version": version}).status_code == 302
    assert "同事的逾期" not in client.get("/agenda/").get_data(as_text=True)  # the city's managers: their own
    assert "同事的逾期" in client.get("/agenda/?view=scope").get_data(as_text=True)  # still a click away
    assert admin.get(f"/admin/agenda?unit={world.root_unit_id}").status_code == 404  # not the province's
