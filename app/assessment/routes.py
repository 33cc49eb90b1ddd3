import io
from datetime import date

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin.services import unit_choices
from app.assessment import bp, notice, services
from app.assessment.forms import AdjustmentForm, SchemeForm
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.excel import xlsx_response
from app.extensions import db
from app.models import AssessmentScheme
from app.models.enums import Role
from app.projects.indicators import STAGE_INDICATORS
from app.web import flash_errors, saved, send_download

viewers = roles_required(Role.ADMIN, Role.MANAGER, Role.OFFICER)
admins = roles_required(Role.ADMIN)


@bp.route("/")
@viewers
def index():
    schemes = db.session.scalars(scoped(sa.select(AssessmentScheme), current_user, AssessmentScheme.unit_id)
                                 .order_by(AssessmentScheme.year.desc(), AssessmentScheme.unit_id)).all()
    return render_template("assessment/index.html", schemes=schemes)


def _scheme_form(scheme: AssessmentScheme | None = None) -> SchemeForm:
    data = {}
    if scheme is not None and request.method == "GET":
        data = {"name": scheme.name, "year": scheme.year, "unit_id": scheme.unit_id, "version": scheme.version}
        for item in scheme.items:
            data |= {f"weight_{item.indicator}": item.weight, f"method_{item.indicator}": item.method,
                     f"cap_{item.indicator}": item.cap * 100}
    form = SchemeForm(data=data) if data else SchemeForm()
    form.unit_id.choices = unit_choices(current_user)
    if scheme is None and request.method == "GET":
        form.unit_id.data, form.year.data = current_user.unit_id, date.today().year
    return form


@bp.route("/new", methods=["GET", "POST"])
@admins
def create():
    form = _scheme_form()
    made = {}
    if form.validate_on_submit() and saved(
            lambda: made.setdefault("scheme", services.save_scheme(current_user, form.data, form.items())), "已保存考核办法。"):
        return redirect(url_for("assessment.detail", scheme_id=made["scheme"].id))
    return render_template("assessment/form.html", form=form, indicators=services.INDICATORS)


def _scheme(scheme_id: int) -> AssessmentScheme:
    return get_scoped_or_404(AssessmentScheme, scheme_id, current_user)


@bp.route("/<int:scheme_id>/edit", methods=["GET", "POST"])
@admins
def edit(scheme_id: int):
    scheme = _scheme(scheme_id)
    form = _scheme_form(scheme)
    if form.validate_on_submit() and saved(lambda: services.save_scheme(current_user, form.data, form.items(), scheme),
                                           "已保存考核办法。", edits=scheme):
        return redirect(url_for("assessment.detail", scheme_id=scheme.id))
    return render_template("assessment/form.html", form=form, indicators=services.INDICATORS, scheme=scheme)


def _month(scheme: AssessmentScheme) -> date:
    """?month=YYYY-MM within the scheme's year; else the scheme's month nearest today."""
    try:
        month = date.fromisoformat(f"{request.args.get('month', '')}-01")
    except ValueError:
        month = services.nearest_month(scheme, date.today())
    if month.year != scheme.year:
        abort(404)
    return month


@bp.route("/<int:scheme_id>")
@viewers
def detail(scheme_id: int):
    """The month's ranking: table, chart, points, and (admins) finalising."""
    scheme = _scheme(scheme_id)
    ranking = services.ranking(current_user, scheme, _month(scheme))
    form = AdjustmentForm(data={"month": ranking.month})
    form.unit_id.choices = [(u.id, u.name) for u in services.ranked_units(scheme)]
    return render_template("assessment/detail.html", scheme=scheme, ranking=ranking, form=form,
                           summary=services.summary(ranking), indicators=services.INDICATORS, rates=services.RATES,
                           stage_indicators=STAGE_INDICATORS, may_admin=current_user.role == Role.ADMIN,
                           months=[date(scheme.year, m, 1) for m in range(1, 13)])


@bp.route("/<int:scheme_id>/adjustments", methods=["POST"])
@admins
def adjust(scheme_id: int):
    scheme = _scheme(scheme_id)
    form = AdjustmentForm()
    form.unit_id.choices = [(u.id, u.name) for u in services.ranked_units(scheme)]
    if form.validate_on_submit():
        saved(lambda: services.add_adjustment(current_user, scheme, form.data), "已记录加减分。")
    else:
        flash_errors(form)
    return redirect(url_for("assessment.detail", scheme_id=scheme.id, month=request.args.get("month")))


@bp.route("/<int:scheme_id>/freeze", methods=["POST"])
@admins
def freeze(scheme_id: int):
    scheme = _scheme(scheme_id)
    month = _month(scheme)
    saved(lambda: services.freeze(current_user, scheme, month, date.today()), f"{month:%Y-%m} 考核结果已定稿。")
    return redirect(url_for("assessment.detail", scheme_id=scheme.id, month=f"{month:%Y-%m}"))


@bp.route("/<int:scheme_id>/ranking.xlsx")
@viewers
def export(scheme_id: int):
    scheme = _scheme(scheme_id)
    ranking = services.ranking(current_user, scheme, _month(scheme))
    return xlsx_response(f"{scheme.name}{ranking.month:%Y-%m}考核排名.xlsx", f"ranking-{ranking.month:%Y-%m}.xlsx",
                         notice.sheets(ranking))


@bp.route("/<int:scheme_id>/notice.docx")
@viewers
def notice_docx(scheme_id: int):
    scheme = _scheme(scheme_id)
    ranking = services.ranking(current_user, scheme, _month(scheme))
    return send_download(io.BytesIO(notice.document(ranking, date.today())), notice.DOCX,
                         f"{scheme.name}{ranking.month:%Y-%m}通报.docx", f"ranking-notice-{ranking.month:%Y-%m}.docx")
