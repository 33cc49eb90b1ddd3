"""The security admin's rules (三员分立): roles and permissions granted and revoked, passwords reset.
Never commits. (Held-back logins are released in app/auth/services.py, second factors reset in
app/auth/totp.py; the policy lives in app/auth/policy.py.)"""
from app.admin.services import check_role
from app.auth.decorators import BUSINESS_ROLES
from app.auth.passwords import set_password
from app.extensions import db
from app.models import User, UserPermission
from app.models.enums import Permission


class SecurityError(ValueError):
    pass


def assign(by: User | None, user: User, role: str, permissions: set[str]) -> None:
    """Grant ``user`` this role and exactly these permissions (``by`` None: the command line). A
    changed role ends the user's sessions; every change is audited (User, UserPermission rows)."""
    if by is not None and user.id == by.id:
        raise SecurityError("不能修改自己的角色和权限，须由另一位安全管理员办理。")
    if not role:
        raise SecurityError("请选择角色。")
    check_role(role, user.park)
    if permissions and role not in BUSINESS_ROLES:
        raise SecurityError("个人信息权限只能授予业务角色（系统管理员、科室负责人/局领导、招商专员、园区管理员）。")
    if role != user.role:
        user.role = role
        user.end_sessions()  # what the user may do changed: its open sessions must log in again
    set_permissions(user, permissions)


def set_permissions(user: User, permissions: set[str]) -> None:
    """Grant exactly ``permissions`` (``Permission`` values) to the user; each grant and revoke is
    audited (UserPermission rows)."""
    unknown = set(permissions) - {p.value for p in Permission}
    if unknown:
        raise SecurityError(f"没有这样的权限：{'、'.join(sorted(unknown))}。")
    held = {g.permission for g in user.grants}
    user.grants = [g for g in user.grants if g.permission in permissions] + [
        UserPermission(permission=p) for p in sorted(set(permissions) - held)]
    db.session.flush()


def reset_password(user: User, password: str) -> None:
    """A reset: the user changes it at its next login, and its open sessions end."""
    set_password(user, password, must_change=True)
