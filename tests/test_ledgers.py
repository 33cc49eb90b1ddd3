"""Ledgers as bureaus keep them, through the import machinery: columns found by key words and
units or chosen by the user (and remembered), status columns, month-only dates, every sheet, title
lines, footnotes and totals, .xls and GBK CSV, text kept as typed, and files that must not get in."""
import io
import json
import threading
import time
import urllib.parse
import urllib.request
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.excel import ExcelError
from app.extensions import db
from app.imports.services import preview, run
from app.models import Enterprise, ImportBatch, ImportMapping, ImportRow, Project, StageEvent, User
from app.models.enums import Role, SourceRegion, Stage
from tests import helpers
from tests.workbooks import CODE_1, CODE_2, bomb, county_key_projects, landed_ledger, resident_forms, simple

DATA = Path(__file__).parent / "data"


def cli(runner, *args):
    result = runner.invoke(args=["import", *map(str, args), "--json"])
    return result.exit_code, json.loads(result.output)


def test_a_59_column_ledger_fills_what_it_can_and_lists_the_rest(app, runner, world, tmp_path):
    code, summary = cli(runner, "projects", landed_ledger(tmp_path / "落地项目台账.xlsx"), "--user", "a_officer")
    assert code == 0 and summary["created"] == 2 and summary["errors"] == []
    assert {"落地企业统一社会信用代码", "竣工时间", "年用电量(万千瓦时)", "项目进展情况", "到位资金(万元)",
            "联系电话"} <= set(summary["unmapped_columns"])
    assert "项目状态" not in summary["unmapped_columns"] and "投资方统一社会信用代码" not in summary["unmapped_columns"]
    with app.app_context():
        project = db.session.scalar(sa.select(Project).where(Project.name == "示例新材料产业园项目"))
        assert (project.stage, project.signed_on, project.started_on) == (Stage.STARTED, date(2026, 2, 15),
                                                                         date(2026, 5, 1))
        assert (project.total_investment_wan, project.agreed_investment_wan) == (Decimal(52000), Decimal(52000))
        assert (project.land_mu, project.factory_m2, project.is_key) == (Decimal(150), Decimal(12000), True)
        assert project.content == "年产 5 万吨新材料，建设厂房 12,000㎡；配套研发中心：二期"  # as typed
        assert project.problems == "用地指标待落实；环评审批中"
        investor = db.session.get(Enterprise, project.investor_id)
        assert (investor.name, investor.uscc) == ("示例新材料（深圳）有限公司", CODE_1)  # the investor's code
        started = db.session.scalar(sa.select(StageEvent).where(StageEvent.project_id == project.id,
                                                                StageEvent.stage == Stage.STARTED))
        assert started.month_only and started.date_label == "2026-05（月）"  # 2026年5月: the month, kept so
        food = db.session.scalar(sa.select(Project).where(Project.name == "示例食品加工项目"))
        assert (food.stage, food.signed_on, food.is_key) == (Stage.SIGNED, date(2026, 3, 1), False)


def test_a_name_column_called_otherwise_is_mapped_and_the_choice_remembered(app, runner, world, tmp_path):
    path = county_key_projects(tmp_path / "重点项目一览表.xlsx")
    result = runner.invoke(args=["import", "projects", str(path), "--user", "a_officer"])
    assert result.exit_code == 2 and "找不到“项目名称”列" in result.output and "--map" in result.output
    code, summary = cli(runner, "projects", path, "--user", "a_officer", "--map", "工程名称=项目名称",
                        "--map", "竣工时间=")
    assert code == 0 and summary["created"] == 2 and summary["written"] is True
    assert summary["skipped"] == [{"sheet": "重点项目", "row": 5, "reason": "合计行"}]
    assert {"竣工时间", "2026年计划投资[亿元]"} <= set(summary["unmapped_columns"])
    assert "某县2026年重点项目一览表" not in str(summary)
    with app.app_context():
        solar = db.session.scalar(sa.select(Project).where(Project.name == "示例光伏组件项目"))
        assert solar.total_investment_wan == Decimal(52000)  # "5.2" under 总投资额[亿元]
        assert (solar.stage, solar.started_on, solar.signed_on) == (Stage.STARTED, date(2016, 2, 1), None)
        remembered = dict(db.session.execute(sa.select(ImportMapping.header_key, ImportMapping.field)).all())
        assert remembered == {"工程名称": "name", "竣工时间": None}
    # The next ledger of the unit with that header needs no --map.
    again = simple(tmp_path / "next.xlsx", ["工程名称", "开工时间"], [["示例新工程", "2026-06-01"]])
    code, summary = cli(runner, "projects", again, "--user", "a_officer", "--dry-run")
    assert code == 0 and summary["created"] == 1


