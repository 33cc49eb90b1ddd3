from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin.services import unit_choices
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.extensions import db
from app.leaders import bp, services
from app.leaders.forms import LeaderForm, LinkForm
from app.models import Enterprise, Leader, LeaderLink, Project, User
from app.web import back_to, saved

keepers = roles_required(*services.KEEPERS)


def _leader(leader_id: int) -> Leader:
    return db.session.scalars(services.visible(current_user).where(Leader.id == leader_id)).first() or abort(404)


@bp.route("/")
@roles_required()
def index():
    leaders = db.session.scalars(services.visible(current_user).options(selectinload(Leader.unit))
                                 .order_by(Leader.is_active.desc(), Leader.unit_id, Leader.name)).all()
    return render_template("leaders/index.html", leaders=leaders, may_keep=current_user.role in services.KEEPERS)


def _form(leader: Leader | None = None) -> LeaderForm:
    form = LeaderForm(obj=leader)
    form.unit_id.choices = unit_choices(current_user)
    form.user_id.choices = [("", "—")] + [tuple(row) for row in db.session.execute(scoped(
        sa.select(User.id, User.display_name).where(User.is_active.is_(True)).order_by(User.display_name),
        current_user, User.unit_id))]
    if leader is None and request.method == "GET":
        form.unit_id.data = current_user.unit_id
    return form


@bp.route("/new", methods=["GET", "POST"])
@keepers
def create():
    form = _form()
    made = {}
    if form.validate_on_submit() and saved(lambda: made.setdefault("leader", services.save(current_user, form.data)),
                                           "已添加包保领导。"):
        return redirect(url_for("leaders.detail", leader_id=made["leader"].id))
    return render_template("leaders/form.html", form=form)


@bp.route("/<int:leader_id>/edit", methods=["GET", "POST"])
@keepers
def edit(leader_id: int):
    leader = get_scoped_or_404(Leader, leader_id, current_user)  # kept by its own unit and those above
    form = _form(leader)
    if form.validate_on_submit() and saved(lambda: services.save(current_user, form.data, leader), "已保存。",
                                           edits=leader):
        return redirect(url_for("leaders.detail", leader_id=leader.id))
    return render_template("leaders/form.html", form=form, leader=leader)


@bp.route("/<int:leader_id>")
@roles_required()
def detail(leader_id: int):
    """Everything the leader is in charge of, within the user's scope, with warnings and open problems."""
    leader = _leader(leader_id)
    today = date.today()
    return render_template("leaders/detail.html", leader=leader, today=today,
                           charge=services.in_charge(current_user, leader, today),
                           may_keep=current_user.role in services.KEEPERS)


@bp.route("/links", methods=["POST"])
@keepers
def link():
    """Put a leader in charge of an enterprise or a project (from its page)."""
    form = LinkForm()
    form.leader_id.choices = [(i, "") for i in db.session.scalars(services.visible(current_user).with_only_columns(Leader.id))]
    if not form.validate_on_submit() or bool(form.enterprise_id.data) == bool(form.project_id.data):
        flash("请选择您可见的在任包保领导。", "danger")
        return back_to("leaders.index")
    enterprise = get_scoped_or_404(Enterprise, form.enterprise_id.data, current_user) if form.enterprise_id.data else None
    project = get_scoped_or_404(Project, form.project_id.data, current_user) if form.project_id.data else None
    saved(lambda: services.put_in_charge(current_user, form.leader_id.data, enterprise, project), "已设置包保领导。")
    return back_to("leaders.index")


@bp.route("/links/<int:link_id>/remove", methods=["POST"])
@keepers
def unlink(link_id: int):
    link = db.get_or_404(LeaderLink, link_id)
    if link.enterprise_id:
        get_scoped_or_404(Enterprise, link.enterprise_id, current_user)
    else:
        get_scoped_or_404(Project, link.project_id, current_user)
    saved(lambda: services.release(link), "已取消包保。")
    return back_to("leaders.index")
