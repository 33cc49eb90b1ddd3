from datetime import date

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.activities import bp, services
from app.activities.forms import ActivityFilterForm, ActivityForm
from app.admin.services import unit_choices
from app.attachments.services import AttachmentError
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404
from app.excel import Sheet, xlsx_response
from app.extensions import db
from app.models import Activity, Attachment, Enterprise, Project
from app.models.enums import Role
from app.revision import kept_page
from app.search import services as picker
from app.web import back_to, list_filters, paginate, saved

editors = roles_required(Role.ADMIN, Role.MANAGER, Role.OFFICER)


@bp.route("/")
@roles_required()
@kept_page
def index():
    form = list_filters(ActivityFilterForm)
    stmt = services.search(current_user, form.valid_data()).options(
        selectinload(Activity.unit), selectinload(Activity.enterprises), selectinload(Activity.recorded_by))
    return render_template("activities/index.html", form=form, pagination=paginate(stmt))


@bp.route("/export.xlsx")
@roles_required()
def export():
    """The visit log as filtered (the query string)."""
    rows = services.export_rows(services.search(current_user, list_filters(ActivityFilterForm).valid_data()))
    return xlsx_response("对接记录.xlsx", "activities.xlsx", [Sheet("对接记录", services.EXPORT_HEADERS, rows)])


@bp.route("/follow-ups")
@roles_required()
def follow_ups():
    return render_template("activities/follow_ups.html", groups=services.follow_ups(current_user))


@bp.route("/stale")
@roles_required()
def stale():
    raw = request.args.get("days", "")
    days = int(raw) if raw.isdigit() and 0 < int(raw) <= 3650 else current_app.config["STALE_CONTACT_DAYS"]
    stmt = services.stale_targets(current_user, days).options(selectinload(Enterprise.unit),
                                                              selectinload(Enterprise.officer))
    return render_template("activities/stale.html", days=days, pagination=paginate(stmt))


def visit_form(formdata=None) -> ActivityForm:
    """The visit form as posted (by the page, or an API call's ``formdata``): the user's units, and
    of the enterprises and project sent those in scope."""
    form = ActivityForm(**({"formdata": formdata} if formdata is not None else {}))
    sent = formdata if formdata is not None else request.form
    form.unit_id.choices = unit_choices(current_user)
    form.enterprise_ids.choices = picker.picked(Enterprise, current_user, sent.getlist("enterprise_ids"))
    form.project_id.choices = [("", "—")] + picker.picked(Project, current_user, [sent.get("project_id", "")])
    return form


def log_visit(form: ActivityForm, uploads=()) -> Activity:
    return services.log_activity(current_user, form.data_for_service(), form.enterprise_ids.data, uploads)


@bp.route("/new", methods=["GET", "POST"])
@editors
def create():
    """Log a visit: from an enterprise's or a project's page (?enterprise_id=, ?project_id=, the
    project's investor with it), or from anywhere with the enterprises and project picked by name."""
    if request.method == "GET":
        form = ActivityForm()
        form.unit_id.choices = unit_choices(current_user)
        enterprise_ids, project_id = request.args.getlist("enterprise_id"), request.args.get("project_id", "")
        if project_id.isdigit():
            project = get_scoped_or_404(Project, int(project_id), current_user)
            enterprise_ids += [project.investor_id] if project.investor_id else []
        form.enterprise_ids.choices = picker.picked(Enterprise, current_user, enterprise_ids)
        form.project_id.choices = [("", "—")] + picker.picked(Project, current_user, [project_id])
        form.unit_id.data, form.occurred_on.data = current_user.unit_id, date.today()
        form.enterprise_ids.data = [c[0] for c in form.enterprise_ids.choices]
        form.project_id.data = form.project_id.choices[-1][0] or None
    else:
        form = visit_form()
    if form.validate_on_submit():
        try:
            activity = log_visit(form, [*(form.attachments.data or []), *(form.photos.data or [])])
        except (services.ActivityError, AttachmentError) as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash("已记录对接。", "success")
            return redirect(url_for("activities.detail", activity_id=activity.id))
    return render_template("activities/form.html", form=form)


@bp.route("/<int:activity_id>")
@roles_required()
def detail(activity_id: int):
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    attachments = db.session.scalars(sa.select(Attachment).where(Attachment.owner_type == "Activity",
                                                                 Attachment.owner_id == activity.id)).all()
    return render_template("activities/detail.html", activity=activity, attachments=attachments,
                           may_change=current_user.role != Role.PARK_ADMIN and services.may_change(current_user, activity))


def _changeable(activity_id: int) -> Activity:
    """A visit in scope that the user may correct or delete (its author, or a manager); 403 else."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    return activity if services.may_change(current_user, activity) else abort(403)


def correction_form(activity: Activity, formdata=None) -> ActivityForm:
    """The form that corrects a visit: its enterprises and files stay as logged."""
    form = ActivityForm(obj=activity, **({"formdata": formdata} if formdata is not None else {}))
    del form.enterprise_ids, form.attachments, form.photos
    form.unit_id.choices = unit_choices(current_user)
    if formdata is not None or request.method == "POST":
        sent = (formdata if formdata is not None else request.form).get("project_id", "")
    else:
        sent = activity.project_id
    form.project_id.choices = [("", "—")] + picker.picked(Project, current_user, [sent])
    return form


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@editors
def edit(activity_id: int):
    """Correct a visit: its author, or a manager (or admin) over it."""
    activity = _changeable(activity_id)
    form = correction_form(activity)
    if form.validate_on_submit() and saved(
        lambda: services.update_activity(current_user, activity, form.data_for_service()),
        "已保存对接记录。", edits=activity,
    ):
        return redirect(url_for("activities.detail", activity_id=activity.id))
    return render_template("activities/form.html", form=form, activity=activity)


@bp.route("/<int:activity_id>/delete", methods=["POST"])
@editors
def delete(activity_id: int):
    activity = _changeable(activity_id)
    if saved(lambda: services.delete_activity(current_user, activity), "已删除对接记录。", edits=activity):
        return redirect(url_for("activities.index"))
    return redirect(url_for("activities.detail", activity_id=activity.id))


@bp.route("/<int:activity_id>/follow-up-done", methods=["POST"])
@editors
def follow_up_done(activity_id: int):
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    saved(lambda: services.close_follow_up(activity), "已标记跟进完成。", edits=activity)
    return back_to("activities.follow_ups")