def test_a_form_with_a_sheet_per_group_reads_every_sheet_and_skips_notes_and_totals(app, runner, world, tmp_path):
    code, summary = cli(runner, "projects", resident_forms(tmp_path / "驻点招商.xlsx"), "--user", "a_officer",
                        "--dry-run")
    assert code == 0 and summary["created"] == 6 and summary["sheets"] == ["片组一", "片组二"]
    assert [(s["sheet"], s["row"], s["reason"]) for s in summary["skipped"]] == [
        (group, row, reason) for group in ("片组一", "片组二")
        for row, reason in ((8, "合计行"), (9, "备注或签署行"), (10, "备注或签署行"), (11, "备注或签署行"),
                            (12, "备注或签署行"))]
    assert summary["unmapped_columns"] == ["序号", "项目进展"]  # the title lines are no part of any header
    with app.app_context():
        batch = db.session.scalar(sa.select(ImportBatch).order_by(ImportBatch.id.desc()))
        assert batch is None or batch.kind != "projects"  # a dry run keeps nothing


def test_an_xls_from_an_older_system_reads_like_the_xlsx(app, world, tmp_path):
    """tests/data/resident-forms.xls is resident_forms() saved by LibreOffice (soffice --convert-to xls)."""
    with app.app_context():
        user = db.session.get(User, world.a_user_id)
        batches = [run(preview("projects", path, path.name, user)) for path in
                   (DATA / "resident-forms.xls", resident_forms(tmp_path / "驻点招商.xlsx"))]
        rows = [[(r.sheet, r.row_number, r.action, r.data) for r in db.session.scalars(
            sa.select(ImportRow).where(ImportRow.batch_id == b.id).order_by(ImportRow.id))] for b in batches]
        assert rows[0] == rows[1] and len(rows[0]) == 6
        assert rows[0][0][3]["total_investment_wan"] == 1000 and batches[0].counts["sheets"][0]["unit"] == "万元"
        db.session.rollback()


def test_a_gbk_csv_imports_and_a_password_protected_file_is_named_as_such(app, runner, world, tmp_path):
    path = tmp_path / "项目.csv"
    path.write_bytes("项目名称,总投资（亿元）,签约日期\n示例（太原）项目,1.5,2026-03-01\n".encode("gbk"))
    code, summary = cli(runner, "projects", path, "--user", "a_officer")
    assert code == 0 and summary["created"] == 1
    with app.app_context():
        project = db.session.scalar(sa.select(Project).where(Project.name == "示例（太原）项目"))
        assert project.total_investment_wan == Decimal(15000) and project.signed_on == date(2026, 3, 1)
    # tests/data/password-secret.xlsx is resident_forms() encrypted by msoffcrypto-tool (password "secret").
    code, summary = cli(runner, "projects", DATA / "password-secret.xlsx", "--user", "a_officer")
    assert code == 2 and "设置了打开密码" in summary["refused"]


def test_values_ledgers_use_are_taken_and_every_error_of_a_row_is_shown(app, runner, world, tmp_path):
    path = simple(tmp_path / "企业.xlsx", ["企业名称", "来源区域", "标签", "营收", "员工人数", "最近联系日期", "统一社会信用代码"], [
        ["示例新材料（深圳）有限公司", "省外", "专精特新、高企", "3亿元", "1,200人", "2026/6/7", f"\t'{CODE_2}\u200b"],
        ["坏行企业", "火星", "不存在的标签", "很多", "-3", "2026-13-01", "91110000600037341M"],
    ])
    code, summary = cli(runner, "enterprises", path, "--user", "a_officer", "--dry-run")
    assert code == 1 and summary["created"] == 1
    message = summary["errors"][0]["message"]
    for part in ("来源区域“火星”", "标签“不存在的标签”", "无法识别的营收“很多”", "员工人数不能为负数", "日期“2026-13-01”不存在",
                 "校验不通过"):
        assert part in message
    assert "应为 L" not in message  # never the character that would make a wrong code pass
    cli(runner, "enterprises", path, "--user", "a_officer", "--skip-errors")
    with app.app_context():
        enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == CODE_2))
        assert enterprise.name == "示例新材料（深圳）有限公司" and enterprise.source_region == "out_of_province"
        assert sorted(enterprise.tag_names) == ["专精特新", "高新技术企业"]
        assert (enterprise.revenue_wan, enterprise.employees) == (Decimal(30000), 1200)


