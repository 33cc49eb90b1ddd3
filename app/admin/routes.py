from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin import bp, services
from app.admin.forms import (
    AuditFilterForm,
    PasswordForm,
    ReportSettingsForm,
    ThresholdForm,
    UnitForm,
    UsccExceptionForm,
    UserForm,
)
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.enterprises import services as enterprises
from app.extensions import db
from app.models import Audited, AuditLog, OrgUnit, Park, UsccException, User
from app.models.enums import Role
from app.projects import warnings
from app.reports import settings as report_settings
from app.models.common import BEIJING
from app.web import paginate, saved

admin_only = roles_required(Role.ADMIN)


def _unit_choices(with_blank: bool = False):
    choices = [(u.id, f"{u.code} {u.name}") for u in services.units_in_scope(current_user)]
    return ([("", "—")] if with_blank else []) + choices


def _park_choices():
    parks = db.session.scalars(scoped(sa.select(Park).order_by(Park.name), current_user, Park.unit_id))
    return [("", "—")] + [(p.id, p.name) for p in parks]


@bp.route("/")
@admin_only
def index():
    return redirect(url_for("admin.units"))


@bp.route("/units")
@admin_only
def units():
    units = services.units_in_scope(current_user)
    return render_template("admin/units.html", units=units)


@bp.route("/units/new", methods=["GET", "POST"])
@admin_only
def unit_create():
    form = UnitForm()
    form.parent_id.choices = _unit_choices()
    if form.validate_on_submit() and saved(
        lambda: services.create_unit(current_user, code=form.code.data.strip(), name=form.name.data.strip(),
                                     kind=form.kind.data, parent_id=form.parent_id.data),
        lambda unit: f"已新建单位“{unit.name}”。",
    ):
        return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@admin_only
def unit_edit(unit_id: int):
    unit = get_scoped_or_404(OrgUnit, unit_id, current_user, OrgUnit.id)
    form = UnitForm(obj=unit)
    form.parent_id.choices = _unit_choices(with_blank=unit.parent_id is None)
    if form.validate_on_submit() and saved(
        lambda: services.update_unit(current_user, unit, code=form.code.data.strip(), name=form.name.data.strip(),
                                     kind=form.kind.data, parent_id=form.parent_id.data),
        f"已保存单位“{form.name.data.strip()}”。", edits=unit,
    ):
        return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=unit)


@bp.route("/units/<int:unit_id>/active", methods=["POST"])
@admin_only
def unit_toggle(unit_id: int):
    unit = get_scoped_or_404(OrgUnit, unit_id, current_user, OrgUnit.id)
    active = not unit.is_active
    saved(lambda: services.set_unit_active(current_user, unit, active),
          f"单位“{unit.name}”已{'启用' if active else '停用'}。", edits=unit)
    return redirect(url_for("admin.units"))


@bp.route("/users")
@admin_only
def users():
    stmt = scoped(sa.select(User).options(selectinload(User.unit), selectinload(User.park))
                  .order_by(User.username), current_user, User.unit_id)
    return render_template("admin/users.html", pagination=paginate(stmt))


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def user_create():
    form = UserForm()
    form.unit_id.choices = _unit_choices()
    form.park_id.choices = _park_choices()
    if form.validate_on_submit() and saved(
        lambda: services.create_user(
            current_user, username=form.username.data, display_name=form.display_name.data.strip(),
            role=form.role.data, unit_id=form.unit_id.data, park_id=form.park_id.data,
            password=form.password.data or ""),
        lambda user: f"已新建用户 {user.username}。",
    ):
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_only
def user_edit(user_id: int):
    user = get_scoped_or_404(User, user_id, current_user)
    form = UserForm(obj=user)
    del form.username, form.password
    form.unit_id.choices = _unit_choices()
    form.park_id.choices = _park_choices()
    if form.validate_on_submit() and saved(
        lambda: services.update_user(current_user, user, display_name=form.display_name.data.strip(),
                                     role=form.role.data, unit_id=form.unit_id.data, park_id=form.park_id.data),
        f"已保存用户 {user.username}。", edits=user,
    ):
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_only
def user_toggle(user_id: int):
    user = get_scoped_or_404(User, user_id, current_user)
    active = not user.is_active
    saved(lambda: services.set_user_active(current_user, user, active),
          f"用户 {user.username} 已{'启用' if active else '停用'}。", edits=user)
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@admin_only
def user_password(user_id: int):
    user = get_scoped_or_404(User, user_id, current_user)
    form = PasswordForm()
    if form.validate_on_submit() and saved(lambda: services.reset_password(user, form.password.data),
                                           f"已重置用户 {user.username} 的密码。"):
        return redirect(url_for("admin.users"))
    return render_template("admin/password_form.html", form=form, user=user)


