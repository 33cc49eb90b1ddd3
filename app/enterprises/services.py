"""Rules of the target-enterprise library: codes, duplicates, edits, contacts and merging.

Services add and flush; the caller commits once.
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import g

from app.auth.scope import get_scoped_unit, scoped, unit_ids_under
from app.enterprises.search import id_in, name_contains
from app.extensions import db
from app.models import (
    Activity,
    AuditLog,
    Contact,
    Enterprise,
    EnterpriseNode,
    EnterpriseTag,
    OrgUnit,
    Project,
    UsccException,
    User,
    activity_enterprise,
    event_enterprise,
)
from app.models.enums import EnterpriseStatus, SourceRegion
from app.names import normalize_name
from app.personal import shown_phone
from app.standards import USCC_CHECK_FAILED, uscc_error
from app.web import list_order, typed_user, walked_units

# The fields a form or an import row may set on an enterprise.
FIELDS = ("name", "uscc", "province", "city", "source_region", "industry_code", "revenue_wan", "employees",
          "status", "unit_id", "officer_id", "notes")
CONTACT_FIELDS = ("name", "title", "mobile", "phone", "email", "wechat", "notes")


class EnterpriseError(ValueError):
    pass


class ExistingCode(EnterpriseError):
    """The code is already registered: the caller links to that record instead."""

    def __init__(self, enterprise: Enterprise, visible: bool):
        self.enterprise, self.visible = enterprise, visible
        where = f"“{enterprise.name}”" if visible else "其他单位的企业库中（不在您的数据范围内）"
        super().__init__(f"统一社会信用代码 {enterprise.uscc} 已登记在{where}，同一代码只能对应一家企业。")


def normalize_uscc(raw: str | None) -> str:
    """A code as it is kept and matched: full-width folded, spaces, tabs, zero-width characters and
    a leading ' (that kept Excel from reading it as a number) dropped, upper case."""
    return re.sub(r"[\s\u200b-\u200d\u2060\ufeff]", "", unicodedata.normalize("NFKC", raw or "")).lstrip("'").upper()


def clean_uscc(raw: str | None) -> str | None:
    """A code normalised (``normalize_uscc``) and validated; None when blank."""
    code = normalize_uscc(raw)
    if not code:
        return None
    error = uscc_error(code)
    if error == USCC_CHECK_FAILED and code in verified_exceptions():
        return code  # an early code that fails the check, verified by an admin
    if error:
        raise EnterpriseError(error.rstrip("。") + "（如为经核实的早期代码，请系统管理员登记为例外）。"
                              if error == USCC_CHECK_FAILED else error)
    return code


def verified_exceptions() -> frozenset[str]:
    """The codes an admin verified as legally issued though they fail the check; read once a request."""
    if "uscc_exceptions" not in g:
        g.uscc_exceptions = frozenset(db.session.scalars(sa.select(UsccException.code)))
    return g.uscc_exceptions


def add_exception(by: User, code: str, note: str) -> UsccException:
    """Register a verified early code. Only a code of the right shape whose check fails may be one."""
    code = normalize_uscc(code)
    if uscc_error(code) != USCC_CHECK_FAILED:
        raise EnterpriseError("只有格式正确、仅校验不通过的 18 位代码可以登记为例外。")
    if not (note or "").strip():
        raise EnterpriseError("请写明核实依据（如营业执照、登记机关的答复）。")
    if db.session.scalar(sa.select(UsccException.id).where(UsccException.code == code)):
        raise EnterpriseError(f"代码 {code} 已登记为例外。")
    exception = UsccException(code=code, note=note.strip(), unit_id=by.unit_id, created_by_id=by.id)
    db.session.add(exception)
    db.session.flush()
    g.pop("uscc_exceptions", None)
    return exception


def remove_exception(exception: UsccException) -> None:
    """Take a code off the list; enterprises that hold it keep it (marked no longer)."""
    db.session.delete(exception)
    db.session.flush()
    g.pop("uscc_exceptions", None)