def test_an_export_imported_again_changes_nothing(app, client, runner, world, login, tmp_path):
    with app.app_context():
        odd = helpers.make_enterprise(world.a_unit_id, "示例新材料（深圳）有限公司，二厂；㎡：", uscc=CODE_1)
        helpers.make_enterprise(world.a_unit_id, "-")
        helpers.make_enterprise(world.a_unit_id, "=1+1")
        odd.city, odd.tags = "大同市", []
        db.session.commit()
    login("manager", unit="a")
    for kind, url in (("enterprises", "/enterprises/export.xlsx"), ("projects", "/projects/export.xlsx")):
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(client.get(url).data)
        code, summary = cli(runner, kind, path, "--user", "a_officer", "--dry-run")
        assert code == 0 and (summary["created"], summary["updated"]) == (0, 0), summary
        assert summary["unchanged"] >= 1


def test_cells_that_cannot_be_trusted_are_row_errors_and_nothing_is_cut(app, runner, world, tmp_path):
    path = simple(tmp_path / "坏.xlsx", ["企业名称", "所在市", "备注"], [
        ["甲_x0000_公司", None, None], ["乙公司", "#REF!", None], ["丙公司", None, "长" * 10000], ["丁公司", "=1+1", None],
    ])
    code, summary = cli(runner, "enterprises", path, "--user", "a_officer", "--skip-errors")
    assert code == 1 and summary["created"] == 0
    assert [e["message"] for e in summary["errors"]] == [
        "单元格 A2 含不可见的控制字符（U+0000），请删除后再导入",
        "单元格 B3 是错误值“#REF!”，请改正后再导入",
        "备注超过 4000 字（10000 字），请精简后再导入",
        "单元格 B5 是公式，请先“选择性粘贴为数值”后再导入",
    ]


def test_formula_and_error_cells_of_an_xls_are_row_errors_too(app, runner, world, tmp_path):
    """tests/data/formulas.xls: a workbook with formulas (=100*2, =1/0, =#REF!) on two sheets, saved by
    LibreOffice (soffice --convert-to xls); calamine reads their last values, or blanks for errors."""
    code, summary = cli(runner, "enterprises", DATA / "formulas.xls", "--user", "a_officer", "--skip-errors")
    assert code == 1 and summary["created"] == 1
    assert [(e["where"], e["message"]) for e in summary["errors"]] == [
        ("企业台账!2", "单元格 B2 是公式，请先“选择性粘贴为数值”后再导入"),
        ("企业台账!3", "单元格 C3 是错误值“#DIV/0!”，请改正后再导入"),
        ("企业台账!4", "单元格 B4 是错误值“#REF!”，请改正后再导入"),
        ("第二片组!2", "单元格 B2 是公式，请先“选择性粘贴为数值”后再导入"),
    ]


def test_the_cli_applies_the_roles_of_the_web(app, runner, world, tmp_path):
    with app.app_context():
        helpers.make_user(Role.PARK_ADMIN, world.a_zone_unit_id, park_id=world.park_id, username="keeper")
        db.session.commit()
    result = runner.invoke(args=["import", "enterprises", str(simple(tmp_path / "e.xlsx", ["企业名称"], [["甲"]])),
                                 "--user", "keeper"])
    assert result.exit_code == 2 and "不能导入企业" in result.output
    result = runner.invoke(args=["import", "projects", str(tmp_path / "e.xlsx"), "--user", "a_officer",
                                 "--map", "企业名称=没有的字段"])
    assert result.exit_code == 2 and "没有“没有的字段”字段" in result.output


def test_a_compressed_bomb_is_refused_before_it_is_expanded(app, world, tmp_path, monkeypatch):
    path = bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 20 * 1024 * 1024

    def never(*args):
        raise AssertionError("calamine must not open a bomb")

    monkeypatch.setattr("app.excel.read.CalamineWorkbook.from_path", never)
    with app.app_context():
        started = time.monotonic()
        with pytest.raises(ExcelError, match="工作簿过大"):
            run(preview("enterprises", path, path.name, db.session.get(User, world.a_user_id)))
        assert time.monotonic() - started < 10  # ~0.1 s here: only the first 50,000 rows are unpacked


