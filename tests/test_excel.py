"""The one Excel module: reading ledgers as users bring them, writing safe workbooks."""
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from app.enterprises.importer import EnterpriseImporter
from app.excel import (
    ExcelError,
    Matcher,
    Percent,
    Sheet,
    parse_amount_wan,
    parse_date,
    parse_date_precision,
    read_source,
    split_unit,
    write_workbook,
)
from app.standards import make_uscc
from tests.workbooks import messy_enterprises, simple

IMPORTER = EnterpriseImporter()


def read(path, name=None, mapping=None):
    return read_source(path, name or path.name, IMPORTER.spec, IMPORTER.required, Matcher(IMPORTER.spec, mapping))


def test_finds_the_header_below_title_rows_and_joins_merged_headers(tmp_path):
    source = read(messy_enterprises(tmp_path / "a.xlsx"))
    table = source.sheets[0]
    assert table.header_row == 4 and table.name == "企业台账"
    assert {"name", "uscc", "contact_name", "phone", "revenue_wan", "last_contacted_on", "tags",
            "source_region"} <= set(table.mapped())
    assert [c.header for c in table.columns][:5] == ["序号", "企业名称", "统一社会信用代码", "联系人·姓名", "联系人·联系电话"]
    assert table.units() == {"revenue_wan": "亿元"}
    first = source.rows[0]
    assert first.number == 5
    assert first.values["name"] == "山西示例酒业有限公司"  # trimmed at its edges
    assert first.values["contact_name"] == "张三" and first.values["phone"] == "13800138000"
    assert source.rows[1].values["name"] == "ＡＢＣ食品（太原）有限公司"  # as typed: folding is for keys
    assert source.rows[1].values["phone"] == "０３５１-１２３４５６７"


@pytest.mark.parametrize("text, expected", [
    ("2024-06-07", date(2024, 6, 7)), ("2024/6/7", date(2024, 6, 7)), ("2024.6.7", date(2024, 6, 7)),
    ("2024年6月7日", date(2024, 6, 7)), ("202406", date(2024, 6, 1)), (45450, date(2024, 6, 7)),
    ("２０２４－０６－０７", date(2024, 6, 7)), ("20240607", date(2024, 6, 7)), ("2024年6月", date(2024, 6, 1)),
])
def test_dates_in_every_form_users_write(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, month_only", [("201602", True), (201602, True), ("2016年2月", True), ("2016-02", True),
                                              ("2016-02-01", False), (42401, False)])
def test_a_month_alone_is_kept_as_that_month(text, month_only):
    assert parse_date_precision(text) == (date(2016, 2, 1), month_only)


@pytest.mark.parametrize("text", ["2024-13-01", "2024/2/30", "明年", "6/7/2024"])
def test_bad_dates_say_so(text):
    with pytest.raises(ValueError, match="日期"):
        parse_date(text)


@pytest.mark.parametrize("value, unit, expected", [
    ("1.5亿", "万元", Decimal("15000.00")), ("8000万", "亿元", Decimal("8000.00")), (2, "亿元", Decimal("20000.00")),
    ("1,200.5", "万元", Decimal("1200.50")), ("５００", "万元", Decimal("500.00")), ("3000000元", "万元", Decimal("300.00")),
    ("3亿元", None, Decimal("30000.00")), ("8000万元", "亿元", Decimal("8000.00")), ("9,800", None, Decimal("9800.00")),
    ("5.2", "亿元", Decimal("52000.00")),
])
def test_amounts_in_wan_from_cell_or_header_unit(value, unit, expected):
    assert parse_amount_wan(value, unit) == expected


@pytest.mark.parametrize("value, message", [("3亿美元", "单位“亿美元”无法识别"), ("-5", "不能为负数"), ("1e30", "无法识别"),
                                            ("约3亿", "无法识别"), ("99999999999999", "超出合理范围")])
def test_amounts_that_cannot_be_read_say_why(value, message):
    with pytest.raises(ValueError, match=message):
        parse_amount_wan(value, "万元")


@pytest.mark.parametrize("header, key, unit", [
    ("总投资额[亿元]", "总投资额", "亿元"), ("总投资（万元）", "总投资", "万元"), ("总投资/亿元", "总投资", "亿元"),
    ("用地面积(亩)", "用地面积", "亩"), ("协议投资额（单位：万元）", "协议投资额", "万元"), ("总投资亿元", "总投资", "亿元"),
    ("项目名称", "项目名称", None), ("签约时间 ", "签约时间", None), ("联系人", "联系人", None),
    ("项目责任人", "项目责任人", None), ("员工（人）", "员工", "人"),
])
def test_headers_give_up_their_unit(header, key, unit):
    assert split_unit(header) == (key, unit)


