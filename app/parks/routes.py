from datetime import date

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin.services import unit_choices
from app.audit_trail import log_denied
from app.auth.decorators import roles_required
from app.auth.scope import get_child_or_404, get_scoped_or_404, scoped
from app.chains import services as chain_services
from app.excel import Sheet, xlsx_response
from app.extensions import db
from app.models import COMMITTING, NEEDS, CapacityItem, ChainNode, Park, Project
from app.models.enums import CAPACITY_UNITS, CapacityKind, Role
from app.parks import bp, matching, services
from app.parks.forms import CapacityItemForm, NeedsForm, NewParkForm, ParkForm
from app.web import saved

keepers = roles_required(Role.ADMIN, Role.PARK_ADMIN)


@bp.route("/")
@roles_required()
def index():
    """Every park in scope with what is available of each capacity kind; sortable by any of them."""
    rows = services.overview(scoped(sa.select(Park), current_user, Park.unit_id))
    # The kinds projects commit, then any other kind some park in scope lists.
    kinds = [k for k in services.LISTED_KINDS
             if k in NEEDS or any(r["kinds"][k.value]["total"] is not None for r in rows)]
    sort = request.args.get("sort")
    if sort in {k.value for k in kinds}:
        rows.sort(key=lambda r: (r["kinds"][sort]["available"] is None, -(r["kinds"][sort]["available"] or 0)))
    return render_template("parks/index.html", rows=rows, kinds=kinds, sort=sort)


EXPORT_HEADERS = ["园区", "要素类别", "名称", "总量", "已占用", "可用", "单位", "截至日期", "其中标准地", "层高", "承重",
                  "备注"]


@bp.route("/export.xlsx")
@bp.route("/<int:park_id>/export.xlsx")
@roles_required()
def export(park_id: int | None = None):
    """The capacity lists of one park, or of every park in scope, with what projects commit."""
    if park_id:
        get_scoped_or_404(Park, park_id, current_user)
    stmt = scoped(sa.select(Park), current_user, Park.unit_id).options(selectinload(Park.capacity_items))
    overview = services.overview(stmt.where(Park.id == park_id) if park_id else stmt)  # a fixed number of queries
    rows = []
    for row in overview:
        for item in row["park"].capacity_items:
            used = row["kinds"][item.kind]["committed"] if item.kind in NEEDS else None
            rows.append([row["park"].name, CapacityKind.label_of(item.kind), item.name, item.total, used,
                         None if used is None else item.total - used, item.unit, item.as_of, item.standard_land_mu,
                         item.floor_height_m, item.floor_load_kn_m2, item.notes])
    name = f"要素保障能力清单-{overview[0]['park'].name}.xlsx" if park_id else "要素保障能力清单.xlsx"
    return xlsx_response(name, f"park-capacity-{park_id}.xlsx" if park_id else "park-capacity.xlsx",
                         [Sheet("要素保障能力清单", EXPORT_HEADERS, rows)])


@bp.route("/match")
@roles_required()
def match():
    """项目—园区匹配: from a project (?project_id=) or from needs typed in for a prospect."""
    form = NeedsForm(request.args)
    form.chain_id.choices = [("", "—")] + chain_services.chain_options(current_user)
    project = None
    if request.args.get("project_id", type=int):
        project = get_scoped_or_404(Project, request.args.get("project_id", type=int), current_user)
        needs = matching.Needs.of_project(project)
    else:
        form.validate()
        data = form.valid_data()
        needs = matching.Needs({kind: data[column] for kind, column in matching.NEED_FIELDS.items()
                                if data.get(column)}, data.get("chain_id"), data.get("agreed_investment_wan"))
    matches = matching.rank(scoped(sa.select(Park), current_user, Park.unit_id), needs) if needs.amounts else []
    return render_template("parks/match.html", form=form, project=project, needs=needs, matches=matches)


