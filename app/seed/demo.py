"""The Shanxi demo: org units, parks, the 11 consumer-goods clusters as chains, their lead firms,
users of every role and a handful of projects in each stage.

Facts come from the Shanxi consumer-goods cluster plan. The USCCs are synthetic (valid checksum, not the firms' real codes);
the projects, amounts and dates are illustrative.
"""
import hashlib
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from app.activities.services import refresh_last_contacted
from app.extensions import db
from app.models import (
    Activity,
    AssessmentItem,
    AssessmentScheme,
    CapacityItem,
    Chain,
    ChainNode,
    Contact,
    Enterprise,
    EnterpriseNode,
    EnterpriseTag,
    Event,
    EventProject,
    FundEntry,
    Leader,
    LeaderLink,
    OrgUnit,
    Park,
    Project,
    Target,
    User,
    UserPermission,
    utcnow,
)
from app.models.enums import (
    CAPACITY_UNITS,
    ActivityKind,
    CapacityKind,
    Channel,
    EnterpriseStatus,
    EventKind,
    FundOrigin,
    GapMark,
    NodeRole,
    ParkLevel,
    Permission,
    ProblemKind,
    ProblemLevel,
    ReviewStatus,
    Role,
    Segment,
    SourceRegion,
    Stage,
    TargetIndicator,
    UnitKind,
)
from app.parks.services import record_revision
from app.problems.services import raise_problem
from app.projects.services import move, refresh_facts, save_fund
from app.standards import USCC_ALPHABET, make_uscc
from app.supervision.services import issue

ROOT_CODE = "140000"
DEMO_PASSWORD = "Zhaoshang@2026"
DEMO_LOGINS = [
    ("admin", DEMO_PASSWORD, Role.ADMIN),
    ("security", DEMO_PASSWORD, Role.SECURITY_ADMIN),
    ("auditor", DEMO_PASSWORD, Role.AUDITOR),
    ("manager", DEMO_PASSWORD, Role.MANAGER),
    ("officer", DEMO_PASSWORD, Role.OFFICER),
    ("parkadmin", DEMO_PASSWORD, Role.PARK_ADMIN),
]
# The demo shows both sides of personal data: the manager reveals and exports contacts, the others see them masked.
DEMO_PERMISSIONS = {"manager": (Permission.VIEW_PERSONAL, Permission.EXPORT_PERSONAL)}

CITIES = [  # GB/T 2260 codes
    ("140100", "太原市"), ("140200", "大同市"), ("140300", "阳泉市"), ("140400", "长治市"),
    ("140500", "晋城市"), ("140600", "朔州市"), ("140700", "晋中市"), ("140800", "运城市"),
    ("140900", "忻州市"), ("141000", "临汾市"), ("141100", "吕梁市"),
]
COUNTIES = [  # (code, name, city code)
    ("140121", "清徐县", "140100"), ("140321", "平定县", "140300"), ("140405", "屯留区", "140400"),
    ("140622", "应县", "140600"), ("140624", "怀仁市", "140600"), ("140702", "榆次区", "140700"),
    ("140703", "太谷区", "140700"), ("140727", "祁县", "140700"), ("140728", "平遥县", "140700"),
    ("140802", "盐湖区", "140800"), ("140823", "闻喜县", "140800"), ("140830", "芮城县", "140800"),
    ("140881", "永济市", "140800"), ("141121", "文水县", "141100"), ("141182", "汾阳市", "141100"),
]
PARKS = [  # (unit code, exact name from the plan, parent unit code, level)
    ("140200-Z01", "大同经济技术开发区", "140200", ParkLevel.NATIONAL),
    ("140624-Z01", "怀仁经济技术开发区", "140624", ParkLevel.PROVINCIAL),
    ("140702-Z01", "榆次医药园", "140702", ParkLevel.OTHER),
    ("140703-Z01", "太谷医药园", "140703", ParkLevel.OTHER),
    ("140830-Z01", "亚宝工业园", "140830", ParkLevel.OTHER),
    ("140802-Z01", "盐湖工业园", "140802", ParkLevel.OTHER),
    ("140800-Z01", "康宝医药园", "140800", ParkLevel.OTHER),
    ("140405-Z01", "屯留康庄医药工业园", "140405", ParkLevel.OTHER),
    ("140830-Z02", "风陵渡经开区", "140830", ParkLevel.PROVINCIAL),
    ("140727-Z01", "祁县经济开发区", "140727", ParkLevel.PROVINCIAL),
]

