"""Webhooks: an admin registers a receiver (only on an allowed host) and sees its secret once; an
approved stage move calls it with a body whose signature the receiver can verify; a failing
receiver is tried again, then the delivery shows as failed and can be sent again; an event is
told once. The receiver is a real HTTP server on the loopback."""
import hashlib
import hmac
import json
import re
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from app.agenda import daily
from app.extensions import db
from app.models import Project, Webhook, WebhookDelivery
from app.models.enums import Role
from app.webhooks import services
from tests import helpers


class Receiver:
    """An HTTP server that records each POST and answers with ``status``."""

    def __init__(self):
        self.calls, self.status = [], 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver(app):
    app.config["WEBHOOK_HOSTS"] = ("127.0.0.1",)
    found = Receiver()
    yield found
    found.server.shutdown()


def register(client, login, url) -> str:
    login(Role.ADMIN, unit="a")
    page = client.post("/admin/webhooks/", data={"url": url, "events": ["stage.approved", "warning.raised"],
                                                 "unit_id": 2}).get_data(as_text=True)
    found = re.search(r"<code class=\"user-select-all\">([0-9a-f]{64})</code>", page)
    return found[1] if found else page


def verified(secret: str, headers: dict, body: bytes) -> bool:
    expected = hmac.new(secret.encode(), headers["X-Zhaoshang-Timestamp"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + expected.hexdigest(), headers["X-Zhaoshang-Signature"])


def move(client, login, world, version, stage="started", day="2026-03-01"):
    login(Role.MANAGER, unit="a", client=client)
    return client.post(f"/projects/{world.project_id}/move", data={
        "stage": stage, "effective_on": day, "version": version(Project, world.project_id)})


def test_only_allowed_hosts_may_be_registered_and_the_secret_is_shown_once(app, client, world, login, receiver):
    login(Role.ADMIN, unit="a")
    refused = client.post("/admin/webhooks/", data={"url": "http://169.254.169.254/latest", "events": ["stage.approved"],
                                                    "unit_id": world.a_unit_id}).get_data(as_text=True)
    assert "主机在允许的范围内：127.0.0.1" in refused
    secret = register(client, login, receiver.url)
    with app.app_context():
        hook = db.session.scalar(sa.select(Webhook).where(Webhook.url == receiver.url))
        assert hook.secret == secret and hook.events == ["stage.approved", "warning.raised"]
    assert secret not in client.get("/admin/webhooks/").get_data(as_text=True)


def test_an_approved_stage_move_calls_the_receiver_signed(app, client, world, login, receiver, version):
    secret = register(client, login, receiver.url)
    other = app.test_client()
    assert move(other, login, world, version).status_code == 302  # a manager's move is approved on entry
    (headers, body), = receiver.calls
    assert verified(secret, headers, body) and headers["X-Zhaoshang-Event"] == "stage.approved"
    assert not verified("0" * 64, headers, body)
    sent = json.loads(body)
    assert sent["data"]["project"]["id"] == world.project_id and sent["data"]["stage_event"]["stage"] == "started"
    with app.app_context():
        delivery = db.session.get(WebhookDelivery, sent["id"])
        assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 204)


def test_a_failing_receiver_is_tried_again_then_shown_failed_and_sent_again(app, client, world, login, receiver,
                                                                             version):
    register(client, login, receiver.url)
    receiver.status = 500
    move(app.test_client(), login, world, version)
    with app.app_context():
        delivery = db.session.scalar(sa.select(WebhookDelivery).where(WebhookDelivery.event == "stage.approved")
                                     .order_by(WebhookDelivery.id.desc()))
        assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
        assert delivery.next_at is not None
        ident = delivery.id
    for _ in services.RETRY_AFTER:  # the queue runs each retry when its pause is over
        with app.app_context():
            services.deliver(ident)
    assert len(receiver.calls) == 1 + len(services.RETRY_AFTER)
    with app.app_context():
        assert db.session.get(WebhookDelivery, ident).status == "failed"
    page = client.get("/admin/webhooks/deliveries?status=failed").get_data(as_text=True)
    assert "接收方返回 HTTP 500" in page
    receiver.status = 200
    assert client.post(f"/admin/webhooks/deliveries/{ident}/resend").status_code == 302
    with app.app_context():
        assert db.session.get(WebhookDelivery, ident).status == "delivered"


def test_a_warning_is_told_once_a_month_and_a_stopped_webhook_is_not_called(app, client, world, login, receiver):
    register(client, login, receiver.url)
    with app.app_context():
        project = db.session.get(Project, world.project_id)
        project.signed_on = date(2025, 1, 1)  # long signed, never started: 签约未落地
        db.session.commit()
        for _ in range(2):
            daily.tell(date(2026, 12, 7))
            db.session.commit()
    warned = [json.loads(body) for _, body in receiver.calls]
    assert [w["data"]["warning"]["key"] for w in warned] == ["signed_idle"]
    with app.app_context():
        hook = db.session.scalar(sa.select(Webhook).where(Webhook.url == receiver.url))
        hook.is_active = False
        db.session.commit()
        daily.tell(date(2027, 1, 7))
        db.session.commit()
    assert len(receiver.calls) == 1


def test_nothing_is_told_of_a_change_rolled_back(app, world, receiver):
    with app.app_context():
        user = helpers.make_user(Role.ADMIN, world.a_unit_id)
        services.register(user, receiver.url, ["stage.approved"], world.a_unit_id)
        db.session.commit()
        project = db.session.get(Project, world.project_id)
        manager = helpers.make_user(Role.MANAGER, world.a_unit_id)
        db.session.commit()
        from app.projects import services as project_services

        project_services.move(manager, project, "started", date(2026, 3, 1))
        db.session.rollback()
        db.session.commit()
    assert receiver.calls == []
