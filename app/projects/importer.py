"""Importing a project ledger (项目台账) with the shared import machinery.

Each stage date of a row becomes a stage event effective on that date (reviewed as any entry by
this user would be); the investor is matched by 统一社会信用代码, else by folded name within the
user's scope, else created. A row matches an existing project by folded name within scope, so
importing the same file again changes nothing; a later ledger may add later stages and fill
empty fields, but never changes a stage date already recorded (that is a correction, with a reason,
on the project page).
"""
import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from app.auth.scope import scoped
from app.enterprises.importer import enterprise_keys
from app.enterprises.services import clean_uscc
from app.excel import fold, parse_amount_wan, parse_date_precision, parse_number
from app.extensions import db
from app.imports.services import (
    BatchError,
    Importer,
    Plan,
    Problems,
    RowContext,
    amount_unit,
    look_up,
    register,
    value_key,
)
from app.models import (
    Activity,
    Enterprise,
    FundEntry,
    OrgUnit,
    Park,
    Project,
    StageEvent,
    User,
)
from app.models.enums import Channel, EnterpriseStatus, Stage
from app.names import normalize_name
from app.projects import services
from app.projects.stages import (
    CURRENT,
    DATE_COLUMNS,
    FORWARD,
    StageError,
    check_sequence,
    counted,
    derive,
)

# Status words as ledgers write them, tried in this order on the folded cell ("已签约未开工": the
# words after 未 are what has not happened yet, so they are dropped first).
STATUS_WORDS = [
    (Stage.TERMINATED, ("终止", "取消", "放弃", "退出", "中止", "流失", "撤销")),
    (Stage.ON_HOLD, ("暂缓", "暂停", "停滞", "搁置", "停建", "缓建")),
    (Stage.PRODUCING, ("投产", "竣工", "达产", "达效", "建成", "试生产", "运营")),
    (Stage.STARTED, ("开工", "在建", "续建", "施工", "动工", "建设中")),
    (Stage.PRODUCING, ("开业",)),
    (Stage.SIGNED, ("签约", "签订", "签署")),
    (Stage.NEGOTIATING, ("在谈", "洽谈", "对接", "储备", "意向", "跟进", "谋划")),
]
NOT_YET = re.compile(r"未(签约|签订|开工|动工|投产|竣工|建成|开业)")
CHANNELS = {value_key(k): v for k, v in {**{c.label: c.value for c in Channel}, "一把手": Channel.TOP_LEADER,
                                          "小分队": Channel.TEAM, "以商引商": Channel.BY_BUSINESS,
                                          "基金": Channel.FUND, "展会": Channel.EXPO, "委托": Channel.AGENT,
                                          "驻点": Channel.RESIDENT, "其它": Channel.OTHER}.items()}
AMOUNTS = ("total_investment_wan", "agreed_investment_wan", "phase1_investment_wan")
# Needs: field → (label, units with their factor to the stored unit)
NEEDS = {
    "land_mu": ("用地", {"": Decimal(1), "亩": Decimal(1), "公顷": Decimal(15)}),
    "factory_m2": ("标准厂房", {"": Decimal(1), "平方米": Decimal(1), "㎡": Decimal(1), "m²": Decimal(1),
                            "m2": Decimal(1), "万平方米": Decimal(10000)}),
    "energy_tce": ("能耗", {"": Decimal(1), "吨标煤": Decimal(1), "吨标煤/年": Decimal(1)}),
    "power_kva": ("用电", {"": Decimal(1), "kVA": Decimal(1), "千伏安": Decimal(1)}),
    "water_t_per_day": ("用水", {"": Decimal(1), "吨/日": Decimal(1), "吨/天": Decimal(1)}),
}
TEXTS = {"content": ("建设内容", 4000), "responsible_person": ("责任人", 50), "source_region": ("来源地", 50),
         "problems": ("存在问题", 4000), "next_steps": ("下步计划", 4000)}
FLAGS = ("is_key", "is_foreign")
YES = {"是", "√", "✓", "✔", "y", "yes", "1", "true", "重点", "外资", "重点项目"}
NO = {"否", "×", "✗", "n", "no", "0", "false", "非重点", "一般", "内资"}
NOTE = "据项目台账导入"


