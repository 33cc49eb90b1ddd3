"""Org units and users: the rules behind the admin pages and the CLI. Never commits."""
import sqlalchemy as sa

from app.auth.passwords import set_password
from app.auth.scope import get_scoped_unit, in_subtree, is_within, scoped, sees_everything, unit_ids_above, unit_ids_under
from app.extensions import db
from app.models import OrgUnit, Park, User
from app.models.enums import Role
from app.revision import kept_rows


class AdminError(ValueError):
    pass


def units_in_scope(by: User) -> list[OrgUnit]:
    stmt = scoped(sa.select(OrgUnit).order_by(OrgUnit.code), by, OrgUnit.id)
    return list(db.session.scalars(stmt))


def unit_choices(by: User) -> list[tuple[int, str]]:
    """(id, name) of the units in scope, for a choice list: every filter bar has one, hundreds of
    units at a province, kept until a record changes."""
    return kept_rows(scoped(sa.select(OrgUnit.id, OrgUnit.name).order_by(OrgUnit.code), by, OrgUnit.id))


FILTER_CHOICES = 200  # options up to which a filter bar's select lists every unit (park) in scope


def filter_unit_choices(by: User, chosen: int | None) -> list[tuple[int, str]]:
    """(id, name) for the 单位 select of a list's filter bar, which takes the chosen unit's whole
    subtree: every unit in scope while they are few (FILTER_CHOICES); in a larger scope (a
    country's 5,000 units made every filter bar 300 KB) the units from the user's down to the
    chosen one and those right under it, indented by level, so the choice narrows a level at a
    time and the bar costs the same at any size. A chosen unit out of scope is not offered."""
    in_scope = db.session.scalar(sa.select(sa.func.count(OrgUnit.id))) if sees_everything(by) \
        else len(unit_ids_under(by.unit_id))  # read for the request's scope already
    if in_scope <= FILTER_CHOICES:
        return unit_choices(by)
    base = get_scoped_unit(by, chosen) if chosen else None
    path = [by.unit]
    if base is not None and base.id != by.unit_id:
        above = unit_ids_above(base.id)  # nearest first, the user's unit among them
        path += [db.session.get(OrgUnit, i) for i in reversed(above[:above.index(by.unit_id)])] + [base]
    under = db.session.execute(sa.select(OrgUnit.id, OrgUnit.name).where(OrgUnit.parent_id == path[-1].id)
                               .order_by(OrgUnit.code)).all()
    return ([(u.id, "\u3000" * level + u.name) for level, u in enumerate(path)]
            + [(i, "\u3000" * len(path) + name) for i, name in under])


def filter_park_choices(by: User, unit_id: int | None, park_id: int | None) -> list[tuple]:
    """The 落户园区 select of a filter bar: the parks under the chosen unit (or in scope) while they
    are few; more (a country's 1,860) wait for a unit to narrow them, the chosen park kept."""
    parks = scoped(sa.select(Park.id, Park.name).order_by(Park.name), by, Park.unit_id)
    choices = kept_rows((parks.where(in_subtree(Park.unit_id, unit_id)) if unit_id else parks).limit(FILTER_CHOICES + 1))
    if len(choices) <= FILTER_CHOICES:
        return [("", "全部")] + choices
    return [("", "全部（园区较多，先选单位）")] + (kept_rows(parks.where(Park.id == park_id)) if park_id else [])


def _unit_for(by: User, unit_id: int | None, what: str) -> OrgUnit:
    unit = get_scoped_unit(by, unit_id) if unit_id else None
    if unit is None:
        raise AdminError(f"{what}不存在或不在您的管理范围内。")
    return unit


def _check_code_free(code: str, unit: OrgUnit | None = None) -> None:
    clash = db.session.scalar(sa.select(OrgUnit).where(OrgUnit.code == code))
    if clash is not None and clash is not unit:
        raise AdminError(f"单位代码 {code} 已被“{clash.name}”使用。")


