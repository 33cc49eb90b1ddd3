"""Webhooks: other systems told when something happens here.

An event is written as one delivery per webhook that wants it, in the same transaction as the
change it tells of (so a change rolled back tells nothing, and nothing told is lost when a worker
dies); once that transaction commits, each delivery goes to the task queue. A delivery is a POST
of JSON signed with the webhook's secret:

    X-Zhaoshang-Signature: sha256=HEX( HMAC-SHA256(secret, f"{timestamp}.{body}") )
    X-Zhaoshang-Timestamp: seconds since 1970 (a receiver refuses stale ones: no replay)

A 2xx answer delivers it; anything else is tried again after 1, 5, 30 minutes and 2 hours, then
the delivery shows as failed on the delivery page, which can send it again. Webhooks may only
point at hosts the installation allows (WEBHOOK_HOSTS), so the app cannot be made to call
arbitrary addresses; redirects are not followed.
"""
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from datetime import timedelta
from fnmatch import fnmatch
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app import jobs
from app.auth.scope import unit_ids_above
from app.extensions import db
from app.models import User, Webhook, WebhookDelivery
from app.models.common import utcnow
from app.models.enums import WebhookEvent

RETRY_AFTER = (60, 300, 1800, 7200)  # seconds before each further try
TIMEOUT = 10  # seconds a receiver has to answer
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class WebhookError(ValueError):
    pass


def allowed(url: str) -> bool:
    """An http(s) URL whose host matches one of the installation's WEBHOOK_HOSTS patterns."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme in ("http", "https") and bool(host) and any(
        fnmatch(host, pattern.lower()) for pattern in current_app.config.get("WEBHOOK_HOSTS", ()))


def register(by: User, url: str, events: list[str], unit_id: int) -> Webhook:
    """A webhook of ``unit_id`` (the events of its subtree), with a new secret."""
    url = (url or "").strip()
    if not allowed(url):
        hosts = "、".join(current_app.config.get("WEBHOOK_HOSTS", ())) or "（未配置，请在 WEBHOOK_HOSTS 中设置）"
        raise WebhookError(f"回调地址须为 http(s) 地址，且主机在允许的范围内：{hosts}。")
    wanted = [e for e in WebhookEvent if e.value in events]
    if not wanted:
        raise WebhookError("请至少选择一个事件。")
    hook = Webhook(url=url, events=[e.value for e in wanted], unit_id=unit_id, secret=secrets.token_hex(32),
                   created_by_id=by.id)
    db.session.add(hook)
    db.session.flush()
    return hook


def listening(event: WebhookEvent) -> list[Webhook]:
    """The active webhooks that want ``event`` (a daily run of thousands of warnings reads them once)."""
    return [h for h in db.session.scalars(sa.select(Webhook).where(Webhook.is_active.is_(True)))
            if event.value in h.events]


def emit(event: WebhookEvent, unit_id: int, key: str, data: dict, hooks: list[Webhook] | None = None) -> None:
    """Tell ``event`` about a record of ``unit_id`` to the webhooks (``hooks``, read here if not
    given) of that unit and the units above it — once per webhook and ``key``."""
    units = {unit_id, *unit_ids_above(unit_id)}
    hooks = [h for h in (listening(event) if hooks is None else hooks) if h.unit_id in units]
    if not hooks:
        return
    told = set(db.session.scalars(sa.select(WebhookDelivery.webhook_id).where(
        WebhookDelivery.key == key, WebhookDelivery.webhook_id.in_([h.id for h in hooks]))))
    payload = {"event": event.value, "title": event.label, "occurred_at": utcnow().isoformat(), "data": data}
    made = [WebhookDelivery(webhook_id=h.id, event=event.value, key=key, payload=payload, next_at=utcnow())
            for h in hooks if h.id not in told]
    db.session.add_all(made)
    db.session.flush()
    db.session.info.setdefault("webhook_deliveries", []).extend(d.id for d in made)


def send_committed(session) -> None:
    """After a commit: the deliveries it wrote go to the queue (each with its own session there)."""
    for delivery_id in session.info.pop("webhook_deliveries", []):
        jobs.enqueue("webhook.deliver", delivery_id)


def forget_rolled_back(session, _previous_transaction) -> None:
    session.info.pop("webhook_deliveries", None)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer, not an address to follow


_opener = urllib.request.build_opener(_NoRedirects)


def _post(hook: Webhook, delivery: WebhookDelivery) -> tuple[int | None, str | None]:
    """Send one delivery: the receiver's status, and what went wrong if anything did."""
    if not allowed(hook.url):
        return None, "回调地址的主机已不在允许范围内（WEBHOOK_HOSTS）。"
    body = json.dumps({"id": delivery.id, **delivery.payload}, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(hook.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "zhaoshang-webhook/1",
        "X-Zhaoshang-Event": delivery.event, "X-Zhaoshang-Delivery": str(delivery.id),
        "X-Zhaoshang-Timestamp": timestamp, "X-Zhaoshang-Signature": signature(hook.secret, timestamp, body)})
    try:
        with _opener.open(request, timeout=TIMEOUT) as answer:
            return answer.status, None
    except urllib.error.HTTPError as error:
        return error.code, f"接收方返回 HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return None, f"无法连接接收方：{getattr(error, 'reason', error)}"


def deliver(delivery_id: int) -> str | None:
    """The queue's task: one try of one delivery, then its next try scheduled or its end recorded."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != PENDING:
        return None
    hook = db.session.get(Webhook, delivery.webhook_id)
    status, error = _post(hook, delivery) if hook.is_active else (None, "回调已停用。")
    delivery.attempts += 1
    delivery.tried_at, delivery.response_status, delivery.error = utcnow(), status, error
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.error, delivery.next_at = DELIVERED, None, None
    elif delivery.attempts <= len(RETRY_AFTER) and hook.is_active:
        pause = RETRY_AFTER[delivery.attempts - 1]
        delivery.next_at = delivery.tried_at + timedelta(seconds=pause)
        jobs.enqueue_later(pause, "webhook.deliver", delivery.id)
    else:
        delivery.status, delivery.next_at = FAILED, None
    db.session.commit()
    return delivery.status


def resend(delivery: WebhookDelivery) -> None:
    """Send a failed (or delivered) delivery again, as a new series of tries."""
    delivery.status, delivery.attempts, delivery.next_at = PENDING, 0, utcnow()
    db.session.flush()
    db.session.info.setdefault("webhook_deliveries", []).append(delivery.id)


def init_app(app) -> None:
    jobs.task(app, "webhook.deliver", deliver)
    for name, listener in (("after_commit", send_committed), ("after_soft_rollback", forget_rolled_back)):
        if not sa.event.contains(Session, name, listener):  # sessions of every app: listen once
            sa.event.listen(Session, name, listener)
