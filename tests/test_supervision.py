"""督办: issued on a warning, a problem or a project, replied, returned or closed, reminded when late."""
import io
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CaseStep, Notification, Project, Supervision
from app.models.enums import Role, SupervisionStatus
from app.supervision import services
from tests import helpers

DAY = date(2026, 6, 1)


def test_returned_once_then_closed_on_time_and_late_orders_reminded_at_the_interval(app, world):
    with app.app_context():
        db.session.execute(sa.update(Supervision).values(status=SupervisionStatus.CLOSED))  # the world's own
        issuer = helpers.make_user(Role.MANAGER, world.a_unit_id, username="city_manager")
        assignee = helpers.make_user(Role.OFFICER, world.a_zone_unit_id, username="zone_officer")
        project = db.session.get(Project, world.project_id)
        order = services.issue(issuer, {"task": "一周内说明签约未开工原因", "unit_id": world.a_zone_unit_id,
                                        "assignee_id": assignee.id, "due_on": DAY + timedelta(days=7)},
                               project, warning="signed_idle", today=DAY)
        assert order.status == SupervisionStatus.OPEN and services.source_of(order) == "预警：签约未落地"
        services.reply(assignee, order, "土地尚未摘牌", today=DAY + timedelta(days=2))
        with pytest.raises(services.SupervisionError, match="等待督办单位审核"):
            services.reply(assignee, order, "再说一次", today=DAY + timedelta(days=2))
        with pytest.raises(services.SupervisionError, match="写明退回原因"):
            services.send_back(issuer, order, "", today=DAY + timedelta(days=3))
        services.send_back(issuer, order, "请说明摘牌时间", today=DAY + timedelta(days=3))
        assert order.status == SupervisionStatus.OPEN and order.due_on == DAY + timedelta(days=7)
        services.reply(assignee, order, "6 月 20 日摘牌，7 月开工", today=DAY + timedelta(days=6))
        services.accept(issuer, order, today=DAY + timedelta(days=7))  # on its deadline: on time
        assert order.status == SupervisionStatus.CLOSED and order.closed_on == DAY + timedelta(days=7) and order.on_time
        with pytest.raises(services.SupervisionError, match="已办结"):
            services.reply(assignee, order, "补充", today=DAY + timedelta(days=9))
        steps = db.session.scalars(sa.select(CaseStep.action).where(CaseStep.owner_type == "supervision",
                                                                    CaseStep.owner_id == order.id).order_by(CaseStep.id)).all()
        assert steps == ["issue", "reply", "return", "reply", "accept"]

        late = services.issue(issuer, {"task": "报送资金到位情况", "unit_id": world.a_zone_unit_id,
                                       "due_on": DAY + timedelta(days=1)}, project, today=DAY)
        zone_manager = helpers.make_user(Role.MANAGER, world.a_zone_unit_id)  # no person named: the unit's managers
        assert services.remind_overdue(DAY + timedelta(days=1)) == 0
        assert services.remind_overdue(DAY + timedelta(days=2)) == 1
        assert services.remind_overdue(DAY + timedelta(days=3)) == 0  # not again before the interval (3 days)
        assert services.remind_overdue(DAY + timedelta(days=5)) == 1 and late.reminded_on == DAY + timedelta(days=5)
        told = db.session.scalars(sa.select(Notification.text).where(Notification.user_id == zone_manager.id)).all()
        assert told == ["督办：报送资金到位情况（已超过办理期限 2026-06-02，催办）"] * 2
        services.remind(issuer, late, DAY + timedelta(days=6))  # by hand, any day
        with pytest.raises(services.SupervisionError, match="只有督办单位"):
            services.remind(zone_manager, late, DAY + timedelta(days=6))
        services.reply(zone_manager, late, "已报送", today=DAY + timedelta(days=6))
        services.accept(issuer, late, today=DAY + timedelta(days=6))
        assert late.closed_on and not late.on_time  # closed after its deadline