PARK_CHAINS = {  # 主导产业: the clusters the plan places in each park
    "大同经济技术开发区": ["晋北原料药及制剂"], "怀仁经济技术开发区": ["晋北原料药及制剂", "日用陶瓷"],
    "榆次医药园": ["晋中中成药"], "太谷医药园": ["晋中中成药"], "亚宝工业园": ["晋南新特药"],
    "盐湖工业园": ["晋南新特药"], "康宝医药园": ["晋南新特药"], "屯留康庄医药工业园": ["晋南新特药"],
    "风陵渡经开区": ["晋南新特药"], "祁县经济开发区": ["日用玻璃"],
}

# The 11 key clusters: (chain name, cluster group, responsible unit, {segment: [(node, gap)]}, firms)
# Firms: (name, unit code, tags, role on the chain's first midstream node).
CLUSTERS = [
    ("白酒", "食品饮料", "141100", {
        Segment.UPSTREAM: [("酿酒高粱种植", GapMark.PRESENT), ("酒瓶及包装材料", GapMark.FILL)],
        Segment.MIDSTREAM: [("原酒酿造", GapMark.PRESENT), ("勾调灌装", GapMark.STRENGTHEN)],
        Segment.DOWNSTREAM: [("品牌营销", GapMark.STRENGTHEN), ("酒旅融合", GapMark.EXTEND)]},
     [("汾酒集团", "141182", ["链主企业", "龙头骨干企业", "上市公司"], NodeRole.CHAIN_LEADER),
      ("汾阳王酒业", "141182", ["龙头骨干企业"], NodeRole.LOCAL),
      ("宗酒酒业", "141121", [], NodeRole.LOCAL)]),
    ("食醋", "食品饮料", "140100", {
        Segment.UPSTREAM: [("粮食原料", GapMark.PRESENT)],
        Segment.MIDSTREAM: [("老陈醋酿造", GapMark.PRESENT), ("醋饮品开发", GapMark.EXTEND)],
        Segment.DOWNSTREAM: [("商超电商渠道", GapMark.STRENGTHEN)]},
     [("水塔醋业", "140121", ["龙头骨干企业"], NodeRole.CHAIN_LEADER),
      ("紫林醋业", "140121", ["龙头骨干企业"], NodeRole.LOCAL),
      ("东湖醋园", "140100", [], NodeRole.LOCAL),
      ("宁化府醋业", "140100", ["单项冠军"], NodeRole.LOCAL)]),
    ("肉制品", "食品饮料", "140700", {
        Segment.UPSTREAM: [("肉牛肉羊养殖", GapMark.STRENGTHEN)],
        Segment.MIDSTREAM: [("屠宰分割", GapMark.PRESENT), ("熟食深加工", GapMark.PRESENT)],
        Segment.DOWNSTREAM: [("冷链物流", GapMark.FILL)]},
     [("平遥牛肉集团", "140728", ["龙头骨干企业"], NodeRole.CHAIN_LEADER),
      ("大象农牧", "141121", ["龙头骨干企业"], NodeRole.LOCAL),
      ("六味斋", "140100", ["龙头骨干企业"], NodeRole.LOCAL),
      ("象丰农牧", "140881", [], NodeRole.LOCAL)]),
    ("乳制品", "食品饮料", ROOT_CODE, {
        Segment.UPSTREAM: [("奶牛养殖", GapMark.STRENGTHEN), ("饲草种植", GapMark.PRESENT)],
        Segment.MIDSTREAM: [("液态奶加工", GapMark.PRESENT), ("奶粉及奶酪", GapMark.FILL)],
        Segment.DOWNSTREAM: [("冷链配送", GapMark.FILL)]},
     [("古城乳业", "140600", ["龙头骨干企业"], NodeRole.CHAIN_LEADER),
      ("九牛牧业", "140200", [], NodeRole.LOCAL),
      ("雅士利乳业", "140600", ["上市公司"], NodeRole.LOCAL),
      ("太原蒙牛", "140100", ["中国500强"], NodeRole.LOCAL),
      ("晋中伊利", "140700", ["中国500强"], NodeRole.LOCAL)]),
    ("小杂粮", "食品饮料", "140900", {
        Segment.UPSTREAM: [("杂粮种植", GapMark.PRESENT)],
        Segment.MIDSTREAM: [("杂粮精深加工", GapMark.FILL)],
        Segment.DOWNSTREAM: [("功能食品", GapMark.EXTEND)]},
     []),
    ("晋北原料药及制剂", "医药", "140200", {
        Segment.UPSTREAM: [("医药中间体", GapMark.FILL)],
        Segment.MIDSTREAM: [("化学原料药", GapMark.PRESENT), ("制剂", GapMark.STRENGTHEN)],
        Segment.DOWNSTREAM: [("医药流通", GapMark.FILL)]},
     [("国药威奇达", "140200", ["央企", "龙头骨干企业"], NodeRole.CHAIN_LEADER),
      ("普德药业", "140200", ["高新技术企业"], NodeRole.LOCAL),
      ("同药集团", "140200", [], NodeRole.LOCAL),
      ("仟源医药", "140624", ["上市公司"], NodeRole.LOCAL)]),
    ("晋中中成药", "医药", "140700", {
        Segment.UPSTREAM: [("中药材种植", GapMark.STRENGTHEN)],
        Segment.MIDSTREAM: [("中药饮片", GapMark.PRESENT), ("中成药制造", GapMark.PRESENT)],
        Segment.DOWNSTREAM: [("大健康产品", GapMark.EXTEND)]},
     [("广誉远", "140703", ["上市公司", "链主企业"], NodeRole.CHAIN_LEADER),
      ("华卫药业", "140702", [], NodeRole.LOCAL),
      ("德元堂药业", "140702", [], NodeRole.LOCAL),
      ("广生医药", "140703", [], NodeRole.LOCAL)]),
    ("晋南新特药", "医药", "140800", {
        Segment.UPSTREAM: [("药用辅料", GapMark.FILL)],
        Segment.MIDSTREAM: [("新型制剂", GapMark.STRENGTHEN), ("生物药", GapMark.FILL)],
        Segment.DOWNSTREAM: [("医药物流", GapMark.PRESENT)]},
     [("亚宝药业", "140830", ["上市公司", "链主企业"], NodeRole.CHAIN_LEADER),
      ("振东制药", "140405", ["上市公司"], NodeRole.LOCAL),
      ("康宝集团", "140800", [], NodeRole.LOCAL),
      ("晋城海斯", "140500", ["高新技术企业"], NodeRole.LOCAL)]),
    ("日用陶瓷", "轻工", "140600", {
        Segment.UPSTREAM: [("陶瓷原料", GapMark.PRESENT)],
        Segment.MIDSTREAM: [("日用瓷烧制", GapMark.PRESENT), ("高档瓷及艺术瓷", GapMark.STRENGTHEN)],
        Segment.DOWNSTREAM: [("设计与品牌", GapMark.FILL)]},
     [("玉珑陶瓷", "140622", [], NodeRole.LOCAL), ("正东陶瓷", "140624", [], NodeRole.LOCAL),
      ("博达陶瓷", "140624", [], NodeRole.LOCAL), ("尊屹陶瓷", "140622", [], NodeRole.LOCAL),
      ("莹玉陶瓷", "140624", [], NodeRole.LOCAL), ("金玉陶瓷", "140321", [], NodeRole.LOCAL),
      ("华冠陶瓷", "140321", [], NodeRole.LOCAL)]),
    ("日用玻璃", "轻工", "140700", {
        Segment.UPSTREAM: [("石英砂及纯碱", GapMark.PRESENT)],
        Segment.MIDSTREAM: [("器皿玻璃", GapMark.PRESENT), ("高硼硅玻璃", GapMark.FILL)],
        Segment.DOWNSTREAM: [("汽车玻璃", GapMark.EXTEND)]},
     [("宏艺玻璃", "140727", [], NodeRole.LOCAL), ("大华玻璃", "140727", [], NodeRole.LOCAL),
      ("红海玻璃", "140727", [], NodeRole.LOCAL), ("海丰玻璃", "140823", [], NodeRole.LOCAL),
      ("英发玻璃", "140823", [], NodeRole.LOCAL)]),
    ("丝麻纺织", "纺织", "140500", {
        Segment.UPSTREAM: [("麻类种植", GapMark.FILL)],
        Segment.MIDSTREAM: [("纺纱织造", GapMark.PRESENT)],
        Segment.DOWNSTREAM: [("纺织服装", GapMark.FILL)]},
     [("山西建投麻纺织科技有限公司", "140500", [], NodeRole.CHAIN_LEADER)]),
]