def likely_duplicates(by: User, name: str, exclude_id: int | None = None, limit: int = 10) -> list[Enterprise]:
    """Enterprises in scope whose folded name equals this one's, or contains it (or the reverse)."""
    key = normalize_name(name)
    if not key:
        return []
    same = Enterprise.normalized_name == key
    if len(key) >= 4:
        same = sa.or_(same, Enterprise.normalized_name.contains(key, autoescape=True),
                      sa.literal(key).contains(Enterprise.normalized_name))
    stmt = sa.select(Enterprise).where(same, Enterprise.merged_into_id.is_(None))
    if exclude_id:
        stmt = stmt.where(Enterprise.id != exclude_id)
    return list(db.session.scalars(scoped(stmt.order_by(Enterprise.id).limit(limit), by, Enterprise.unit_id)))


def _check_code_free(by: User, code: str | None, enterprise: Enterprise | None = None) -> None:
    if code is None:
        return
    holder = db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == code))
    if holder is not None and holder is not enterprise:
        visible = db.session.scalars(scoped(sa.select(Enterprise.id).where(Enterprise.id == holder.id), by,
                                            Enterprise.unit_id)).first() is not None
        raise ExistingCode(holder, visible)


def _check_unit_and_officer(by: User, data: dict) -> None:
    if get_scoped_unit(by, data.get("unit_id")) is None:
        raise EnterpriseError("所属单位不存在或不在您的数据范围内。")
    officer_id = data.get("officer_id")
    if officer_id and db.session.scalars(scoped(sa.select(User.id).where(User.id == officer_id), by,
                                                User.unit_id)).first() is None:
        raise EnterpriseError("跟进人不存在或不在您的数据范围内。")


def _set_tags(enterprise: Enterprise, tags: list[str]) -> None:
    wanted = list(dict.fromkeys(t for t in tags if t))
    enterprise.tags = [t for t in enterprise.tags if t.tag in wanted] + [
        EnterpriseTag(tag=t) for t in wanted if t not in enterprise.tag_names]


def create_enterprise(by: User, data: dict, tags: list[str] = ()) -> Enterprise:
    data = {k: v for k, v in data.items() if k in FIELDS}
    data["uscc"] = clean_uscc(data.get("uscc"))
    _check_code_free(by, data["uscc"])
    _check_unit_and_officer(by, data)
    enterprise = Enterprise(**data)
    _set_tags(enterprise, tags)
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def update_enterprise(by: User, enterprise: Enterprise, data: dict, tags: list[str] | None = None) -> None:
    data = {k: v for k, v in data.items() if k in FIELDS}
    if "uscc" in data:
        data["uscc"] = clean_uscc(data["uscc"])
        _check_code_free(by, data["uscc"], enterprise)
    _check_unit_and_officer(by, {"unit_id": enterprise.unit_id, "officer_id": enterprise.officer_id, **data})
    for key, value in data.items():
        setattr(enterprise, key, value)
    if tags is not None:
        _set_tags(enterprise, tags)
    db.session.flush()


def set_active(enterprise: Enterprise, active: bool) -> None:
    if active and enterprise.merged_into_id:
        raise EnterpriseError("该企业已合并到其他记录，不能重新启用。")
    enterprise.is_active = active
    db.session.flush()


def save_contact(enterprise: Enterprise, data: dict, contact: Contact | None = None) -> Contact:
    contact = contact or Contact(enterprise=enterprise)
    for key in CONTACT_FIELDS:
        if key in data:
            setattr(contact, key, data[key] or None)
    db.session.add(contact)
    db.session.flush()
    return contact


def delete_contact(contact: Contact) -> None:
    db.session.delete(contact)
    db.session.flush()


@dataclass
class MergeResult:
    contacts: int
    activities: int
    projects: int
    chain_links: int


