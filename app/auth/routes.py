from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from app.audit_trail import log_event
from app.auth import bp
from app.auth.decorators import public, roles_required
from app.auth.forms import ChangePasswordForm, LoginForm
from app.auth.passwords import PasswordError, change_own_password, must_change
from app.auth.services import LoginError, authenticate, log_out
from app.extensions import db
from app.web import begin_session, is_local_url


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, request.remote_addr or "")
        except LoginError as error:
            db.session.commit()  # keep the failed attempt for the lock-out count
            flash(str(error), "danger")
        else:
            db.session.commit()
            begin_session(user)
            target = request.args.get("next")
            return redirect(target if is_local_url(target) else url_for("dashboard.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@roles_required()
def logout():
    log_out(current_user._get_current_object())
    log_event(db.session, "logout", current_user, {"地址": request.remote_addr or ""})
    db.session.commit()
    logout_user()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@roles_required()
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
            begin_session(current_user)  # this session goes on; the user's others have ended
            flash("密码已修改，其他登录会话已退出。", "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", form=form, reason=must_change(current_user))
