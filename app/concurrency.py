"""Concurrent edits. A form carries the version of the record it was filled from; a save based on
an older version, or one that lost a race to another save of the same record, is refused with 409
and says who changed which fields meanwhile — never a silent overwrite, never a 500."""
import hashlib

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest, Conflict

from app.extensions import db
from app.models import AuditLog, User
from app.models.common import local_time
from app.models.labels import field_label

RACE_MESSAGE = "该记录刚被他人同时修改，您的修改未保存。请刷新后重新编辑。"


class StaleEdit(Conflict):
    """409 with the Chinese message as its description."""


class MissingVersion(BadRequest):
    description = "表单缺少记录的版本信息（请使用页面上的表单提交），未保存。请刷新后重新编辑。"


def claim(record, sent: str | int | None) -> None:
    """Check that ``sent`` (the version a form or an API call carried) is the record's current
    version, and take the record for this save before anything else is read or written: its
    version is raised at once (UPDATE … WHERE version = sent), so that of saves racing on one
    record exactly one gets past this point; the others wait for it and are refused here, before
    their own rules could judge a state the winner has just changed."""
    sent = str(sent if sent is not None else "").strip()
    if not sent.isdigit():
        raise MissingVersion()
    if int(sent) != record.version:
        raise StaleEdit(stale_message(record))
    record.version = record.version + 1
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise lost_race(record) from None


def version_of(settings) -> str:
    """The version a page of settings (rows with a key) is edited from: a digest of their keys and
    versions, so that a setting added, removed or changed meanwhile makes it stale."""
    state = ",".join(sorted(f"{s.key}:{s.version}" for s in settings))
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def claim_settings(settings, sent: str | None) -> None:
    """``claim`` for a page of settings; a race past it ends in StaleDataError or IntegrityError,
    which the handlers turn into the same 409."""
    if not sent:
        raise MissingVersion()
    if sent != version_of(settings):
        raise StaleEdit("这些设置刚被他人修改，您的修改未保存。请刷新后重新编辑。")


def lost_race(record=None) -> StaleEdit:
    """The refusal for a save that failed because another one of the same record (or of a row
    with the same unique key) committed first; call after the rollback."""
    return StaleEdit(stale_message(record) if record is not None and record.id is not None else RACE_MESSAGE)


def stale_message(record) -> str:
    """Who changed ``record`` last and which fields, by their labels."""
    record_type = type(record).__name__
    change = db.session.scalar(sa.select(AuditLog).where(AuditLog.record_type == record_type,
                                                         AuditLog.record_id == record.id)
                               .order_by(AuditLog.id.desc()).limit(1))
    if change is None:
        return RACE_MESSAGE
    who = db.session.get(User, change.user_id).display_name if change.user_id else "系统"
    fields = "、".join(dict.fromkeys(field_label(record_type, k) for k in change.changes)) or "—"
    return f"该记录已于 {local_time(change.at)} 被{who}修改（{fields}），您的修改未保存。请刷新后重新编辑。"
