"""Importing a park's capacity list (要素保障能力清单) with the shared import machinery.

A row is an item of a park the user keeps (a park admin: its own park, which a row may leave
blank; a system admin: any park in scope). It matches an item by park, kind and name: created,
updated (a revision is kept, as for any change) or unchanged.
"""
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.audit_trail import plain
from app.auth.scope import scoped
from app.excel import fold, parse_date
from app.extensions import db
from app.imports.services import Importer, Plan, Problems, RowContext, register
from app.models import CapacityItem, Park, User
from app.models.enums import CapacityKind, Role
from app.parks import services

KINDS = {**{fold(k.label): k.value for k in CapacityKind},  # looked up folded
         **{k.value: k.value for k in CapacityKind},
         "工业用地": "land", "用地": "land", "土地": "land", "标准厂房": "factory", "厂房": "factory",
         "能耗": "energy", "用能": "energy", "供电": "power", "电力": "power", "用水": "water",
         "污水处理": "sewage", "COD": "cod", "氨氮": "ammonia", "SO2": "so2", "二氧化硫": "so2",
         "NOx": "nox", "氮氧化物": "nox"}


@dataclass
class Context(RowContext):
    by: User
    today: date
    parks: dict[str, Park] = field(default_factory=dict)  # the parks the user keeps, by name
    items: dict[tuple[int, str, str], int] = field(default_factory=dict)  # (park, kind, name) → item id
    seen: dict[tuple[int, str, str], str] = field(default_factory=dict)


class CapacityImporter(Importer):
    kind = "capacity"
    label = "要素保障能力清单"
    roles = (Role.ADMIN, Role.PARK_ADMIN)
    fields = {
        "park": ("园区", "园区名称", "所在园区"),
        "kind": ("要素类别", "类别", "要素", "要素类型"),
        "name": ("名称", "要素名称", "项目名称"),
        "total": ("总量", "数量", "可供总量", "总量数值"),
        "unit": ("单位", "计量单位"),
        "as_of": ("截至日期", "截止日期", "统计日期", "日期"),
        "notes": ("备注", "说明"),
        "standard_land_mu": ("其中标准地", "标准地", "标准地面积"),
        "floor_height_m": ("层高", "厂房层高"),
        "floor_load_kn_m2": ("承重", "楼面承重", "地面承重"),
    }
    required = {"kind", "total"}
    model = CapacityItem
    record_label = "要素"
    notes = {"park": "园区管理员只维护本园区，可不填", "kind": "要素类别", "total": "总量（数字）",
             "unit": "计量单位，如 亩、㎡、吨标煤/年", "as_of": "数据截至日期；不填为今天"}
    example = {"kind": "可供工业用地", "name": "可供工业用地", "total": 1200, "unit": "亩", "as_of": "2026-10-31",
               "standard_land_mu": 300}

    def choices(self, by: User) -> dict[str, list[str]]:
        parks = scoped(sa.select(Park), by, Park.unit_id)
        return {"kind": [k.label for k in CapacityKind],
                "park": [p.name for p in db.session.scalars(parks) if services.may_edit(by, p)]}

    def begin(self, by: User) -> Context:
        context = Context(by=by, today=date.today())
        parks = scoped(sa.select(Park), by, Park.unit_id)
        for park in db.session.scalars(parks):
            if services.may_edit(by, park):
                context.parks[park.name] = park
        ids = [p.id for p in context.parks.values()]
        for ident, park_id, kind, name in db.session.execute(
                sa.select(CapacityItem.id, CapacityItem.park_id, CapacityItem.kind, CapacityItem.name)
                .where(CapacityItem.park_id.in_(ids))):
            context.items[(park_id, kind, name)] = ident
        return context

    def _values(self, raw: dict, context: Context) -> tuple[Park, dict]:
        """Parse one row (text as typed); raises RowErrors with every reason."""
        problems = Problems()
        park = None
        if raw.get("park"):
            park = context.parks.get(str(raw["park"]).strip())
            if park is None:
                problems.append(f"园区“{raw['park']}”不存在，或不是您维护的园区")
        elif context.by.role == Role.PARK_ADMIN and len(context.parks) == 1:
            park = next(iter(context.parks.values()))
        else:
            problems.append("请填写园区")
        kind = KINDS.get(fold(str(raw.get("kind") or "")))
        if kind is None:
            problems.append(f"要素类别“{raw.get('kind')}”无法识别（如 可供工业用地、闲置标准厂房、能耗指标、供电容量）")
        as_of = problems.check(parse_date, raw.get("as_of")) or context.today
        texts = {key: problems.text(raw, key, label, limit)
                 for key, label, limit in (("name", "名称", 50), ("unit", "单位", 20), ("notes", "备注", 4000))}
        problems.done()
        values = {"kind": kind, "total": raw.get("total"), "as_of": as_of, **texts,
                  **{key: raw.get(key) for key in services.DETAILS}}
        return park, services.checked(values, context.today)

    def plan(self, raw: dict, row: str, context: Context) -> Plan:
        park, values = self._values(raw, context)
        key = (park.id, values["kind"], values["name"])
        if key in context.seen:
            return Plan("error", f"与{context.seen[key]}是同一项要素")
        context.seen[key] = row
        values["park_id"] = park.id
        item_id = context.items.get(key)
        if item_id is None:
            return Plan("create", values=values)
        item = db.session.get(CapacityItem, item_id)
        labels = {"total": "总量", "unit": "单位", "as_of": "截至日期", "notes": "备注",
                  **{key: label for key, (label, _kind) in services.DETAILS.items()}}
        changed = [label for key, label in labels.items() if getattr(item, key) != values[key]]
        return Plan("update" if changed else "unchanged", "、".join(changed) or None, item_id, values)

    def apply(self, plan: Plan, context: Context, by: User) -> tuple[CapacityItem, dict | None]:
        values = dict(plan.values)
        park = db.session.get(Park, values.pop("park_id"))
        item = db.session.get(CapacityItem, plan.record_id) if plan.record_id else None
        before = {key: plain(getattr(item, key)) for key in services.REVISED} if item else None
        return services.save_item(by, park, values, item, today=context.today), before

    def undo(self, row, item: CapacityItem, by: User) -> None:
        if row.action == "create":  # as if it had never been listed
            services.remove_item(by, item, on=item.as_of)
            return
        before = dict(row.before)
        before["as_of"] = date.fromisoformat(before["as_of"])
        services.save_item(by, item.park, before, item, today=date.max)


register(CapacityImporter())
