"""Park capacity lists (要素保障能力清单): items kept by the park's admin, every change kept as a
revision, and what signed projects commit against them.

Services add and flush; the caller commits once.
"""
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.scope import get_scoped_unit, scoped
from app.extensions import db
from app.models import NEEDS, CapacityItem, CapacityRevision, Chain, Park, User
from app.models.enums import CAPACITY_UNITS, CapacityKind, ParkLevel, Role
from app.projects.warnings import committed_by_park

REVISED = ("kind", "name", "total", "unit", "as_of", "notes", "standard_land_mu", "floor_height_m", "floor_load_kn_m2")
# Attributes that belong to one kind of item: label, the kind.
DETAILS = {"standard_land_mu": ("其中标准地", CapacityKind.LAND), "floor_height_m": ("层高", CapacityKind.FACTORY),
           "floor_load_kn_m2": ("承重", CapacityKind.FACTORY)}
LISTED_KINDS = [kind for kind in CapacityKind if kind != CapacityKind.CUSTOM]


class CapacityError(ValueError):
    pass


def may_edit(user: User, park: Park) -> bool:
    """A park's list is kept by its own park admin (and by a system admin who can see the park)."""
    if user.role == Role.PARK_ADMIN:
        return user.park_id == park.id
    return user.role == Role.ADMIN and db.session.scalars(
        scoped(sa.select(Park.id).where(Park.id == park.id), user, Park.unit_id)).first() is not None


