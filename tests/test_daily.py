"""The daily run: follow-ups due and warnings raised are told once; the digest goes to a real SMTP
server (aiosmtpd), once a day per user, and not at all without a server."""
import socket
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app import tally
from app.extensions import db
from app.models import Activity, Notification, Project, User
from app.models.enums import Stage
from tests import helpers

TODAY = date(2026, 12, 7)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", errors="replace")))
        return "250 OK"


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def _setup(world):
    officer = helpers.make_user("officer", world.a_unit_id, display_name="李专员", email="li@zsj.example.gov.cn")
    quiet = helpers.make_user("officer", world.a_unit_id, email="quiet@zsj.example.gov.cn")  # nothing waits for it
    db.session.add(Activity(kind="visit", occurred_on=TODAY - timedelta(days=30), unit_id=world.a_unit_id,
                            enterprises=[db.session.get(helpers.Enterprise, world.enterprise_id)],
                            next_follow_up_on=TODAY - timedelta(days=1), recorded_by_id=officer.id,
                            follow_up_by_id=officer.id, summary="回访"))
    helpers.make_project(world.a_unit_id, "久签未建项目", stage=Stage.SIGNED, signed_on=TODAY - timedelta(days=400),
                         officer_id=officer.id)
    db.session.commit()
    return officer.id, quiet.id


def test_the_daily_run_tells_once_and_mails_once(app, runner, world, smtp_server):
    port, inbox = smtp_server
    with app.app_context():
        officer, quiet = _setup(world)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="noreply@zsj.example.gov.cn")
    first = runner.invoke(args=["notify", "daily", "--date", str(TODAY)])
    assert first.exit_code == 0, first.output
    with app.app_context():
        told = db.session.execute(sa.select(Notification.kind, Notification.text).where(Notification.user_id == officer)
                                  .order_by(Notification.kind)).all()
    assert [k for k, _ in told] == ["follow_up", "warning"]
    with app.app_context():  # and the dashboards' warnings are counted for the day
        assert tally.counted_on(db.session) == TODAY
        assert tally.warnings_on(db.session, [world.root_unit_id], TODAY)["signed_idle"] == 1
    assert "甲市示例企业有限公司" in told[0][1] and "久签未建项目" in told[1][1] and "签约未落地" in told[1][1]
    assert len(inbox.messages) == 1  # the quiet one has nothing waiting
    recipients, content = inbox.messages[0]
    assert recipients == ["li@zsj.example.gov.cn"]
    assert "Subject: =?utf-8?" in content and "新通知 2 条；发送提醒邮件 1 封" in first.output
    second = runner.invoke(args=["notify", "daily", "--date", str(TODAY)])
    assert "新通知 0 条；发送提醒邮件 0 封" in second.output and len(inbox.messages) == 1
    with app.app_context():
        assert db.session.get(User, officer).digest_sent_on == TODAY and db.session.get(User, quiet).digest_sent_on is None


def test_the_digest_reads_what_waits_in_chinese(app, world):
    from app.agenda.daily import digest_text, tell

    with app.app_context():
        officer, quiet = _setup(world)
        tell(TODAY)
        text = digest_text(db.session.get(User, officer), TODAY)
        assert "李专员，您好" in text and "到期未跟进 1 项" in text and "未读通知 2 条" in text
        assert digest_text(db.session.get(User, quiet), TODAY) is None


def test_without_a_server_nothing_is_mailed(app, runner, world):
    with app.app_context():
        _setup(world)
    result = runner.invoke(args=["notify", "daily", "--date", str(TODAY)])
    assert result.exit_code == 0 and "发送提醒邮件 0 封" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 2
