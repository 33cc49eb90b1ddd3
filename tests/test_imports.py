"""The shared import machinery on the enterprise ledger: preview, commit, skip errors, undo, CLI."""
import io
import json
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook

from app.enterprises.services import search
from app.extensions import db
from app.models import AuditLog, Contact, Enterprise, EnterpriseTag, Event, ImportBatch, ImportRow, User, utcnow
from tests import helpers
from tests.conftest import UPLOADS
from tests.workbooks import CODE_1, messy_enterprises, simple


def upload(client, path, name=None):
    with open(path, "rb") as handle:
        return client.post("/imports/enterprises/upload",
                           data={"file": (io.BytesIO(handle.read()), name or path.name)},
                           content_type="multipart/form-data", follow_redirects=True)


def latest_batch(app):
    with app.app_context():
        return db.session.scalar(sa.select(ImportBatch).order_by(ImportBatch.id.desc()))


def enterprise_names(app):
    with app.app_context():
        return set(db.session.scalars(sa.select(Enterprise.name)))


def test_preview_says_per_row_what_will_happen(app, client, world, login, tmp_path):
    login("officer", unit="a")
    before = enterprise_names(app)
    page = upload(client, messy_enterprises(tmp_path / "台账.xlsx")).get_data(as_text=True)
    assert "共 6 行数据" in page and "新增 3" in page and "错误 3" in page
    assert enterprise_names(app) == before  # a preview writes no enterprise
    batch = latest_batch(app)
    with app.app_context():
        rows = {r.row_number: r for r in db.session.scalars(sa.select(ImportRow).where(ImportRow.batch_id == batch.id))}
    assert [rows[n].action for n in range(5, 11)] == ["create", "create", "create", "error", "error", "error"]
    assert rows[8].message == "企业名称为空"
    assert rows[9].message.startswith("统一社会信用代码校验不通过，可能有输错的字符，请对照营业执照逐位核对")
    assert "应为" not in rows[9].message  # never the character that would pass
    assert "日期“2026-13-45”不存在" in rows[10].message
    detail = client.get(f"/imports/{batch.id}?action=error").get_data(as_text=True)
    assert "校验不通过" in detail and "山西示例酒业" not in detail


def test_errors_stop_the_commit_unless_skipped_and_undo_takes_it_back(app, client, world, login, tmp_path):
    officer = login("officer", unit="a")
    upload(client, messy_enterprises(tmp_path / "台账.xlsx"))
    batch = latest_batch(app)
    before = enterprise_names(app)
    refused = client.post(f"/imports/{batch.id}/commit", data={}, follow_redirects=True).get_data(as_text=True)
    assert "第8行: 企业名称为空" in refused and "共 3 行有错误，未导入任何数据" in refused
    assert enterprise_names(app) == before
    done = client.post(f"/imports/{batch.id}/commit", data={"skip_errors": "y"}, follow_redirects=True).get_data(as_text=True)
    assert "新增 3" in done
    names = enterprise_names(app)
    assert {"山西示例酒业有限公司", "ＡＢＣ食品（太原）有限公司", "晋中示例药业股份有限公司"} <= names  # as typed
    with app.app_context():
        wine = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == "山西示例酒业有限公司"))
        assert str(wine.revenue_wan) == "15000.00"  # 1.5 亿元
        created = db.session.scalar(sa.select(AuditLog).where(AuditLog.record_type == "Enterprise",
                                                              AuditLog.record_id == wine.id))
        assert created.action == "create" and created.user_id == officer.id  # the importer, not 系统
        # its contact and tags are in its entry, not entries of their own
        assert created.changes["tags"] == [None, ["上市公司"]] and created.changes["contact"][1]["name"] == "张三"
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(sa.or_(
            AuditLog.record_type == "EnterpriseTag", AuditLog.record_label == "张三")))
        assert wine.uscc == CODE_1
        assert wine.contacts[0].mobile == "13800138000" and wine.tag_names == ["上市公司"]
        abc = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == "ＡＢＣ食品（太原）有限公司"))
        assert abc.contacts[0].phone == "0351-1234567" and str(abc.revenue_wan) == "8000.00"
        assert abc.source_region == "yangtze_delta"
        assert latest_batch(app).status == "committed"
    # Committing twice is refused.
    assert "已导入或已撤销" in client.post(f"/imports/{batch.id}/commit", data={"skip_errors": "y"},
                                         follow_redirects=True).get_data(as_text=True)
    client.post(f"/imports/{batch.id}/undo")
    assert enterprise_names(app) == before
    assert latest_batch(app).status == "undone"