def merge_enterprises(by: User, keep: Enterprise, drop: Enterprise) -> MergeResult:
    """Move everything of ``drop`` onto ``keep``; ``drop`` stays, inactive, pointing at ``keep``."""
    if keep.id == drop.id:
        raise EnterpriseError("不能把企业合并到它自己。")
    if drop.merged_into_id or keep.merged_into_id:
        raise EnterpriseError("已合并过的记录不能再次合并。")
    if keep.uscc and drop.uscc and keep.uscc != drop.uscc:
        raise EnterpriseError(f"两家企业的统一社会信用代码不同（{keep.uscc} / {drop.uscc}），不是同一家企业，不能合并。")
    contacts = list(drop.contacts)
    for contact in contacts:
        contact.enterprise = keep
    projects = list(db.session.scalars(sa.select(Project).where(Project.investor_id == drop.id)))
    for project in projects:
        project.investor_id = keep.id
    activity_ids = _move_links(activity_enterprise, "activity_id", drop.id, keep.id)
    _move_links(event_enterprise, "event_id", drop.id, keep.id)
    links = list(db.session.scalars(sa.select(EnterpriseNode).where(EnterpriseNode.enterprise_id == drop.id)))
    kept_nodes = set(db.session.scalars(sa.select(EnterpriseNode.node_id).where(EnterpriseNode.enterprise_id == keep.id)))
    for link in links:
        if link.node_id not in kept_nodes:
            db.session.add(EnterpriseNode(enterprise_id=keep.id, node_id=link.node_id, role=link.role))
        db.session.delete(link)
    _set_tags(keep, keep.tag_names + drop.tag_names)
    code = drop.uscc
    if code and not keep.uscc:
        drop.uscc = None  # the code moves: free it first (one code, one enterprise)
        db.session.flush()
        keep.uscc = code
    for key in ("province", "city", "source_region", "industry_code", "revenue_wan", "employees", "officer_id",
                "notes"):
        if getattr(keep, key) in (None, "") and getattr(drop, key) not in (None, ""):
            setattr(keep, key, getattr(drop, key))
    keep.last_contacted_on = max(filter(None, (keep.last_contacted_on, drop.last_contacted_on)), default=None)
    drop.is_active = False
    drop.merged_into_id = keep.id
    db.session.flush()
    return MergeResult(len(contacts), len(activity_ids), len(projects), len(links))


def _move_links(table: sa.Table, other: str, from_id: int, to_id: int) -> list[int]:
    """Re-point link rows from one enterprise to another, dropping those that would repeat."""
    moving = set(db.session.scalars(sa.select(table.c[other]).where(table.c.enterprise_id == from_id)))
    already = set(db.session.scalars(sa.select(table.c[other]).where(table.c.enterprise_id == to_id)))
    db.session.execute(table.delete().where(table.c.enterprise_id == from_id))
    if moving - already:
        db.session.execute(table.insert(), [{other: i, "enterprise_id": to_id} for i in sorted(moving - already)])
    return sorted(moving)


def timeline(enterprise: Enterprise) -> list[dict]:
    """Activities and recorded changes of an enterprise and its contacts, newest first."""
    activities = db.session.scalars(
        sa.select(Activity).join(activity_enterprise).where(activity_enterprise.c.enterprise_id == enterprise.id))
    contact_ids = [c.id for c in enterprise.contacts]
    changes = db.session.scalars(sa.select(AuditLog).where(sa.or_(
        sa.and_(AuditLog.record_type == "Enterprise", AuditLog.record_id == enterprise.id),
        sa.and_(AuditLog.record_type == "Contact", AuditLog.record_id.in_(contact_ids)),
    )).order_by(AuditLog.id.desc()).limit(200))
    items = [{"on": a.occurred_on, "kind": "activity", "item": a} for a in activities]
    items += [{"on": c.at.date() if c.at else None, "at": c.at, "kind": "change", "item": c} for c in changes]
    return sorted(items, key=lambda i: (i["on"] or date.min), reverse=True)


WALKED_ORDERS = ("created_at",)  # the list orders whose index holds the unit (list_order), on PostgreSQL


