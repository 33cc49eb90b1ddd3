import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin import bp, services
from app import unit_settings
from app.agenda import services as agenda
from app.admin.forms import (
    AgendaSettingsForm,
    DispatchSettingsForm,
    ReportSettingsForm,
    ThresholdForm,
    UnitForm,
    UsccExceptionForm,
    UserForm,
)
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, get_scoped_unit, scoped
from app.concurrency import claim_settings, version_of
from app.enterprises import services as enterprises
from app.extensions import db
from app.models import OrgUnit, Park, UsccException, User
from app.models.enums import Role
from app.problems import services as problems
from app.supervision import services as supervision
from app.projects import warnings
from app.reports import settings as report_settings
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
            unit_id=form.unit_id.data, park_id=form.park_id.data, password=form.password.data or "",
            email=form.email.data),
        lambda user: f"已新建用户 {user.username}，请安全管理员为其分配角色。",
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
                                     unit_id=form.unit_id.data, park_id=form.park_id.data, email=form.email.data),
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


def _settings_unit() -> OrgUnit:
    """The unit whose settings a page edits: ``?unit=`` among the admin's subtree, else its own."""
    raw = request.args.get("unit")
    if raw is None:
        return current_user.unit
    return (get_scoped_unit(current_user, int(raw)) if raw.isdigit() else None) or abort(404)


def _settings_page(template: str, form, unit: OrgUnit, fields: dict[str, str], save, shown=str):
    """A page of a unit's settings (setting key → form field): its own values in the form; each
    field says what a blank one follows (the value above and whose it is). Saved against the
    version the page was opened with."""
    keys = list(fields)
    found = unit_settings.inherited(unit, keys)
    for key, (value, source) in found.items():
        form[fields[key]].description = f"留空则沿用“{db.session.get(OrgUnit, source).name}”的设置：{shown(value)}"
    if form.validate_on_submit() and saved(lambda: (claim_settings(unit_settings.rows(unit.id, keys),
                                                                   form.version.data), save()),
                                           f"已保存“{unit.name}”的设置，对其下级单位同样生效（下级另有设置的除外）。"):
        return redirect(url_for(request.endpoint, unit=unit.id))
    if not form.is_submitted():  # a refused save keeps the version it was opened with
        form.version.data = version_of(unit_settings.rows(unit.id, keys))
    return render_template(template, form=form, unit=unit, units=services.units_in_scope(current_user))


@bp.route("/warnings", methods=["GET", "POST"])
@admin_only
def warning_thresholds():
    """预警阈值: the numbers in the warning rules (app/projects/warnings.py), per unit."""
    unit = _settings_unit()
    form = ThresholdForm(data={key: int(value) for key, value in unit_settings.own(unit.id, warnings.KEYS).items()})
    return _settings_page("admin/warnings.html", form, unit, {key: key for key in warnings.KEYS},
                          lambda: warnings.save_thresholds(unit.id, {key: form[key].data for key in warnings.KEYS}))


@bp.route("/reports", methods=["GET", "POST"])
@admin_only
def report_settings_page():
    """报表设置: the 协议投资 tiers signed projects are counted by, and where 合计 stands, per unit."""
    unit = _settings_unit()
    form = ReportSettingsForm(data=report_settings.form_data(unit.id))
    return _settings_page("admin/reports.html", form, unit, report_settings.FORM_FIELDS,
                          lambda: report_settings.save(unit.id, form.tiers.data, form.total_first.data),
                          report_settings.shown)


@bp.route("/dispatch", methods=["GET", "POST"])
@admin_only
def dispatch_settings_page():
    """调度设置: how many days a project problem may stay unsolved at a level before it climbs, and
    how often an overdue 督办 is reminded."""
    unit = _settings_unit()
    fields = {problems.ESCALATE_DAYS: "escalate_days", supervision.REMIND_DAYS: "remind_days"}
    form = DispatchSettingsForm(data={field: int(value) for key, field in fields.items()
                                      for value in [unit_settings.own(unit.id, [key]).get(key)] if value})
    return _settings_page("admin/dispatch.html", form, unit, fields,
                          lambda: (problems.save_escalate_days(unit.id, form.escalate_days.data),
                                   supervision.save_remind_days(unit.id, form.remind_days.data)),
                          lambda value: f"{value} 天")


@bp.route("/agenda", methods=["GET", "POST"])
@admin_only
def agenda_settings_page():
    """工作台设置: whether the unit's managers see their whole scope or their own follow-ups first."""
    unit = _settings_unit()
    form = AgendaSettingsForm(data={"manager_view": unit_settings.own(unit.id, [agenda.MANAGER_VIEW]).get(agenda.MANAGER_VIEW, "")})
    return _settings_page("admin/agenda.html", form, unit, {agenda.MANAGER_VIEW: "manager_view"},
                          lambda: agenda.save_manager_view(unit.id, form.manager_view.data),
                          lambda value: agenda.VIEWS.get(value, value))


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
