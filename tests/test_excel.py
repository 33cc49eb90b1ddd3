"""The one Excel module: reading ledgers as users bring them, writing safe workbooks."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from app.enterprises.importer import EnterpriseImporter
from app.excel import (
    ExcelError,
    Sheet,
    parse_amount_wan,
    parse_date,
    read_table,
    write_workbook,
)
from app.standards import make_uscc
from tests.workbooks import messy_enterprises, simple

FIELDS, REQUIRED = EnterpriseImporter.fields, EnterpriseImporter.required


def test_finds_the_header_below_title_rows_and_joins_merged_headers(tmp_path):
    table = read_table(messy_enterprises(tmp_path / "a.xlsx"), "a.xlsx", FIELDS, REQUIRED)
    assert table.header_row == 4 and table.sheet == "企业台账"
    assert {"name", "uscc", "contact_name", "phone", "revenue_wan", "last_contacted_on", "tags",
            "source_region"} <= set(table.columns)
    assert table.units == {"revenue_wan": "亿元"}
    first = table.rows[0]
    assert first.number == 5
    assert first.values["name"] == "山西示例酒业有限公司"  # trimmed
    assert first.values["contact_name"] == "张三" and first.values["phone"] == "13800138000"
    assert table.rows[1].values["name"] == "ABC食品(太原)有限公司"  # full-width folded
    assert table.rows[1].values["phone"] == "0351-1234567"


@pytest.mark.parametrize("text, expected", [
    ("2024-06-07", date(2024, 6, 7)), ("2024/6/7", date(2024, 6, 7)), ("2024.6.7", date(2024, 6, 7)),
    ("2024年6月7日", date(2024, 6, 7)), ("202406", date(2024, 6, 1)), (45450, date(2024, 6, 7)),
    ("２０２４－０６－０７", date(2024, 6, 7)), ("20240607", date(2024, 6, 7)), ("2024年6月", date(2024, 6, 1)),
])
def test_dates_in_every_form_users_write(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2024-13-01", "2024/2/30", "明年", "6/7/2024"])
def test_bad_dates_say_so(text):
    with pytest.raises(ValueError, match="日期"):
        parse_date(text)


@pytest.mark.parametrize("value, unit, expected", [
    ("1.5亿", "万元", Decimal("15000.00")), ("8000万", "亿元", Decimal("8000.00")), (2, "亿元", Decimal("20000.00")),
    ("1,200.5", "万元", Decimal("1200.50")), ("５００", "万元", Decimal("500.00")), ("3000000元", "万元", Decimal("300.00")),
])
def test_amounts_in_wan_from_cell_or_header_unit(value, unit, expected):
    assert parse_amount_wan(value, unit) == expected


def test_csv_in_gbk_and_utf8(tmp_path):
    for encoding in ("gbk", "utf-8-sig"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes("公司名称,信用代码\n太原示例有限公司,\n".encode(encoding))
        table = read_table(path, "list.csv", FIELDS, REQUIRED)
        assert table.rows[0].values["name"] == "太原示例有限公司"


def bad(path, name=None):
    with pytest.raises(ExcelError) as error:
        read_table(path, name or path.name, FIELDS, REQUIRED)
    return str(error.value)


def test_bad_files_get_a_clear_message(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"this is not a workbook")
    assert "无法识别" in bad(tmp_path / "x.xlsx")
    (tmp_path / "corrupt.xlsx").write_bytes(b"PK\x03\x04 truncated zip")
    assert "已损坏" in bad(tmp_path / "corrupt.xlsx")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert ".xls" in bad(tmp_path / "old.xls")
    (tmp_path / "empty.bin").write_bytes(b"")
    assert "空的" in bad(tmp_path / "empty.bin", "empty.xlsx")
    Workbook().save(tmp_path / "blank.xlsx")
    assert "空的" in bad(tmp_path / "blank.xlsx")
    simple(tmp_path / "noname.xlsx", ["序号", "金额"], [[1, 2]])
    assert "找不到“企业名称”列" in bad(tmp_path / "noname.xlsx")
    simple(tmp_path / "header-only.xlsx", ["企业名称"], [])
    assert "没有数据" in bad(tmp_path / "header-only.xlsx")


def test_formulas_hidden_sheets_and_too_many_rows_are_refused(tmp_path):
    simple(tmp_path / "f.xlsx", ["企业名称", "营收"], [["甲公司", "=1+1"]])
    assert "公式" in bad(tmp_path / "f.xlsx")
    wb = Workbook()
    wb.active.append(["企业名称"])
    wb.active.append(["甲公司"])
    wb.create_sheet("旧数据").sheet_state = "hidden"
    wb.save(tmp_path / "h.xlsx")
    assert "隐藏工作表“旧数据”" in bad(tmp_path / "h.xlsx")
    simple(tmp_path / "many.xlsx", ["企业名称"], [[f"公司{i}"] for i in range(12)])
    with pytest.raises(ExcelError, match="超过 10 行"):
        read_table(tmp_path / "many.xlsx", "many.xlsx", FIELDS, REQUIRED, max_rows=10)


def test_big_files_are_refused_before_reading(tmp_path, monkeypatch):
    import app.excel

    monkeypatch.setattr(app.excel, "MAX_BYTES", 100)
    simple(tmp_path / "big.xlsx", ["企业名称"], [["甲"]])
    assert "超过" in bad(tmp_path / "big.xlsx")


def test_written_workbook_reopens_with_dates_as_dates_and_formulas_as_text(tmp_path):
    path = tmp_path / "out.xlsx"
    write_workbook(path, [Sheet("导出", ["名称", "日期", "金额"],
                                [["=HYPERLINK(\"http://x\")", date(2026, 1, 2), Decimal("12.50")], ["+1", None, 3]])])
    ws = load_workbook(path).active
    assert ws["A2"].value == "'=HYPERLINK(\"http://x\")" and ws["A2"].data_type == "s"
    assert ws["B2"].is_date and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["C2"].value == 12.5 and ws["A3"].value == "'+1"
    assert ws.freeze_panes == "A2"


def test_valid_code_generation_for_fixtures():
    assert len(make_uscc("91140000MA0000001")) == 18


def test_written_workbook_holds_any_text_many_columns_and_several_sheets(tmp_path):
    path = tmp_path / "wide.xlsx"
    headers = [f"列{i}" for i in range(30)]
    row = ["a<b>&\"c\"\x01\x0b", True, datetime(2026, 3, 4, 12, 0), *range(27)]
    write_workbook(path, [Sheet("甲&<表>", headers, [row], widths=[20, 8]), Sheet("乙", ["名称"], [["汾酒"]] * 3)])
    book = load_workbook(path)
    first, second = book["甲&<表>"], book["乙"]
    assert first["A2"].value == "a<b>&\"c\"" and first["B2"].value is True  # control characters dropped
    assert first["C2"].value == datetime(2026, 3, 4, 12, 0) and first["AD2"].value == 26
    assert first["AD1"].value == "列29" and first["A1"].font.b and first.column_dimensions["A"].width == 20
    assert [c.value for c in second["A"]] == ["名称", "汾酒", "汾酒", "汾酒"]
    sheets = CalamineWorkbook.from_path(str(path))
    assert sheets.get_sheet_by_name("乙").to_python() == [["名称"], ["汾酒"], ["汾酒"], ["汾酒"]]


def test_a_printed_sheet_has_its_title_merged_headers_formats_borders_and_page_setup(tmp_path):
    path = tmp_path / "report.xlsx"
    sheet = Sheet("汇总", ["单位", "签约项目数", "签约额(万元)", "开工率", "签约日期"],
                  [["甲市", 2, Decimal("1234.5"), 0.5, date(2026, 3, 1)], ["合计", 2, Decimal("1234.5"), None, None]],
                  widths=[16, 10, 14, 10, 12], above=[["甲市招商引资工作月报（2026年3月）"], ["填报单位：甲市", None, "报送日期：2026-04-02"]],
                  groups=[("本月", 1, 2), ("本年累计", 3, 3)], formats=[None, "integer", "amount", "percent", "date"],
                  printed=True)
    write_workbook(path, [sheet, Sheet("明细", ["名称"], [["=1+1"]])])
    book = load_workbook(path)
    ws = book["汇总"]
    assert ws["A1"].value == "甲市招商引资工作月报（2026年3月）" and ws["A1"].font.b and ws["A1"].font.sz == 14
    assert ws["A2"].value == "填报单位：甲市" and ws["C2"].value == "报送日期：2026-04-02"
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:E1", "B3:C3", "A3:A4", "E3:E4"}
    assert [ws.cell(3, c).value for c in range(1, 6)] == ["单位", "本月", None, "本年累计", "签约日期"]
    assert [ws.cell(4, c).value for c in range(2, 5)] == ["签约项目数", "签约额(万元)", "开工率"]
    assert ws.freeze_panes == "A5" and ws.print_title_rows == "$1:$4"
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert [ws.cell(5, c).number_format for c in range(2, 6)] == ["#,##0", "#,##0.00", "0.00%", "yyyy-mm-dd"]
    assert ws["C5"].value == 1234.5 and ws["E5"].is_date and ws["D5"].value == 0.5
    assert ws["A5"].border.left.style == "thin" and ws["E6"].border.bottom.style == "thin"  # blanks bordered too
    assert ws["A6"].font.b and ws["C6"].font.b and not ws["A5"].font.b  # the 合计 row
    assert ws["B4"].alignment.wrap_text and ws["B4"].font.b
    assert ws.column_dimensions["C"].width == 14
    plain = book["明细"]
    assert plain["A2"].value == "'=1+1" and plain.freeze_panes == "A2" and plain.print_title_rows is None