def test_csv_in_gbk_and_utf8(tmp_path):
    for encoding in ("gbk", "utf-8-sig"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes("公司名称,信用代码\n太原示例（集团）有限公司，二厂,\n".encode(encoding))
        source = read(path, "list.csv")
        assert source.rows[0].values["name"] == "太原示例（集团）有限公司，二厂"


def bad(path, name=None):
    with pytest.raises(ExcelError) as error:
        read(path, name)
    return str(error.value)


def test_bad_files_get_a_clear_message(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"this is not a workbook")
    assert "无法识别" in bad(tmp_path / "x.xlsx")
    (tmp_path / "corrupt.xlsx").write_bytes(b"PK\x03\x04 truncated zip")
    assert "已损坏" in bad(tmp_path / "corrupt.xlsx")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert "已损坏" in bad(tmp_path / "old.xls")
    (tmp_path / "empty.bin").write_bytes(b"")
    assert "空的" in bad(tmp_path / "empty.bin", "empty.xlsx")
    Workbook().save(tmp_path / "blank.xlsx")
    assert "空的" in bad(tmp_path / "blank.xlsx")
    simple(tmp_path / "header-only.xlsx", ["企业名称"], [])
    assert "没有可导入的数据行" in bad(tmp_path / "header-only.xlsx")


def test_without_its_required_column_a_file_is_read_for_mapping(tmp_path):
    path = simple(tmp_path / "noname.xlsx", ["序号", "客户", "金额"], [[1, "甲公司", 2]])
    source = read(path)
    assert source.missing == ["企业名称"] and source.rows == []
    assert [c.header for c in source.sheets[0].columns] == ["序号", "客户", "金额"]
    mapped = read(path, mapping={"客户": "name"})
    assert mapped.missing == [] and mapped.rows[0].values["name"] == "甲公司"
    assert mapped.sheets[0].mapped()["name"].source == "chosen"


def test_formula_error_and_control_cells_are_named_in_their_row(tmp_path):
    path = simple(tmp_path / "f.xlsx", ["企业名称", "营收", "备注"],
                  [["甲公司", "=1+1", None], ["乙公司", "#REF!", None], ["丙_x0000_公司", 5, "=A1"]])
    source = read(path)  # _x0000_ is how OOXML writes a NUL character
    assert source.rows[0].problems == ["单元格 B2 是公式，请先“选择性粘贴为数值”后再导入"]
    assert source.rows[1].problems == ["单元格 B3 是错误值“#REF!”，请改正后再导入"]
    assert source.rows[2].problems == ["单元格 A4 含不可见的控制字符（U+0000），请删除后再导入",
                                       "单元格 C4 是公式，请先“选择性粘贴为数值”后再导入"]


def test_a_nul_byte_in_a_csv_is_named_too(tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes("企业名称,所在市\n甲公司,太\x00原\n".encode())
    assert read(path).rows[0].problems == ["单元格 B2 含不可见的控制字符（U+0000），请删除后再导入"]


def test_a_formula_is_found_whatever_its_attributes(tmp_path):
    path = simple(tmp_path / "f.xlsx", ["企业名称", "营收"], [["甲公司", 1]])
    _rewrite_sheet(path, lambda xml: xml.replace(b'<c r="B2" t="n"><v>1</v></c>',
                                                 b'<c t="n" r="B2"><f>1+0</f><v>1</v></c>'))
    assert read(path).rows[0].problems == ["单元格 B2 是公式，请先“选择性粘贴为数值”后再导入"]


def _rewrite_sheet(path, change):
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)


def test_hidden_sheets_are_named_and_not_read_and_too_many_rows_are_refused(tmp_path, monkeypatch):
    wb = Workbook()
    wb.active.append(["企业名称"])
    wb.active.append(["甲公司"])
    hidden = wb.create_sheet("旧数据")
    hidden.append(["企业名称"])
    hidden.append(["乙公司"])
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "h.xlsx")
    source = read(tmp_path / "h.xlsx")
    assert [r.values["name"] for r in source.rows] == ["甲公司"]
    assert source.passed == [("旧数据", "隐藏的工作表，未读取（如需导入请取消隐藏）")]
    import app.excel.read

    monkeypatch.setattr(app.excel.read, "MAX_ROWS", 10)
    simple(tmp_path / "many.xlsx", ["企业名称"], [[f"公司{i}"] for i in range(12)])
    assert "超过 10 行" in bad(tmp_path / "many.xlsx")


def test_big_files_are_refused_before_reading(tmp_path, monkeypatch):
    import app.excel.read

    monkeypatch.setattr(app.excel.read, "MAX_BYTES", 100)
    simple(tmp_path / "big.xlsx", ["企业名称"], [["甲"]])
    assert "超过" in bad(tmp_path / "big.xlsx")


