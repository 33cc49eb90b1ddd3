import time
from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from app.audit_trail import log_event
from app.auth import bp, policy, tokens, totp
from app.auth.decorators import any_role, public
from app.auth.forms import ChangePasswordForm, ConfirmPasswordForm, EnrolForm, LoginForm, SecondFactorForm, TokenForm
from app.auth.passwords import PasswordError, change_own_password, must_change
from app.auth.services import LoginError, authenticate, check_second_factor, complete_login, log_out
from app.extensions import db
from app.models import ApiToken, User
from app.web import back_to, begin_session, home_url, is_local_url, landing_url, saved

PENDING_SECONDS = 300  # between the password and the second factor


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(home_url())
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr or ""
        try:
            user = authenticate(form.username.data, form.password.data, address)
        except LoginError as error:
            db.session.commit()  # keep the failed attempt for the lock-out count
            flash(str(error), "danger")
        else:
            target = request.args.get("next")
            if user.totp_secret:  # the password was right; the session begins after the code
                session["pending_login"] = {"user": user.id, "version": user.session_version, "at": int(time.time()),
                                            "next": target if is_local_url(target) else None}
                db.session.commit()
                return redirect(url_for("auth.second_factor"))
            complete_login(user, address)
            return _begin(user, target)
    return render_template("auth/login.html", form=form)


def _begin(user: User, target: str | None):
    db.session.commit()
    begin_session(user)
    return redirect(landing_url(user, target))


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_factor():
    """The second step of a login: the code from the user's authenticator app."""
    pending = session.get("pending_login") or {}
    user = db.session.get(User, pending["user"]) if pending.get("user") else None
    if user is None or not user.is_active or user.session_version != pending.get("version") or \
            not user.totp_secret or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop("pending_login", None)
        flash("请输入用户名和密码登录。", "warning")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        address = request.remote_addr or ""
        try:
            method = check_second_factor(user, form.code.data, address)
        except LoginError as error:
            db.session.commit()
            flash(str(error), "danger")
        else:
            session.pop("pending_login", None)
            complete_login(user, address, method)
            return _begin(user, pending.get("next"))
    return render_template("auth/second_factor.html", form=form, user=user)


@bp.route("/logout", methods=["POST"])
@any_role
def logout():
    log_out(current_user._get_current_object())
    log_event(db.session, "logout", current_user, {"地址": request.remote_addr or ""})
    db.session.commit()
    logout_user()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@any_role
def password():
    """修改密码: the user's own, and where every page sends it while its password must change."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_own_password(current_user, form.current.data, form.new.data)
        except PasswordError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            begin_session(current_user._get_current_object())  # this session goes on; the user's others have ended
            flash("密码已修改，其他登录会话已退出。", "success")
            return redirect(home_url())
    return render_template("auth/password.html", form=form, reason=must_change(current_user))


@bp.route("/totp", methods=["GET", "POST"], endpoint="totp")
@any_role
def totp_page():
    """双因素认证: enrol an authenticator app (scan, then type a code to prove it works), and see
    the recovery codes once; turn it off or renew the codes with the password."""
    user = current_user._get_current_object()
    if user.totp_secret:
        return render_template("auth/totp.html", user=user, form=ConfirmPasswordForm(), codes=None)
    secret = session.get("totp_enrol") or totp.new_secret()
    session["totp_enrol"] = secret
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = totp.enrol(user, secret, form.code.data)
        except ValueError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            session.pop("totp_enrol", None)
            flash("已启用双因素认证。请把下面的恢复码抄下或打印后妥善保存，它们只显示这一次。", "success")
            return render_template("auth/totp.html", user=user, form=None, codes=codes)
    return render_template("auth/totp.html", user=user, form=form, secret=secret, qr=totp.qr_svg(user, secret),
                           codes=None)


@bp.route("/totp/<any(off, codes):what>", methods=["POST"])
@any_role
def totp_change(what: str):
    user = current_user._get_current_object()
    form = ConfirmPasswordForm()
    if not user.totp_secret or not form.validate_on_submit() or not user.check_password(form.password.data):
        flash("当前密码不正确。", "danger")
        return redirect(url_for("auth.totp"))
    if what == "codes":
        codes = totp.new_recovery_codes(user)
        log_event(db.session, "totp", user, {"操作": "重新生成恢复码"})
        db.session.commit()
        flash("已生成新的恢复码，原来的恢复码已作废。", "success")
        return render_template("auth/totp.html", user=user, form=None, codes=codes)
    if user.role in policy.totp_roles():
        flash("您的角色须使用双因素认证，不能停用。", "danger")
        return redirect(url_for("auth.totp"))
    totp.remove(user, user)
    db.session.commit()
    flash("已停用双因素认证。", "success")
    return redirect(url_for("auth.totp"))


@bp.route("/tokens", methods=["GET", "POST"])
@any_role
def tokens_page():
    """API 令牌: one's own tokens for the API (/api/docs), made here, shown once, revoked at will."""
    form, made = TokenForm(), {}
    if form.validate_on_submit() and saved(lambda: made.update(zip(("token", "secret"), tokens.issue(
            current_user, current_user, form.name.data, form.days.data, form.write.data, date.today()))),
            "已创建令牌。请立即复制保存：离开本页后无法再次查看。"):
        form = TokenForm(formdata=None)
    own = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == current_user.id)
                             .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())).all()
    return render_template("auth/tokens.html", form=form, tokens=own, secret=made.get("secret"), today=date.today())


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@any_role
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if not tokens.may_manage(current_user, token):
        abort(404)
    saved(lambda: tokens.revoke(current_user, token), f"已吊销令牌“{token.name}”。")
    return back_to("auth.tokens_page")