def flag_of(value, label: str) -> bool:
    """是/否, √/×, 外资/内资 … as True or False."""
    text = re.sub(r"\s", "", fold(str(value))).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"{label}“{value}”应为 是 或 否")


def stage_of(text: str) -> str | None:
    """The stage a status cell names (在谈, 已签约, 新开工, 已开工开业, 竣工投产, 暂缓, 终止 …), or None."""
    folded = NOT_YET.sub("", re.sub(r"\s", "", fold(text)))
    for stage, words in STATUS_WORDS:
        if any(word in folded for word in words):
            return stage
    return None


@dataclass
class Context(RowContext):
    by: User
    today: date
    unit_ids: dict[str, int] = field(default_factory=dict)  # unit code or name → id, in scope
    parks: dict[str, int] = field(default_factory=dict)  # park name → id, in scope
    projects: dict[str, list[int]] = field(default_factory=dict)  # folded name → project ids in scope
    by_code: dict[str, tuple[int, bool]] = field(default_factory=dict)  # uscc → (enterprise id, in scope)
    by_name: dict[str, list[int]] = field(default_factory=dict)  # folded name → enterprise ids in scope
    created: dict[str, Enterprise] = field(default_factory=dict)  # investors created by earlier rows
    seen: dict[str, str] = field(default_factory=dict)  # folded project name → the first row that has it
    current: dict[int, Project] = field(default_factory=dict)  # the projects the next rows match
    events: dict[int, list[StageEvent]] = field(default_factory=dict)  # … and their stage events


