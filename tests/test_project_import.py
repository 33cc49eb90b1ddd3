"""Importing a project ledger (台账) through the shared machinery: each date a stage event, investors
matched or created, errors per row, all or nothing, the same file twice changes nothing, undo."""
import io
import json
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.imports.services import BatchError, preview, run
from app.models import Enterprise, FundEntry, ImportRow, Project, StageEvent, User
from app.models.enums import FundOrigin, ReviewStatus, Role, Stage
from tests import helpers
from tests.workbooks import CODE_1, messy_projects, simple


@pytest.fixture
def officer(app, world):
    with app.app_context():
        yield db.session.get(User, world.a_user_id)  # a_officer of 甲市


def previewed(path, user):
    batch = run(preview("projects", path, path.name, user))
    db.session.commit()
    rows = {r.row_number: r for r in db.session.scalars(sa.select(ImportRow).where(ImportRow.batch_id == batch.id))}
    return batch, rows


def project_named(name) -> Project | None:
    return db.session.scalar(sa.select(Project).where(Project.name == name))


def test_preview_reads_the_ledger_as_it_is(officer, tmp_path):
    batch, rows = previewed(messy_projects(tmp_path / "项目台账.xlsx"), officer)
    assert (batch.header_row, batch.counts["create"], batch.counts["error"]) == (3, 3, 5)
    assert batch.counts["sheets"][0]["units"] == {"total_investment_wan": "亿元", "agreed_investment_wan": "万元"}
    assert [rows[n].action for n in range(4, 12)] == ["create", "create", "error", "error", "error", "error", "error",
                                                     "create"]
    assert "落户园区“甲园”不存在或不在您的数据范围内，是否为“甲园区”？" == rows[6].message
    assert "开工日期 2026-04-01 早于签约日期 2026-05-01" in rows[7].message
    assert "晚于今天" in rows[8].message
    assert rows[9].message == "阶段为“投产”，但没有投产日期"
    assert rows[10].message == "协议投资不能为负数"
    assert rows[11].message.startswith("未填写阶段日期") and rows[4].message is None
    assert project_named("乳制品深加工项目") is None  # a preview writes nothing


def test_commit_writes_dated_events_and_matches_or_creates_investors(officer, world, tmp_path):
    path = messy_projects(tmp_path / "项目台账.xlsx")
    batch, _ = previewed(path, officer)
    with pytest.raises(BatchError, match="第6行"):
        helpers.commit_batch(batch, officer, False)
    db.session.rollback()
    assert project_named("乳制品深加工项目") is None  # all or nothing
    helpers.commit_batch(batch, officer, True)
    db.session.commit()

    dairy = project_named("乳制品深加工项目")
    assert (dairy.total_investment_wan, dairy.agreed_investment_wan) == (Decimal(20000), Decimal(15000))
    assert (dairy.stage, dairy.negotiating_on, dairy.signed_on, dairy.started_on) == (
        Stage.STARTED, date(2026, 1, 5), date(2026, 3, 10), date(2026, 5, 2))
    assert dairy.park_id == world.park_id and dairy.unit_id == world.a_unit_id and dairy.channel == "team"
    events = db.session.scalars(sa.select(StageEvent).where(StageEvent.project_id == dairy.id)).all()
    assert {e.review_status for e in events} == {ReviewStatus.PENDING}  # an officer's entries wait for review
    investor = db.session.get(Enterprise, dairy.investor_id)
    assert (investor.name, investor.uscc, investor.unit_id) == ("示例乳业（杭州）有限公司", CODE_1, world.a_unit_id)  # as typed

    vinegar = project_named("食醋扩产项目")
    assert vinegar.investor_id == world.enterprise_id  # matched by name
    assert (vinegar.stage, vinegar.signed_on, vinegar.negotiating_on) == (Stage.SIGNED, date(2026, 3, 1), None)
    undated = project_named("新能源包装材料项目")
    assert undated.stage == Stage.NEGOTIATING and undated.stage_on is None
    assert undated.agreed_investment_wan == Decimal(5000)


def test_the_same_file_twice_changes_nothing_and_a_later_ledger_adds_stages(officer, tmp_path):
    path = messy_projects(tmp_path / "项目台账.xlsx")
    batch, _ = previewed(path, officer)
    helpers.commit_batch(batch, officer, True)
    db.session.commit()
    events = db.session.scalar(sa.select(sa.func.count()).select_from(StageEvent))
    again, rows = previewed(path, officer)
    assert (again.counts["create"], again.counts["unchanged"], again.counts["update"]) == (0, 3, 0)
    helpers.commit_batch(again, officer, True)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageEvent)) == events

    later = messy_projects(tmp_path / "十一月台账.xlsx", rows=[
        [1, "乳制品深加工项目", None, None, None, None, "2026/1/5", "2026-03-10", "2026-05-02", "2026-11-02", "投产",
         None, None, None, None, None],
        [2, "食醋扩产项目", None, None, None, None, None, "2026-03-02", None, None, None, None, None, None, None, None]])
    update, rows = previewed(later, officer)
    assert rows[4].action == "update" and "新增阶段：投产 2026-11-02" in rows[4].message
    assert rows[5].action == "error" and "签约日期 2026-03-02 与系统中的 2026-03-01 不同" in rows[5].message
    helpers.commit_batch(update, officer, True)
    db.session.commit()
    assert project_named("乳制品深加工项目").producing_on == date(2026, 11, 2)
    helpers.undo_batch(update, officer)
    db.session.commit()
    dairy = project_named("乳制品深加工项目")
    assert dairy.stage == Stage.STARTED and dairy.producing_on is None


