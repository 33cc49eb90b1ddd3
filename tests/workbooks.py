"""Workbooks as users bring them, built for tests: title rows, merged two-row headers, full-width
text, dates in every form and amounts in 亿."""
import zipfile
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


LANDED_HEADERS = [
    "序号", "项目编号", "项目名称", "项目类型", "所属行业", "产业链", "项目状态", "投资方名称", "投资方统一社会信用代码",
    "投资方类型", "投资方所在地", "国别/地区", "是否外资", "总投资额(万元)", "固定资产投资(万元)", "外资金额(万美元)",
    "协议投资额(万元)", "当年计划投资(万元)", "累计完成投资(万元)", "到位资金(万元)", "省外到位资金(万元)", "签约时间",
    "签约地点", "签约活动", "注册时间", "注册资本(万元)", "落地企业名称", "落地企业统一社会信用代码", "开工时间", "竣工时间",
    "投产时间", "落户园区", "用地面积(亩)", "建筑面积(平方米)", "标准厂房面积(平方米)", "年用电量(万千瓦时)",
    "用水量(吨/日)", "能耗(吨标煤)", "预计年产值(万元)", "预计年税收(万元)", "预计就业人数", "建设内容", "建设地点",
    "建设周期", "招商方式", "引荐人", "责任单位", "责任领导", "责任人", "联系电话", "项目进展情况", "存在问题", "下步计划",
    "是否重点项目", "是否亿元以上", "填报单位", "填报人", "填报时间", "备注",
]


def landed_ledger(path: Path) -> Path:
    """A 59-column 落地项目台账 as a provincial system exports it: a title and a 填报 line, a status
    column, amounts in 万元 by their headers, the investor's code beside the local company's."""
    wb = Workbook()
    ws = wb.active
    ws.title = "落地项目台账"
    ws.append(["2026年招商引资落地项目台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LANDED_HEADERS))
    ws.append(["填报单位：甲市投资促进局", None, None, None, None, None, None, None, "填报时间：2026-10-31"])
    ws.append(LANDED_HEADERS)
    rows = [
        {"项目名称": "示例新材料产业园项目", "项目状态": "已开工开业", "投资方名称": "示例新材料（深圳）有限公司",
         "投资方统一社会信用代码": CODE_1, "落地企业统一社会信用代码": CODE_2, "投资方所在地": "广东省深圳市",
         "是否外资": "否", "总投资额(万元)": 52000, "协议投资额(万元)": "5.2亿元", "签约时间": "2026-02-15",
         "开工时间": "2026年5月", "用地面积(亩)": "150亩", "标准厂房面积(平方米)": "12,000", "年用电量(万千瓦时)": 800,
         "建设内容": "年产 5 万吨新材料，建设厂房 12,000㎡；配套研发中心：二期", "招商方式": "驻点招商",
         "存在问题": "用地指标待落实；环评审批中", "是否重点项目": "是", "责任人": "张三", "联系电话": "13800138000"},
        {"项目名称": "示例食品加工项目", "项目状态": "已签约", "投资方名称": "甲市示例企业有限公司",
         "总投资额(万元)": 8000, "协议投资额(万元)": 8000, "签约时间": 46082, "是否重点项目": "否",
         "项目进展情况": "正在办理前期手续"},
    ]
    for row in rows:
        ws.append([row.get(h) for h in LANDED_HEADERS])
    wb.save(path)
    return path


COUNTY_HEADERS = ["序号", "工程名称", "建设单位", "建设性质", "建设地点", "建设规模及主要内容", "总投资额[亿元]",
                  "2026年计划投资[亿元]", "开工时间", "竣工时间", "项目状态", "主管部门", "责任单位", "包联领导",
                  "进展情况", "存在问题", "备注"]


def county_key_projects(path: Path) -> Path:
    """A county's 重点项目一览表: a title merged over its 17 columns, amounts in [亿元], dates written
    201602, and a name column called 工程名称."""
    wb = Workbook()
    ws = wb.active
    ws.title = "重点项目"
    ws.append(["某县2026年重点项目一览表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COUNTY_HEADERS))
    ws.append(COUNTY_HEADERS)
    ws.append([1, "示例光伏组件项目", "示例光伏（江苏）有限公司", "新建", "某县开发区", "年产 2GW 光伏组件", "5.2", "1.5",
               "201602", "201812", "已开工", None, None, "王县长", "主体完工", "配套电网待建", None])
    ws.append([2, "示例物流园项目", None, "新建", "某县", "仓储 10 万㎡", "3", "1", "202603", None, "开工",
               None, None, None, None, None, None])
    ws.append(["合计：2个", None, None, None, None, None, "8.2", "2.5"])
    wb.save(path)
    return path


def resident_forms(path: Path) -> Path:
    """A 驻点招商 collection form: three title lines, one sheet per 片组, a 合计 row and four
    footnote rows below each table."""
    wb = Workbook()
    for index, group in enumerate(["片组一", "片组二"]):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = group
        ws.append(["驻点招商在谈项目信息采集表"])
        ws.append([f"驻点片组：{group}", None, None, "填报日期：2026年10月"])
        ws.append(["单位：万元"])
        ws.append(["序号", "项目名称", "投资方", "拟投资额", "洽谈时间", "项目进展"])
        for n in range(1, 4):
            ws.append([n, f"{group}在谈项目{n}", f"{group}示例企业{n}有限公司", 1000 * n, "2026-09-0" + str(n), "在谈"])
        ws.append(["合计：3家", None, None, 6000])
        ws.append(["备注：1. 本表由驻点片组每月填报；"])
        ws.append(["2. 拟投资额以万元为单位；"])
        ws.append(["3. 项目进展填写在谈、已签约等；"])
        ws.append(["4. 请于每月 25 日前报送。"])
    wb.save(path)
    return path


def bomb(path: Path, rows: int = 1_048_575, cells: int = 20) -> Path:
    """A workbook whose one sheet unpacks to ~300 MB: a million rows of twenty cells, compressed to a few MB."""
    row = b"<row>" + b"<c><v>1</v></c>" * cells + b"</row>"
    with zipfile.ZipFile(simple(path, ["企业名称"], [["甲"]])) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                package.writestr(name, data)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                        b'main"><sheetData>')
            block = row * 1000
            for _ in range(rows // 1000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return path