def test_update_by_code_then_by_name_and_unchanged(app, client, world, login, tmp_path):
    code = helpers.make_uscc_for("甲")
    with app.app_context():
        helpers.make_enterprise(world.a_unit_id, "按代码匹配企业", uscc=code)
        db.session.commit()
    login("officer", unit="a")
    path = simple(tmp_path / "u.xlsx", ["企业名称", "信用代码", "所在市", "联系人", "手机"], [
        ["新名字也能按代码匹配", code, "太原", None, None],
        ["甲市示例企业 有限公司", None, "大同", "周九", "13600136000"],
        ["甲市示例企业有限公司", None, None, None, None],
    ])
    upload(client, path)
    batch = latest_batch(app)
    with app.app_context():
        actions = list(db.session.scalars(sa.select(ImportRow.action).where(ImportRow.batch_id == batch.id)
                                          .order_by(ImportRow.row_number)))
    assert actions == ["update", "update", "error"]  # the third repeats the second (same folded name)
    client.post(f"/imports/{batch.id}/commit", data={"skip_errors": "y"}, follow_redirects=True)
    with app.app_context():
        first = db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == code))
        assert (first.name, first.city) == ("新名字也能按代码匹配", "太原")
        second = db.session.get(Enterprise, world.enterprise_id)
        assert second.city == "大同" and [c.name for c in second.contacts] == ["王经理", "周九"]
    client.post(f"/imports/{batch.id}/undo")
    with app.app_context():
        assert db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == code)).name == "按代码匹配企业"
        second = db.session.get(Enterprise, world.enterprise_id)
        assert second.city is None and [c.name for c in second.contacts] == ["王经理"]
    # Importing the same content again changes nothing.
    path2 = simple(tmp_path / "same.xlsx", ["企业名称"], [["甲市示例企业有限公司"]])
    upload(client, path2)
    with app.app_context():
        assert db.session.scalar(sa.select(ImportRow.action).where(ImportRow.batch_id == latest_batch(app).id)) \
            == "unchanged"


def test_the_commit_plans_again_only_what_may_have_changed_since_the_preview(app, client, world, login, tmp_path):
    """Rows to write and unchanged rows whose record was saved since are planned against the data
    as it is at the commit; a row the preview found in error stays skipped."""
    with app.app_context():
        for name in ("未变企业甲", "未变企业乙"):
            helpers.make_enterprise(world.a_unit_id, name, city="太原市")
        twins = [helpers.make_enterprise(world.a_unit_id, "重名企业") for _ in range(2)]
        db.session.commit()
        twin_id = twins[0].id
    login("officer", unit="a")
    upload(client, simple(tmp_path / "u.xlsx", ["企业名称", "所在市"], [
        ["未变企业甲", "太原市"], ["未变企业乙", "太原市"], ["新企业丙", None], ["重名企业", "大同市"]]))
    batch = latest_batch(app)
    with app.app_context():
        assert list(db.session.scalars(sa.select(ImportRow.action).where(ImportRow.batch_id == batch.id)
                                       .order_by(ImportRow.row_number))) == ["unchanged", "unchanged", "create", "error"]
        edited = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == "未变企业乙"))
        edited.city = "大同市"  # saved after the preview: the row now changes it back
        db.session.delete(db.session.get(Enterprise, twin_id))  # the error row would now update the other
        db.session.commit()
    page = client.post(f"/imports/{batch.id}/commit", data={"skip_errors": "y"}, follow_redirects=True)
    assert "新增 1" in page.get_data(as_text=True) and "更新 1" in page.get_data(as_text=True)
    with app.app_context():
        rows = {r.row_number: r for r in db.session.scalars(sa.select(ImportRow).where(ImportRow.batch_id == batch.id))}
        assert [rows[n].action for n in (2, 3, 4, 5)] == ["unchanged", "update", "create", "error"]
        assert db.session.scalar(sa.select(Enterprise.city).where(Enterprise.name == "未变企业乙")) == "太原市"
        assert db.session.scalar(sa.select(Enterprise.city).where(Enterprise.name == "重名企业")) is None