# 链长: the plan names no officials; the demo gives each chain the post that usually leads it.
LEADERS = {"乳制品": "分管副省长", "白酒": "吕梁市市长", "食醋": "太原市市长", "晋北原料药及制剂": "大同市市长"}
# Under a node: its sub-nodes (环节 of the next level), with their gap marks.
SUB_NODES = {"奶粉及奶酪": [("婴幼儿配方奶粉", GapMark.FILL), ("奶酪及黄油", GapMark.FILL)],
             "液态奶加工": [("低温鲜奶", GapMark.PRESENT), ("常温奶", GapMark.PRESENT)],
             "冷链配送": [("冷藏车队", GapMark.FILL)]}
# GB/T 4754-2017 codes and key technologies of some nodes.
NODE_DETAILS = {
    "原酒酿造": ("1512", None), "勾调灌装": ("1512", "智能勾调、无菌灌装"), "酒瓶及包装材料": ("3054,2231", "轻量化玻璃瓶"),
    "老陈醋酿造": ("1462", "固态发酵智能化"), "屠宰分割": ("1351", None), "熟食深加工": ("1353", None),
    "冷链物流": ("5951", "全程温控追溯"), "液态奶加工": ("1441", None), "奶粉及奶酪": ("1442,1449", "干法/湿法复合工艺"),
    "婴幼儿配方奶粉": ("1442", "配方注册与湿法工艺"), "奶酪及黄油": ("1449", "凝乳发酵、成熟控制"),
    "冷链配送": ("5951", "冷链温控、冷库自动化"), "化学原料药": ("2710", None), "制剂": ("2720", "缓控释制剂"),
    "医药中间体": ("2710", "连续流合成"), "中药饮片": ("2730", None), "中成药制造": ("2740", "提取浓缩自动化"),
    "生物药": ("2761", "细胞培养、抗体纯化"), "药用辅料": ("2780", "新型辅料"), "日用瓷烧制": ("3074", None),
    "器皿玻璃": ("3054", None), "高硼硅玻璃": ("3054", "电熔窑炉、高硼硅配方"), "纺纱织造": ("1721,1722", None),
}
# Synthetic targets from the plan's source regions and key industries (names say they are examples).
TARGETS = [
    ("示例家电科技（苏州）有限公司", SourceRegion.YANGTZE_DELTA, "日用玻璃", "汽车玻璃"),
    ("示例生活用纸（广州）有限公司", SourceRegion.PEARL_DELTA, "丝麻纺织", "纺织服装"),
    ("示例中药饮片（北京）有限公司", SourceRegion.BOHAI_RIM, "晋中中成药", "大健康产品"),
    ("示例乳业装备（杭州）有限公司", SourceRegion.YANGTZE_DELTA, "乳制品", "奶粉及奶酪"),
    ("示例生物制药（深圳）有限公司", SourceRegion.PEARL_DELTA, "晋南新特药", "生物药"),
    ("示例婴配乳粉（上海）有限公司", SourceRegion.YANGTZE_DELTA, "乳制品", "奶粉及奶酪"),
    ("示例冷链物流（天津）有限公司", SourceRegion.BOHAI_RIM, "乳制品", "冷链配送"),
    ("示例玻璃包装（佛山）有限公司", SourceRegion.PEARL_DELTA, "白酒", "酒瓶及包装材料"),
]
TARGET_VISITS = {"示例婴配乳粉（上海）有限公司": date(2026, 10, 20), "示例冷链物流（天津）有限公司": date(2026, 9, 14),
                 "示例玻璃包装（佛山）有限公司": date(2026, 11, 5)}

