from datetime import date

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin.services import unit_choices
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404
from app.events import bp, services
from app.events.forms import AddEnterpriseForm, AddProjectForm, EventFilterForm, EventForm
from app.excel import Sheet, xlsx_response
from app.models import Event
from app.models.enums import Role
from app.search import services as picker
from app.web import list_filters, paginate, saved

editors = roles_required(Role.ADMIN, Role.MANAGER, Role.OFFICER)


def _year() -> int:
    raw = request.args.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else date.today().year


@bp.route("/")
@roles_required()
def index():
    year = _year()
    form = list_filters(EventFilterForm)
    stmt = services.search(current_user, form.valid_data())
    pagination = paginate(stmt.options(selectinload(Event.unit), selectinload(Event.enterprises)))
    return render_template("events/index.html", form=form, pagination=pagination, year=year,
                           signed=services.signed_counted([e.id for e in pagination.items]),
                           per_unit=services.events_against_targets(current_user, year))


def _form(event=None) -> EventForm:
    form = EventForm(obj=event)
    form.unit_id.choices = unit_choices(current_user)
    if event is None and request.method == "GET":
        form.unit_id.data = current_user.unit_id
    return form


def _fields(form: EventForm) -> dict:
    return {name: (f.data.strip() or None) if isinstance(f.data, str) and name != "name" else f.data
            for name, f in form._fields.items() if name in services.FIELDS}


@bp.route("/export.xlsx")
@roles_required()
def export():
    """The events as filtered (the query string)."""
    rows = services.export_rows(services.search(current_user, list_filters(EventFilterForm).valid_data()))
    return xlsx_response("招商活动.xlsx", "events.xlsx", [Sheet("招商活动", services.EXPORT_HEADERS, rows)])


@bp.route("/new", methods=["GET", "POST"])
@editors
def create():
    form = _form()
    if form.validate_on_submit():
        result = {}
        if saved(lambda: result.setdefault("event", services.save_event(current_user, _fields(form))),
                 f"已新建活动“{form.name.data}”。"):
            return redirect(url_for("events.detail", event_id=result["event"].id))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/<int:event_id>")
@roles_required()
def detail(event_id: int):
    event = get_scoped_or_404(Event, event_id, current_user)
    q = request.args.get("q", "").strip()[:50]
    found_enterprises, found_projects = [], []
    if q:  # by the pickers' search: names, pinyin and initials, project numbers
        found_enterprises = picker.enterprise_choices(current_user, q)
        found_projects = picker.project_choices(current_user, q, date.today())
    return render_template("events/detail.html", event=event, lines=services.project_lines(event), q=q,
                           found_enterprises=found_enterprises, found_projects=found_projects,
                           enterprise_form=AddEnterpriseForm(), project_form=AddProjectForm())


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@editors
def edit(event_id: int):
    event = get_scoped_or_404(Event, event_id, current_user)
    form = _form(event)
    if form.validate_on_submit() and saved(lambda: services.save_event(current_user, _fields(form), event),
                                           f"已保存活动“{form.name.data}”。", edits=event):
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event)


@bp.route("/<int:event_id>/enterprises", methods=["POST"])
@editors
def add_enterprise(event_id: int):
    event = get_scoped_or_404(Event, event_id, current_user)
    form = AddEnterpriseForm()
    if form.validate_on_submit():
        saved(lambda: services.add_enterprise(current_user, event, form.enterprise_id.data),
              lambda e: f"已添加会见企业“{e.name}”。")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/enterprises/<int:enterprise_id>/remove", methods=["POST"])
@editors
def remove_enterprise(event_id: int, enterprise_id: int):
    event = get_scoped_or_404(Event, event_id, current_user)
    saved(lambda: services.remove_enterprise(event, enterprise_id), "已移除。")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/projects", methods=["POST"])
@editors
def add_project(event_id: int):
    event = get_scoped_or_404(Event, event_id, current_user)
    form = AddProjectForm()
    if form.validate_on_submit():
        saved(lambda: services.add_project(current_user, event, form.project_id.data, form.signed_here.data),
              lambda p: f"已添加项目“{p.name}”。")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/projects/<int:project_id>/remove", methods=["POST"])
@editors
def remove_project(event_id: int, project_id: int):
    event = get_scoped_or_404(Event, event_id, current_user)
    saved(lambda: services.remove_project(event, project_id), "已移除。")
    return redirect(url_for("events.detail", event_id=event.id))
