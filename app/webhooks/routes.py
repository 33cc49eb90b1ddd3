"""回调通知: an admin's webhooks (other systems called on events) and their deliveries."""
import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin.services import unit_choices
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.extensions import db
from app.models import Webhook, WebhookDelivery
from app.models.enums import Role, WebhookEvent
from app.web import paginate, saved
from app.webhooks import bp, services
from app.webhooks.forms import DeliveryFilterForm, WebhookForm

admin_only = roles_required(Role.ADMIN)


def _hooks():
    return scoped(sa.select(Webhook), current_user, Webhook.unit_id)


@bp.route("/", methods=["GET", "POST"])
@admin_only
def index():
    """The unit's webhooks; a new one's secret is shown once, on the page that made it."""
    form = WebhookForm()
    form.unit_id.choices = unit_choices(current_user)
    if request.method == "GET":
        form.unit_id.data, form.events.data = current_user.unit_id, [e.value for e in WebhookEvent]
    made = {}
    if form.validate_on_submit():
        saved(lambda: made.setdefault("hook", services.register(current_user, form.url.data, form.events.data,
                                                                form.unit_id.data)), "已登记回调地址。")
    hooks = db.session.scalars(_hooks().options(selectinload(Webhook.unit)).order_by(Webhook.id.desc())).all()
    failed = dict(db.session.execute(sa.select(WebhookDelivery.webhook_id, sa.func.count()).where(
        WebhookDelivery.status == services.FAILED, WebhookDelivery.webhook_id.in_([h.id for h in hooks]))
        .group_by(WebhookDelivery.webhook_id)).all())
    return render_template("webhooks/index.html", form=form, hooks=hooks, failed=failed, made=made.get("hook"),
                           events=dict(WebhookEvent.choices()))


@bp.route("/<int:webhook_id>/active", methods=["POST"])
@admin_only
def toggle(webhook_id: int):
    hook = get_scoped_or_404(Webhook, webhook_id, current_user)
    active = not hook.is_active
    saved(lambda: setattr(hook, "is_active", active), f"已{'启用' if active else '停用'}回调 {hook.url}。", edits=hook)
    return redirect(url_for("webhooks.index"))


@bp.route("/deliveries")
@admin_only
def deliveries():
    """Every call made to the unit's webhooks, newest first; failures can be sent again."""
    form = DeliveryFilterForm(request.args)
    form.validate()
    stmt = (sa.select(WebhookDelivery).join(Webhook).where(Webhook.id.in_(_hooks().with_only_columns(Webhook.id)))
            .options(selectinload(WebhookDelivery.webhook)).order_by(WebhookDelivery.id.desc()))
    if form.status.data and not form.status.errors:
        stmt = stmt.where(WebhookDelivery.status == form.status.data)
    return render_template("webhooks/deliveries.html", form=form, pagination=paginate(stmt),
                           events=dict(WebhookEvent.choices()))


@bp.route("/deliveries/<int:delivery_id>/resend", methods=["POST"])
@admin_only
def resend(delivery_id: int):
    delivery = db.get_or_404(WebhookDelivery, delivery_id)
    get_scoped_or_404(Webhook, delivery.webhook_id, current_user)  # a delivery is seen through its webhook
    saved(lambda: services.resend(delivery), "已重新发送。")
    return redirect(url_for("webhooks.deliveries", status=request.args.get("status", "")))