# (project, investor, unit code, park, chain node, agreed 万元, channel, stage dates)
PROJECTS = [
    ("汾酒文旅融合综合体项目", "汾酒集团", "141182", None, "酒旅融合", 120000, Channel.TOP_LEADER,
     {Stage.NEGOTIATING: date(2026, 9, 8)}),
    ("高硼硅玻璃器皿生产线项目", "示例家电科技（苏州）有限公司", "140727-Z01", "祁县经济开发区", "高硼硅玻璃",
     35000, Channel.TEAM, {Stage.NEGOTIATING: date(2026, 10, 15)}),
    ("生物药中试基地项目", "示例生物制药（深圳）有限公司", "140830-Z02", "风陵渡经开区", "生物药", 60000,
     Channel.EXPO, {Stage.NEGOTIATING: date(2026, 11, 2)}),
    ("奶粉及奶酪加工项目", "示例乳业装备（杭州）有限公司", "140600", None, "奶粉及奶酪", 80000, Channel.BY_BUSINESS,
     {Stage.NEGOTIATING: date(2026, 3, 10), Stage.SIGNED: date(2026, 5, 20)}),
    ("中药大健康产品产业园项目", "示例中药饮片（北京）有限公司", "140702-Z01", "榆次医药园", "大健康产品", 45000,
     Channel.AGENT, {Stage.NEGOTIATING: date(2026, 2, 1), Stage.SIGNED: date(2026, 4, 18)}),
    ("医药中间体扩产项目", "普德药业", "140200-Z01", "大同经济技术开发区", "医药中间体", 18000, Channel.TEAM,
     {Stage.NEGOTIATING: date(2025, 3, 5), Stage.SIGNED: date(2025, 6, 10)}),
    ("老陈醋智能酿造基地项目", "水塔醋业", "140100", None, "老陈醋酿造", 26000, Channel.BY_BUSINESS,
     {Stage.NEGOTIATING: date(2025, 10, 9), Stage.SIGNED: date(2026, 1, 16), Stage.STARTED: date(2026, 6, 28)}),
    ("化学原料药绿色改造项目", "国药威奇达", "140200-Z01", "大同经济技术开发区", "化学原料药", 52000,
     Channel.TOP_LEADER,
     {Stage.NEGOTIATING: date(2025, 11, 3), Stage.SIGNED: date(2026, 2, 26), Stage.STARTED: date(2026, 5, 12)}),
    ("生活用纸及纺织服装项目", "示例生活用纸（广州）有限公司", "140500", None, "纺织服装", 9000, Channel.FUND,
     {Stage.NEGOTIATING: date(2025, 12, 1), Stage.SIGNED: date(2026, 3, 6), Stage.STARTED: date(2026, 7, 20)}),
    ("高档日用瓷生产线项目", "玉珑陶瓷", "140624-Z01", "怀仁经济技术开发区", "高档瓷及艺术瓷", 15000,
     Channel.RESIDENT,
     {Stage.NEGOTIATING: date(2024, 10, 8), Stage.SIGNED: date(2025, 3, 18), Stage.STARTED: date(2025, 6, 6),
      Stage.PRODUCING: date(2026, 8, 30)}),
    ("中成药智能制造项目", "广誉远", "140703-Z01", "太谷医药园", "中成药制造", 68000, Channel.TOP_LEADER,
     {Stage.NEGOTIATING: date(2024, 11, 20), Stage.SIGNED: date(2025, 4, 9), Stage.STARTED: date(2025, 7, 1),
      Stage.PRODUCING: date(2026, 6, 15)}),
    ("新型制剂车间项目", "亚宝药业", "140830-Z01", "亚宝工业园", "新型制剂", 23000, Channel.BY_BUSINESS,
     {Stage.NEGOTIATING: date(2024, 9, 2), Stage.SIGNED: date(2025, 1, 20), Stage.STARTED: date(2025, 5, 8),
      Stage.PRODUCING: date(2026, 3, 26)}),
]