def search(by: User, f: dict, for_page: bool = False) -> sa.Select:
    """The enterprises in scope matching the list filters ``f`` (the filter form's data), sorted;
    ``for_page``: written for fetching one page rather than for counting or exporting (walked in
    its order's index where it can be, list_order; not a search, which finds its page by name)."""
    q = unicodedata.normalize("NFKC", (f.get("q") or "").strip())
    walked = walked_units(by, f, "created_at", WALKED_ORDERS) if for_page and not q else None
    stmt = sa.select(Enterprise) if walked is not None else scoped(sa.select(Enterprise), by, Enterprise.unit_id)
    if q:
        # Each way of matching is a condition with an index of its own, ORed so the database
        # combines the index lookups; codes and phones are looked at only when the query can be one.
        matches = [name_contains(q, for_page), id_in(Enterprise.id, sa.select(Contact.enterprise_id).where(Contact.name == q))]
        if re.fullmatch(r"[0-9A-Za-z]{4,18}", q) and re.search(r"[0-9]", q):  # a code has digits; pinyin has none
            matches.append(Enterprise.uscc.contains(q.upper(), autoescape=True))
        if re.fullmatch(r"[0-9\- ]{4,20}", q):
            digits = q.replace(" ", "")
            matches.append(id_in(Enterprise.id, sa.select(Contact.enterprise_id).where(sa.or_(
                Contact.mobile.contains(digits, autoescape=True), Contact.phone.contains(digits, autoescape=True)))))
        stmt = stmt.where(sa.or_(*matches))
    if f.get("tag"):
        stmt = stmt.where(Enterprise.id.in_(sa.select(EnterpriseTag.enterprise_id).where(EnterpriseTag.tag == f["tag"])))
    if f.get("node_id"):
        stmt = stmt.where(Enterprise.id.in_(sa.select(EnterpriseNode.enterprise_id)
                                            .where(EnterpriseNode.node_id == f["node_id"])))
    for key in ("source_region", "status", "officer_id"):
        if f.get(key):
            stmt = stmt.where(getattr(Enterprise, key) == f[key])
    if f.get("officer"):
        stmt = stmt.where(typed_user(Enterprise.officer_id, f["officer"]))
    if f.get("unit_id") and walked is None:
        stmt = stmt.where(Enterprise.unit_id.in_(unit_ids_under(f["unit_id"])))
    if f.get("contacted_after"):
        stmt = stmt.where(Enterprise.last_contacted_on >= f["contacted_after"])
    if f.get("contacted_before"):
        stmt = stmt.where(sa.or_(Enterprise.last_contacted_on < f["contacted_before"],
                                 Enterprise.last_contacted_on.is_(None)))
    if not f.get("inactive"):
        stmt = stmt.where(Enterprise.is_active.is_(True))
    return list_order(stmt, Enterprise, f, "created_at", walked)


def export_rows(stmt: sa.Select, full_contacts: bool = False):
    """Rows for the list export: the list's rows streamed as plain columns in chunks, with one
    query per chunk for tags and one for contacts, so memory stays flat and no ORM objects pile up.
    Mobile numbers are masked unless ``full_contacts``."""
    units = dict(db.session.execute(sa.select(OrgUnit.id, OrgUnit.name)).all())
    officers = dict(db.session.execute(sa.select(User.id, User.display_name)).all())
    columns = (Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.status, Enterprise.source_region,
               Enterprise.province, Enterprise.city, Enterprise.industry_code, Enterprise.revenue_wan,
               Enterprise.employees, Enterprise.unit_id, Enterprise.officer_id, Enterprise.last_contacted_on)
    for chunk in db.session.execute(stmt.with_only_columns(*columns)).yield_per(5000).partitions():
        ids = [e.id for e in chunk]
        tags: dict[int, list[str]] = {}
        for enterprise_id, tag in db.session.execute(
                sa.select(EnterpriseTag.enterprise_id, EnterpriseTag.tag).where(EnterpriseTag.enterprise_id.in_(ids))):
            tags.setdefault(enterprise_id, []).append(tag)
        contacts: dict[int, tuple[str, str]] = {}
        for enterprise_id, name, mobile in db.session.execute(
                sa.select(Contact.enterprise_id, Contact.name, Contact.mobile)
                .where(Contact.enterprise_id.in_(ids)).order_by(Contact.id)):
            contacts.setdefault(enterprise_id, (name, mobile))
        for e in chunk:
            name, mobile = contacts.get(e.id, (None, None))
            yield [e.name, e.uscc, EnterpriseStatus.label_of(e.status), SourceRegion.label_of(e.source_region),
                   e.province, e.city, e.industry_code, "、".join(tags.get(e.id, [])), e.revenue_wan, e.employees,
                   units.get(e.unit_id), officers.get(e.officer_id), e.last_contacted_on, name, shown_phone(mobile, full_contacts)]