@bp.route("/<int:park_id>")
@roles_required()
def detail(park_id: int):
    park = get_scoped_or_404(Park, park_id, current_user)
    raw = request.args.get("on", "")
    try:
        on = date.fromisoformat(raw) if raw else None
    except ValueError:
        on = None
    items = services.items_as_of(park, on) if on else park.capacity_items
    committed = services.committed(park)
    # Every project in the park, whoever's 责任单位 it is: those that commit its capacity make up
    # 已占用. Those outside the user's scope show only name, stage and needs, without a link.
    in_park = sa.select(Project).where(Project.park_id == park.id)
    projects = db.session.scalars(in_park.options(selectinload(Project.chain_node).selectinload(ChainNode.chain))
                                  .order_by(Project.stage, Project.stage_on.desc(), Project.id)).all()
    visible = set(db.session.scalars(scoped(in_park.with_only_columns(Project.id), current_user, Project.unit_id)))
    leading = {c.id for c in park.chains}
    return render_template("parks/detail.html", park=park, items=items, on=on, committed=committed, leading=leading,
                           projects=projects, visible=visible, committing=COMMITTING,
                           needs=[(CapacityKind.label_of(kind), column.key, CAPACITY_UNITS[kind])
                                  for kind, column in NEEDS.items()],
                           history=services.history(park), may_edit=services.may_edit(current_user, park))


def _editable(park_id: int) -> Park:
    """The park if the user keeps its list; otherwise the attempt is put on record and refused."""
    park = get_scoped_or_404(Park, park_id, current_user)
    if not services.may_edit(current_user, park):
        log_denied(db.session, park, f"{request.method} {request.path}")
        abort(403)
    return park


def _chain_choices() -> list:
    return chain_services.chain_options(current_user)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    form = NewParkForm()
    form.chain_ids.choices = _chain_choices()
    form.unit_id.choices = unit_choices(current_user)
    made = {}
    if form.validate_on_submit() and saved(
            lambda: made.setdefault("park", services.create_park(current_user, form.data, form.chain_ids.data)),
            f"已新建园区“{form.name.data}”。"):
        return redirect(url_for("parks.detail", park_id=made["park"].id))
    return render_template("parks/edit.html", form=form, park=None)


@bp.route("/<int:park_id>/edit", methods=["GET", "POST"])
@keepers
def edit(park_id: int):
    park = _editable(park_id)
    form = ParkForm(obj=park)
    form.chain_ids.choices = _chain_choices()
    # A chain the park already leads in stays a choice even if it is not one the user sees.
    form.chain_ids.choices += [(c.id, c.name) for c in park.chains if c.id not in dict(form.chain_ids.choices)]
    if request.method == "GET":
        form.chain_ids.data = [c.id for c in park.chains]
    if form.validate_on_submit() and saved(lambda: services.update_park(park, form.data, form.chain_ids.data),
                                           f"已保存园区“{park.name}”。", edits=park):
        return redirect(url_for("parks.detail", park_id=park.id))
    return render_template("parks/edit.html", form=form, park=park)


@bp.route("/<int:park_id>/items/new", methods=["GET", "POST"])
@bp.route("/<int:park_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@keepers
def item_form(park_id: int, item_id: int | None = None):
    park = _editable(park_id)
    item = get_child_or_404(CapacityItem, item_id, park_id=park.id) if item_id else None
    form = CapacityItemForm(obj=item)
    if request.method == "GET" and item is None:
        form.as_of.data = date.today()
    if form.validate_on_submit() and saved(
            lambda: services.save_item(current_user, park, form.data, item),
            lambda i: f"已保存：{i.name} {i.total} {i.unit}。", edits=item):
        return redirect(url_for("parks.detail", park_id=park.id))
    return render_template("parks/item_form.html", form=form, park=park, item=item)


@bp.route("/<int:park_id>/items/<int:item_id>/delete", methods=["POST"])
@keepers
def item_delete(park_id: int, item_id: int):
    park = _editable(park_id)
    item = get_child_or_404(CapacityItem, item_id, park_id=park.id)
    saved(lambda: services.remove_item(current_user, item), f"已删除：{item.name}。", edits=item)
    return redirect(url_for("parks.detail", park_id=park.id))