CAPACITY = {  # park → [(kind, total)]
    "大同经济技术开发区": [(CapacityKind.LAND, 3200), (CapacityKind.FACTORY, 86000), (CapacityKind.ENERGY, 120000),
                  (CapacityKind.POWER, 250000), (CapacityKind.WATER, 40000)],
    "怀仁经济技术开发区": [(CapacityKind.LAND, 1500), (CapacityKind.FACTORY, 42000), (CapacityKind.ENERGY, 60000)],
    "祁县经济开发区": [(CapacityKind.LAND, 900), (CapacityKind.GAS, 150000), (CapacityKind.POWER, 80000)],
    "风陵渡经开区": [(CapacityKind.LAND, 2100), (CapacityKind.SEWAGE, 12000), (CapacityKind.COD, 320)],
}

TARGET_FACTS = {  # the 2024 / 2025 consumer-goods plan; 落地 counted as 开工. 2026: the 2025 figures, for the demo
    2024: {TargetIndicator.STARTED_COUNT: 15, TargetIndicator.LEAD_ENTERPRISES: 2, TargetIndicator.FUNDS: 200000,
           TargetIndicator.EVENTS: 2},
    2025: {TargetIndicator.STARTED_COUNT: 30, TargetIndicator.LEAD_ENTERPRISES: 3, TargetIndicator.FUNDS: 800000,
           TargetIndicator.EVENTS: 2},
    2026: {TargetIndicator.STARTED_COUNT: 30, TargetIndicator.LEAD_ENTERPRISES: 3, TargetIndicator.FUNDS: 800000,
           TargetIndicator.EVENTS: 2},
}
CITY_EVENTS_TARGET = 3  # ≥3 专题招商活动 per city a year


