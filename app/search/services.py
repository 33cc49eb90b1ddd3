"""搜索: one query over enterprises, projects, contacts, parks and chain nodes in the user's scope,
each kind by the search its own list uses (enterprise names by characters, pinyin or initials)."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.scope import scoped
from app.enterprises import services as enterprises
from app.extensions import db
from app.models import Chain, ChainNode, Contact, Enterprise, Park, Project, User
from app.projects import services as projects

SHOWN = 8  # per kind; the enterprise and project groups link to their full lists


@dataclass
class Group:
    kind: str
    label: str
    rows: list
    total: int | None = None  # counted where a full list exists to go on to


def _first(stmt: sa.Select) -> list:
    return list(db.session.scalars(stmt.limit(SHOWN)))


def _count(stmt: sa.Select) -> int:
    """The rows ``stmt`` selects, counted without reading their columns."""
    return db.session.scalar(stmt.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None))


def everywhere(by: User, q: str, today: date) -> list[Group]:
    """The groups with at least one match, in a fixed order."""
    like = lambda column: column.contains(q, autoescape=True)  # noqa: E731
    found_enterprises = enterprises.search(by, {"q": q})
    found_projects = projects.search(by, {"q": q}, today)
    groups = [
        Group("enterprise", "企业", _first(enterprises.search(by, {"q": q}, for_page=True)
                                           .options(selectinload(Enterprise.unit))), _count(found_enterprises)),
        Group("project", "项目", _first(found_projects.options(selectinload(Project.unit), selectinload(Project.investor))),
              _count(found_projects)),
        Group("contact", "联系人", _first(scoped(sa.select(Contact).join(Enterprise).where(like(Contact.name))
                                                .options(selectinload(Contact.enterprise)).order_by(Contact.name),
                                                by, Enterprise.unit_id))),
        Group("park", "园区", _first(scoped(sa.select(Park).where(like(Park.name)).order_by(Park.name), by, Park.unit_id))),
        Group("node", "产业链环节", _first(scoped(sa.select(ChainNode).join(Chain).where(like(ChainNode.name))
                                                  .options(selectinload(ChainNode.chain)).order_by(ChainNode.name),
                                                  by, Chain.unit_id, inherited=True))),
    ]
    return [g for g in groups if g.rows]


def enterprise_choices(by: User, q: str, limit: int = 20) -> list[Enterprise]:
    """Active enterprises in scope for a picker, by the enterprise list's search."""
    stmt = enterprises.search(by, {"q": q}, for_page=True).where(Enterprise.is_active.is_(True))
    return list(db.session.scalars(stmt.options(selectinload(Enterprise.unit)).limit(limit)))
