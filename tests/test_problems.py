"""项目问题协调: raised at a level, handled there, escalated by the clock, confirmed by the raiser."""
import io
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CaseStep, Notification, OrgUnit, Project, ProjectProblem, User
from app.models.enums import ProblemStatus, Role
from app.problems import services
from tests import helpers

DAY = date(2026, 5, 4)


def _people(world):
    officer = helpers.make_user(Role.OFFICER, world.a_zone_unit_id, username="zone_officer")
    zone_manager = helpers.make_user(Role.MANAGER, world.a_zone_unit_id, username="zone_manager")
    city_manager = helpers.make_user(Role.MANAGER, world.a_unit_id, username="city_manager")
    province_manager = helpers.make_user(Role.MANAGER, world.root_unit_id, username="province_manager")
    return officer, zone_manager, city_manager, province_manager


def _told(user: User) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.text).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def test_a_problem_climbs_twice_by_the_clock_and_is_solved_at_the_province(app, world):
    with app.app_context():
        officer, zone_manager, city_manager, province_manager = _people(world)
        db.session.execute(sa.update(ProjectProblem).values(status=ProblemStatus.CLOSED))  # the world's own
        project = db.session.get(Project, world.project_id)
        problem = services.raise_problem(officer, project, {"kind": "land", "level": "local",
                                                            "description": "用地指标不足 50 亩"}, today=DAY)
        assert problem.handler_unit_id == world.a_zone_unit_id and problem.due_on == DAY + timedelta(days=15)
        assert _told(zone_manager) == ["“甲园区示例项目”用地问题：待甲园区办理"] and _told(city_manager) == []

        assert services.escalate_overdue(DAY + timedelta(days=15)) == 0  # due that day: not yet late
        assert services.escalate_overdue(DAY + timedelta(days=16)) == 1
        assert problem.handler_unit_id == world.a_unit_id and problem.escalations == 1
        assert problem.due_on == DAY + timedelta(days=31) and services.level_of(problem).label == "市级"
        assert _told(city_manager)[-1] == "“甲园区示例项目”用地问题：逾期未解决，已上报甲市"
        assert not services.may_handle(zone_manager, problem) and services.may_handle(city_manager, problem)

        assert services.escalate_overdue(DAY + timedelta(days=32)) == 1
        assert problem.handler_unit_id == world.root_unit_id and problem.escalations == 2
        assert services.escalate_overdue(DAY + timedelta(days=100)) == 0  # nothing above the province
        assert problem.overdue(DAY + timedelta(days=100))

        later = DAY + timedelta(days=101)
        with pytest.raises(services.ProblemError, match="办理期限不能早于今天"):
            services.assign(province_manager, problem, "省自然资源厅", None, later - timedelta(days=1), today=later)
        services.assign(province_manager, problem, "省自然资源厅", None, later + timedelta(days=10), today=later)
        assert problem.status == ProblemStatus.HANDLING and not problem.overdue(later)
        services.solve(province_manager, problem, "调剂用地指标 50 亩", today=later + timedelta(days=5))
        with pytest.raises(services.ProblemError, match="只有提出单位"):
            services.confirm(helpers.make_user(Role.OFFICER, world.b_unit_id), problem)
        services.confirm(officer, problem, today=later + timedelta(days=6))
        assert problem.status == ProblemStatus.CLOSED and problem.closed_on == later + timedelta(days=6)
        with pytest.raises(services.ProblemError, match="已办结"):
            services.reply(province_manager, problem, "再补充一句", today=later + timedelta(days=7))

        steps = db.session.scalars(sa.select(CaseStep).where(CaseStep.owner_id == problem.id,
                                                             CaseStep.owner_type == "problem").order_by(CaseStep.id)).all()
        assert [(s.action, s.happened_on, s.by_id) for s in steps] == [
            ("raise", DAY, officer.id), ("escalate", DAY + timedelta(days=16), None),
            ("escalate", DAY + timedelta(days=32), None), ("assign", later, province_manager.id),
            ("solve", later + timedelta(days=5), province_manager.id), ("confirm", later + timedelta(days=6), officer.id)]
        assert _told(officer)[-1] == "“甲园区示例项目”用地问题：已答复解决，请确认"


