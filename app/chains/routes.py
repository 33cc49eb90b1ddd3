from datetime import date

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin.services import unit_choices
from app.audit_trail import log_denied
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404
from app.chains import bp, services
from app.chains.forms import ChainForm, DeleteNodeForm, LinkForm, NodeForm, UnlinkForm
from app.excel import xlsx_response
from app.extensions import db
from app.models import Chain, ChainNode, Enterprise, EnterpriseNode, Target
from app.models.enums import Role, Segment
from app.personal import export_reason
from app.projects.indicators import PIPELINE, Scope, stage_figures
from app.search import services as picker
from app.web import flash_errors, saved

KEEPERS = (Role.ADMIN, Role.MANAGER)  # of chains they keep (services.may_edit)
LINKERS = (Role.ADMIN, Role.MANAGER, Role.OFFICER)  # put enterprises in scope on nodes
keepers, linkers = roles_required(*KEEPERS), roles_required(*LINKERS)


def _chain_or_404(chain_id: int) -> Chain:
    return get_scoped_or_404(Chain, chain_id, current_user, inherited=True)


def _editable(chain_id: int) -> Chain:
    """The chain if the user keeps it; otherwise the attempt is put on record and refused."""
    chain = _chain_or_404(chain_id)
    if not services.may_edit(current_user, chain):
        log_denied(db.session, chain, f"{request.method} {request.path}")
        abort(403)
    return chain


def _node_or_404(chain: Chain, node_id: int) -> ChainNode:
    node = next((n for n in chain.nodes if n.id == node_id), None)
    return node or abort(404)


@bp.route("/")
@roles_required()
def index():
    today = date.today()
    chains = services.chains_with_nodes(services.visible_chains(current_user))
    figures = dict(services.statistics(Scope(current_user), date(today.year, 1, 1), today))
    return render_template("chains/index.html", chains=chains, figures=figures, year=today.year, today=today,
                           year_start=date(today.year, 1, 1),
                           may_create=current_user.role in KEEPERS)


@bp.route("/<int:chain_id>")
@roles_required()
def detail(chain_id: int):
    chain = _chain_or_404(chain_id)
    today = date.today()
    scope = Scope(current_user, chain_id=chain.id)
    targets = db.session.scalars(sa.select(Target).where(Target.chain_id == chain.id, Target.year == today.year)
                                 .options(selectinload(Target.unit)).order_by(Target.unit_id, Target.indicator)).all()
    counts = services.node_counts(current_user, chain)
    return render_template("chains/detail.html", chain=chain, tree=services.tree(chain.nodes), counts=counts,
                           year=stage_figures(scope, date(today.year, 1, 1), today), stages=PIPELINE,
                           targets=targets, today=today, may_edit=services.may_edit(current_user, chain))


@bp.route("/<int:chain_id>/map")
@roles_required()
def chain_map(chain_id: int):
    chain = _chain_or_404(chain_id)
    layout = services.map_layout(chain, services.node_counts(current_user, chain))
    return render_template("chains/map.html", chain=chain, layout=layout, box_height=services.BOX_HEIGHT)


@bp.route("/<int:chain_id>/nodes/<int:node_id>")
@roles_required()
def node(chain_id: int, node_id: int):
    """A node's enterprises and projects; ``?panel=1`` gives the part the chain map shows beside it."""
    chain = _chain_or_404(chain_id)
    node = _node_or_404(chain, node_id)
    members = services.node_members(current_user, node)
    query = request.args.get("q", "").strip()
    found = []
    if query and current_user.role in LINKERS:
        found = picker.enterprise_choices(current_user, query)
    template = "chains/_node_panel.html" if request.args.get("panel") else "chains/node.html"
    return render_template(template, chain=chain, node=node, members=members, query=query,
                           found=found, path=services.path_text(services.path_of(node)),
                           may_edit=services.may_edit(current_user, chain), link_form=LinkForm(),
                           unlink_form=UnlinkForm(), may_link=current_user.role in LINKERS)


def _export(chain_id: int | None, title: str, ascii_title: str, sheet_of, reason: str | None = None):
    """A workbook of one chain, or of every chain the user sees (with full contacts when there is
    a ``reason`` for them)."""
    stmt = services.visible_chains(current_user)
    if chain_id:
        stmt = stmt.where(Chain.id == _chain_or_404(chain_id).id)
    chains = services.chains_with_nodes(stmt)
    name = f"{title}-{chains[0].name}.xlsx" if chain_id else f"{title}.xlsx"
    ascii_name = f"{ascii_title}-{chain_id}.xlsx" if chain_id else f"{ascii_title}.xlsx"
    return xlsx_response(name, ascii_name, [sheet_of(chains, chains[0].name if chain_id else "全部产业链")],
                         personal=reason)


@bp.route("/catalogue.xlsx", methods=["GET", "POST"])
@bp.route("/<int:chain_id>/catalogue.xlsx", methods=["GET", "POST"])
@roles_required()
def catalogue(chain_id: int | None = None):
    """招商目录: the gap nodes and their target enterprises, for a 小分队 to take on a trip;
    contact numbers masked unless posted with a reason by a user granted export_personal."""
    reason = export_reason(current_user)
    return _export(chain_id, "招商目录", "investment-directory",
                   lambda chains, what: services.catalogue_sheet(current_user, chains, what, date.today(),
                                                                 full_contacts=reason is not None), reason)


@bp.route("/nodes.xlsx")
@bp.route("/<int:chain_id>/nodes.xlsx")
@roles_required()
def export_nodes(chain_id: int | None = None):
    """The node tree as the chain import reads it."""
    return _export(chain_id, "产业链环节", "chain-nodes", lambda chains, _what: services.tree_sheet(chains))