def demo_uscc(name: str, region: str) -> str:
    """A synthetic code with a valid checksum, stable for a given name."""
    digest = hashlib.sha256(name.encode()).digest()
    body = "".join(USCC_ALPHABET[b % len(USCC_ALPHABET)] for b in digest[:9])
    return make_uscc("91" + region + body)


def load_demo() -> bool:
    """Load the demo in the current transaction; False (and nothing written) if it is there already."""
    if db.session.scalar(sa.select(OrgUnit).where(OrgUnit.code == ROOT_CODE)):
        return False
    units = _units()
    parks = _parks(units)
    users = _users(units, parks)
    nodes, enterprises = _chains_and_firms(units, users["manager"])
    for park in parks.values():
        for item in park.capacity_items:
            record_revision(item, users["parkadmin"] if park is users["parkadmin"].park else None)
    chains = {c.name: c for c in db.session.scalars(sa.select(Chain))}
    for park_name, chain_names in PARK_CHAINS.items():
        parks[park_name].chains = [chains[name] for name in chain_names]
    _projects(units, parks, nodes, enterprises, users["manager"])
    _waiting_for_review(users["officer"])
    db.session.flush()
    refresh_facts()
    _targets(units)
    _dispatch(units, users)
    refresh_last_contacted()
    return True


def _units() -> dict[str, OrgUnit]:
    root = OrgUnit(code=ROOT_CODE, name="山西省", kind=UnitKind.PROVINCE)
    units = {ROOT_CODE: root,
             "140000-01": OrgUnit(code="140000-01", name="省投资促进局招商处", kind=UnitKind.DEPARTMENT, parent=root)}
    for code, name in CITIES:
        units[code] = OrgUnit(code=code, name=name, kind=UnitKind.CITY, parent=root)
    for code, name, city in COUNTIES:
        units[code] = OrgUnit(code=code, name=name, kind=UnitKind.COUNTY, parent=units[city])
    for code, name, parent, _level in PARKS:
        units[code] = OrgUnit(code=code, name=name, kind=UnitKind.ZONE, parent=units[parent])
    db.session.add_all(units.values())
    return units


def _city_of(unit: OrgUnit) -> str:
    while unit.kind != UnitKind.CITY and unit.parent is not None:
        unit = unit.parent
    return unit.name


def _parks(units) -> dict[str, Park]:
    parks = {}
    for code, name, _parent, level in PARKS:
        park = Park(name=name, level=level, unit=units[code], city=_city_of(units[code]),
                    investment_intensity_wan_per_mu=Decimal(300), tax_per_mu_wan=Decimal(15))
        for kind, total in CAPACITY.get(name, []):
            park.capacity_items.append(CapacityItem(kind=kind, name=kind.label, total=Decimal(total),
                                                    unit=CAPACITY_UNITS[kind], as_of=date(2026, 10, 31)))
        parks[name] = park
    db.session.add_all(parks.values())
    return parks


def _users(units, parks) -> dict[str, User]:
    homes = {"admin": (units[ROOT_CODE], None, "系统管理员"), "security": (units[ROOT_CODE], None, "安全管理员"),
             "auditor": (units[ROOT_CODE], None, "审计管理员"), "manager": (units[ROOT_CODE], None, "王局长"),
             "officer": (units["140200"], None, "李专员"),
             "parkadmin": (units["140200-Z01"], parks["大同经济技术开发区"], "张园区")}
    users = {}
    for username, password, role in DEMO_LOGINS:
        unit, park, display = homes[username]
        user = User(username=username, display_name=display, role=role, unit=unit, park=park)
        user.set_password(password)
        user.grants = [UserPermission(permission=p) for p in DEMO_PERMISSIONS.get(username, ())]
        users[username] = user
    db.session.add_all(users.values())
    db.session.flush()
    return users


