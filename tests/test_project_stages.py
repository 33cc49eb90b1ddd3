"""Stage moves, corrections and review (审核): the stage rules, on the services."""
import importlib.util
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Project, StageEvent, User
from app.models.enums import ReviewStatus, Role, Stage
from app.projects import services
from app.projects.indicators import Scope, stage_figures
from app.projects.stages import DATE_COLUMNS, counted
from tests import helpers

TODAY = date(2026, 11, 23)
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


@pytest.fixture
def people(app, world):
    """An officer and a manager of 乙市 (none of build_world's records), a manager of 甲市; the test
    runs inside an app context."""
    with app.app_context():
        officer = helpers.make_user(Role.OFFICER, world.b_unit_id)
        manager = helpers.make_user(Role.MANAGER, world.b_unit_id)
        other = helpers.make_user(Role.MANAGER, world.a_unit_id)
        db.session.commit()
        yield officer, manager, other


def new_project(world, by: User, on=date(2026, 1, 5), **fields) -> Project:
    data = {"name": "乳制品扩产项目", "unit_id": world.b_unit_id, "agreed_investment_wan": Decimal(20000), **fields}
    project = services.create_project(by, data, on, today=TODAY)
    db.session.commit()
    return project


def migration(revision: str):
    """A migration script as a module."""
    [path] = MIGRATIONS.glob(f"{revision}_*.py")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def refused(match: str, action) -> None:
    """What came before is committed; the action raises a domain error with this message and,
    rolled back, writes nothing."""
    db.session.commit()
    with pytest.raises(ValueError, match=match):
        action()
    db.session.rollback()


def stages_of(project: Project) -> list[tuple[str, date]]:
    return [(e.stage, e.effective_on) for e in counted(services.events_of(project))]


def test_moves_go_forward_one_step_with_dates_that_never_go_back(people, world):
    officer, manager, _ = people
    project = new_project(world, officer)
    assert project.stage == Stage.NEGOTIATING and project.negotiating_on == date(2026, 1, 5)
    refused("不能变为“开工”", lambda: services.move(officer, project, Stage.STARTED, date(2026, 3, 1), today=TODAY))
    refused("早于在谈日期", lambda: services.move(officer, project, Stage.SIGNED, date(2026, 1, 4), today=TODAY))
    refused("晚于今天", lambda: services.move(officer, project, Stage.SIGNED, date(2026, 11, 24), today=TODAY))
    services.move(officer, project, Stage.SIGNED, date(2026, 3, 10), "签约仪式", today=TODAY)
    services.move(officer, project, Stage.STARTED, date(2026, 5, 2), today=TODAY)
    assert (project.stage, project.signed_on, project.started_on, project.stage_on) == (
        Stage.STARTED, date(2026, 3, 10), date(2026, 5, 2), date(2026, 5, 2))
    refused("终止原因", lambda: services.move(officer, project, Stage.TERMINATED, date(2026, 6, 1), "  ", today=TODAY))


def test_hold_and_resume_count_the_signing_once(people, world):
    officer, manager, _ = people
    project = new_project(world, manager)
    services.move(manager, project, Stage.SIGNED, date(2026, 2, 1), today=TODAY)
    services.move(manager, project, Stage.ON_HOLD, date(2026, 3, 1), "资金紧张", today=TODAY)
    assert services.next_moves(project) == [Stage.SIGNED, Stage.TERMINATED]
    refused("不能变为“开工”", lambda: services.move(manager, project, Stage.STARTED, date(2026, 4, 1), today=TODAY))
    services.move(manager, project, Stage.SIGNED, date(2026, 4, 1), "恢复推进", today=TODAY)
    assert project.stage == Stage.SIGNED and project.signed_on == date(2026, 2, 1)
    figures = stage_figures(Scope(manager), date(2026, 1, 1), date(2026, 12, 31))
    assert figures[Stage.SIGNED].count == 1 and figures[Stage.SIGNED].amount_wan == Decimal(20000)
    assert stage_figures(Scope(manager), date(2026, 4, 1), date(2026, 4, 30))[Stage.SIGNED].count == 0


def test_a_correction_replaces_the_move_and_keeps_it_in_the_history(people, world):
    officer, manager, _ = people
    project = new_project(world, manager)
    signed = services.move(manager, project, Stage.SIGNED, date(2026, 3, 31), today=TODAY)
    services.move(manager, project, Stage.STARTED, date(2026, 6, 1), today=TODAY)
    refused("说明原因", lambda: services.correct(manager, signed, "", effective_on=date(2026, 4, 2), today=TODAY))
    fixed = services.correct(manager, signed, "协议落款日为4月2日", effective_on=date(2026, 4, 2), today=TODAY)
    assert fixed.supersedes_id == signed.id and project.signed_on == date(2026, 4, 2)
    assert db.session.get(StageEvent, signed.id).effective_on == date(2026, 3, 31)  # kept as it was
    scope = Scope(manager)
    assert stage_figures(scope, date(2026, 3, 1), date(2026, 3, 31))[Stage.SIGNED].count == 0
    assert stage_figures(scope, date(2026, 4, 1), date(2026, 4, 30))[Stage.SIGNED].count == 1
    refused("早于签约日期", lambda: services.correct(manager, signed, "改错", effective_on=date(2026, 7, 1), today=TODAY))


