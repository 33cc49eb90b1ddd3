"""Importing a chain's node tree with the shared machinery: parents by path or by name, in any
order; a cycle, a missing parent, a name twice under one parent are row errors and nothing is
written; a re-import is unchanged; the export reads back as it was; undo."""
import io
import json

import openpyxl
import sqlalchemy as sa

from app.extensions import db
from app.imports.services import preview, run
from app.models import Chain, ChainNode, ImportBatch, ImportRow, Project, User
from app.models.enums import Role
from tests import helpers
from tests.workbooks import simple

HEADER = ["产业链", "链段", "上级环节", "环节名称", "国标行业代码", "短板标识", "关键技术"]


def tree(app) -> dict[str, tuple]:
    """Every node of the test chain: path → (segment, gap, codes)."""
    with app.app_context():
        nodes = db.session.scalars(sa.select(ChainNode)).all()
        by_id = {n.id: n for n in nodes}

        def path(node):
            return (path(by_id[node.parent_id]) + " / " if node.parent_id else "") + node.name
        return {path(n): (n.segment, n.gap, n.industry_codes) for n in nodes}


def manager(app, world):
    with app.app_context():
        user = helpers.make_user(Role.MANAGER, world.a_unit_id, username="chainkeeper")
        db.session.commit()
        return user.id


def imported(app, user_id, path, skip_errors=False, keep=True):
    """Preview then commit (when the rows allow); the batch and its rows' (action, message)."""
    with app.app_context():
        user = db.session.get(User, user_id)
        batch = run(preview("chains", path, path.name, user))
        rows = {r.row_number: (r.action, r.message) for r in db.session.scalars(
            sa.select(ImportRow).where(ImportRow.batch_id == batch.id))}
        if keep and (skip_errors or all(action != "error" for action, _m in rows.values())):
            helpers.commit_batch(batch, user, skip_errors)
        db.session.commit()
        return batch.id, rows


def test_a_tree_in_any_order_with_parents_by_path_or_name(app, world, tmp_path):
    user_id = manager(app, world)
    path = simple(tmp_path / "环节.xlsx", HEADER, [
        ["测试产业链", None, "原料 / 矿石", "精矿", "0810", "补链", "浮选"],  # its parent comes two rows down
        ["测试产业链", "中游", None, "冶炼", None, "强链", None],
        ["测试产业链", None, "原料", "矿石", None, None, None],
        ["测试产业链", None, "冶炼", "精炼", "C3216", "延链", None],  # the parent by name
        ["测试产业链", "上游", None, "原料", "", "补链", None],  # the existing node: unchanged
    ])
    _batch, rows = imported(app, user_id, path)
    assert [rows[n][0] for n in range(2, 7)] == ["create", "create", "create", "create", "unchanged"]
    assert tree(app) == {"原料": ("upstream", "fill", None), "原料 / 矿石": ("upstream", "present", None),
                         "原料 / 矿石 / 精矿": ("upstream", "fill", "0810"), "冶炼": ("midstream", "strengthen", None),
                         "冶炼 / 精炼": ("midstream", "extend", "C3216")}
    _batch, again = imported(app, user_id, path, keep=False)
    assert {action for action, _m in again.values()} == {"unchanged"}


