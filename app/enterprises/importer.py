"""Importing an enterprise ledger with the shared import machinery.

A row is matched by 统一社会信用代码, else by folded name within the user's scope; it creates,
updates (only the cells that are filled and differ), or is unchanged.
"""
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.audit_trail import log_bulk, plain
from app.auth.scope import scoped
from app.bulk import insert_rows, reserve_ids
from app.enterprises.search import index_new
from app.enterprises.services import clean_uscc, normalize_uscc
from app.excel import fold, parse_amount_wan, parse_date, parse_number
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
    Contact,
    Enterprise,
    EnterpriseNode,
    EnterpriseTag,
    OrgUnit,
    Project,
    User,
    activity_enterprise,
    event_enterprise,
    utcnow,
)
from app.models.enums import ENTERPRISE_TAGS, EnterpriseStatus, SourceRegion
from app.names import name_keys, normalize_name
from app.personal import MASKED_MOBILE
from app.standards import MOBILE, industry_code, same_region

SCALAR_FIELDS = ("name", "uscc", "province", "city", "source_region", "industry_code", "revenue_wan", "employees",
                 "status", "notes", "last_contacted_on", "unit_id")
TAG_SPLIT = re.compile(r"[、,，;；/\s]+")


# Values as ledgers write them → the stored value. Matching is on folded text (_key).
REGIONS = {value_key(k): v for k, v in {
    **{r.label: r.value for r in SourceRegion},
    "长三角地区": SourceRegion.YANGTZE_DELTA, "长江三角洲": SourceRegion.YANGTZE_DELTA,
    "珠三角地区": SourceRegion.PEARL_DELTA, "珠江三角洲": SourceRegion.PEARL_DELTA,
    "京津冀": SourceRegion.BOHAI_RIM, "环渤海": SourceRegion.BOHAI_RIM, "京津冀环渤海": SourceRegion.BOHAI_RIM,
    "京津冀地区": SourceRegion.BOHAI_RIM, "成渝地区": SourceRegion.CHENGYU, "川渝": SourceRegion.CHENGYU,
    "境外": SourceRegion.ABROAD, "国外": SourceRegion.ABROAD, "海外": SourceRegion.ABROAD,
    "本省": SourceRegion.IN_PROVINCE, "省外": SourceRegion.OUT_OF_PROVINCE, "外省": SourceRegion.OUT_OF_PROVINCE,
    "其它": SourceRegion.OTHER,
}.items()}
TAGS = {value_key(k): v for k, v in {
    **{t: t for t in ENTERPRISE_TAGS},
    "专精特新小巨人": '专精特新"小巨人"', "小巨人": '专精特新"小巨人"', "国家级专精特新小巨人": '专精特新"小巨人"',
    "专精特新企业": "专精特新", "省级专精特新": "专精特新", "龙头企业": "龙头骨干企业", "链主": "链主企业",
    "世界五百强": "世界500强", "中国五百强": "中国500强", "民营企业500强": "民企500强", "中国民营企业500强": "民企500强",
    "上市企业": "上市公司", "中央企业": "央企", "单项冠军企业": "单项冠军", "制造业单项冠军": "单项冠军",
    "高企": "高新技术企业", "国家高新技术企业": "高新技术企业", "瞪羚": "瞪羚企业", "科技型中小": "科技型中小企业",
}.items()}
STATUSES = {value_key(k): v for k, v in {**{s.label: s.value for s in EnterpriseStatus}, "跟进中": EnterpriseStatus.CONTACTING,
                                     "洽谈中": EnterpriseStatus.CONTACTING, "已放弃": EnterpriseStatus.ABANDONED}.items()}


@dataclass
class Context(RowContext):
    by: User
    by_code: dict[str, tuple[int, bool]] = field(default_factory=dict)  # uscc → (id, in scope)
    by_name: dict[str, list[int]] = field(default_factory=dict)  # folded name → ids in scope
    unit_ids: dict[str, int] = field(default_factory=dict)  # unit code or name → id, in scope
    seen: dict[str, str] = field(default_factory=dict)  # key → the first row in this file that has it
    pending: list["NewEnterprise"] = field(default_factory=list)  # creates queued for the next bulk insert
    current: dict[int, "Snapshot"] = field(default_factory=dict)  # matched enterprises as they are


