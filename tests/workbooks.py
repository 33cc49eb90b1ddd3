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


def messy_projects(path: Path, rows: list[list] | None = None) -> Path:
    """A project ledger as a county keeps it: title rows, 总投资 in 亿元 by its header, 协议投资 in 万元
    with some cells in 亿, dates in every form, a park name mistyped, rows that break the stage rules."""
    wb = Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(["2026年招商引资项目台账"])
    ws.append(["填报单位：甲市投资促进局"])
    ws.append(["序号", "项目名称", "投资方", "统一社会信用代码", "总投资（亿元）", "协议投资（万元）", "在谈日期",
               "签约日期", "开工日期", "投产日期", "阶段", "落户园区", "责任单位", "引荐渠道", "存在问题", "下步计划"])
    default = [
        [1, "乳制品深加工项目", "示例乳业（杭州）有限公司", CODE_1, 2, "1.5亿", "2026/1/5", "2026年3月10日", "2026.5.2",
         None, "开工", "甲园区", None, "小分队招商", "用地指标待落实", "推进设备安装"],
        [2, "食醋扩产项目", "甲市示例企业有限公司", None, 1.2, 8000, None, 46082, None, None, "签约", None, "甲市",
         "以商招商", None, None],
        [3, "玻璃器皿项目", None, None, None, 3000, "2026-02-01", None, None, None, "在谈", "甲园", None, None, None, None],
        [4, "日期倒序项目", None, None, None, 3000, None, "2026-05-01", "2026-04-01", None, None, None, None, None, None,
         None],
        [5, "将来签约项目", None, None, None, 3000, None, "2099-01-01", None, None, None, None, None, None, None, None],
        [6, "阶段矛盾项目", None, None, None, 3000, None, "2026-05-01", None, None, "投产", None, None, None, None, None],
        [7, "负数项目", None, None, None, -5, None, None, None, None, None, None, None, None, None, None],
        [8, "新能源包装材料项目", None, None, None, "0.5亿", None, None, None, None, "在谈", None, None, None, None, None],
    ]
    for row in rows if rows is not None else default:
        ws.append(row)
    wb.save(path)
    return path