def test_bad_orders_are_refused_and_nothing_is_written(app, world):
    with app.app_context():
        issuer = helpers.make_user(Role.MANAGER, world.a_unit_id)
        outsider = helpers.make_user(Role.OFFICER, world.b_unit_id)
        project = db.session.get(Project, world.project_id)
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Supervision))
        base = {"task": "x", "unit_id": world.a_zone_unit_id, "due_on": DAY}
        for data, message in [({**base, "due_on": DAY - timedelta(days=1)}, "不能早于今天"),
                              ({**base, "unit_id": world.b_unit_id}, "承办单位不在您的数据范围内"),
                              ({**base, "assignee_id": outsider.id}, "承办人应为承办单位"),
                              ({**base, "task": " "}, "写明督办事项")]:
            with pytest.raises(services.SupervisionError, match=message):
                services.issue(issuer, data, project, today=DAY)
        with pytest.raises(services.SupervisionError, match="预警类型无效"):
            services.issue(issuer, base, project, warning="nonsense", today=DAY)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Supervision)) == before


def test_pages_issue_from_a_problem_reply_with_files_review_and_export(app, client, world, login, version):
    with app.app_context():
        assignee = helpers.make_user(Role.OFFICER, world.a_zone_unit_id, username="zone_officer")
        assignee_id = assignee.id
        db.session.commit()
    login("manager", unit="a")
    problem_page = client.get(f"/problems/{world.problem_id}").get_data(as_text=True)
    url = f"/supervision/new/{world.project_id}?problem_id={world.problem_id}"
    assert url.replace("?", "?").split("?")[0] in problem_page
    assert "请协调解决：用地指标不足" in client.get(url).get_data(as_text=True)
    due = (date.today() + timedelta(days=5)).isoformat()
    response = client.post(url, data={"task": "请协调解决：用地指标不足", "unit_id": world.a_zone_unit_id,
                                      "assignee_id": assignee_id, "due_on": due})
    assert response.status_code == 302
    ident = int(response.location.rsplit("/", 1)[1])
    listed = client.get("/supervision/?mine=issued&state=open").get_data(as_text=True)
    assert '<span data-testid="list-total">1</span>' in listed
    assert "请协调解决：用地指标不足" in client.get(f"/projects/{world.project_id}").get_data(as_text=True)
    client.post("/auth/logout")
    client.post("/auth/login", data={"username": "zone_officer", "password": helpers.PASSWORD})
    agenda = client.get("/agenda/").get_data(as_text=True).split('data-testid="agenda-cases"')[1]
    assert "请协调解决：用地指标不足" in agenda and "请回复" in agenda
    replied = client.post(f"/supervision/{ident}/reply", data={
        "version": version(Supervision, ident), "text": "已调剂 20 亩",
        "attachments": [(io.BytesIO(b"%PDF-1.4 x"), "调剂文件.pdf")]}, content_type="multipart/form-data")
    assert replied.status_code == 302
    again = client.post(f"/supervision/{ident}/reply", data={"version": version(Supervision, ident) - 1, "text": "重复"})
    assert again.status_code == 409  # a double click writes nothing
    assert "调剂文件.pdf" in client.get(f"/supervision/{ident}").get_data(as_text=True)
    assert client.post(f"/supervision/{ident}/accept", data={"version": version(Supervision, ident)}).status_code == 403
    client.post("/auth/logout")
    login("manager", unit="a")
    assert client.post(f"/supervision/{ident}/accept", data={"version": version(Supervision, ident)}).status_code == 302
    with app.app_context():
        order = db.session.get(Supervision, ident)
        assert order.status == SupervisionStatus.CLOSED and order.on_time and order.problem_id == world.problem_id
    book = openpyxl.load_workbook(io.BytesIO(client.get("/supervision/export.xlsx?state=closed").data))
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3], r[-1]) for r in rows] == [("请协调解决：用地指标不足", f"项目问题 #{world.problem_id}", "是")]
    other = app.test_client()
    login("manager", unit="b", client=other)
    assert other.get(f"/supervision/{ident}").status_code == 404
    assert other.get(url).status_code == 404