def test_undo_is_refused_after_a_later_edit(app, client, world, login, tmp_path):
    login("officer", unit="a")
    upload(client, simple(tmp_path / "n.xlsx", ["企业名称"], [["撤销测试企业"]]))
    batch = latest_batch(app)
    client.post(f"/imports/{batch.id}/commit", data={}, follow_redirects=True)
    with app.app_context():
        enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == "撤销测试企业"))
        enterprise.city = "后来改的"
        db.session.commit()
    page = client.post(f"/imports/{batch.id}/undo", follow_redirects=True).get_data(as_text=True)
    assert "导入后已被修改" in page
    assert "撤销测试企业" in enterprise_names(app) and latest_batch(app).status == "committed"


def test_an_undo_takes_back_what_it_created_unless_something_was_linked_to_it_since(app, client, world, login,
                                                                                   tmp_path):
    login("officer", unit="a")
    upload(client, simple(tmp_path / "n.xlsx", ["企业名称", "联系人", "手机", "标签"], [
        ["撤销甲企业", "赵一", "13700137000", "上市公司、瞪羚企业"], ["撤销乙企业", None, None, None]]))
    batch = latest_batch(app)
    client.post(f"/imports/{batch.id}/commit", data={}, follow_redirects=True)
    with app.app_context():
        first = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == "撤销甲企业"))
        first_id, event = first.id, db.session.get(Event, world.event_id)
        event.enterprises.append(first)  # invited to a promotion after the import
        db.session.commit()
    page = client.post(f"/imports/{batch.id}/undo", follow_redirects=True).get_data(as_text=True)
    assert "第2行新增的企业“撤销甲企业”已有招商活动，不能撤销本批次" in page
    assert {"撤销甲企业", "撤销乙企业"} <= enterprise_names(app) and latest_batch(app).status == "committed"
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        event.enterprises.clear()
        db.session.commit()
    client.post(f"/imports/{batch.id}/undo", follow_redirects=True)
    assert not {"撤销甲企业", "撤销乙企业"} & enterprise_names(app) and latest_batch(app).status == "undone"
    with app.app_context():
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(Contact).where(Contact.name == "赵一"))
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(EnterpriseTag)
                                     .where(EnterpriseTag.enterprise_id == first_id))
        removed = db.session.scalar(sa.select(AuditLog).where(AuditLog.record_type == "Enterprise",
                                                              AuditLog.record_id == first_id, AuditLog.action == "delete"))
        assert removed.changes["name"] == ["撤销甲企业", None] and removed.changes["contacts"] == [["赵一"], None]
        assert removed.changes["tags"] == [["上市公司", "瞪羚企业"], None]


def kept(batch) -> Path:
    """Where the embedded store (the uploads folder) keeps a batch's upload."""
    return Path(UPLOADS) / batch.file_path.removeprefix("store:")


def test_an_upload_is_let_go_once_it_cannot_be_read_again(app, client, runner, world, login, tmp_path):
    login("officer", unit="a")
    upload(client, simple(tmp_path / "a.xlsx", ["企业名称"], [["文件清理甲企业"]]))
    committed = latest_batch(app)
    assert kept(committed).exists()
    client.post(f"/imports/{committed.id}/commit", data={}, follow_redirects=True)
    assert not kept(committed).exists() and latest_batch(app).file_path is None
    upload(client, simple(tmp_path / "b.xlsx", ["企业名称"], [["文件清理乙企业"]]))
    left = latest_batch(app)
    with app.app_context():
        db.session.get(ImportBatch, left.id).created_at = utcnow() - timedelta(days=31)
        db.session.commit()
    upload(client, simple(tmp_path / "c.xlsx", ["企业名称"], [["文件清理丙企业"]]))  # lets stale files go
    assert not kept(left).exists()
    page = client.get(f"/imports/{left.id}").get_data(as_text=True)
    assert "已清理" in page and "按所选列重新预览" not in page and "确认导入" in page
    own = simple(tmp_path / "d.xlsx", ["企业名称"], [["文件清理丁企业"]])
    assert runner.invoke(args=["import", "enterprises", str(own), "--user", "a_officer"]).exit_code == 0
    assert own.exists()  # the CLI names the user's own file: never deleted


