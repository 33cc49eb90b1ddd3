"""审计日志: the auditor's pages (and no one else's, 三员分立): the log of its unit's subtree,
filtered, and exported as it is filtered."""
import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user

from app.audit import bp, services
from app.audit.forms import AuditFilterForm
from app.auth.decorators import roles_required
from app.counting import LIST_BOUND
from app.excel import Sheet, xlsx_response
from app.extensions import db
from app.models import Audited, AuditLog, User
from app.models.common import local_time
from app.models.enums import Role
from app.models.labels import field_label, value_label
from app.web import paginate

auditor_only = roles_required(Role.AUDITOR)
EXPORT_HEADERS = ["序号", "时间", "用户名", "姓名", "操作", "记录类型", "记录编号", "记录", "内容", "校验值"]


def change_lines(entry: AuditLog) -> list[str]:
    """An entry's changes in words, field labels and 原值 → 新值; a contact's numbers masked."""
    lines = []
    for field, change in services.shown_changes(entry).items():
        if isinstance(change, str):
            lines.append(f"{field_label(entry.record_type, field)}: {change}")
            continue
        old, new = (value_label(entry.record_type, field, v) if v is not None else "∅" for v in change)
        lines.append(f"{field_label(entry.record_type, field)}: {old} → {new}")
    return lines


def _audited_types() -> list[str]:
    return sorted(m.class_.__name__ for m in db.Model.registry.mappers if issubclass(m.class_, Audited))


def _filtered() -> tuple[AuditFilterForm, sa.Select]:
    """The filter form and the log rows it selects (app.audit.services.search)."""
    form = AuditFilterForm(request.args)
    form.record_type.choices = [("", "全部")] + [(t, AuditLog.RECORD_LABELS.get(t, t)) for t in _audited_types()]
    form.action.choices = [("", "全部")] + list(AuditLog.ACTION_LABELS.items())
    form.validate()
    return form, services.search(current_user, form.valid_data())


def _users(ids) -> dict[int, User]:
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(set(ids) - {None})))}


@bp.route("/")
@auditor_only
def index():
    form, stmt = _filtered()
    pagination = paginate(stmt, bound=LIST_BOUND)  # ten million rows are no figure to count
    users = _users(e.user_id for e in pagination.items)
    return render_template("audit/index.html", form=form, pagination=pagination, users=users,
                           change_lines=change_lines)


@bp.route("/export")
@auditor_only
def export():
    _, stmt = _filtered()

    def rows():
        for batch in db.session.scalars(stmt).yield_per(2000).partitions():
            users = _users(e.user_id for e in batch)
            for e in batch:
                user = users.get(e.user_id)
                yield [e.seq, local_time(e.at), user.username if user else "系统", user.display_name if user else None,
                       e.ACTION_LABELS.get(e.action, e.action), e.RECORD_LABELS.get(e.record_type, e.record_type),
                       e.record_id, e.record_label, "\n".join(change_lines(e)), e.row_hash]

    return xlsx_response("审计日志.xlsx", "audit-log.xlsx", [Sheet("审计日志", EXPORT_HEADERS, rows())])