def _audited_types() -> list[str]:
    return sorted(m.class_.__name__ for m in db.Model.registry.mappers if issubclass(m.class_, Audited))


@bp.route("/audit")
@admin_only
def audit():
    form = AuditFilterForm(request.args)
    users_in_scope = scoped(sa.select(User).order_by(User.username), current_user, User.unit_id)
    form.user_id.choices = [("", "全部")] + [(u.id, f"{u.username} {u.display_name}")
                                           for u in db.session.scalars(users_in_scope)]
    form.record_type.choices = [("", "全部")] + [(t, AuditLog.RECORD_LABELS.get(t, t)) for t in _audited_types()]
    form.validate()
    # An admin sees the trail of the users in its scope (and of system jobs only at the root).
    stmt = sa.select(AuditLog).order_by(AuditLog.id.desc())
    stmt = scoped(stmt.outerjoin(User, User.id == AuditLog.user_id), current_user, User.unit_id)
    if form.user_id.data and not form.user_id.errors:
        stmt = stmt.where(AuditLog.user_id == form.user_id.data)
    if form.record_type.data and not form.record_type.errors:
        stmt = stmt.where(AuditLog.record_type == form.record_type.data)
    if form.date_from.data and not form.date_from.errors:
        stmt = stmt.where(AuditLog.at >= _beijing_midnight_utc(form.date_from.data))
    if form.date_to.data and not form.date_to.errors:
        stmt = stmt.where(AuditLog.at < _beijing_midnight_utc(form.date_to.data + timedelta(days=1)))
    pagination = paginate(stmt)
    names = {u.id: u.display_name for u in db.session.scalars(
        sa.select(User).where(User.id.in_({e.user_id for e in pagination.items if e.user_id})))}
    return render_template("admin/audit.html", form=form, pagination=pagination, names=names)


def _beijing_midnight_utc(day):
    """Dates in the filter are Beijing dates; the log is stored in UTC."""
    return datetime.combine(day, time.min, BEIJING).astimezone(UTC)


@bp.route("/warnings", methods=["GET", "POST"])
@admin_only
def warning_thresholds():
    """预警阈值: the numbers in the warning rules (app/projects/warnings.py)."""
    form = ThresholdForm(data=warnings.thresholds())
    if form.validate_on_submit() and saved(lambda: warnings.save_thresholds(form.data), "已保存预警阈值。"):
        return redirect(url_for("admin.warning_thresholds"))
    return render_template("admin/warnings.html", form=form)


@bp.route("/reports", methods=["GET", "POST"])
@admin_only
def report_settings_page():
    """报表设置: the 协议投资 tiers signed projects are counted by, and where 合计 stands."""
    form = ReportSettingsForm(data={"tiers": ", ".join(map(report_settings.yi, report_settings.tiers())),
                                    "total_first": report_settings.total_first()})
    if form.validate_on_submit() and saved(lambda: report_settings.save(form.tiers.data, form.total_first.data),
                                           "已保存报表设置。"):
        return redirect(url_for("admin.report_settings_page"))
    return render_template("admin/reports.html", form=form)


@bp.route("/uscc-exceptions", methods=["GET", "POST"])
@admin_only
def uscc_exceptions():
    """信用代码例外: early codes that fail the GB 32100 check yet were legally issued, as verified."""
    form = UsccExceptionForm()
    if form.validate_on_submit() and saved(lambda: enterprises.add_exception(current_user, form.code.data, form.note.data),
                                           lambda e: f"已登记例外代码 {e.code}。"):
        return redirect(url_for("admin.uscc_exceptions"))
    rows = db.session.scalars(sa.select(UsccException).order_by(UsccException.id.desc())).all()
    return render_template("admin/uscc_exceptions.html", form=form, rows=rows)


@bp.route("/uscc-exceptions/<int:exception_id>/delete", methods=["POST"])
@admin_only
def uscc_exception_delete(exception_id: int):
    exception = get_scoped_or_404(UsccException, exception_id, current_user)
    saved(lambda: enterprises.remove_exception(exception), f"已移除例外代码 {exception.code}。")
    return redirect(url_for("admin.uscc_exceptions"))