def test_raised_straight_to_the_city_with_its_days_and_reopened(app, world):
    with app.app_context():
        officer, _, city_manager, _ = _people(world)
        services.save_escalate_days(world.a_unit_id, 5)  # the city's own setting
        project = db.session.get(Project, world.project_id)
        problem = services.raise_problem(officer, project, {"kind": "eia", "level": "city", "description": "环评批复慢"},
                                         today=DAY)
        assert problem.handler_unit_id == world.a_unit_id and problem.due_on == DAY + timedelta(days=5)
        services.solve(city_manager, problem, "已协调加快", today=DAY)
        with pytest.raises(services.ProblemError, match="写明仍未解决的原因"):
            services.reopen(officer, problem, " ", today=DAY)
        services.reopen(officer, problem, "批复仍未下达", today=DAY + timedelta(days=1))
        assert problem.status == ProblemStatus.OPEN and problem.solved_on is None
        assert problem.due_on == DAY + timedelta(days=6)
        with pytest.raises(services.ProblemError, match="1–90"):
            services.save_escalate_days(world.a_unit_id, 0)
        city_b = db.session.get(OrgUnit, world.b_unit_id)
        with pytest.raises(services.ProblemError, match="本单位之上没有市级单位"):
            services.raise_problem(officer, helpers.make_project(world.root_unit_id, "省直项目"),
                                   {"kind": "other", "level": "city", "description": "x"}, today=DAY)
        assert services.ladder(city_b) == [city_b, db.session.get(OrgUnit, world.root_unit_id)]


def test_pages_raise_list_export_and_refuse_bad_input_writing_nothing(app, client, world, login, version):
    login("officer", unit="a_zone")
    page = client.get(f"/projects/{world.project_id}").get_data(as_text=True)
    assert f"/problems/new/{world.project_id}" in page and "包保领导" in page and "张副市长" in page
    bad = client.post(f"/problems/new/{world.project_id}", data={"kind": "", "level": "local", "description": ""})
    assert "请选择问题类别" in bad.get_data(as_text=True)
    refused = client.post(f"/problems/new/{world.project_id}", data={
        "kind": "land", "level": "local", "description": "带可疑附件", "attachments": [(io.BytesIO(b"MZ"), "x.exe")]},
        content_type="multipart/form-data")
    assert "类型不允许" in refused.get_data(as_text=True)
    with app.app_context():  # nothing written: no problem, no step
        assert db.session.scalar(sa.select(ProjectProblem).where(ProjectProblem.description == "带可疑附件")) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseStep)) == 0
    response = client.post(f"/problems/new/{world.project_id}", data={
        "kind": "utilities", "level": "city", "description": "电力增容未批", "request": "协调供电公司",
        "attachments": [(io.BytesIO(b"%PDF-1.4 x"), "申请.pdf")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        problem = db.session.scalar(sa.select(ProjectProblem).where(ProjectProblem.description == "电力增容未批"))
        ident, handler = problem.id, problem.handler_unit_id
    assert handler == world.a_unit_id
    detail = client.get(f"/problems/{ident}").get_data(as_text=True)
    assert "申请.pdf" in detail and "当前由 <strong>甲市</strong>（市级）办理" in detail and "张副市长（副市长）" in detail
    assert "交办" not in detail.split("办理过程")[1]  # an officer does not handle it
    listed = client.get("/problems/?state=open&kind=utilities").get_data(as_text=True)
    assert '<span data-testid="list-total">1</span>' in listed and "电力增容未批" in listed
    book = openpyxl.load_workbook(io.BytesIO(client.get("/problems/export.xlsx?state=open").data))
    assert [r[1] for r in book.active.iter_rows(min_row=2, values_only=True)] == ["甲园区示例项目"] * 2  # the world's own too

    client.post("/auth/logout")
    login("manager", unit="a")
    agenda = client.get("/agenda/").get_data(as_text=True).split('data-testid="agenda-cases"')[1]
    assert "甲园区示例项目：水电气" in agenda and "待本单位办理" in agenda
    stale = version(ProjectProblem, ident)
    past = client.post(f"/problems/{ident}/assign", data={"version": stale, "assignee": "市供电公司",
                                                          "due_on": "2020-01-01"}, follow_redirects=True)
    assert "办理期限不能早于今天" in past.get_data(as_text=True)
    due = (date.today() + timedelta(days=7)).isoformat()
    assert client.post(f"/problems/{ident}/assign", data={"version": stale, "assignee": "市供电公司",
                                                          "due_on": due}).status_code == 302
    again = client.post(f"/problems/{ident}/assign", data={"version": stale, "assignee": "别的单位", "due_on": due})
    assert again.status_code == 409  # a stale page (or a double click) changes nothing
    with app.app_context():
        assert db.session.get(ProjectProblem, ident).assignee == "市供电公司"
    other = app.test_client()
    login("manager", unit="b", client=other)
    assert other.get(f"/problems/{ident}").status_code == 404
    assert "电力增容未批" not in other.get("/problems/").get_data(as_text=True)
