"""The daily run (`flask notify daily`, from cron or a systemd timer): follow-ups due and warnings
raised are told to whom they concern, and — where the bureau's own SMTP server is configured —
each user with an e-mail address gets one digest a day of what waits for it. Running it twice
on a day tells nothing twice and sends nothing twice."""
import smtplib
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.agenda.services import open_follow_ups
from app.extensions import db
from app.models import Activity, Notification, Project, User
from app.models.enums import NotificationKind, Role, WebhookEvent
from app.notify import link, notify_many
from app.projects import warnings
from app.projects.services import waiting_for_review
from app.webhooks import services as webhooks


def tell(today: date) -> int:
    """Notifications for follow-ups due by today and for projects' warnings (once a month each);
    the warnings also to the webhooks that want them."""
    due = db.session.scalars(sa.select(Activity).where(
        Activity.next_follow_up_on <= today, Activity.follow_up_done_at.is_(None), Activity.follow_up_by_id.is_not(None))
        .options(selectinload(Activity.enterprises)))
    items = [(a.follow_up_by_id, NotificationKind.FOLLOW_UP,
              f"{a.next_follow_up_on} 应跟进：{'、'.join(e.name for e in a.enterprises) or a.summary or ''}",
              link("activities.detail", activity_id=a.id), f"follow-up:{a.id}:{a.next_follow_up_on}") for a in due]
    hooked = webhooks.listening(WebhookEvent.WARNING_RAISED)
    told = sa.true() if hooked else Project.officer_id.is_not(None)  # projects someone is to hear of
    for key, condition in warnings.conditions(today).items():
        for ident, name, officer, unit_id in db.session.execute(
                sa.select(Project.id, Project.name, Project.officer_id, Project.unit_id).where(condition, told)):
            once = f"warning:{ident}:{key}:{today:%Y-%m}"
            if officer is not None:
                items.append((officer, NotificationKind.WARNING, f"“{name}”：{warnings.LABELS[key]}",
                              link("projects.detail", project_id=ident), once))
            if hooked:
                webhooks.emit(WebhookEvent.WARNING_RAISED, unit_id, once, hooks=hooked, data={
                    "project": {"id": ident, "name": name, "unit_id": unit_id, "url": f"/api/v1/projects/{ident}"},
                    "warning": {"key": key, "label": warnings.LABELS[key]}})
    return notify_many(items)


def digest_text(user: User, today: date) -> str | None:
    """What waits for the user, in words; None when nothing does."""
    unread = db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id,
                                                              Notification.read_at.is_(None))
                                .order_by(Notification.id.desc()).limit(50)).all()
    overdue = db.session.scalar(sa.select(sa.func.count()).select_from(
        open_follow_ups(user, scope=False).where(Activity.next_follow_up_on <= today).subquery()))
    reviews = waiting_for_review(user) if user.role in (Role.MANAGER, Role.ADMIN) else 0
    if not (unread or overdue or reviews):
        return None
    lines = [f"{user.display_name}，您好：", "", f"截至 {today}，您在招商引资项目管理平台有以下事项："]
    if overdue:
        lines.append(f"· 到期未跟进 {overdue} 项")
    if reviews:
        lines.append(f"· 待审核 {reviews} 条")
    if unread:
        lines += [f"· 未读通知 {len(unread)} 条：", *(f"    {n.text}" for n in unread)]
    lines += ["", "请登录平台“工作台”处理。本邮件由系统每日自动发送。"]
    return "\n".join(lines)


def send_digests(today: date) -> Iterator[User]:
    """One e-mail a day to each active user with an address and something waiting; none when no
    SMTP server is configured. Yields each user as soon as the server took its mail and it is
    marked sent, for the caller to commit there (a failure later leaves the sent ones marked)."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return
    users = db.session.scalars(sa.select(User).where(
        User.is_active.is_(True), User.email.is_not(None), User.email != "",
        User.role.in_([Role.ADMIN, Role.MANAGER, Role.OFFICER, Role.PARK_ADMIN]),
        sa.or_(User.digest_sent_on.is_(None), User.digest_sent_on < today))).all()
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        for user in users:
            text = digest_text(user, today)
            if text is None:
                continue
            message = EmailMessage()
            message["Subject"] = f"招商引资项目管理平台每日提醒（{today}）"
            message["From"], message["To"] = config["MAIL_FROM"], user.email
            message.set_content(text)
            smtp.send_message(message)
            db.session.execute(sa.update(User).where(User.id == user.id).values(digest_sent_on=today))
            yield user
