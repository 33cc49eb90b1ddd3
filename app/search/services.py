"""搜索: one query over enterprises, projects, contacts, parks and chain nodes in the user's scope,
each kind by the search its own list uses (enterprise names by characters, pinyin or initials)."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.scope import scoped
from app.counting import SEARCH_BOUND, count_rows, count_text
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
    total: int | None = None  # counted (up to SEARCH_BOUND + 1) where a full list exists to go on to

    @property
    def total_text(self) -> str:
        return count_text(self.total, SEARCH_BOUND)


def _first(stmt: sa.Select) -> list:
    return list(db.session.scalars(stmt.limit(SHOWN)))


def everywhere(by: User, q: str, today: date) -> list[Group]:
    """The groups with at least one match, in a fixed order."""
    like = lambda column: column.contains(q, autoescape=True)  # noqa: E731
    found_enterprises = enterprises.search(by, {"q": q})
    found_projects = projects.search(by, {"q": q}, today)
    groups = [
        Group("enterprise", "企业", _first(enterprises.search(by, {"q": q}, for_page=True)
                                           .options(selectinload(Enterprise.unit))),
              count_rows(found_enterprises, SEARCH_BOUND)),
        # Newest first: the list's stage-date order walks every project's row for a rare name.
        Group("project", "项目", _first(found_projects.order_by(None).order_by(Project.id.desc())
                                         .options(selectinload(Project.unit), selectinload(Project.investor))),
              count_rows(found_projects, SEARCH_BOUND)),
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


def project_choices(by: User, q: str, today: date, limit: int = 20) -> list[Project]:
    """Projects in scope for a picker, by the project list's search, newest first."""
    stmt = projects.search(by, {"q": q}, today).order_by(None).order_by(Project.id.desc())
    return list(db.session.scalars(stmt.options(selectinload(Project.unit)).limit(limit)))


def picked(model: type[Enterprise] | type[Project], by: User, ids) -> list[tuple[int, str]]:
    """A picker's chosen records as (id, name) choices: those of ``ids`` (sent by the form or
    already held) that lie in the user's scope. Anything else stays out, so the form refuses it."""
    ids = [int(i) for i in ids if str(i).isdigit() and int(i) < 2**31]
    if not ids:
        return []
    return [tuple(row) for row in db.session.execute(
        scoped(sa.select(model.id, model.name).where(model.id.in_(ids)), by, model.unit_id).order_by(model.name))]