def test_a_code_outside_the_scope_is_an_error_row(app, client, world, login, tmp_path):
    code = helpers.make_uscc_for("乙")
    with app.app_context():
        helpers.make_enterprise(world.b_unit_id, "乙市的企业", uscc=code)
        db.session.commit()
    login("officer", unit="a")
    upload(client, simple(tmp_path / "o.xlsx", ["企业名称", "统一社会信用代码"], [["随便", code]]))
    with app.app_context():
        row = db.session.scalar(sa.select(ImportRow).where(ImportRow.batch_id == latest_batch(app).id))
    assert row.action == "error" and "不在您的数据范围内" in row.message and "乙市的企业" not in row.message


def test_error_rows_download_as_a_workbook(app, client, world, login, tmp_path):
    login("officer", unit="a")
    upload(client, messy_enterprises(tmp_path / "台账.xlsx"))
    batch = latest_batch(app)
    response = client.get(f"/imports/{batch.id}/errors.xlsx")
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Excel行号" and rows[0][-1] == "错误原因" and "企业名称" in rows[0]
    assert [r[0] for r in rows[1:]] == [8, 9, 10]
    assert rows[2][2] == "校验位错误企业" and "校验不通过" in rows[2][-1]


def test_bad_files_write_nothing(app, client, world, login, tmp_path):
    login("officer", unit="a")
    (tmp_path / "bad.xlsx").write_bytes(b"not excel at all")
    page = upload(client, tmp_path / "bad.xlsx").get_data(as_text=True)
    assert "文件无法导入：无法识别的文件" in page and "确认导入" not in page
    with app.app_context():
        batch = latest_batch(app)
        assert (batch.status, batch.total_rows) == ("refused", 0)  # the batch says why; no row, nothing else
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportRow)) == 0
    assert "已导入或已撤销" in client.post(f"/imports/{batch.id}/commit", data={}, follow_redirects=True).get_data(
        as_text=True)


def test_cli_import(app, runner, world, tmp_path):
    path = messy_enterprises(tmp_path / "台账.xlsx")
    with app.app_context():
        helpers.make_user("admin", world.root_unit_id)
        db.session.commit()
    result = runner.invoke(args=["import", "enterprises", str(path)])
    assert result.exit_code == 1
    assert "第8行: 企业名称为空" in result.output and "新增 3，更新 0，未变 0，错误 3" in result.output
    assert "未导入的列：序号" in result.output
    assert "山西示例酒业有限公司" not in enterprise_names(app)
    dry = runner.invoke(args=["import", "enterprises", str(path), "--dry-run", "--json"])
    summary = json.loads(dry.output)
    assert summary["created"] == 3 and summary["errors"][0] == {"sheet": "企业台账", "row": 8, "where": "第8行",
                                                                "message": "企业名称为空"}
    assert summary["unmapped_columns"] == ["序号"] and summary["skipped"] == []
    assert "山西示例酒业有限公司" not in enterprise_names(app)
    done = runner.invoke(args=["import", "enterprises", str(path), "--skip-errors", "--user", "a_officer", "--json"])
    assert done.exit_code == 1 and json.loads(done.output)["created"] == 3
    with app.app_context():
        wine = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == "山西示例酒业有限公司"))
        assert wine.unit_id == world.a_unit_id  # the acting user's unit
        # Bulk-inserted names are in the search index too.
        found = db.session.scalars(search(db.session.get(User, world.a_user_id), {"q": "酒业"})).all()
        assert [e.name for e in found] == ["山西示例酒业有限公司"]
    bad = runner.invoke(args=["import", "enterprises", str(path), "--user", "nobody"])
    assert bad.exit_code != 0 and "不存在" in bad.output


def test_contacts_are_not_duplicated_by_a_second_import(app, runner, world, tmp_path):
    path = simple(tmp_path / "c.xlsx", ["企业名称", "联系人", "电话"], [["联系人企业", "吴十", "13500135000"]])
    runner.invoke(args=["import", "enterprises", str(path), "--user", "a_officer"])
    second = runner.invoke(args=["import", "enterprises", str(path), "--user", "a_officer", "--json"])
    assert json.loads(second.output)["unchanged"] == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact).where(Contact.name == "吴十")) == 1