def _enterprise(name, unit, region_code, tags, **fields) -> Enterprise:
    enterprise = Enterprise(name=name, uscc=demo_uscc(name, region_code),
                            unit=unit, tags=[EnterpriseTag(tag=t) for t in tags], **fields)
    db.session.add(enterprise)
    return enterprise


def _chains_and_firms(units, manager: User):
    nodes, enterprises = {}, {}
    for chain_name, cluster, unit_code, segments, firms in CLUSTERS:
        chain = Chain(name=chain_name, cluster=cluster, unit=units[unit_code], leader=LEADERS.get(chain_name),
                      description=f"山西省{chain_name}产业集群")
        db.session.add(chain)
        for segment, segment_nodes in segments.items():
            for node_name, gap in segment_nodes:
                nodes[node_name] = _node(chain, segment, node_name, gap, None)
                for child, child_gap in SUB_NODES.get(node_name, []):
                    nodes[child] = _node(chain, segment, child, child_gap, nodes[node_name])
        first_midstream = nodes[segments[Segment.MIDSTREAM][0][0]]
        for firm, firm_unit, tags, role in firms:
            enterprise = _enterprise(firm, units[firm_unit], firm_unit, tags, province="山西省",
                                     city=_city_of(units[firm_unit]), source_region=SourceRegion.IN_PROVINCE,
                                     status=EnterpriseStatus.LANDED)
            db.session.add(EnterpriseNode(enterprise=enterprise, node=first_midstream, role=role))
            enterprises[firm] = enterprise
    for name, region, chain_name, node_name in TARGETS:
        enterprise = _enterprise(name, units["140000-01"], "320500", ["高新技术企业"], source_region=region,
                                 status=EnterpriseStatus.CONTACTING, officer=manager)
        enterprise.contacts.append(Contact(name="投资部负责人", mobile=_demo_mobile(name)))
        db.session.add(EnterpriseNode(enterprise=enterprise, node=nodes[node_name], role=NodeRole.TARGET))
        if name in TARGET_VISITS:
            db.session.add(Activity(kind=ActivityKind.VISIT, occurred_on=TARGET_VISITS[name], unit=units["140000-01"],
                                    participants="王局长", enterprises=[enterprise], summary=f"小分队拜访{name}，介绍"
                                    f"山西{chain_name}产业链布局", outcome="企业同意来晋考察", recorded_by_id=manager.id))
        enterprises[name] = enterprise
    db.session.flush()
    return nodes, enterprises


def _node(chain, segment, name, gap, parent) -> ChainNode:
    codes, technologies = NODE_DETAILS.get(name, (None, None))
    node = ChainNode(chain=chain, segment=segment, name=name, gap=gap, parent=parent, industry_codes=codes,
                     key_technologies=technologies)
    db.session.add(node)
    return node


def _demo_mobile(name: str) -> str:
    """A made-up mobile number (139 0000 xxxx), stable for a given name."""
    return "1390000" + str(int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10000).zfill(4)


def _projects(units, parks, nodes, enterprises, manager: User) -> None:
    for name, investor, unit_code, park, node, agreed, channel, stages in PROJECTS:
        agreed = Decimal(agreed)
        project = Project(name=name, investor=enterprises[investor], unit=units[unit_code],
                          park=parks.get(park), chain_node=nodes[node], channel=channel,
                          total_investment_wan=agreed * Decimal("1.2"), agreed_investment_wan=agreed,
                          source_region=SourceRegion.label_of(enterprises[investor].source_region),
                          responsible_person="李专员", land_mu=Decimal(agreed / 300).quantize(Decimal("0.01")),
                          is_key=agreed >= 50000)
        db.session.add(project)
        db.session.flush()
        for stage, effective_on in stages.items():
            move(manager, project, stage, effective_on)
        if Stage.STARTED in stages:
            _funds(project, stages[Stage.STARTED], manager)
        db.session.add(Activity(kind=ActivityKind.VISIT, occurred_on=stages[Stage.NEGOTIATING], unit=project.unit,
                                participants="李专员", project=project, enterprises=[project.investor],
                                summary=f"就{name}进行对接洽谈", outcome="达成初步意向",
                                next_follow_up_on=date(2026, 12, 1), recorded_by_id=manager.id))
    event = Event(name="2026年山西省消费品工业专题招商推介会", kind=EventKind.PROMOTION, starts_on=date(2026, 5, 20),
                  ends_on=date(2026, 5, 21), place="上海", unit=units["140000-01"], leaders="省投资促进局主要领导",
                  enterprises=[enterprises["示例乳业装备（杭州）有限公司"]])
    db.session.add(event)
    db.session.flush()
    signed_there = db.session.scalar(sa.select(Project).where(Project.name == "奶粉及奶酪加工项目"))
    db.session.add(EventProject(event_id=event.id, project_id=signed_there.id, signed_here=True))