def test_only_the_latest_move_may_be_withdrawn(people, world):
    _, manager, _ = people
    project = new_project(world, manager)
    signed = services.move(manager, project, Stage.SIGNED, date(2026, 3, 1), today=TODAY)
    started = services.move(manager, project, Stage.STARTED, date(2026, 4, 1), today=TODAY)
    refused("最近的一次", lambda: services.correct(manager, signed, "误录", withdraw=True, today=TODAY))
    services.correct(manager, started, "误录：尚未开工", withdraw=True, today=TODAY)
    assert project.stage == Stage.SIGNED and project.started_on is None
    assert stages_of(project) == [(Stage.NEGOTIATING, date(2026, 1, 5)), (Stage.SIGNED, date(2026, 3, 1))]


def test_review_in_order_rejection_and_resubmission(people, world):
    officer, manager, other = people
    project = new_project(world, officer)
    services.move(officer, project, Stage.SIGNED, date(2026, 3, 1), today=TODAY)
    services.move(officer, project, Stage.STARTED, date(2026, 4, 1), today=TODAY)
    negotiating, signed, started = services.events_of(project)
    assert {e.review_status for e in (negotiating, signed, started)} == {ReviewStatus.PENDING}
    assert project.stage == Stage.STARTED  # the project page shows the move, marked 待审核
    refused("上级单位的负责人", lambda: services.review(other, negotiating, True, None))
    refused("请先审核该项目之前的阶段变动（在谈", lambda: services.review(manager, signed, True, None))
    services.review(manager, negotiating, True, None)
    refused("审核意见", lambda: services.review(manager, signed, False, " "))
    refused("其后还有", lambda: services.review(manager, signed, False, "签约日期与协议不符"))
    services.review(manager, started, False, "尚无施工许可")
    services.review(manager, signed, False, "签约日期与协议不符")
    assert project.stage == Stage.NEGOTIATING and project.signed_on is None and project.started_on is None
    refused("已审核过", lambda: services.review(manager, signed, True, None))
    again = services.correct(officer, signed, "按协议改为3月5日", effective_on=date(2026, 3, 5), today=TODAY)
    assert again.review_status == ReviewStatus.PENDING and project.signed_on == date(2026, 3, 5)
    march = (date(2026, 3, 1), date(2026, 3, 31))
    assert stage_figures(Scope(manager), *march)[Stage.SIGNED].count == 0
    assert stage_figures(Scope(manager, include_pending=True), *march)[Stage.SIGNED].count == 1
    services.review(manager, again, True, "同意")
    assert stage_figures(Scope(manager), *march)[Stage.SIGNED].count == 1


def test_a_manager_above_is_approved_on_entry_unless_earlier_moves_wait(people, world):
    officer, manager, _ = people
    waiting = new_project(world, officer)
    assert services.move(manager, waiting, Stage.SIGNED, date(2026, 3, 1), today=TODAY).review_status == \
        ReviewStatus.PENDING  # its 在谈 is not approved yet
    clear = new_project(world, manager, name="另一个项目")
    assert services.move(manager, clear, Stage.SIGNED, date(2026, 3, 1), today=TODAY).review_status == \
        ReviewStatus.APPROVED


def test_the_migration_backfill_agrees_with_derive(people, world):
    """The SQL that filled the stage dates of existing projects follows the same rules as derive()."""
    officer, manager, _ = people
    project = new_project(world, officer)
    signed = services.move(officer, project, Stage.SIGNED, date(2026, 3, 1), today=TODAY)
    services.correct(officer, signed, "改日期", effective_on=date(2026, 3, 2), today=TODAY)
    services.review(manager, services.events_of(project)[0], True, None)
    services.review(manager, signed, True, None)
    services.move(manager, project, Stage.STARTED, date(2026, 4, 1), today=TODAY)
    services.move(manager, project, Stage.ON_HOLD, date(2026, 5, 1), "暂停", today=TODAY)
    services.move(officer, project, Stage.STARTED, date(2026, 6, 1), today=TODAY)
    other = new_project(world, manager, name="被退回的项目")
    rejected = services.move(officer, other, Stage.SIGNED, date(2026, 2, 1), today=TODAY)
    services.review(manager, rejected, False, "无协议")
    db.session.commit()
    columns = ["stage_on", *[p + c for p in ("", "approved_") for c in DATE_COLUMNS.values()]]
    derived = db.session.execute(sa.select(*[getattr(Project, c) for c in columns]).order_by(Project.id)).all()
    assert derived[-2][columns.index("signed_on")] == date(2026, 3, 2)
    assert derived[-2][columns.index("approved_signed_on")] == date(2026, 3, 1)  # the correction waits
    db.session.execute(sa.update(Project).values(dict.fromkeys(columns)))
    for statement in migration("31cc20cf41ef").backfill_statements():
        db.session.execute(sa.text(statement))
    db.session.expire_all()
    assert db.session.execute(sa.select(*[getattr(Project, c) for c in columns]).order_by(Project.id)).all() == derived