@dataclass
class NewEnterprise:
    """A create queued for a bulk insert; ``id`` is set once it is written."""

    values: dict
    id: int | None = None
    version: int = 1


def enterprise_keys(by: User) -> tuple[dict[str, tuple[int, bool]], dict[str, list[int]]]:
    """How a ledger row finds its enterprise: code → (id, in the user's scope), and folded name →
    the ids in scope (merged records left out)."""
    by_code: dict[str, tuple[int, bool]] = {}
    by_name: dict[str, list[int]] = {}
    in_scope = set(db.session.scalars(scoped(sa.select(Enterprise.id), by, Enterprise.unit_id)))
    for ident, code, folded, merged in db.session.execute(
            sa.select(Enterprise.id, Enterprise.uscc, Enterprise.normalized_name, Enterprise.merged_into_id)):
        if code:
            by_code[code] = (ident, ident in in_scope)
        if ident in in_scope and merged is None:
            by_name.setdefault(folded, []).append(ident)
    return by_code, by_name


class Snapshot:
    """An enterprise's fields (a result row), tag names and contacts, read without the ORM."""

    __slots__ = ("row", "tag_names", "contacts")

    def __init__(self, row):
        self.row, self.tag_names, self.contacts = row, [], []

    def __getattr__(self, name: str):
        return getattr(self.row, name)


def snapshots(ids: set[int]) -> dict[int, Snapshot]:
    """Enterprises as a row is compared with them: their fields, tag names and contacts, read in
    three queries per 5,000."""
    current: dict[int, Snapshot] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 5000):
        chunk = ordered[start:start + 5000]
        for row in db.session.execute(sa.select(Enterprise.id, *(getattr(Enterprise, k) for k in SCALAR_FIELDS))
                                      .where(Enterprise.id.in_(chunk))):
            current[row.id] = Snapshot(row)
        for ident, tag in db.session.execute(sa.select(EnterpriseTag.enterprise_id, EnterpriseTag.tag)
                                             .where(EnterpriseTag.enterprise_id.in_(chunk))):
            current[ident].tag_names.append(tag)
        for contact in db.session.execute(sa.select(Contact.enterprise_id, Contact.name, Contact.mobile, Contact.phone,
                                                    Contact.title, Contact.email)
                                          .where(Contact.enterprise_id.in_(chunk))):
            current[contact.enterprise_id].contacts.append(contact)
    return current


def _differs(key: str, new, old) -> bool:
    """Whether a row's value would change the record's: a blank cell keeps what is there, and a
    place written another way (大同 for 大同市) is the same place, never shortened."""
    if new is None or new == old:
        return False
    return not (key in ("province", "city") and same_region(new, old))