def test_bad_trees_are_row_errors_that_name_the_rows_and_nothing_is_written(app, world, tmp_path):
    user_id = manager(app, world)
    with app.app_context():  # two nodes named 设备, under 原料 and under 冶炼
        chain = db.session.get(Chain, world.chain_id)
        top = chain.nodes[0]
        smelting = ChainNode(chain=chain, segment="midstream", name="冶炼")
        db.session.add_all([ChainNode(chain=chain, parent=top, segment="upstream", name="设备"), smelting,
                            ChainNode(chain=chain, parent=smelting, segment="midstream", name="设备")])
        db.session.commit()
    before = tree(app)
    path = simple(tmp_path / "环节.xlsx", HEADER, [
        ["测试产业链", None, "乙环节", "甲环节", None, None, None],
        ["测试产业链", None, "甲环节", "乙环节", None, None, None],
        ["测试产业链", None, "不存在的环节", "丙环节", None, None, None],
        ["测试产业链", "下游", None, "丁环节", None, None, None],
        ["测试产业链", "下游", None, "丁环节", None, None, None],
        ["测试产业链", None, "设备", "戊环节", None, None, None],
        ["测试产业链", "下游", "原料", "己环节", None, None, None],
        ["测试产业链", None, "甲环节", "庚环节", None, None, None],
        ["不存在的链", "上游", None, "辛环节", None, None, None],
        ["测试产业链", None, None, "壬环节", None, None, None],
        ["测试产业链", "上游", None, "癸环节", "99999", "补", None],
        ["测试产业链", "中游", "冶炼 / 设备", "可以的环节", None, None, None],
        ["测试产业链", "上游", None, "甲／乙", None, None, None],
        ["测试产业链", "上游", None, "编码过多", ",".join(str(1000 + i) for i in range(30)), None, None],
    ])
    _batch, rows = imported(app, user_id, path)
    messages = {n: m for n, (_a, m) in rows.items()}
    cycle = "上下级形成循环：“甲环节”的上级是“乙环节”（第2行），“乙环节”的上级是“甲环节”（第3行）"
    assert messages[2] == messages[3] == cycle
    assert messages[4] == "上级环节“不存在的环节”不存在（须是已有环节，或在本文件中列出）"
    assert rows[5][0] == "create" and messages[6] == "与第5行是同一环节（“顶层”下有两个“丁环节”）"
    assert messages[7] == "上级环节“设备”有多个同名环节（冶炼 / 设备、原料 / 设备），请写出完整路径"
    assert messages[8] == "链段“下游”与上级环节“原料”的链段（上游）不一致；下级环节随上级的链段"
    assert messages[9] == "上级环节“甲环节”所在的第2行有错误"
    assert messages[10] == "产业链“不存在的链”不存在，或不是您维护的产业链（请先在产业链页面新建）"
    assert messages[11] == "顶层环节须填写链段（上游 / 中游 / 下游）"
    assert messages[12].startswith("短板标识“补”无法识别（已具备 / 强链 / 补链 / 延链）；国标行业代码“99999”格式不对")
    assert rows[13] == ("create", None)
    assert messages[14] == "环节名称不能含“/”（它用来分隔上级环节路径），且不超过100字"
    assert messages[15] == "国标行业代码过多（合计不超过100个字符）"
    assert tree(app) == before  # all or nothing: errors, so nothing written

    batch_id, _rows = imported(app, user_id, path, skip_errors=True)
    assert set(tree(app)) - set(before) == {"丁环节", "冶炼 / 设备 / 可以的环节"}


def test_a_self_parent_is_a_cycle_too(app, world, tmp_path):
    user_id = manager(app, world)
    path = simple(tmp_path / "环节.xlsx", HEADER, [["测试产业链", "上游", "甲", "甲", None, None, None]])
    _batch, rows = imported(app, user_id, path)
    assert rows[2] == ("error", "上下级形成循环：“甲”的上级是“甲”（第2行）")


def test_a_later_ledger_updates_blanks_keep_values_and_undo_restores(app, world, tmp_path):
    user_id = manager(app, world)
    first = simple(tmp_path / "一.xlsx", HEADER, [
        ["测试产业链", None, "原料", "矿石", "0810", "补链", "浮选"],
    ])
    imported(app, user_id, first)
    second = simple(tmp_path / "二.xlsx", HEADER, [
        ["测试产业链", None, "原料", "矿石", None, "已具备", None],  # codes and technologies kept
        ["测试产业链", None, "原料 / 矿石", "精矿", None, None, None],
        ["测试产业链", None, "原料 / 矿石 / 精矿", "尾矿", None, None, None],
    ])
    batch_id, rows = imported(app, user_id, second)
    assert rows[2] == ("update", "短板标识") and rows[3][0] == rows[4][0] == "create"
    assert tree(app)["原料 / 矿石"] == ("upstream", "present", "0810")
    with app.app_context():
        run_undo(batch_id, user_id)
    assert tree(app) == {"原料": ("upstream", "fill", None), "原料 / 矿石": ("upstream", "fill", "0810")}


