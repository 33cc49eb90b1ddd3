import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin.services import filter_unit_choices, unit_choices
from app.audit_trail import log_event
from app.auth.decorators import roles_required
from app.auth.scope import get_child_or_404, get_scoped_or_404, scoped
from app.chains import services as chain_services
from app.chains.forms import LinkForm, UnlinkForm
from app.counting import LIST_BOUND, SEARCH_BOUND
from app.enterprises import bp, services
from app.enterprises.forms import (
    ContactForm,
    EnterpriseFilterForm,
    EnterpriseForm,
    MergeForm,
)
from app.excel import Sheet, xlsx_response
from app.extensions import db
from app.leaders import services as leader_services
from app.models import (
    Chain,
    ChainNode,
    Contact,
    Enterprise,
    EnterpriseNode,
    Project,
    User,
)
from app.models.enums import Permission, Role
from app.personal import PERSONAL_FIELDS, export_reason
from app.revision import kept_page, kept_rows
from app.web import paginate, saved

editors = roles_required(Role.ADMIN, Role.MANAGER, Role.OFFICER)
EXPORT_HEADERS = ["企业名称", "统一社会信用代码", "状态", "来源区域", "所在省", "所在市", "行业代码", "标签",
                  "营收(万元)", "员工人数", "所属单位", "跟进人", "最近联系", "联系人", "联系人手机"]


def _officer_choices():
    officers = scoped(sa.select(User.id, User.display_name).where(User.is_active.is_(True)).order_by(User.display_name),
                      current_user, User.unit_id)
    return [("", "—")] + kept_rows(officers)


def _node_choices():
    return [("", "全部")] + chain_services.node_options(current_user)


def _filter_form() -> EnterpriseFilterForm:
    form = EnterpriseFilterForm(request.args)
    form.node_id.choices = _node_choices()
    form.unit_id.choices = [("", "全部")] + filter_unit_choices(current_user, form.unit_id.data)
    form.validate()
    return form


@bp.route("/")
@roles_required()
@kept_page
def index():
    form = _filter_form()
    filters = form.valid_data()
    page = services.search(current_user, filters, for_page=True).options(
        selectinload(Enterprise.unit), selectinload(Enterprise.tags), selectinload(Enterprise.officer))
    pagination = paginate(page, count_stmt=services.search(current_user, filters),
                          bound=SEARCH_BOUND if filters.get("q") else LIST_BOUND)
    return render_template("enterprises/index.html", form=form, pagination=pagination)


@bp.route("/export.xlsx", methods=["GET", "POST"])
@roles_required()
def export():
    """The list as filtered (the query string); contacts masked, or in full on a POST with a reason
    by a user granted export_personal."""
    form = _filter_form()
    reason = export_reason(current_user)
    rows = services.export_rows(services.search(current_user, form.valid_data()), full_contacts=reason is not None)
    return xlsx_response("企业库.xlsx", "enterprises.xlsx", [Sheet("企业库", EXPORT_HEADERS, rows)], personal=reason)


def editor_form(obj=None, formdata=None) -> EnterpriseForm:
    """The enterprise form (page, or an API call's ``formdata``): the user's units and officers."""
    form = EnterpriseForm(obj=obj, **({"formdata": formdata} if formdata is not None else {}))
    form.unit_id.choices = unit_choices(current_user)
    form.officer_id.choices = _officer_choices()
    if obj is not None and request.method == "GET":
        form.tags.data = obj.tag_names
        form.version.data = obj.version
    return form


@bp.route("/new", methods=["GET", "POST"])
@editors
def create():
    form = editor_form()
    if request.method == "GET":
        form.unit_id.data = current_user.unit_id
        form.officer_id.data = current_user.id
    duplicates = []
    if form.validate_on_submit():
        duplicates = services.likely_duplicates(current_user, form.name.data)
        if duplicates and not request.form.get("confirm_duplicate"):
            flash("库中已有名称相近的企业，请先核对，确认不是同一家再新建。", "warning")
        else:
            try:
                enterprise = services.create_enterprise(current_user, form.data_for_service(), form.tags.data)
            except services.ExistingCode as existing:
                db.session.rollback()
                if existing.visible:
                    flash(f"{existing}已为您打开该企业。", "info")
                    return redirect(url_for("enterprises.detail", enterprise_id=existing.enterprise.id))
                form.uscc.errors.append(str(existing))
            except services.EnterpriseError as error:
                db.session.rollback()
                flash(str(error), "danger")
            else:
                db.session.commit()
                flash(f"已新建企业“{enterprise.name}”。", "success")
                return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id))
    return render_template("enterprises/form.html", form=form, enterprise=None, duplicates=duplicates)


