"""Workbooks as users bring them, built for tests: title rows, merged two-row headers, full-width
text, dates in every form and amounts in 亿."""
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from app.standards import make_uscc

CODE_1 = make_uscc("91140000MA0000001")
CODE_2 = make_uscc("91140000MA0000002")

MESSY_HEADER = [["2026年重点招商目标企业台账"], ["填报单位：甲市投资促进局", None, None, "日期：2026-10-31"]]


def messy_enterprises(path: Path, rows: list[list] | None = None) -> Path:
    """Two title rows; a group header 联系人 merged over 姓名 / 联系电话; 营收 in 亿元."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业台账"
    for line in MESSY_HEADER:
        ws.append(line)
    ws.append(["序号", "企业名称", "统一社会信用代码", "联系人", None, "营收（亿元）", "最近对接日期", "标签", "来源区域"])
    ws.append([None, None, None, "姓名", "联系电话", None, None, None, None])
    ws.merge_cells("D3:E3")
    for col in "ABCFGHI":
        ws.merge_cells(f"{col}3:{col}4")
    default = [
        [1, "  山西示例酒业有限公司 ", CODE_1, "张三", "13800138000", 1.5, "2026/6/7", "上市公司", "省内"],
        [2, "ＡＢＣ食品（太原）有限公司", None, "李四", "０３５１-１２３４５６７", "8000万", "2026年6月8日", None, "长三角"],
        [3, "晋中示例药业股份有限公司", None, None, None, None, datetime(2026, 6, 9), "高新技术企业、瞪羚企业", None],
        [4, "", CODE_2, None, None, None, None, None, None],
        [5, "校验位错误企业", "91110000600037341M", None, None, None, "202606", None, None],
        [6, "日期错误企业", None, None, None, None, "2026-13-45", None, None],
    ]
    for row in rows if rows is not None else default:
        ws.append(row)
    wb.save(path)
    return path


def simple(path: Path, header: list, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path