def run_undo(batch_id, user_id):
    helpers.undo_batch(db.session.get(ImportBatch, batch_id), db.session.get(User, user_id))
    db.session.commit()


def test_undo_is_refused_when_an_imported_node_was_linked_since(app, world, tmp_path, client):
    user_id = manager(app, world)
    batch_id, _rows = imported(app, user_id, simple(tmp_path / "一.xlsx", HEADER, [
        ["测试产业链", None, "原料", "矿石", None, None, None],
        ["测试产业链", None, "原料 / 矿石", "精矿", None, None, None],
    ]))
    with app.app_context():
        node = db.session.scalar(sa.select(ChainNode).where(ChainNode.name == "精矿"))
        db.session.get(Project, world.project_id).chain_node_id = node.id
        db.session.commit()
    client.post("/auth/login", data={"username": "chainkeeper", "password": helpers.PASSWORD})
    page = client.post(f"/imports/{batch_id}/undo", follow_redirects=True).get_data(as_text=True)
    assert "在导入后已有改动或新的关联（精矿），不能撤销本批次" in page
    assert {"原料 / 矿石", "原料 / 矿石 / 精矿"} <= set(tree(app))


def test_the_export_reads_back_unchanged_and_officers_may_not_import(app, world, client, login, tmp_path):
    user_id = manager(app, world)
    imported(app, user_id, simple(tmp_path / "一.xlsx", HEADER, [
        ["测试产业链", None, "原料", "矿石", "0810,0890", "补链", "浮选"],
        ["测试产业链", "下游", None, "销售", None, "延链", None],
    ]))
    client.post("/auth/login", data={"username": "chainkeeper", "password": helpers.PASSWORD})
    exported = client.get(f"/chains/{world.chain_id}/nodes.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.data)).active
    assert [c.value for c in sheet[1]] == ["产业链", "链段", "上级环节", "环节", "国标行业代码", "短板标识", "描述", "关键技术"]
    assert [c.value for c in sheet[3]] == ["测试产业链", "上游", "原料", "矿石", "0810,0890", "补链", None, "浮选"]
    path = tmp_path / "导出.xlsx"
    path.write_bytes(exported.data)
    _batch, rows = imported(app, user_id, path, keep=False)
    assert {action for action, _m in rows.values()} == {"unchanged"} and len(rows) == 3
    officer = app.test_client()
    login(Role.OFFICER, client=officer)
    assert officer.get("/imports/chains/upload").status_code == 403


def test_cli_import_chains(app, runner, world, tmp_path):
    manager(app, world)
    path = simple(tmp_path / "环节.xlsx", HEADER, [["测试产业链", None, "原料", "矿石", None, None, None],
                                                 ["测试产业链", None, "没有", "精矿", None, None, None]])
    result = runner.invoke(args=["import", "chains", str(path), "--user", "chainkeeper", "--json"])
    assert result.exit_code == 1
    summary = json.loads(result.output)
    assert {k: summary[k] for k in ("created", "updated", "unchanged", "written")} == \
        {"created": 1, "updated": 0, "unchanged": 0, "written": False}
    assert summary["errors"] == [{"sheet": "Sheet", "row": 3, "where": "第3行",
                                  "message": "上级环节“没有”不存在（须是已有环节，或在本文件中列出）"}]
    assert "原料 / 矿石" not in tree(app)
    result = runner.invoke(args=["import", "chains", str(path), "--user", "chainkeeper", "--skip-errors"])
    assert result.exit_code == 1 and "新增 1" in result.output  # the good row written; exit 1 for the bad one
    assert "原料 / 矿石" in tree(app)