class EnterpriseImporter(Importer):
    kind = "enterprises"
    label = "企业"
    fields = {
        "name": ("企业名称", "公司名称", "单位名称", "客商名称", "企业全称", "名称", "投资方", "投资方名称", "企业"),
        "uscc": ("统一社会信用代码", "信用代码", "社会信用代码", "统一信用代码", "证照号码", "统一代码"),
        "contact_name": ("联系人", "联系人姓名", "姓名", "对接人"),
        "contact_title": ("职务", "联系人职务"),
        "phone": ("联系电话", "手机", "电话", "手机号", "手机号码", "联系方式", "联系人电话", "联系人手机"),
        "email": ("邮箱", "电子邮箱", "Email"),
        "province": ("所在省", "省份", "所在省份", "省"),
        "city": ("所在市", "城市", "所在城市", "所在地", "市"),
        "source_region": ("来源区域", "来源地区", "区域"),
        "industry_code": ("行业代码", "国民经济行业代码", "行业分类代码"),
        "tags": ("标签", "企业标签", "企业类型"),
        "revenue_wan": ("营收", "营业收入", "年营收", "年营业收入"),
        "employees": ("员工人数", "员工数", "从业人员", "职工人数"),
        "status": ("状态", "企业状态", "跟进状态"),
        "unit": ("所属单位", "责任单位", "填报单位"),
        "last_contacted_on": ("最近联系日期", "最近对接日期", "对接日期", "联系日期", "最近联系"),
        "notes": ("备注", "说明"),
    }
    words = {
        "name": [("企业", "公司", "客商", "单位", "投资方"), ("名称", "全称")],
        "uscc": [("信用代码", "证照号码", "统一代码", "机构代码")],
        "phone": [("电话", "手机", "联系方式")],
        "contact_name": [("联系人", "对接人", "负责人")],
        "source_region": [("来源",), ("区域", "地区")],
        "industry_code": [("行业",), ("代码",)],
        "revenue_wan": [("营收", "营业收入", "销售收入", "主营业务收入")],
        "employees": [("员工", "职工", "从业人员"), ("人数", "数", "人员")],
        "last_contacted_on": [("联系", "对接", "拜访"), ("日期", "时间")],
        "tags": [("标签", "企业类型", "企业类别", "资质")],
    }
    not_words = {"name": ("项目",), "contact_name": ("电话", "手机", "职务")}
    required = {"name"}
    model = Enterprise
    record_label = "企业"
    undo_loads = (selectinload(Enterprise.tags), selectinload(Enterprise.contacts))
    dictionaries = {"source_region": [(r.value, r.label) for r in SourceRegion],
                    "status": [(s.value, s.label) for s in EnterpriseStatus],
                    "tags": [(t, t) for t in ENTERPRISE_TAGS]}
    notes = {
        "name": "企业全称，按营业执照填写；已在库中的企业按信用代码或名称匹配并更新",
        "uscc": "18 位统一社会信用代码；目标企业暂无可不填",
        "contact_name": "填写了联系人才会导入联系电话、职务和邮箱",
        "phone": "手机 11 位，或座机（如 0351-1234567）",
        "source_region": "“省外”等未细分的写法记为“省外（未细分）”",
        "industry_code": "GB/T 4754 门类字母或 2–4 位代码，如 C、C15、1512",
        "tags": "可填多个，用顿号或逗号分隔",
        "revenue_wan": "可写 1.5亿、8000万元；只写数字按表头的单位（默认万元）",
        "employees": "整数，可写“1,200人”",
        "unit": "单位名称或代码，须在您的数据范围内；不填为您所在单位",
        "last_contacted_on": "如 2026-06-07、2026/6/7、2026年6月7日，不能晚于今天",
    }
    units_shown = {"revenue_wan": "万元"}
    example = {"name": "示例新材料（深圳）有限公司", "uscc": "91110000600037341L", "contact_name": "张三",
               "contact_title": "副总经理", "phone": "13800138000", "province": "广东省", "city": "深圳市",
               "source_region": "珠三角", "industry_code": "C3985", "tags": "专精特新、高新技术企业", "revenue_wan": 15000,
               "employees": 320, "status": "接触中", "last_contacted_on": "2026-06-07"}

    def choices(self, by: User) -> dict[str, list[str]]:
        return {"source_region": [r.label for r in SourceRegion], "status": [s.label for s in EnterpriseStatus],
                "tags": list(ENTERPRISE_TAGS),
                "unit": list(db.session.scalars(scoped(sa.select(OrgUnit.name).order_by(OrgUnit.code), by, OrgUnit.id)))}

    def begin(self, by: User) -> Context:
        context = Context(by=by)
        context.by_code, context.by_name = enterprise_keys(by)
        for unit in db.session.scalars(scoped(sa.select(OrgUnit), by, OrgUnit.id)):
            context.unit_ids[unit.code] = context.unit_ids[unit.name] = unit.id
        return context

    def _values(self, raw: dict, context: Context) -> dict:
        """Parse one row's cells (text kept as typed); raises RowErrors with every reason."""
        problems = Problems()
        values = {"name": problems.text(raw, "name", "企业名称", 200)}
        if raw.get("name") in (None, ""):
            problems.append("企业名称为空")
        values["uscc"] = problems.check(clean_uscc, str(raw["uscc"])) if raw.get("uscc") not in (None, "") else None
        for key, label, limit in (("province", "所在省", 20), ("city", "所在市", 20), ("notes", "备注", 4000)):
            text = problems.text(raw, key, label, limit)
            if text:
                values[key] = text
        if raw.get("industry_code") not in (None, ""):
            values["industry_code"] = problems.check(industry_code, fold(str(raw["industry_code"])))
        for key, table, label in (("source_region", REGIONS, "来源区域"), ("status", STATUSES, "状态")):
            if raw.get(key) not in (None, ""):
                values[key] = look_up(context, key, table, raw[key])
                if values[key] is None:
                    allowed = "、".join(label for _value, label in self.dictionaries[key])
                    problems.append(f"{label}“{raw[key]}”应为 {allowed} 之一（可在预览页为它选定取值）")
        if raw.get("revenue_wan") not in (None, ""):
            values["revenue_wan"] = problems.check(parse_amount_wan, raw["revenue_wan"],
                                                   amount_unit(context, "revenue_wan"), "营收")
        if raw.get("employees") not in (None, ""):
            values["employees"] = problems.check(_employees, raw["employees"], context.units.get("employees"))
        if raw.get("last_contacted_on") not in (None, ""):
            values["last_contacted_on"] = problems.check(parse_date, raw["last_contacted_on"])
            if values["last_contacted_on"] and values["last_contacted_on"] > date.today():
                problems.append("最近联系日期不能晚于今天")
        if raw.get("unit") not in (None, ""):
            values["unit_id"] = context.unit_ids.get(str(raw["unit"]).strip())
            if values["unit_id"] is None:
                problems.append(f"所属单位“{raw['unit']}”不存在或不在您的数据范围内")
        if raw.get("tags") not in (None, ""):
            tags = {t: look_up(context, "tags", TAGS, t) for t in TAG_SPLIT.split(str(raw["tags"])) if t}
            unknown = [t for t, tag in tags.items() if tag is None]
            if unknown:
                problems.append(f"标签“{'、'.join(unknown)}”不在标签表中（可在预览页为它选定标签）")
            values["tags"] = [tag for tag in tags.values() if tag]
        if raw.get("contact_name") not in (None, ""):
            values["contact_name"] = problems.text(raw, "contact_name", "联系人", 50)
            values["contact_title"] = problems.text(raw, "contact_title", "职务", 50)
            values["email"] = problems.text(raw, "email", "邮箱", 120)
            phone = str(raw.get("phone") or "")
            compact = re.sub(r"[\s-]", "", fold(phone))
            if MOBILE.match(compact):
                values["mobile"] = compact
            elif MASKED_MOBILE.match(compact):
                pass  # our own masked export read back (139****0001): no number, the stored one stays
            elif phone:  # a number, not prose: its full-width digits folded
                values["phone"] = fold(problems.text(raw, "phone", "联系电话", 30) or "") or None
        elif raw.get("phone") not in (None, ""):
            problems.append("填写了联系电话但没有联系人姓名")
        problems.done()
        return values

    def plan(self, raw: dict, row: str, context: Context) -> Plan:
        values = self._values(raw, context)
        code, folded = values["uscc"], normalize_name(values["name"])
        for key in filter(None, (code and f"code:{code}", f"name:{folded}")):
            if key in context.seen:
                return Plan("error", f"与{context.seen[key]}是同一家企业（{'信用代码' if key.startswith('code') else '名称'}相同）")
        for key in filter(None, (code and f"code:{code}", f"name:{folded}")):
            context.seen[key] = row
        match = None
        if code and code in context.by_code:
            match, visible = context.by_code[code]
            if not visible:
                return Plan("error", f"统一社会信用代码 {code} 已登记在其他单位的企业库中（不在您的数据范围内）")
        elif folded in context.by_name:
            ids = context.by_name[folded]
            if len(ids) > 1:
                return Plan("error", "名称与库中多家企业相同，请补充统一社会信用代码以区分")
            match = ids[0]
        if match is None:
            return Plan("create", values=values)
        current = context.current.get(match) or snapshots({match})[match]
        changes = self._changes(current, values)
        return Plan("update" if changes else "unchanged", "、".join(changes) or None, match, values)

    def prefetch(self, context: Context, rows: list[tuple[str, dict]]) -> None:
        """Read in three queries what the next rows that match existing enterprises are compared
        with (a ledger imported again would otherwise cost three queries a row)."""
        ids = set()
        for _where, raw in rows:
            code = normalize_uscc(str(raw.get("uscc") or ""))  # a key only: plan() validates it
            if code in context.by_code:
                ids.add(context.by_code[code][0])
            else:
                ids.update(context.by_name.get(normalize_name(str(raw.get("name") or "")), ())[:1])
        context.current = snapshots(ids)

    def _changes(self, enterprise, values: dict) -> list[str]:
        """What an update would change in ``enterprise`` (a snapshot, see ``snapshots``)."""
        labels = {"name": "名称", "uscc": "信用代码", "province": "省", "city": "市", "source_region": "来源区域",
                  "industry_code": "行业代码", "revenue_wan": "营收", "employees": "员工人数", "status": "状态",
                  "notes": "备注", "unit_id": "所属单位"}
        changed = [labels[k] for k in labels if _differs(k, values.get(k), getattr(enterprise, k))]
        if values.get("last_contacted_on") and (enterprise.last_contacted_on or date.min) < values["last_contacted_on"]:
            changed.append("最近联系")
        if set(values.get("tags", [])) - set(enterprise.tag_names):
            changed.append("标签")
        if values.get("contact_name") and self._contact_change(enterprise, values):
            changed.append("联系人")
        return changed

    def _contact_change(self, enterprise, values: dict) -> bool:
        existing = next((c for c in enterprise.contacts if c.name == values["contact_name"]), None)
        if existing is None:
            return True
        return any(values.get(k) and values[k] != getattr(existing, k) for k in ("mobile", "phone", "title", "email"))

    def apply(self, plan: Plan, context: Context, by: User) -> tuple[Enterprise, dict | None]:
        values = plan.values
        if plan.action == "create":
            new = NewEnterprise({**values, "unit_id": values.get("unit_id") or by.unit_id, "officer_id": by.id})
            context.pending.append(new)
            return new, None
        enterprise = db.session.get(Enterprise, plan.record_id)
        before: dict = {}
        for key in SCALAR_FIELDS:
            new = values.get(key)
            if not _differs(key, new, getattr(enterprise, key)):
                continue
            if key == "last_contacted_on" and enterprise.last_contacted_on and enterprise.last_contacted_on >= new:
                continue
            before[key] = plain(getattr(enterprise, key))
            setattr(enterprise, key, new)
        added_tags = [t for t in dict.fromkeys(values.get("tags", [])) if t not in enterprise.tag_names]
        enterprise.tags.extend(EnterpriseTag(tag=t) for t in added_tags)
        if added_tags:
            before["_tags_added"] = added_tags
        if values.get("contact_name"):
            existing = next((c for c in enterprise.contacts if c.name == values["contact_name"]), None)
            if existing is None:
                enterprise.contacts.append(contact := self._new_contact(values))
                db.session.flush()
                before["_contact_added"] = contact.id
            else:
                old = {k: getattr(existing, k) for k in ("mobile", "phone", "title", "email")
                       if values.get(k) and values[k] != getattr(existing, k)}
                for key in old:
                    setattr(existing, key, values[key])
                if old:
                    before["_contact_changed"] = {"id": existing.id, **old}
        return enterprise, before

    def flush(self, context: Context) -> None:
        """Bulk-insert the queued creates with their contacts and tags, audited one entry each."""
        if not context.pending:
            return
        now = utcnow()
        rows = [{**{k: new.values.get(k) for k in SCALAR_FIELDS}, "officer_id": new.values["officer_id"],
                 **name_keys(new.values["name"]), "status": new.values.get("status") or
                 EnterpriseStatus.TARGET, "is_active": True, "version": 1, "created_at": now, "updated_at": now}
                for new in context.pending]
        ids = reserve_ids(Enterprise, len(rows))
        for row, ident in zip(rows, ids):
            row["id"] = ident
        insert_rows(Enterprise, rows)
        index_new(db.session, ids)
        contacts, tags, parts = [], [], []
        for new, ident in zip(context.pending, ids):
            new.id = ident
            part = {}
            if new.values.get("contact_name"):
                contact = {"name": new.values["contact_name"], "title": new.values.get("contact_title"),
                           "mobile": new.values.get("mobile"), "phone": new.values.get("phone"),
                           "email": new.values.get("email")}
                contacts.append({"enterprise_id": ident, **contact, "created_at": now, "updated_at": now})
                part["contact"] = {k: v for k, v in contact.items() if v}
            added = list(dict.fromkeys(new.values.get("tags", [])))
            tags += [{"enterprise_id": ident, "tag": t} for t in added]
            if added:
                part["tags"] = added
            parts.append(part)
        if contacts:
            for contact, ident in zip(contacts, reserve_ids(Contact, len(contacts))):
                contact["id"] = ident
            insert_rows(Contact, contacts)
        insert_rows(EnterpriseTag, tags)
        log_bulk(db.session, Enterprise, "create", rows, parts)  # its contact and tags in its entry
        context.pending.clear()

    @staticmethod
    def _new_contact(values: dict) -> Contact:
        return Contact(name=values["contact_name"], title=values.get("contact_title"), mobile=values.get("mobile"),
                       phone=values.get("phone"), email=values.get("email"))

    def undo_rows(self, rows: list[tuple], by: User) -> None:
        """Enterprises the import created are removed in bulk (their contacts and tags with them),
        unless something has been linked to one since; updated ones are restored one by one."""
        created = {enterprise.id: (row, enterprise) for row, enterprise in rows if row.action == "create"}
        for column, what in USED_BY:
            used = db.session.scalar(sa.select(column).where(column.in_(list(created))).limit(1)) if created else None
            if used is not None:
                row, enterprise = created[used]
                raise BatchError(f"第{row.row_number}行新增的企业“{enterprise.name}”已有{what}，不能撤销本批次。")
        if created:
            _remove(list(created.values()))
        for row, enterprise in rows:
            if row.action != "create":
                self.undo(row, enterprise, by)

    def undo(self, row, enterprise: Enterprise, by: User) -> None:
        before = dict(row.before or {})
        tags = set(before.pop("_tags_added", []))
        enterprise.tags = [t for t in enterprise.tags if t.tag not in tags]
        added = before.pop("_contact_added", None)
        if added:
            enterprise.contacts = [c for c in enterprise.contacts if c.id != added]
        changed = before.pop("_contact_changed", None)
        if changed:
            contact = db.session.get(Contact, changed.pop("id"))
            for key, value in changed.items():
                setattr(contact, key, value)
        for key, value in before.items():
            setattr(enterprise, key, _typed(key, value))