@bp.route("/<int:enterprise_id>")
@roles_required()
def detail(enterprise_id: int):
    enterprise = get_scoped_or_404(Enterprise, enterprise_id, current_user)
    links = db.session.execute(
        sa.select(EnterpriseNode, ChainNode, Chain).select_from(EnterpriseNode)
        .join(ChainNode, EnterpriseNode.node_id == ChainNode.id).join(Chain, ChainNode.chain_id == Chain.id)
        .where(EnterpriseNode.enterprise_id == enterprise.id)).all()
    projects = db.session.scalars(scoped(sa.select(Project).where(Project.investor_id == enterprise.id),
                                         current_user, Project.unit_id)).all()
    link_form = LinkForm()
    link_form.node_id.choices = chain_services.node_options(current_user)
    return render_template("enterprises/detail.html", enterprise=enterprise, links=links, projects=projects,
                           link_form=link_form, unlink_form=UnlinkForm(),
                           timeline=services.timeline(enterprise),
                           **leader_services.page_context(current_user, enterprise=enterprise),
                           duplicates=services.likely_duplicates(current_user, enterprise.name, enterprise.id))


@bp.route("/<int:enterprise_id>/edit", methods=["GET", "POST"])
@editors
def edit(enterprise_id: int):
    enterprise = get_scoped_or_404(Enterprise, enterprise_id, current_user)
    form = editor_form(enterprise)
    if form.validate_on_submit() and saved(
        lambda: services.update_enterprise(current_user, enterprise, form.data_for_service(), form.tags.data),
        f"已保存企业“{form.name.data}”。", edits=enterprise,
    ):
        return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id))
    return render_template("enterprises/form.html", form=form, enterprise=enterprise, duplicates=[])


@bp.route("/<int:enterprise_id>/active", methods=["POST"])
@editors
def toggle(enterprise_id: int):
    enterprise = get_scoped_or_404(Enterprise, enterprise_id, current_user)
    active = not enterprise.is_active
    saved(lambda: services.set_active(enterprise, active), f"企业“{enterprise.name}”已{'启用' if active else '停用'}。",
          edits=enterprise)
    return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id))


@bp.route("/<int:enterprise_id>/merge", methods=["GET", "POST"])
@editors
def merge(enterprise_id: int):
    keep = get_scoped_or_404(Enterprise, enterprise_id, current_user)
    form = MergeForm()
    if form.validate_on_submit():
        drop = get_scoped_or_404(Enterprise, form.other_id.data, current_user)
        if saved(lambda: services.merge_enterprises(current_user, keep, drop),
                 lambda r: f"已将“{drop.name}”并入本企业：联系人 {r.contacts} 个，对接记录 {r.activities} 条，"
                           f"项目 {r.projects} 个，产业链关联 {r.chain_links} 个。"):
            return redirect(url_for("enterprises.detail", enterprise_id=keep.id))
    candidates = services.likely_duplicates(current_user, keep.name, keep.id)
    return render_template("enterprises/merge.html", enterprise=keep, form=form, candidates=candidates)


@bp.route("/<int:enterprise_id>/contacts/new", methods=["GET", "POST"])
@editors
def contact_create(enterprise_id: int):
    enterprise = get_scoped_or_404(Enterprise, enterprise_id, current_user)
    form = ContactForm()
    if form.validate_on_submit() and saved(lambda: services.save_contact(enterprise, form.data),
                                           f"已添加联系人 {form.name.data}。"):
        return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id))
    return render_template("enterprises/contact_form.html", form=form, enterprise=enterprise, contact=None)


@bp.route("/<int:enterprise_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@editors
def contact_edit(enterprise_id: int, contact_id: int):
    enterprise = get_scoped_or_404(Enterprise, enterprise_id, current_user)
    contact = get_child_or_404(Contact, contact_id, enterprise_id=enterprise.id)
    form = ContactForm(obj=contact)
    if not current_user.may(Permission.VIEW_PERSONAL):  # the form would show them in full; they stay as they are
        for name in PERSONAL_FIELDS:
            delattr(form, name)
    if form.validate_on_submit() and saved(lambda: services.save_contact(enterprise, form.data, contact),
                                           f"已保存联系人 {form.name.data}。", edits=contact):
        return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id))
    return render_template("enterprises/contact_form.html", form=form, enterprise=enterprise, contact=contact)


@bp.route("/<int:enterprise_id>/contacts/<int:contact_id>/reveal", methods=["POST"])
@roles_required()
def contact_reveal(enterprise_id: int, contact_id: int):
    """One contact's mobile, phone, e-mail and WeChat in full, for a user granted view_personal; logged."""
    enterprise = get_scoped_or_404(Enterprise, enterprise_id, current_user)
    contact = get_child_or_404(Contact, contact_id, enterprise_id=enterprise.id)
    if not current_user.may(Permission.VIEW_PERSONAL):
        abort(403)
    log_event(db.session, "reveal", current_user, {"企业": enterprise.name, "联系人": contact.name,
                                                    "字段": "手机、电话、邮箱、微信"}, label=contact.name)
    db.session.commit()
    return render_template("enterprises/contact_reveal.html", enterprise=enterprise, contact=contact)


@bp.route("/<int:enterprise_id>/contacts/<int:contact_id>/delete", methods=["POST"])
@editors
def contact_delete(enterprise_id: int, contact_id: int):
    enterprise = get_scoped_or_404(Enterprise, enterprise_id, current_user)
    contact = get_child_or_404(Contact, contact_id, enterprise_id=enterprise.id)
    saved(lambda: services.delete_contact(contact), f"已删除联系人 {contact.name}。", edits=contact)
    return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id))