def test_written_workbook_reopens_with_dates_as_dates_and_text_as_typed(tmp_path):
    path = tmp_path / "out.xlsx"
    write_workbook(path, [Sheet("导出", ["名称", "日期", "金额"],
                                [["=HYPERLINK(\"http://x\")", date(2026, 1, 2), Decimal("12.50")], ["+1", None, 3],
                                 ["-", None, None], ["@某人", None, None]])])
    ws = load_workbook(path).active
    assert ws["A2"].value == "=HYPERLINK(\"http://x\")" and ws["A2"].data_type == "s"  # inline text, never a formula
    assert ws["B2"].is_date and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["C2"].value == 12.5 and ws["A3"].value == "+1" and ws["A4"].value == "-" and ws["A5"].value == "@某人"
    assert ws.freeze_panes == "A2"
    with zipfile.ZipFile(path) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")


def test_valid_code_generation_for_fixtures():
    assert len(make_uscc("91140000MA0000001")) == 18


def test_written_workbook_holds_any_text_many_columns_and_several_sheets(tmp_path):
    path = tmp_path / "wide.xlsx"
    headers = [f"列{i}" for i in range(30)]
    row = ["a<b>&\"c\"\x01\x0b", True, datetime(2026, 3, 4, 12, 0), *range(27)]
    write_workbook(path, [Sheet("甲&<表>", headers, [row]), Sheet("乙", ["名称"], [["汾酒"]] * 3)])
    book = load_workbook(path)
    first, second = book["甲&<表>"], book["乙"]
    assert first["A2"].value == "a<b>&\"c\"" and first["B2"].value is True  # control characters dropped
    assert first["C2"].value == datetime(2026, 3, 4, 12, 0) and first["AD2"].value == 26
    assert first["AD1"].value == "列29" and first["A1"].font.b
    assert [c.value for c in second["A"]] == ["名称", "汾酒", "汾酒", "汾酒"]
    sheets = CalamineWorkbook.from_path(str(path))
    assert sheets.get_sheet_by_name("乙").to_python() == [["名称"], ["汾酒"], ["汾酒"], ["汾酒"]]


def test_every_sheet_prints_with_its_title_merged_headers_formats_borders_and_page_setup(tmp_path):
    path = tmp_path / "report.xlsx"
    sheet = Sheet("汇总", ["单位", "签约项目数", "签约额(万元)", "开工率", "签约日期"],
                  [["甲市", 2, Decimal("1234.5"), Percent(0.5), date(2026, 3, 1)], ["合计", 2, Decimal("1234.5")]],
                  heading="甲市招商引资工作月报（2026年3月）", byline=("填报单位：甲市", "报送日期：2026-04-02"),
                  groups=[("本月", 1, 2), ("本年累计", 3, 3)])
    long_text = "一二三四五六七八九十" * 20
    write_workbook(path, [sheet, Sheet("明细", ["名称", "说明"], [["=1+1", long_text]])], footer="甲市  2026-04-02")
    book = load_workbook(path)
    ws = book["汇总"]
    assert ws["A1"].value == "甲市招商引资工作月报（2026年3月）" and ws["A1"].font.b and ws["A1"].font.sz == 16
    assert ws["A2"].value == "填报单位：甲市" and ws["C2"].value == "报送日期：2026-04-02"
    assert ws["C2"].alignment.horizontal == "right"
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:E1", "A2:B2", "C2:E2", "B3:C3", "A3:A4", "E3:E4"}
    assert [ws.cell(3, c).value for c in range(1, 6)] == ["单位", "本月", None, "本年累计", "签约日期"]
    assert [ws.cell(4, c).value for c in range(2, 5)] == ["签约项目数", "签约额(万元)", "开工率"]
    assert ws.freeze_panes == "A5" and ws.print_title_rows == "$1:$4"
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("portrait", 9)  # narrow: portrait
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.oddFooter.left.text == "甲市  2026-04-02" and ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.oddFooter.right.text == "&A"  # the sheet's name: which table a loose page belongs to
    # formats follow the values: whole numbers, amounts, shares, dates
    assert [ws.cell(5, c).number_format for c in range(2, 6)] == ["0", "#,##0.00", "0.00%", "yyyy-mm-dd"]
    assert ws["C5"].value == 1234.5 and ws["E5"].is_date and ws["D5"].value == 0.5
    # every cell of the table bordered, those a short 合计 row leaves blank too; 合计 in bold
    assert ws["A5"].border.left.style == "thin" and ws["E6"].border.bottom.style == "thin"
    assert ws["A6"].font.b and ws["C6"].font.b and not ws["A5"].font.b
    assert ws["B4"].alignment.wrap_text and ws["B4"].font.b and ws.row_dimensions[4].height >= 19
    # widths from content: the amount's column fits "1,234.50"
    assert ws.column_dimensions["C"].width >= len("1,234.50") + 1
    plain = book["明细"]
    assert plain["A2"].value == "=1+1" and plain.freeze_panes == "A2" and plain.print_title_rows == "$1:$1"
    # a long text wraps in its column, and the row is as tall as its lines (WPS does not size rows)
    assert plain["B2"].alignment.wrap_text and plain.column_dimensions["B"].width <= 62
    assert plain.row_dimensions[2].height >= 15 * 4