# What keeps an imported enterprise from being taken back: records linked to it since.
USED_BY = ((Project.investor_id, "项目"), (activity_enterprise.c.enterprise_id, "对接记录"),
           (event_enterprise.c.enterprise_id, "招商活动"), (EnterpriseNode.enterprise_id, "产业链图谱关联"),
           (Enterprise.merged_into_id, "并入的企业"))


def _remove(created: list[tuple]) -> None:
    """Delete enterprises (loaded with their tags and contacts) in bulk, audited one entry each."""
    ids = [enterprise.id for _row, enterprise in created]
    columns = [a.key for a in sa.inspect(Enterprise).column_attrs]
    rows = [{k: getattr(enterprise, k) for k in columns} for _row, enterprise in created]
    parts = [{k: v for k, v in (("contacts", [c.name for c in enterprise.contacts]),
                                ("tags", enterprise.tag_names)) if v} for _row, enterprise in created]
    for _row, enterprise in created:
        db.session.expunge(enterprise)  # its tags and contacts with it
    for model, column in ((EnterpriseTag, EnterpriseTag.enterprise_id), (Contact, Contact.enterprise_id),
                          (Enterprise, Enterprise.id)):
        db.session.execute(sa.delete(model).where(column.in_(ids)).execution_options(synchronize_session=False))
    log_bulk(db.session, Enterprise, "delete", rows, parts)


def _employees(value, unit: str | None) -> int:
    number = parse_number(value, {"": Decimal(1), "人": Decimal(1)}, unit, "员工人数", Decimal(10_000_000))
    if number != number.to_integral_value():
        raise ValueError(f"员工人数“{value}”应为整数")
    return int(number)


def _typed(key: str, value):
    if value is None:
        return None
    if key == "revenue_wan":
        return Decimal(value)
    if key == "last_contacted_on":
        return date.fromisoformat(value)
    return value


register(EnterpriseImporter())
