"""Every enumeration of the domain: English stored values, Chinese labels in one place."""
from enum import StrEnum


class Choice(StrEnum):
    """A stored value with its Chinese label: ``MEMBER = ("value", "标签")``."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def label_of(cls, value: str | None) -> str:
        try:
            return cls(value).label
        except ValueError:
            return value or ""


class Role(Choice):
    """三员分立: the system admin (units, accounts, settings), the security admin (roles,
    permissions, password and session policy) and the auditor (the audit log) are three people;
    a user holds one role."""

    ADMIN = ("admin", "系统管理员")
    SECURITY_ADMIN = ("security_admin", "安全管理员")
    AUDITOR = ("auditor", "审计管理员")
    MANAGER = ("manager", "科室负责人/局领导")
    OFFICER = ("officer", "招商专员")
    PARK_ADMIN = ("park_admin", "园区管理员")


class Permission(Choice):
    """Granted to a user on top of its role (by a security admin)."""

    VIEW_PERSONAL = ("view_personal", "查看个人信息（逐条显示完整联系方式）")
    EXPORT_PERSONAL = ("export_personal", "导出个人信息（导出含完整联系方式，须填写理由）")


class UnitKind(Choice):
    NATION = ("nation", "全国")  # the root of a national install, above the provinces
    PROVINCE = ("province", "省")
    CITY = ("city", "市")
    COUNTY = ("county", "县区")
    ZONE = ("zone", "开发区·园区")
    DEPARTMENT = ("department", "处室")


class EnterpriseStatus(Choice):
    TARGET = ("target", "目标")
    CONTACTING = ("contacting", "接触中")
    LANDED = ("landed", "已落地")
    ABANDONED = ("abandoned", "放弃")


class SourceRegion(Choice):
    YANGTZE_DELTA = ("yangtze_delta", "长三角")
    PEARL_DELTA = ("pearl_delta", "珠三角")
    BOHAI_RIM = ("bohai_rim", "京津冀·环渤海")
    CHENGYU = ("chengyu", "成渝")
    ABROAD = ("abroad", "境外")
    IN_PROVINCE = ("in_province", "省内")
    OUT_OF_PROVINCE = ("out_of_province", "省外（未细分）")  # ledgers that only say 省外
    OTHER = ("other", "其他")


ENTERPRISE_TAGS = (
    "头部企业", "龙头骨干企业", "链主企业", "世界500强", "中国500强", "民企500强", "上市公司",
    "央企", '专精特新"小巨人"', "专精特新", "单项冠军", "高新技术企业", "瞪羚企业", "科技型中小企业",
)


class Stage(Choice):
    NEGOTIATING = ("negotiating", "在谈")
    SIGNED = ("signed", "签约")
    REGISTERED = ("registered", "注册")  # a milestone between 签约 and 开工, not a stage a project is in
    STARTED = ("started", "开工")
    PRODUCING = ("producing", "投产")
    TERMINATED = ("terminated", "终止")
    ON_HOLD = ("on_hold", "暂缓")


class ReviewStatus(Choice):
    PENDING = ("pending", "待审核")
    APPROVED = ("approved", "审核通过")
    REJECTED = ("rejected", "已退回")  # one word everywhere: the queue, the page, the reports


class Channel(Choice):
    TOP_LEADER = ("top_leader", "一把手招商")
    TEAM = ("team", "小分队招商")
    BY_BUSINESS = ("by_business", "以商招商")
    FUND = ("fund", "基金招商")
    EXPO = ("expo", "展会推介")
    AGENT = ("agent", "委托招商")
    RESIDENT = ("resident", "驻点招商")
    OTHER = ("other", "其他")


class FundOrigin(Choice):
    OUT_OF_PROVINCE = ("out_of_province", "省外境内")
    IN_PROVINCE = ("in_province", "省内市外")
    LOCAL = ("local", "本市")
    FOREIGN = ("foreign", "外资")


class ActivityKind(Choice):
    VISIT = ("visit", "外出拜访")
    RECEPTION = ("reception", "来访接待")
    CALL = ("call", "电话/视频洽谈")
    SYMPOSIUM = ("symposium", "座谈会")
    OTHER = ("other", "其他")


class EventKind(Choice):
    PROMOTION = ("promotion", "专题招商推介会")
    EXPO = ("expo", "展会")
    TEAM_TRIP = ("team_trip", "小分队外出招商")
    FAIR = ("fair", "投洽会")
    OTHER = ("other", "其他")


class ParkLevel(Choice):
    NATIONAL = ("national", "国家级")
    PROVINCIAL = ("provincial", "省级")
    OTHER = ("other", "其他")


class CapacityKind(Choice):
    """Kinds of a park's capacity item; the label carries the usual unit."""

    LAND = ("land", "可供工业用地")
    FACTORY = ("factory", "闲置标准厂房")
    ENERGY = ("energy", "能耗指标")
    POWER = ("power", "供电容量")
    WATER = ("water", "供水")
    SEWAGE = ("sewage", "污水处理余量")
    STEAM = ("steam", "蒸汽")
    GAS = ("gas", "天然气")
    COD = ("cod", "排污指标 COD")
    AMMONIA = ("ammonia", "排污指标 氨氮")
    SO2 = ("so2", "排污指标 SO₂")
    NOX = ("nox", "排污指标 NOx")
    CUSTOM = ("custom", "其他")