def _waiting_for_review(officer: User) -> None:
    """What an officer of 大同市 reported this month and a manager has yet to review."""
    project = db.session.scalar(sa.select(Project).where(Project.name == "医药中间体扩产项目"))
    move(officer, project, Stage.STARTED, date(2026, 11, 2), "主体厂房开工建设")
    save_fund(officer, project, {"month": date(2026, 11, 1), "origin": FundOrigin.OUT_OF_PROVINCE,
                                 "amount_wan": Decimal(1800), "evidence": "银行进账单"})


def _funds(project: Project, started_on: date, manager: User) -> None:
    """Three monthly entries after the start, a tenth of the agreed amount each."""
    for offset in range(3):
        month = date(started_on.year + (started_on.month + offset - 1) // 12, (started_on.month + offset - 1) % 12 + 1, 1)
        db.session.add(FundEntry(project=project, month=month, origin=FundOrigin.OUT_OF_PROVINCE,
                                 amount_wan=(project.agreed_investment_wan / 10).quantize(Decimal("0.01")),
                                 evidence="银行进账单", recorded_by_id=manager.id,
                                 review_status=ReviewStatus.APPROVED, reviewed_by_id=manager.id,
                                 reviewed_at=utcnow()))


def _targets(units) -> None:
    for year, values in TARGET_FACTS.items():
        for indicator, value in values.items():
            db.session.add(Target(year=year, unit=units[ROOT_CODE], indicator=indicator, value=Decimal(value)))
        for code, _name in CITIES:
            db.session.add(Target(year=year, unit=units[code], indicator=TargetIndicator.EVENTS,
                                  value=Decimal(CITY_EVENTS_TARGET)))
    db.session.flush()


def _dispatch(units, users) -> None:
    """调度 and 考核 as a bureau starts them: a 大同市 project's land problem raised to the city, a
    province 督办 on it, the city's vice mayor in charge of its investor, the province's 考核 of its cities."""
    project = db.session.scalar(sa.select(Project).where(Project.name == "医药中间体扩产项目"))
    raise_problem(users["officer"], project, {"kind": ProblemKind.LAND, "level": ProblemLevel.CITY,
                                              "description": "二期用地 80 亩尚未取得用地指标", "request": "请市里协调调剂用地指标"},
                  today=date(2026, 11, 10))
    issue(users["manager"], {"task": "请于 12 月 15 日前报告二期用地解决进展", "unit_id": units["140200"].id,
                             "assignee_id": users["officer"].id, "due_on": date(2026, 12, 15)}, project, today=date(2026, 11, 20))
    leader = Leader(name="赵副市长", post="大同市副市长", unit=units["140200"])
    db.session.add(leader)
    db.session.flush()
    db.session.add(LeaderLink(leader_id=leader.id, enterprise_id=project.investor_id))
    db.session.add(AssessmentScheme(unit=units[ROOT_CODE], year=2026, name="2026年全省招商引资工作考核", items=[
        AssessmentItem(indicator=key, weight=Decimal(weight), method=method, cap=Decimal("1.2"), position=n)
        for n, (key, weight, method) in enumerate([
            (TargetIndicator.SIGNED_COUNT, 25, "rate"), (TargetIndicator.SIGNED_AMOUNT, 20, "rate"),
            (TargetIndicator.STARTED_COUNT, 10, "rate"), (TargetIndicator.EVENTS, 10, "rate"), ("activities", 10, "rank"),
            ("supervision_on_time", 10, "rate"), ("problems_solved", 10, "rate"), ("reporting_timely", 5, "rate")])]))
    db.session.flush()