def test_fields_out_of_scope_or_negative_are_refused(people, world):
    officer, _, _ = people
    project = new_project(world, officer)
    refused("责任单位", lambda: services.update_project(officer, project, {"unit_id": world.a_unit_id}))
    refused("协议投资不能为负数", lambda: services.update_project(officer, project, {"agreed_investment_wan": Decimal(-1)}))


def test_funds_need_a_signed_project_and_a_positive_amount(people, world):
    officer, manager, _ = people
    project = new_project(world, manager)
    entry = {"month": date(2026, 5, 1), "origin": "out_of_province", "amount_wan": Decimal(3000)}
    refused("尚未签约", lambda: services.save_fund(manager, project, entry, today=TODAY))
    services.move(manager, project, Stage.SIGNED, date(2026, 4, 10), today=TODAY)
    for bad, message in (({"month": date(2026, 3, 1)}, "早于签约日期"), ({"month": date(2026, 12, 1)}, "将来"),
                         ({"amount_wan": Decimal(-5)}, "大于 0"), ({"amount_wan": Decimal(0)}, "大于 0")):
        with pytest.raises(services.ProjectError, match=message):
            services.save_fund(manager, project, {**entry, **bad}, today=TODAY)
    services.save_fund(manager, project, entry, today=TODAY)
    services.save_fund(officer, project, {**entry, "month": date(2026, 6, 1),
                                          "amount_wan": Decimal(18000)}, today=TODAY)
    summary = services.funds_summary(project, TODAY)
    assert summary["total"] == Decimal(21000) and summary["over_agreed"] is True
    assert services.funds_summary(project, TODAY, include_pending=False)["total"] == Decimal(3000)


def test_registration_lies_between_signing_and_start_once_and_is_reviewed_like_a_move(world, people):
    officer, manager, _other = people
    project = new_project(world, manager)
    register = dict(today=TODAY, company_name="乳业（晋中）有限公司", registered_capital_wan=Decimal(3000))
    assert Stage.REGISTERED not in services.next_moves(project)
    with pytest.raises(services.StageError, match="签约后才能登记注册"):
        services.move(manager, project, Stage.REGISTERED, date(2026, 2, 1), **register)
    db.session.rollback()
    services.move(manager, project, Stage.SIGNED, date(2026, 3, 1), today=TODAY)
    services.move(manager, project, Stage.STARTED, date(2026, 6, 1), today=TODAY)
    db.session.commit()
    assert Stage.REGISTERED in services.next_moves(project)
    for day, message in ((date(2026, 2, 20), "早于签约日期"), (date(2026, 6, 2), "晚于开工日期"),
                         (date(2026, 12, 1), "晚于今天")):
        with pytest.raises(services.StageError, match=message):
            services.move(manager, project, Stage.REGISTERED, day, **register)
        db.session.rollback()
    with pytest.raises(services.StageError, match="须填写注册企业名称"):
        services.move(officer, project, Stage.REGISTERED, date(2026, 4, 1), today=TODAY)
    db.session.rollback()
    # an officer's registration waits for review: it counts with pending records only
    event = services.move(officer, project, Stage.REGISTERED, date(2026, 4, 1), **register)
    db.session.commit()
    assert (project.stage, project.registered_on, project.approved_registered_on) == (
        Stage.STARTED, date(2026, 4, 1), None)  # a milestone, not a stage the project is in
    assert Stage.REGISTERED not in services.next_moves(project)
    with pytest.raises(services.StageError, match="注册只记一次"):
        services.move(manager, project, Stage.REGISTERED, date(2026, 4, 2), **register)
    db.session.rollback()
    services.review(manager, event, True, None)
    db.session.commit()
    assert project.approved_registered_on == date(2026, 4, 1)
    assert stage_figures(Scope(manager), date(2026, 4, 1), date(2026, 4, 30))[Stage.REGISTERED].count == 1
    # a correction keeps the company; withdrawing it leaves the project as it was
    corrected = services.correct(manager, event, "营业执照日期", effective_on=date(2026, 4, 3), today=TODAY)
    db.session.commit()
    assert (corrected.company_name, corrected.registered_capital_wan) == ("乳业（晋中）有限公司", Decimal(3000))
    with pytest.raises(services.StageError, match="不能相互更正"):
        services.correct(manager, event, "误选", stage=Stage.STARTED, today=TODAY)
    db.session.rollback()
    services.correct(manager, corrected, "误录", withdraw=True, today=TODAY)
    db.session.commit()
    assert (project.stage, project.registered_on, project.started_on) == (Stage.STARTED, None, date(2026, 6, 1))