def _chain_form(chain: Chain | None) -> ChainForm:
    form = ChainForm(obj=chain)
    form.unit_id.choices = unit_choices(current_user)
    if chain is not None and request.method == "GET":
        form.version.data = chain.version
    return form


@bp.route("/new", methods=["GET", "POST"])
@keepers
def create():
    form = _chain_form(None)
    made = {}
    if form.validate_on_submit() and saved(
            lambda: made.setdefault("chain", services.save_chain(current_user, form.data)),
            f"已新建产业链“{form.name.data}”。"):
        return redirect(url_for("chains.detail", chain_id=made["chain"].id))
    return render_template("chains/form.html", form=form, chain=None)


@bp.route("/<int:chain_id>/edit", methods=["GET", "POST"])
@keepers
def edit(chain_id: int):
    chain = _editable(chain_id)
    form = _chain_form(chain)
    if form.validate_on_submit() and saved(
            lambda: services.save_chain(current_user, form.data, chain),
            f"已保存产业链“{form.name.data}”。", edits=chain):
        return redirect(url_for("chains.detail", chain_id=chain.id))
    return render_template("chains/form.html", form=form, chain=chain)


def _node_choices(chain: Chain, leave_out: ChainNode | None = None, blank: str | None = "（顶层）") -> list:
    """The chain's nodes as indented choices, without ``leave_out`` and what lies under it."""
    skip = {leave_out, *services.descendants(leave_out)} if leave_out is not None else set()
    return ([("", blank)] if blank else []) + [
        (n.id, "　" * depth + n.name + f"（{Segment.label_of(n.segment)}）")
        for n, depth in services.tree(chain.nodes) if n not in skip]


@bp.route("/<int:chain_id>/nodes/new", methods=["GET", "POST"])
@bp.route("/<int:chain_id>/nodes/<int:node_id>/edit", methods=["GET", "POST"])
@keepers
def node_form(chain_id: int, node_id: int | None = None):
    chain = _editable(chain_id)
    node = _node_or_404(chain, node_id) if node_id else None
    form = NodeForm(obj=node)
    form.parent_id.choices = _node_choices(chain, node)
    if request.method == "GET":
        form.version.data = node.version if node else None
        if node is None and request.args.get("parent", type=int):
            form.parent_id.data = request.args.get("parent", type=int)
    if form.validate_on_submit():
        parent = _node_or_404(chain, form.parent_id.data) if form.parent_id.data else None
        data = {**form.data, "parent": parent}
        made = {}
        if saved(lambda: made.setdefault("node", services.save_node(current_user, chain, data, node)),
                 f"已保存环节“{form.name.data}”。", edits=node):
            return redirect(url_for("chains.node", chain_id=chain.id, node_id=made["node"].id))
    return render_template("chains/node_form.html", form=form, chain=chain, node=node)


@bp.route("/<int:chain_id>/nodes/<int:node_id>/delete", methods=["GET", "POST"])
@keepers
def node_delete(chain_id: int, node_id: int):
    """Delete a node; while something hangs on it, offer to move that to another node first."""
    chain = _editable(chain_id)
    node = _node_or_404(chain, node_id)
    form = DeleteNodeForm()
    form.move_to.choices = _node_choices(chain, node, blank="—")
    links = services.links_of(node)
    if form.validate_on_submit():
        move_to = _node_or_404(chain, form.move_to.data) if form.move_to.data else None
        if saved(lambda: services.delete_node(current_user, node, move_to), f"已删除环节“{node.name}”。"):
            return redirect(url_for("chains.detail", chain_id=chain.id))
    return render_template("chains/node_delete.html", form=form, chain=chain, node=node, links=links)


def _back(form, node: ChainNode, enterprise_id: int):
    if form.back.data == "enterprise":
        return redirect(url_for("enterprises.detail", enterprise_id=enterprise_id))
    return redirect(url_for("chains.node", chain_id=node.chain_id, node_id=node.id))


def _refused(form):
    flash_errors(form)
    return redirect(url_for("chains.index"))


def _link_records(form) -> tuple[ChainNode, Enterprise]:
    """The node (of a chain the user sees) and the enterprise (in scope) a link form names; 404 otherwise."""
    node = db.session.get(ChainNode, int(form.node_id.data)) if str(form.node_id.data).isdigit() else None
    if node is None or not str(form.enterprise_id.data).isdigit():
        abort(404)
    _chain_or_404(node.chain_id)
    return node, get_scoped_or_404(Enterprise, int(form.enterprise_id.data), current_user)


@bp.route("/links", methods=["POST"])
@linkers
def link():
    """Put an enterprise on a node (from the node's page or from the enterprise's)."""
    form = LinkForm()
    if not form.validate_on_submit():
        return _refused(form)
    node, enterprise = _link_records(form)
    saved(lambda: services.link_enterprise(current_user, node, enterprise, form.role.data),
          f"已将“{enterprise.name}”加入环节“{node.name}”。")
    return _back(form, node, enterprise.id)


@bp.route("/links/delete", methods=["POST"])
@linkers
def unlink():
    form = UnlinkForm()
    if not form.validate_on_submit():
        return _refused(form)
    node, enterprise = _link_records(form)
    link = db.session.get(EnterpriseNode, (enterprise.id, node.id)) or abort(404)
    saved(lambda: services.unlink_enterprise(current_user, link), f"已将“{enterprise.name}”移出环节“{node.name}”。")
    return _back(form, node, enterprise.id)