def test_a_lying_zip_directory_is_refused_from_the_directory(app, world, tmp_path):
    path = simple(tmp_path / "lie.xlsx", ["企业名称"], [["甲"]])
    data = bytearray(path.read_bytes())
    # Find the sheet's entry in the central directory and state its unpacked size as ~4 GB.
    entry = data.find(b"PK\x01\x02")
    while data[entry + 46:entry + 46 + int.from_bytes(data[entry + 28:entry + 30], "little")] != \
            b"xl/worksheets/sheet1.xml":
        entry = data.find(b"PK\x01\x02", entry + 4)
    data[entry + 24:entry + 28] = (2**32 - 2).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with app.app_context(), pytest.raises(ExcelError, match="工作簿过大"):
        run(preview("enterprises", path, path.name, db.session.get(User, world.a_user_id)))


@pytest.fixture
def live(app, world):
    """The app served on an ephemeral port, and a logged-in officer's cookie for it."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    with app.app_context():
        user_id = helpers.make_user(Role.OFFICER, world.a_unit_id, username="racer").id
        db.session.commit()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(), NoRedirect())
    login = urllib.parse.urlencode({"username": "racer", "password": helpers.PASSWORD}).encode()
    try:
        opener.open(f"{base}/auth/login", login)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302
    yield base, opener, user_id
    server.shutdown()
    thread.join()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_concurrent_commits_of_one_batch_write_it_once(app, world, live, tmp_path):
    base, opener, user_id = live
    path = simple(tmp_path / "300.xlsx", ["企业名称"], [[f"并发测试企业{n:03d}"] for n in range(300)])
    with app.app_context():
        batch = run(preview("enterprises", path, path.name, db.session.get(User, user_id)))
        db.session.commit()
        batch_id = batch.id
    barrier = threading.Barrier(4)
    outcomes = []

    def click():
        barrier.wait()
        try:
            opener.open(f"{base}/imports/{batch_id}/commit", b"")
        except urllib.error.HTTPError as redirect:  # redirects are not followed here
            outcomes.append(redirect.code)

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == [302] * 4  # each back to the batch page: one with the import done, three refused
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise)
                                  .where(Enterprise.name.like("并发测试企业%")))
        assert count == 300 and db.session.get(ImportBatch, batch_id).status == "committed"
    page = opener.open(f"{base}/imports/{batch_id}").read().decode()
    assert "已导入" in page
    # Two undo clicks: the second is refused, nothing is taken back twice.
    for _ in range(2):
        try:
            opener.open(f"{base}/imports/{batch_id}/undo", b"")
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise)
                                 .where(Enterprise.name.like("并发测试企业%"))) == 0


def test_the_web_preview_lets_the_user_map_a_column_and_confirm_what_is_left_out(app, client, world, login, tmp_path):
    login("officer", unit="a")
    path = county_key_projects(tmp_path / "重点项目一览表.xlsx")
    with open(path, "rb") as handle:
        client.post("/imports/projects/upload", data={"file": (io.BytesIO(handle.read()), path.name)},
                    content_type="multipart/form-data", follow_redirects=True)
    with app.app_context():
        batch = db.session.scalar(sa.select(ImportBatch).order_by(ImportBatch.id.desc()))
        assert batch.counts["missing"] == ["项目名称"] and batch.total_rows == 0
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "没有找到“项目名称”列" in page and 'name="map-0-1"' in page and "确认导入" not in page
    name_column = batch.counts["sheets"][0]["columns"][1]
    assert (name_column["header"], name_column["filled"]) == ("工程名称", 2)  # what each column holds, to map it
    client.post(f"/imports/{batch.id}/mapping", data={"map-0-1": "name", "map-0-9": ""}, follow_redirects=True)
    with app.app_context():
        batches = db.session.scalars(sa.select(ImportBatch).where(ImportBatch.kind == "projects")).all()
        assert len(batches) == 1  # the old preview gives way to the new one
        batch = batches[0]
        assert batch.counts["missing"] == [] and batch.counts["create"] == 2
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "本次指定" in page and "我已确认" in page and "建设性质" in page
    assert "总投资:</span> 3 亿元" in page  # a number under 总投资额[亿元] is shown with its unit
    refused = client.post(f"/imports/{batch.id}/commit", data={}, follow_redirects=True).get_data(as_text=True)
    assert "列不会导入，请确认后再导入" in refused
    done = client.post(f"/imports/{batch.id}/commit", data={"confirm_unmapped": "y"}, follow_redirects=True)
    assert "新增 2" in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)
                                 .where(Project.name.in_(["示例光伏组件项目", "示例物流园项目"]))) == 2


@pytest.mark.parametrize("kind", ["enterprises", "projects"])
def test_each_kind_offers_a_template_with_drop_downs_that_imports_as_it_is_filled(app, client, runner, world, login,
                                                                                   tmp_path, kind):
    login("manager", unit="a")
    response = client.get(f"/imports/{kind}/template.xlsx")
    assert response.status_code == 200
    path = tmp_path / "模板.xlsx"
    path.write_bytes(response.data)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["导入模板", "填写说明", "可选值"]
    sheet = workbook["导入模板"]
    assert sheet["A2"].value == "示例" and sheet["B1"].value.startswith("*")
    lists = {str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists and all(f.startswith("'可选值'!$") for f in lists.values())
    explained = [row[0] for row in workbook["填写说明"].iter_rows(min_row=2, values_only=True)]
    assert explained == [c.value for c in sheet[1]][1:]
    # Imported as downloaded, the example row is skipped; a row filled in below it imports.
    code, summary = cli(runner, kind, path, "--user", "a_officer", "--dry-run")
    assert code == 2 and "没有可导入的数据行" in summary["refused"]
    sheet.append([1, "模板中填写的新记录"])
    workbook.save(path)
    code, summary = cli(runner, kind, path, "--user", "a_officer", "--dry-run")
    assert code == 0 and summary["created"] == 1 and summary["sheets"] == ["导入模板"]
    assert {"sheet": "导入模板", "row": 2, "reason": "示例行"} in summary["skipped"]


def test_imports_are_in_the_navigation(app, client, world, login):
    login("officer", unit="a")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/imports/"' in page and "导入记录" in page


def test_an_early_code_that_fails_the_check_passes_only_once_an_admin_lists_it(app, client, runner, world, login,
                                                                               tmp_path):
    early = "91110000600037341M"  # fails the check
    path = simple(tmp_path / "早期.xlsx", ["企业名称", "统一社会信用代码"], [["早期赋码企业", early]])
    code, summary = cli(runner, "enterprises", path, "--user", "a_officer", "--dry-run")
    assert code == 1 and "请对照营业执照逐位核对" in summary["errors"][0]["message"]
    login("admin")
    assert "只有格式正确" in client.post("/admin/uscc-exceptions", data={"code": "1234", "note": "x"},
                                      follow_redirects=True).get_data(as_text=True)
    page = client.post("/admin/uscc-exceptions", data={"code": early, "note": "核对营业执照原件，登记机关确认"},
                       follow_redirects=True).get_data(as_text=True)
    assert f"已登记例外代码 {early}" in page
    code, summary = cli(runner, "enterprises", path, "--user", "a_officer")
    assert code == 0 and summary["created"] == 1
    with app.app_context():
        enterprise_id = db.session.scalar(sa.select(Enterprise.id).where(Enterprise.uscc == early))
    page = client.get(f"/enterprises/{enterprise_id}").get_data(as_text=True)
    assert early in page and 'data-testid="uscc-exception"' in page  # marked where shown
    assert 'data-testid="uscc-exception"' in client.get("/enterprises/?q=早期").get_data(as_text=True)
    assert 'data-testid="uscc-exception"' not in client.get("/enterprises/?q=甲市").get_data(as_text=True)


def test_a_place_written_short_is_the_same_place_and_is_never_shortened(app, runner, world, tmp_path):
    with app.app_context():
        enterprise = db.session.get(Enterprise, world.enterprise_id)
        enterprise.province, enterprise.city = "山西省", "大同市"
        db.session.commit()
    path = simple(tmp_path / "地区.xlsx", ["企业名称", "所在省", "所在市"], [["甲市示例企业有限公司", "山西", "大同"]])
    code, summary = cli(runner, "enterprises", path, "--user", "a_officer")
    assert code == 0 and (summary["updated"], summary["unchanged"]) == (0, 1)
    moved = simple(tmp_path / "迁址.xlsx", ["企业名称", "所在市"], [["甲市示例企业有限公司", "太原"]])
    code, summary = cli(runner, "enterprises", moved, "--user", "a_officer")
    assert code == 0 and summary["updated"] == 1
    with app.app_context():
        enterprise = db.session.get(Enterprise, world.enterprise_id)
        assert (enterprise.province, enterprise.city) == ("山西省", "太原")  # as typed


def test_a_value_no_dictionary_knows_is_chosen_once_on_the_preview_and_remembered(app, client, runner, world, login,
                                                                                  tmp_path):
    login("officer", unit="a")
    path = simple(tmp_path / "渠道.xlsx", ["项目名称", "招商方式", "签约日期"], [["产业链招商项目", "产业链招商", "2026-03-01"]])
    with open(path, "rb") as handle:
        client.post("/imports/projects/upload", data={"file": (io.BytesIO(handle.read()), path.name)},
                    content_type="multipart/form-data")
    with app.app_context():
        batch = db.session.scalar(sa.select(ImportBatch).order_by(ImportBatch.id.desc()))
        assert batch.counts["unknown_values"] == {"channel": ["产业链招商"]} and batch.counts["error"] == 1
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert 'name="value-channel-0"' in page and "可在预览页为它选定取值" in page
    client.post(f"/imports/{batch.id}/values", data={"value-channel-0": "other"})
    with app.app_context():
        batch = db.session.scalar(sa.select(ImportBatch).order_by(ImportBatch.id.desc()))
        assert batch.counts["error"] == 0 and batch.counts["create"] == 1 and batch.counts["unknown_values"] == {}
    # The choice holds for the unit's next ledgers, on the web and in the CLI.
    code, summary = cli(runner, "projects", path, "--user", "a_officer")
    assert code == 0 and summary["created"] == 1
    with app.app_context():
        assert db.session.scalar(sa.select(Project.channel).where(Project.name == "产业链招商项目")) == "other"


def test_the_cli_chooses_values_as_the_preview_page_does(app, runner, world, tmp_path):
    path = simple(tmp_path / "区域.xlsx", ["企业名称", "来源区域"], [["华东来的企业", "华东"]])
    code, summary = cli(runner, "enterprises", path, "--user", "a_officer")
    assert code == 1 and "来源区域“华东”应为" in summary["errors"][0]["message"]
    code, summary = cli(runner, "enterprises", path, "--user", "a_officer", "--value", "来源区域:华东=长三角")
    assert code == 0 and summary["created"] == 1
    with app.app_context():
        assert db.session.scalar(sa.select(Enterprise.source_region).where(Enterprise.name == "华东来的企业")) \
            == SourceRegion.YANGTZE_DELTA
    again = simple(tmp_path / "区域2.xlsx", ["企业名称", "来源区域"], [["华东来的另一企业", "华东"]])
    assert cli(runner, "enterprises", again, "--user", "a_officer")[0] == 0  # remembered for the unit
    for wrong, message in (("来源区域=长三角", "应写作 字段:写法=取值"), ("所在市:太原=太原市", "不是可选定取值的字段"),
                           ("来源区域:华东=华东", "不是来源区域的取值")):
        code, summary = cli(runner, "enterprises", path, "--user", "a_officer", "--value", wrong)
        assert code == 2 and message in summary["refused"], summary


def test_a_title_line_unit_applies_to_amounts_only(app, runner, world, tmp_path):
    wb_path = tmp_path / "单位.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2026年目标企业表"])
    ws.append(["金额单位：亿元"])
    ws.append(["企业名称", "营收", "员工人数"])
    ws.append(["单位示例有限公司", 1.5, 120])
    wb.save(wb_path)
    code, summary = cli(runner, "enterprises", wb_path, "--user", "a_officer")
    assert code == 0 and summary["created"] == 1
    with app.app_context():
        enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == "单位示例有限公司"))
        assert (enterprise.revenue_wan, enterprise.employees) == (Decimal(15000), 120)


def test_an_old_export_with_escaped_text_imports_as_the_text(app, runner, world, tmp_path):
    with app.app_context():
        helpers.make_enterprise(world.a_unit_id, "=1+1")
        helpers.make_enterprise(world.a_unit_id, "-")
        db.session.commit()
    path = simple(tmp_path / "旧导出.xlsx", ["企业名称"], [["'=1+1"], ["'-"]])  # as exports wrote them until now
    code, summary = cli(runner, "enterprises", path, "--user", "a_officer", "--dry-run")
    assert code == 0 and (summary["created"], summary["unchanged"]) == (0, 2)
