"""安全管理: the security admin's pages (三员分立) — roles and permissions, password resets,
held-back logins, second factors, and the password and session policy. The users it manages
are those of its unit's subtree; it sees no business record."""
from datetime import date

import sqlalchemy as sa
from flask import current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin.services import unit_choices
from app.auth import policy, tokens, totp
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.auth.services import unlock
from app.concurrency import claim_settings, version_of
from app.extensions import db
from app.models import ApiToken, LoginAttempt, Setting, User, utcnow
from app.models.enums import Role
from app.security import bp, services
from app.security.forms import AssignForm, PolicyForm, ResetPasswordForm, ServiceAccountForm
from app.web import paginate, saved

security_only = roles_required(Role.SECURITY_ADMIN)


@bp.route("/")
@security_only
def index():
    return redirect(url_for("security.users"))


@bp.route("/users")
@security_only
def users():
    stmt = scoped(sa.select(User).options(selectinload(User.unit), selectinload(User.grants))
                  .order_by(User.role.is_not(None), User.username), current_user, User.unit_id)
    pagination = paginate(stmt)
    since = utcnow() - current_app.config["LOGIN_WINDOW"]  # the failures the throttle counts
    failures = dict(db.session.execute(
        sa.select(LoginAttempt.username, sa.func.count()).where(
            LoginAttempt.username.in_([u.username for u in pagination.items]), LoginAttempt.at > since)
        .group_by(LoginAttempt.username)).all())
    return render_template("security/users.html", pagination=pagination, failures=failures)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@security_only
def user_edit(user_id: int):
    """分配角色与权限."""
    user = get_scoped_or_404(User, user_id, current_user)
    form = AssignForm(obj=user, data={"permissions": [g.permission for g in user.grants]})
    if form.validate_on_submit() and saved(
        lambda: services.assign(current_user, user, form.role.data, set(form.permissions.data or [])),
        f"已保存用户 {user.username} 的角色和权限，其已登录的会话如角色改变将退出。", edits=user,
    ):
        return redirect(url_for("security.users"))
    return render_template("security/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@security_only
def user_password(user_id: int):
    user = get_scoped_or_404(User, user_id, current_user)
    form = ResetPasswordForm()
    if form.validate_on_submit() and saved(lambda: services.reset_password(user, form.password.data),
                                           f"已重置用户 {user.username} 的密码，其下次登录时须修改。"):
        return redirect(url_for("security.users"))
    return render_template("security/password_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@security_only
def user_unlock(user_id: int):
    user = get_scoped_or_404(User, user_id, current_user)
    saved(lambda: unlock(user), f"已解除用户 {user.username} 的登录限制。")
    return redirect(url_for("security.users"))


@bp.route("/users/<int:user_id>/totp", methods=["POST"])
@security_only
def user_totp_reset(user_id: int):
    user = get_scoped_or_404(User, user_id, current_user)
    saved(lambda: totp.remove(user, current_user), f"已重置用户 {user.username} 的双因素认证，其须重新绑定。")
    return redirect(url_for("security.users"))


def _policy_rows() -> list[Setting]:
    return list(db.session.scalars(sa.select(Setting).where(Setting.key.startswith(policy.PREFIX))))


@bp.route("/policy", methods=["GET", "POST"])
@security_only
def policy_page():
    """密码与会话策略: within 等保 level 3 bounds; each change audited as a setting's."""
    form = PolicyForm(data={**policy.numbers(), "totp_roles": sorted(policy.totp_roles())})
    if form.validate_on_submit() and saved(
        lambda: (claim_settings(_policy_rows(), form.version.data),
                 policy.save({knob.key: form[knob.key].data for knob in policy.KNOBS}, form.totp_roles.data or [])),
        "已保存密码与会话策略，立即生效。",
    ):
        return redirect(url_for("security.policy_page"))
    if not form.is_submitted():  # a refused save keeps the version it was opened with
        form.version.data = version_of(_policy_rows())
    return render_template("security/policy.html", form=form)


@bp.route("/services", methods=["GET", "POST"])
@security_only
def services_page():
    """服务账号: other systems (the city's platform, a provincial database) as accounts of a unit
    and a role, each with its tokens; made here, the token shown once."""
    form, made = ServiceAccountForm(), {}
    form.unit_id.choices = unit_choices(current_user)

    def create():
        account = tokens.create_service_account(current_user, form.name.data, form.unit_id.data, form.role.data)
        made["secret"] = tokens.issue(current_user, account, "初始令牌", form.days.data, form.write.data, date.today())[1]

    if form.validate_on_submit() and saved(create, "已创建服务账号和令牌。请立即复制保存：离开本页后无法再次查看。"):
        form = ServiceAccountForm(formdata=None)
        form.unit_id.choices = unit_choices(current_user)
    accounts = db.session.scalars(scoped(sa.select(User).where(User.is_service.is_(True)), current_user, User.unit_id)
                                  .options(selectinload(User.unit)).order_by(User.username)).all()
    own = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id.in_([a.id for a in accounts]))
                             .options(selectinload(ApiToken.user)).order_by(ApiToken.id.desc())).all()
    return render_template("security/services.html", form=form, accounts=accounts, tokens=own,
                           secret=made.get("secret"), today=date.today(), show_owner=True)