def test_an_admin_import_is_approved_on_entry_and_undo_removes_what_it_created(officer, world, tmp_path):
    admin = helpers.make_user(Role.ADMIN, world.root_unit_id)
    db.session.commit()
    batch, _ = previewed(messy_projects(tmp_path / "项目台账.xlsx"), admin)
    helpers.commit_batch(batch, admin, True)
    db.session.commit()
    dairy = project_named("乳制品深加工项目")
    assert {e.review_status for e in dairy.stage_events} == {ReviewStatus.APPROVED}
    assert dairy.unit_id == world.root_unit_id  # 责任单位 blank: the importing user's unit
    helpers.undo_batch(batch, admin)
    db.session.commit()
    assert project_named("乳制品深加工项目") is None and project_named("食醋扩产项目") is None
    assert db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == CODE_1)) is None
    assert db.session.get(Enterprise, world.enterprise_id) is not None  # matched, not created: kept


def test_an_undo_is_refused_once_a_created_project_has_funds(officer, world, tmp_path):
    batch, _ = previewed(messy_projects(tmp_path / "项目台账.xlsx"), officer)
    helpers.commit_batch(batch, officer, True)
    db.session.commit()
    vinegar = project_named("食醋扩产项目")
    db.session.add(FundEntry(project_id=vinegar.id, month=date(2026, 4, 1), origin=FundOrigin.LOCAL, amount_wan=Decimal(500)))
    db.session.commit()
    row = db.session.scalar(sa.select(ImportRow.row_number).where(ImportRow.batch_id == batch.id,
                                                                  ImportRow.record_id == vinegar.id))
    with pytest.raises(BatchError, match=f"第{row}行新增的项目“食醋扩产项目”已有到位资金或对接记录，不能撤销本批次"):
        helpers.undo_batch(batch, officer)
    db.session.rollback()
    assert project_named("乳制品深加工项目") is not None


def test_cli_import_projects(app, runner, world, tmp_path):
    path = messy_projects(tmp_path / "项目台账.xlsx")
    dry = runner.invoke(args=["import", "projects", str(path), "--dry-run", "--json", "--user", "a_officer"])
    summary = json.loads(dry.output)
    assert summary["created"] == 3 and len(summary["errors"]) == 5
    assert summary["errors"][0]["row"] == 6 and "甲园区" in summary["errors"][0]["message"]
    refused = runner.invoke(args=["import", "projects", str(path), "--user", "a_officer"])
    assert refused.exit_code == 1
    done = runner.invoke(args=["import", "projects", str(path), "--skip-errors", "--user", "a_officer", "--json"])
    assert done.exit_code == 1 and json.loads(done.output)["created"] == 3  # written, but rows had errors
    assert json.loads(done.output)["written"] is True
    with app.app_context():
        assert project_named("食醋扩产项目").signed_on == date(2026, 3, 1)


def test_upload_and_preview_in_the_browser_pages(app, client, world, login, tmp_path):
    login("officer", unit="a")
    path = messy_projects(tmp_path / "项目台账.xlsx")
    page = client.post("/imports/projects/upload", data={"file": (io.BytesIO(path.read_bytes()), path.name)},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "共 8 行数据" in page and "新增 3" in page and "错误 5" in page
    assert "从台账导入" in client.get("/projects/").get_data(as_text=True)


def test_a_ledgers_registration_columns_become_the_registration_milestone(officer, tmp_path):
    headers = ["项目名称", "签约日期", "注册时间", "注册名称", "注册资本（亿元）", "开工日期"]
    path = simple(tmp_path / "注册.xlsx", headers, [
        ["乳业项目", "2026-03-10", "2026-04-01", "乳业（晋中）有限公司", "0.5", "2026-05-02"],
        ["醋业项目", "2026-03-10", "2026-02-01", "醋业有限公司", None, None],  # before its 签约
        ["酒业项目", "2026-03-10", "2026-04-01", None, None, None],  # no name
        ["面业项目", "2026-03-10", None, "面业有限公司", None, None]])  # no date
    batch, rows = previewed(path, officer)
    assert [rows[n].action for n in (2, 3, 4, 5)] == ["create", "error", "error", "error"]
    assert "注册日期 2026-02-01 早于签约日期 2026-03-10" in rows[3].message
    assert "请填写注册名称" in rows[4].message and "请填写注册时间" in rows[5].message
    helpers.commit_batch(batch, officer, True)
    db.session.commit()
    dairy = project_named("乳业项目")
    assert (dairy.stage, dairy.registered_on, dairy.started_on) == (Stage.STARTED, date(2026, 4, 1), date(2026, 5, 2))
    registration = db.session.scalar(sa.select(StageEvent).where(StageEvent.project_id == dairy.id,
                                                                 StageEvent.stage == Stage.REGISTERED))
    assert (registration.company_name, registration.registered_capital_wan) == ("乳业（晋中）有限公司", Decimal(5000))