CAPACITY_UNITS = {
    CapacityKind.LAND: "亩", CapacityKind.FACTORY: "㎡", CapacityKind.ENERGY: "吨标煤/年",
    CapacityKind.POWER: "kVA", CapacityKind.WATER: "吨/日", CapacityKind.SEWAGE: "吨/日",
    CapacityKind.STEAM: "t/h", CapacityKind.GAS: "m³/日", CapacityKind.COD: "吨/年",
    CapacityKind.AMMONIA: "吨/年", CapacityKind.SO2: "吨/年", CapacityKind.NOX: "吨/年",
}


class Segment(Choice):
    UPSTREAM = ("upstream", "上游")
    MIDSTREAM = ("midstream", "中游")
    DOWNSTREAM = ("downstream", "下游")


class GapMark(Choice):
    PRESENT = ("present", "已具备")
    STRENGTHEN = ("strengthen", "强链")
    FILL = ("fill", "补链")
    EXTEND = ("extend", "延链")


class NodeRole(Choice):
    LOCAL = ("local", "本地企业")
    CHAIN_LEADER = ("chain_leader", "链主")
    TARGET = ("target", "目标企业")


class TargetIndicator(Choice):
    SIGNED_COUNT = ("signed_count", "签约项目数")
    SIGNED_AMOUNT = ("signed_amount_wan", "签约额(万元)")
    STARTED_COUNT = ("started_count", "开工项目数")
    PRODUCING_COUNT = ("producing_count", "投产项目数")
    FUNDS = ("funds_wan", "到位资金(万元)")
    LEAD_ENTERPRISES = ("lead_enterprises", "引进头部/龙头企业数")
    EVENTS = ("events", "招商活动场次")


class NotificationKind(Choice):
    FOLLOW_UP = ("follow_up", "跟进到期")
    REVIEW = ("review", "待审核")
    RETURNED = ("returned", "被退回")
    APPROVED = ("approved", "审核通过")
    WARNING = ("warning", "预警")
    PROBLEM = ("problem", "项目问题")
    SUPERVISION = ("supervision", "督办")


class ProblemKind(Choice):
    LAND = ("land", "用地")
    PLANNING = ("planning", "规划")
    EIA = ("eia", "环评")
    ENERGY = ("energy", "能耗指标")
    FUNDING = ("funding", "资金")
    APPROVAL = ("approval", "审批")
    UTILITIES = ("utilities", "水电气")
    OTHER = ("other", "其他")


class ProblemLevel(Choice):
    """The rungs a problem climbs: the project's own unit, its city, its province."""

    LOCAL = ("local", "本级")
    CITY = ("city", "市级")
    PROVINCE = ("province", "省级")


class ProblemStatus(Choice):
    OPEN = ("open", "待办理")
    HANDLING = ("handling", "办理中")
    SOLVED = ("solved", "已解决待确认")
    CLOSED = ("closed", "已办结")


class SupervisionStatus(Choice):
    OPEN = ("open", "待回复")
    REPLIED = ("replied", "已回复待审核")
    CLOSED = ("closed", "已办结")


class CaseAction(Choice):
    """One step in a problem's or a 督办单's history."""

    RAISE = ("raise", "提出问题")
    REPLY = ("reply", "回复")
    ASSIGN = ("assign", "交办")
    ESCALATE = ("escalate", "上报")
    SOLVE = ("solve", "办结答复")
    CONFIRM = ("confirm", "确认解决")
    REOPEN = ("reopen", "重新打开")
    ISSUE = ("issue", "下达督办")
    ACCEPT = ("accept", "审核办结")
    RETURN = ("return", "退回重办")
    REMIND = ("remind", "催办")


class WebhookEvent(Choice):
    STAGE_APPROVED = ("stage.approved", "项目阶段变动审核通过")
    FUND_APPROVED = ("fund.approved", "到位资金审核通过")
    WARNING_RAISED = ("warning.raised", "项目出现预警")
    PROBLEM_ESCALATED = ("problem.escalated", "项目问题逾期上报")
    ASSESSMENT_FROZEN = ("assessment.frozen", "月度考核结果定稿")