def checked(data: dict, today: date) -> dict:
    """An item's values, cleaned and checked; raises CapacityError with the reason."""
    kind = data.get("kind")
    if kind not in set(CapacityKind):
        raise CapacityError("请选择要素类别。")
    try:
        total = Decimal(str(data.get("total")).replace(",", "")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise CapacityError(f"总量“{data.get('total')}”不是数字。") from None
    if total < 0:
        raise CapacityError("总量不能为负数。")
    unit = (data.get("unit") or "").strip() or CAPACITY_UNITS.get(kind, "")
    if kind in CAPACITY_UNITS:
        # Compared folded: a workbook's m³ is read as m3.
        if unicodedata.normalize("NFKC", unit) != unicodedata.normalize("NFKC", CAPACITY_UNITS[kind]):
            raise CapacityError(f"{CapacityKind.label_of(kind)}的单位应为“{CAPACITY_UNITS[kind]}”，不是“{unit}”。")
        unit = CAPACITY_UNITS[kind]
    name = (data.get("name") or "").strip() or (CapacityKind.label_of(kind) if kind != CapacityKind.CUSTOM else "")
    if not name or not unit:
        raise CapacityError("其他要素须填写名称和单位。")
    as_of = data.get("as_of")
    if not isinstance(as_of, date):
        raise CapacityError("请填写截至日期。")
    if as_of > today:
        raise CapacityError("截至日期不能晚于今天。")
    values = {"kind": kind, "name": name[:50], "total": total, "unit": unit[:20], "as_of": as_of,
              "notes": (data.get("notes") or "").strip() or None}
    for key, (label, owner) in DETAILS.items():
        values[key] = _detail(data.get(key), label, owner, kind)
    if values["standard_land_mu"] is not None and values["standard_land_mu"] > total:
        raise CapacityError("其中标准地不能超过可供工业用地总量。")
    return values


def _detail(value, label: str, owner: str, kind: str) -> Decimal | None:
    if value in (None, ""):
        return None
    if kind != owner:
        raise CapacityError(f"“{label}”只用于{CapacityKind.label_of(owner)}。")
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise CapacityError(f"{label}“{value}”不是数字。") from None
    if number < 0:
        raise CapacityError(f"{label}不能为负数。")
    return number


def record_revision(item: CapacityItem, by: User | None, removed_on: date | None = None) -> None:
    """Keep the item's values as they are now in its history, or its removal as of ``removed_on``."""
    values = {key: getattr(item, key) for key in REVISED} | ({"as_of": removed_on} if removed_on else {})
    db.session.add(CapacityRevision(park_id=item.park_id, item_id=item.id, removed=removed_on is not None,
                                    changed_by_id=by.id if by else None, **values))


def save_item(by: User, park: Park, data: dict, item: CapacityItem | None = None,
              today: date | None = None) -> CapacityItem:
    """Add an item to the park's list, or change one; the change is kept as a revision."""
    values = checked(data, today or date.today())
    item = item or CapacityItem(park_id=park.id)
    if item.id is not None and all(getattr(item, key) == value for key, value in values.items()):
        return item  # nothing changed: no revision
    for key, value in values.items():
        setattr(item, key, value)
    item.updated_by_id = by.id
    db.session.add(item)
    db.session.flush()
    record_revision(item, by)
    db.session.flush()
    return item


def remove_item(by: User, item: CapacityItem, on: date | None = None) -> None:
    """Take an item off the list from ``on`` (today) on; its history stays."""
    record_revision(item, by, removed_on=on or date.today())
    db.session.delete(item)
    db.session.flush()


def items_as_of(park: Park, day: date) -> list[CapacityRevision]:
    """The park's list as it stood on ``day``."""
    return lists_as_of([park.id], day).get(park.id, [])


def lists_as_of(park_ids: list[int], day: date) -> dict[int, list[CapacityRevision]]:
    """The parks' lists as they stood on ``day``, in one query: per item, of the revisions valid by
    then (截至日期 on or before it, whenever they were typed in), the one recorded last, so that
    a list dated 截至 10-31 but entered in December counts for October, and a later correction or
    an undo of an older date takes over from its date on. A removal counts from the day it was made."""
    latest = (sa.select(sa.func.max(CapacityRevision.id)).where(CapacityRevision.park_id.in_(park_ids),
                                                                CapacityRevision.as_of <= day)
              .group_by(CapacityRevision.item_id))
    lists: dict[int, list[CapacityRevision]] = {}
    for revision in db.session.scalars(sa.select(CapacityRevision).where(
            CapacityRevision.id.in_(latest), CapacityRevision.removed.is_(False)).order_by(CapacityRevision.item_id)):
        lists.setdefault(revision.park_id, []).append(revision)
    return lists


def history(park: Park, limit: int = 200) -> list[tuple[CapacityRevision, CapacityRevision | None]]:
    """The park's changes, newest first, each with the revision of the same item before it."""
    revisions = list(db.session.scalars(sa.select(CapacityRevision).where(CapacityRevision.park_id == park.id)
                                        .order_by(CapacityRevision.id)))
    before: dict[int, CapacityRevision] = {}
    pairs = []
    for revision in revisions:
        pairs.append((revision, before.get(revision.item_id)))
        before[revision.item_id] = revision
    return pairs[::-1][:limit]


def committed(park: Park) -> dict[str, Decimal]:
    """What projects signed (or later) into the park need, by capacity kind."""
    return committed_by_park([park.id]).get(park.id) or {kind.value: Decimal(0) for kind in NEEDS}


def overview(scoped_parks: sa.Select) -> list[dict]:
    """Every park in scope with total, committed and available per capacity kind (custom items
    aside); only the kinds projects need are committed."""
    parks = list(db.session.scalars(scoped_parks.options(selectinload(Park.unit)).order_by(Park.name)))
    ids = [p.id for p in parks]
    totals: dict[tuple[int, str], Decimal] = {}
    for park_id, kind, total in db.session.execute(
            sa.select(CapacityItem.park_id, CapacityItem.kind, sa.func.sum(CapacityItem.total))
            .where(CapacityItem.park_id.in_(ids)).group_by(CapacityItem.park_id, CapacityItem.kind)):
        totals[(park_id, kind)] = Decimal(total)
    committed = committed_by_park(ids)
    rows = []
    for park in parks:
        kinds = {}
        for kind in LISTED_KINDS:
            total = totals.get((park.id, kind.value))
            used = committed.get(park.id, {}).get(kind.value, Decimal(0))
            kinds[kind.value] = {"total": total, "committed": used,
                                 "available": None if total is None else total - used}
        rows.append({"park": park, "kinds": kinds})
    return rows


PARK_FIELDS = ("level", "city", "area_km2", "address", "contact", "investment_intensity_wan_per_mu", "tax_per_mu_wan",
               "plot_ratio_min", "plot_ratio_max", "energy_per_unit_max")


def update_park(park: Park, data: dict, chain_ids: list[int]) -> None:
    """A park's own facts: level, place, 主导产业 and its 标准地 indicators."""
    values = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items() if k in PARK_FIELDS}
    if values.get("level") not in set(ParkLevel):
        raise CapacityError("请选择园区级别。")
    low, high = values.get("plot_ratio_min"), values.get("plot_ratio_max")
    if low is not None and high is not None and low > high:
        raise CapacityError("容积率下限不能大于上限。")
    for key, value in values.items():
        setattr(park, key, value)
    park.chains = list(db.session.scalars(sa.select(Chain).where(Chain.id.in_(chain_ids)))) if chain_ids else []
    db.session.flush()


def create_park(by: User, data: dict, chain_ids: list[int]) -> Park:
    """A new park under a unit in the admin's scope; its own facts as update_park takes them."""
    name = (data.get("name") or "").strip()
    if not name:
        raise CapacityError("请填写园区名称。")
    if db.session.scalar(sa.select(Park.id).where(Park.name == name)):
        raise CapacityError(f"园区“{name}”已存在。")
    if get_scoped_unit(by, data.get("unit_id")) is None:
        raise CapacityError("所属单位不存在或不在您的管理范围内。")
    park = Park(name=name[:100], unit_id=data["unit_id"])
    db.session.add(park)
    update_park(park, data, chain_ids)
    return park