class ProjectImporter(Importer):
    kind = "projects"
    label = "项目"
    fields = {
        "name": ("项目名称", "项目", "名称", "项目全称"),
        "investor": ("投资方", "投资主体", "投资企业", "签约企业", "投资方名称", "企业名称", "投资单位", "建设单位"),
        "uscc": ("统一社会信用代码", "信用代码", "投资方统一社会信用代码", "社会信用代码", "证照号码"),
        "total_investment_wan": ("总投资", "计划总投资", "项目总投资", "总投资额", "投资总额"),
        "agreed_investment_wan": ("协议投资", "协议投资额", "签约额", "合同投资额", "签约投资额", "签约金额"),
        "phase1_investment_wan": ("一期投资", "一期投资额"),
        "negotiating_on": ("在谈日期", "洽谈日期", "首次洽谈日期", "在谈时间"),
        "signed_on": ("签约日期", "签约时间"),
        "started_on": ("开工日期", "开工时间"),
        "producing_on": ("投产日期", "投产时间"),
        "exit_on": ("终止日期", "暂缓日期", "终止或暂缓日期"),
        "registered_on": ("注册时间", "注册日期", "注册登记日期"),
        "company_name": ("注册名称", "注册企业名称", "注册公司名称", "项目公司名称", "落地企业名称"),
        "registered_capital_wan": ("注册资本", "注册资本金"),
        "stage": ("阶段", "项目阶段", "当前阶段", "进展阶段", "项目状态", "状态", "建设状态"),
        "park": ("落户园区", "园区", "落地园区", "拟落户园区", "所在园区"),
        "unit": ("责任单位", "填报单位", "所属单位"),
        "responsible_person": ("责任人", "项目责任人"),
        "channel": ("引荐渠道", "招商方式", "招商渠道"),
        "content": ("建设内容", "项目内容", "主要建设内容", "建设规模及内容", "项目简介"),
        "source_region": ("来源地", "投资方所在地", "客商来源地"),
        "land_mu": ("用地", "用地面积", "用地需求"),
        "factory_m2": ("标准厂房", "厂房面积", "厂房需求"),
        "energy_tce": ("能耗", "能耗需求", "综合能耗"),
        "power_kva": ("用电", "用电需求", "用电负荷"),
        "water_t_per_day": ("用水", "用水需求", "用水量"),
        "is_key": ("是否重点项目", "重点项目"),
        "is_foreign": ("内资/外资", "内外资", "是否外资"),
        "problems": ("存在问题", "存在的问题", "困难问题"),
        "next_steps": ("下步计划", "下一步计划", "下步工作", "下一步工作"),
    }
    words = {
        "name": [("项目",), ("名称",)],
        "investor": [("投资方", "投资主体", "投资企业", "投资单位", "签约企业", "签约主体", "建设单位", "投资人")],
        "uscc": [("信用代码", "证照号码", "统一代码", "机构代码")],
        "total_investment_wan": [("总投资", "投资总额", "投资额", "投资金额", "固定资产投资", "计划投资")],
        "agreed_investment_wan": [("协议", "签约", "合同"), ("投资", "金额", "额")],
        "phase1_investment_wan": [("一期",), ("投资",)],
        "negotiating_on": [("在谈", "洽谈", "对接"), ("时间", "日期")],
        "signed_on": [("签约", "签订", "签署"), ("时间", "日期")],
        "started_on": [("开工",), ("时间", "日期")],
        "producing_on": [("投产", "开业"), ("时间", "日期")],
        "registered_on": [("注册",), ("时间", "日期")],
        "company_name": [("注册", "项目公司", "落地企业"), ("名称",)],
        "registered_capital_wan": [("注册资本",)],
        "stage": [("状态", "阶段")],
        "park": [("园区", "开发区", "产业园", "落户地", "落地")],
        "unit": [("责任单位", "填报单位", "所属单位", "牵头单位", "承办单位")],
        "responsible_person": [("责任人", "负责人", "包联领导", "联系人")],
        "channel": [("招商方式", "引荐渠道", "招商渠道", "引进方式")],
        "content": [("建设内容", "建设规模", "项目内容", "项目简介", "项目概况")],
        "source_region": [("来源地", "来源", "所在地", "籍贯", "投资方所在")],
        "land_mu": [("用地", "占地")],
        "factory_m2": [("厂房",)],
        "energy_tce": [("能耗",)],
        "power_kva": [("用电负荷", "用电容量", "供电容量", "报装容量", "变压器容量", "用电需求")],
        "water_t_per_day": [("用水",)],
        "is_key": [("重点",)],
        "is_foreign": [("内外资", "内资外资", "是否外资", "资金类型")],
        "problems": [("问题", "困难")],
        "next_steps": [("下步", "下一步", "计划安排")],
    }
    not_words = {
        "name": ("编号", "代码", "类型", "类别"),
        "investor": ("信用代码", "证照", "性质", "类型", "所在地", "来源", "联系"),
        "total_investment_wan": ("协议", "签约", "合同", "一期", "到位", "完成", "累计", "外资", "美元", "年度", "当年", "本年",
                                 "年计划"),
        "agreed_investment_wan": ("日期", "时间", "到位", "完成", "累计"),
        "stage": ("日期", "时间"),
        "uscc": ("落地", "注册", "项目公司", "本地"),  # the investor's code, not the local company's
        "is_key": ("内容", "名称", "问题"),
        "park": ("面积", "用地"),
        "responsible_person": ("电话", "手机", "职务"),
        "source_region": ("区域",),
        "land_mu": ("性质", "类型", "时间", "日期"),
        "factory_m2": ("时间", "日期"),
    }
    required = {"name"}
    model = Project
    record_label = "项目"
    dictionaries = {"channel": [(c.value, c.label) for c in Channel]}
    notes = {
        "name": "项目名称；已在库中的项目按名称匹配，可补充新的阶段和空白字段",
        "investor": "投资方企业名称；库中没有的按名称新建",
        "uscc": "投资方的统一社会信用代码（不是落地企业的）",
        "total_investment_wan": "可写 3亿元、8000万元；只写数字按表头的单位（默认万元）",
        "agreed_investment_wan": "同上",
        "negotiating_on": "各阶段日期如 2026-03-10、2026/3/10、2026年3月10日；只知月份可写 202603",
        "stage": "如 在谈、已签约、新开工、已开工开业、竣工投产、暂缓、终止；须与所填日期一致",
        "exit_on": "阶段为终止或暂缓时必填",
        "registered_on": "本地公司注册登记的日期，应在签约与开工之间；填写时须同时填写注册名称",
        "company_name": "在本地注册的公司名称（注册时间一并填写）",
        "registered_capital_wan": "同协议投资的写法",
        "park": "园区须已在系统中登记",
        "unit": "单位名称或代码，须在您的数据范围内；不填为您所在单位",
        "land_mu": "亩，可写“150亩”",
        "factory_m2": "平方米",
        "is_key": "是 或 否",
        "is_foreign": "内资 或 外资",
        "problems": "终止项目在此写明终止原因",
    }
    units_shown = {"total_investment_wan": "万元", "agreed_investment_wan": "万元", "phase1_investment_wan": "万元",
                   "registered_capital_wan": "万元",
                   "land_mu": "亩", "factory_m2": "平方米", "energy_tce": "吨标煤", "power_kva": "kVA",
                   "water_t_per_day": "吨/日"}
    example = {"name": "示例新材料产业园项目", "investor": "示例新材料（深圳）有限公司", "uscc": "91110000600037341L",
               "total_investment_wan": 52000, "agreed_investment_wan": 50000, "negotiating_on": "2026-01-05",
               "signed_on": "2026-03-10", "started_on": "2026-05-02", "stage": "开工", "channel": "小分队招商",
               "content": "年产 5 万吨新材料", "source_region": "广东省深圳市", "land_mu": 150, "is_key": "是",
               "is_foreign": "内资", "problems": "用地指标待落实", "next_steps": "推进设备安装"}

    def choices(self, by: User) -> dict[str, list[str]]:
        return {"stage": [s.label for s in CURRENT], "channel": [c.label for c in Channel], "is_key": ["是", "否"],
                "is_foreign": ["内资", "外资"],
                "park": list(db.session.scalars(scoped(sa.select(Park.name).order_by(Park.name), by, Park.unit_id))),
                "unit": list(db.session.scalars(scoped(sa.select(OrgUnit.name).order_by(OrgUnit.code), by, OrgUnit.id)))}

    def begin(self, by: User) -> Context:
        context = Context(by=by, today=date.today())
        for unit in db.session.scalars(scoped(sa.select(OrgUnit), by, OrgUnit.id)):
            context.unit_ids[unit.code] = context.unit_ids[unit.name] = unit.id
        for ident, name in db.session.execute(scoped(sa.select(Park.id, Park.name), by, Park.unit_id)):
            context.parks[name] = ident
        for ident, name in db.session.execute(scoped(sa.select(Project.id, Project.name), by, Project.unit_id)):
            context.projects.setdefault(normalize_name(name), []).append(ident)
        context.by_code, context.by_name = enterprise_keys(by)
        return context

    # ---------- reading a row ----------

    def _values(self, raw: dict, context: Context) -> dict:
        """Parse one row's cells (text kept as typed); raises RowErrors with every reason."""
        problems = Problems()
        values: dict = {"name": problems.text(raw, "name", "项目名称", 200)}
        if raw.get("name") in (None, ""):
            problems.append("项目名称为空")
        for key in AMOUNTS:
            if raw.get(key) not in (None, ""):
                values[key] = problems.check(parse_amount_wan, raw[key], amount_unit(context, key),
                                             self.fields[key][0])
        for key, (label, units) in NEEDS.items():
            if raw.get(key) not in (None, ""):
                values[key] = problems.check(parse_number, raw[key], units, context.units.get(key), label,
                                             Decimal("1e9"))
        for key, (label, limit) in TEXTS.items():
            text = problems.text(raw, key, label, limit)
            if text:
                values[key] = text
        for key, label in (("is_key", "是否重点项目"), ("is_foreign", "内资/外资")):
            if raw.get(key) not in (None, ""):
                values[key] = problems.check(flag_of, raw[key], label)
        if raw.get("channel") not in (None, ""):
            values["channel"] = look_up(context, "channel", CHANNELS, raw["channel"])
            if values["channel"] is None:
                problems.append(f"引荐渠道“{raw['channel']}”应为 {'、'.join(c.label for c in Channel)} 之一"
                                "（可在预览页为它选定取值）")
        unit_id = context.unit_ids.get(str(raw["unit"]).strip()) if raw.get("unit") else context.by.unit_id
        if unit_id is None:
            problems.append(f"责任单位“{raw['unit']}”不存在或不在您的数据范围内")
        values["unit_id"] = unit_id
        if raw.get("park") not in (None, ""):
            values["park_id"] = problems.check(self._park, str(raw["park"]).strip(), context)
        values["moves"] = problems.check(self._moves, raw, values, context) or []
        values["registration"] = self._registration(raw, context, problems)
        if raw.get("investor") or raw.get("uscc"):
            investor = problems.text(raw, "investor", "投资方", 200) or ""
            code = problems.check(clean_uscc, str(raw["uscc"])) if raw.get("uscc") not in (None, "") else None
            values["investor"] = (investor, code)
        problems.done()
        return values

    def _registration(self, raw: dict, context: Context, problems: Problems) -> tuple[str, Decimal | None] | None:
        """注册名称 and 注册资本, which go with a 注册时间."""
        name = problems.text(raw, "company_name", "注册名称", 200)
        capital = (problems.check(parse_amount_wan, raw["registered_capital_wan"],
                                  amount_unit(context, "registered_capital_wan"), self.fields["registered_capital_wan"][0])
                   if raw.get("registered_capital_wan") not in (None, "") else None)
        dated = raw.get("registered_on") not in (None, "")
        if dated and not name:
            problems.append("填写了注册时间，请填写注册名称")
        elif (name or capital is not None) and not dated:
            problems.append("填写了注册名称或注册资本，请填写注册时间")
        return (name, capital) if dated and name else None

    @staticmethod
    def _park(name: str, context: Context) -> int:
        if name in context.parks:
            return context.parks[name]
        folded = {normalize_name(n): i for n, i in context.parks.items()}
        if normalize_name(name) in folded:
            return folded[normalize_name(name)]
        close = difflib.get_close_matches(name, list(context.parks), n=1, cutoff=0.4)
        hint = f"，是否为“{close[0]}”？" if close else "（园区须先在系统中登记）"
        raise ValueError(f"落户园区“{name}”不存在或不在您的数据范围内{hint}")

    def _moves(self, raw: dict, values: dict, context: Context) -> list[tuple[str, date, bool]]:
        """The row's stage dates as moves (stage, date, month only), checked as the stage rules check
        any history. A status column names the stage; a ledger that lists only 开工 dates starts
        its projects at 开工, with no earlier dates invented."""
        moves = []
        for stage in FORWARD:
            day, month_only = parse_date_precision(raw.get(DATE_COLUMNS[stage]))
            if day:
                moves.append((stage, day, month_only))
        reached = moves[-1][0] if moves else Stage.NEGOTIATING
        registered_on, registered_month = parse_date_precision(raw.get("registered_on"))
        stage = reached
        if raw.get("stage") not in (None, ""):
            stage = stage_of(str(raw["stage"]))
            if stage is None:
                raise ValueError(f"阶段“{raw['stage']}”无法识别（可用 在谈、签约、开工、投产、终止、暂缓 及 已签约、"
                                 "新开工、已开工开业、竣工投产 等）")
        if stage in FORWARD and stage != reached:
            if FORWARD.index(stage) > FORWARD.index(reached):
                raise ValueError(f"阶段为“{raw['stage']}”，但没有{Stage.label_of(stage)}日期")
            raise ValueError(f"填写了{Stage.label_of(reached)}日期，但阶段为“{raw['stage']}”")
        if stage not in FORWARD:
            exit_on, month_only = parse_date_precision(raw.get("exit_on"))
            if exit_on is None:
                raise ValueError(f"阶段为“{raw['stage']}”，请填写终止或暂缓日期")
            moves.append((stage, exit_on, month_only))
        if registered_on:  # recorded after the 签约 it follows
            after = next((i + 1 for i, move in enumerate(moves) if move[0] == Stage.SIGNED), len(moves))
            moves.insert(after, (Stage.REGISTERED, registered_on, registered_month))
        events = [StageEvent(id=n, stage=s, effective_on=d, month_only=m, review_status="approved")
                  for n, (s, d, m) in enumerate(moves, start=1)]
        try:
            check_sequence(events, context.today, first_any=True)
        except StageError as error:
            raise ValueError(str(error).rstrip("。")) from None
        return moves

    # ---------- planning ----------

    def plan(self, raw: dict, row: str, context: Context) -> Plan:
        values = self._values(raw, context)
        folded = normalize_name(values["name"])
        if folded in context.seen:
            return Plan("error", f"与{context.seen[folded]}是同一个项目（名称相同）")
        context.seen[folded] = row
        investor_error = self._check_investor(values.get("investor"), context)
        if investor_error:
            return Plan("error", investor_error)
        matches = context.projects.get(folded, [])
        if len(matches) > 1:
            return Plan("error", "名称与库中多个项目相同，无法确定对应哪一个")
        if matches:
            project = context.current.get(matches[0]) or db.session.get(Project, matches[0])
            changes, moves = self._changes(project, values, context.events.get(project.id)
                                           if project.id in context.current else services.events_of(project))
        else:
            project, moves = None, values["moves"]
        if any(stage == Stage.TERMINATED for stage, _d, _m in moves) and not values.get("problems"):
            return Plan("error", "终止项目请在“存在问题”列写明终止原因")
        if project is None:
            undated = None if moves else "未填写阶段日期：以“在谈”登记，不计入任何月份的新增项目"
            return Plan("create", undated, values=values)
        return Plan("update" if changes else "unchanged", "、".join(changes) or None, project.id,
                    {**values, "moves": moves})

    def prefetch(self, context: Context, rows: list[tuple[str, dict]]) -> None:
        """Read in two queries the projects the next rows match and their stage events (a ledger
        imported again would otherwise cost two queries a row)."""
        ids = set()
        for _where, raw in rows:
            matches = context.projects.get(normalize_name(str(raw.get("name") or "")), [])
            if len(matches) == 1:
                ids.add(matches[0])
        context.current = {p.id: p for p in db.session.scalars(sa.select(Project).where(Project.id.in_(ids)))}
        context.events = {ident: [] for ident in ids}
        for event in db.session.scalars(sa.select(StageEvent).where(StageEvent.project_id.in_(ids))
                                        .order_by(StageEvent.id)):
            context.events[event.project_id].append(event)

    @staticmethod
    def _check_investor(investor, context: Context) -> str | None:
        if not investor:
            return None
        name, code = investor
        if code and code in context.by_code and not context.by_code[code][1]:
            return f"投资方统一社会信用代码 {code} 已登记在其他单位的企业库中（不在您的数据范围内）"
        if not code and len(context.by_name.get(normalize_name(name), [])) > 1:
            return "投资方名称与库中多家企业相同，请补充统一社会信用代码以区分"
        if not name and not (code and code in context.by_code):
            return "填写了统一社会信用代码但没有投资方名称，且库中没有该代码的企业"
        return None

    def _changes(self, project: Project, values: dict, events: list[StageEvent]
                 ) -> tuple[list[str], list[tuple[str, date, bool]]]:
        """What an update would change, and the moves it would add after the project's history."""
        changed = [services.LABELS[k] for k in (*AMOUNTS, *NEEDS, *TEXTS, *FLAGS, "channel", "park_id")
                   if values.get(k) is not None and values[k] != getattr(project, k)]
        recorded = {e.stage: e.effective_on for e in counted(events)}
        added = []
        for stage, day, month_only in values["moves"]:
            if stage not in recorded:
                added.append((stage, day, month_only))
            elif recorded[stage] != day and stage in (*FORWARD, Stage.REGISTERED):
                raise ValueError(f"{Stage.label_of(stage)}日期 {day} 与系统中的 {recorded[stage]} 不同："
                                 "已有的阶段日期请在项目页更正并说明原因")
        if added:
            changed.append("新增阶段：" + "、".join(f"{Stage.label_of(s)} {d:%Y-%m}" if m else f"{Stage.label_of(s)} {d}"
                                                for s, d, m in added))
        return changed, added

    # ---------- writing ----------

    def _investor(self, investor, unit_id: int, context: Context) -> tuple[int | None, int | None]:
        """(the investor's id, the id of an enterprise this row created)."""
        if not investor:
            return None, None
        name, code = investor
        if code and code in context.by_code:
            return context.by_code[code][0], None
        ids = context.by_name.get(normalize_name(name), [])
        if ids:
            return ids[0], None
        key = code or normalize_name(name)
        if key in context.created:
            return context.created[key].id, None
        enterprise = Enterprise(name=name, uscc=code, unit_id=unit_id, status=EnterpriseStatus.CONTACTING,
                                officer_id=context.by.id)
        db.session.add(enterprise)
        db.session.flush()
        context.created[key] = enterprise
        return enterprise.id, enterprise.id

    def apply(self, plan: Plan, context: Context, by: User) -> tuple[Project, dict | None]:
        values = dict(plan.values)
        moves, registration = values.pop("moves"), values.pop("registration", None)
        investor_id, created = self._investor(values.pop("investor", None), values["unit_id"], context)
        if plan.action == "create":
            project = Project(**values, investor_id=investor_id, officer_id=by.id)
            db.session.add(project)
            db.session.flush()
            self._record(project, moves, registration, by, context)
            return project, {"_investor_created": created} if created else None
        project = db.session.get(Project, plan.record_id)
        before: dict = {}
        for key in (*AMOUNTS, *NEEDS, *TEXTS, *FLAGS, "channel", "park_id"):
            if values.get(key) is not None and values[key] != getattr(project, key):
                before[key] = str(getattr(project, key)) if isinstance(getattr(project, key), Decimal) \
                    else getattr(project, key)
                setattr(project, key, values[key])
        before["_events_added"] = self._record(project, moves, registration, by, context)
        return project, before

    @staticmethod
    def _record(project: Project, moves, registration, by: User, context: Context) -> list[int]:
        events = []
        company, capital = registration or (None, None)
        for stage, day, month_only in moves:
            note = (project.problems or NOTE) if stage == Stage.TERMINATED else NOTE
            events.append(services.move(by, project, stage, day, note, today=context.today, first_any=True,
                                        month_only=month_only, company_name=company, registered_capital_wan=capital).id)
        return events

    def undo_rows(self, rows: list[tuple], by: User) -> None:
        """First refuse, in a query per kind rather than per row, when a created project has since
        been given funds or visits; then take the rows back one by one."""
        created = {project.id: (row, project) for row, project in rows if row.action == "create"}
        for model in (FundEntry, Activity):
            used = db.session.scalar(sa.select(model.project_id).where(model.project_id.in_(list(created))).limit(1)) \
                if created else None
            if used is not None:
                row, project = created[used]
                raise BatchError(f"第{row.row_number}行新增的项目“{project.name}”已有到位资金或对接记录，不能撤销本批次。")
        super().undo_rows(rows, by)

    def undo(self, row, project: Project, by: User) -> None:
        before = dict(row.before or {})
        if row.action == "create":
            for event in sorted(services.events_of(project), key=lambda e: -e.id):
                db.session.delete(event)
            db.session.flush()
            db.session.delete(project)
            created = before.get("_investor_created")
            if created and not db.session.scalar(sa.select(sa.func.count()).select_from(Project)
                                                 .where(Project.investor_id == created, Project.id != project.id)):
                db.session.delete(db.session.get(Enterprise, created))
            db.session.flush()
            return
        added = set(before.pop("_events_added", []))
        for event in services.events_of(project):
            if event.id in added:
                db.session.delete(event)
        for key, value in before.items():
            setattr(project, key, Decimal(value) if key in (*AMOUNTS, *NEEDS) and value is not None else value)
        db.session.flush()
        derive(project, services.events_of(project))
        db.session.flush()


register(ProjectImporter())