def create_unit(by: User, *, code: str, name: str, kind: str, parent_id: int | None) -> OrgUnit:
    parent = _unit_for(by, parent_id, "上级单位")
    _check_code_free(code)
    unit = OrgUnit(code=code, name=name, kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()
    return unit


def update_unit(by: User, unit: OrgUnit, *, code: str, name: str, kind: str, parent_id: int | None) -> None:
    _check_code_free(code, unit)
    if unit.parent_id is None:
        if parent_id:
            raise AdminError("根单位不能设置上级单位。")
    else:
        parent = _unit_for(by, parent_id, "上级单位")
        if is_within(parent.id, unit.id):
            raise AdminError("上级单位不能是本单位或其下级单位。")
        unit.parent = parent
    unit.code, unit.name, unit.kind = code, name, kind
    db.session.flush()


def set_unit_active(by: User, unit: OrgUnit, active: bool) -> None:
    if not active and unit.id == by.unit_id:
        raise AdminError("不能停用您自己所在的单位。")
    if not active and unit.parent_id is None:
        raise AdminError("不能停用根单位。")
    unit.is_active = active
    db.session.flush()


def _park_for(by: User | None, park_id: int | None, unit: OrgUnit) -> Park | None:
    """The park an account is bound to (a park admin's): within the acting admin's scope and
    within the account's own unit."""
    if not park_id:
        return None
    stmt = sa.select(Park).where(Park.id == park_id)
    park = db.session.scalars(scoped(stmt, by, Park.unit_id) if by else stmt).first()
    if park is None:
        raise AdminError("园区不存在或不在您的管理范围内。")
    if not is_within(park.unit_id, unit.id):
        raise AdminError(f"园区“{park.name}”不在所属单位“{unit.name}”之下，园区管理员将看不到它。")
    return park


def check_role(role: str | None, park: Park | None) -> None:
    """A role is one of Role, and a park admin keeps a park."""
    if role is not None and role not in set(Role):
        raise AdminError("角色无效。")
    if role == Role.PARK_ADMIN and park is None:
        raise AdminError("园区管理员必须绑定一个园区（由系统管理员在用户信息中设置）。")


def create_user(by: User | None, *, username: str, display_name: str, unit_id: int, password: str,
                park_id: int | None = None, role: str | None = None, email: str | None = None) -> User:
    """Open an account. An admin (``by``) opens it without a role, which a security admin grants
    (三员分立); the command line (``by`` None, at installation) gives one and may use any unit."""
    username = username.strip()
    if not username:
        raise AdminError("用户名不能为空。")
    if db.session.scalar(sa.select(User).where(User.username == username)):
        raise AdminError(f"用户名 {username} 已存在。")
    unit = _unit_for(by, unit_id, "所属单位") if by else db.session.get(OrgUnit, unit_id)
    if unit is None:
        raise AdminError("所属单位不存在。")
    park = _park_for(by, park_id, unit)
    if by is not None and role is not None:
        raise AdminError("系统管理员不能授予角色，请由安全管理员分配。")
    check_role(role, park)
    user = User(username=username, display_name=display_name or username, role=role, unit=unit, park=park,
                email=(email or "").strip() or None)
    # An account an admin opens changes its password at first login; one made at the command
    # line (the first admin, at installation) was given its password by its own holder.
    set_password(user, password, must_change=by is not None)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(by: User, user: User, *, display_name: str, unit_id: int, park_id: int | None,
                email: str | None = None) -> None:
    unit = _unit_for(by, unit_id, "所属单位")
    park = _park_for(by, park_id, unit)
    check_role(user.role, park)
    if (unit, park) != (user.unit, user.park):
        user.end_sessions()  # what the user may see changed: its open sessions must log in again
    user.display_name, user.unit, user.park, user.email = display_name, unit, park, (email or "").strip() or None
    db.session.flush()


def set_user_active(by: User, user: User, active: bool) -> None:
    if user.id == by.id and not active:
        raise AdminError("不能停用自己的账号。")
    user.is_active = active
    if not active:
        user.end_sessions()
    db.session.flush()
