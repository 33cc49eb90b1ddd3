"""The audit log: who changed which business record when, field by field."""
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import utcnow


class AuditLog(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # No foreign key: the trail must outlive the user and the record it names.
    user_id: so.Mapped[int | None] = so.mapped_column()
    action: so.Mapped[str] = so.mapped_column(sa.String(10))  # see ACTION_LABELS
    record_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    record_id: so.Mapped[int | None] = so.mapped_column()
    record_label: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    changes: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    # Its place in the chain and the hash of its content and of the row before (app/audit_trail.py),
    # given just after it is written. Unique because one seal runs at a time (it holds a lock): on
    # PostgreSQL the table is partitioned by month (app/audit_partitions.py), where a unique
    # constraint would have to include the month.
    seq: so.Mapped[int | None] = so.mapped_column(index=True)
    row_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64))

    # The auditor's filters, in the list's order (newest first) so that a page stops early. On
    # PostgreSQL each also holds the other filters' columns and the user (the scope of a city's
    # auditor is its users): a page's count, whichever index it takes, reads only the index, not
    # rows of months no longer in memory.
    __table_args__ = (
        sa.Index("ix_audit_log_at", "at", postgresql_include=["user_id", "action", "record_type"]),
        sa.Index("ix_audit_log_record", "record_type", "record_id", postgresql_include=["user_id", "action", "at"]),
        sa.Index("ix_audit_log_user", "user_id", "id", postgresql_include=["action", "record_type", "at"]),
        sa.Index("ix_audit_log_action", "action", "id", postgresql_include=["user_id", "record_type", "at"]),
    )

    ACTION_LABELS = {"create": "新建", "update": "修改", "delete": "删除", "denied": "越权尝试", "login": "登录",
                     "login_fail": "登录失败", "logout": "退出登录", "timeout": "会话超时", "password": "密码变更", "export": "导出", "reveal": "查看个人信息",
                     "totp": "双因素认证", "unlock": "解除登录限制"}
    RECORD_LABELS = {
        "Activity": "对接记录", "Attachment": "附件", "CapacityItem": "要素保障项", "Chain": "产业链", "ChainNode": "产业链环节",
        "Contact": "联系人", "Enterprise": "企业", "EnterpriseNode": "企业—环节关联", "EnterpriseTag": "企业标签",
        "Event": "招商活动", "EventProject": "活动—项目关联", "FundEntry": "到位资金", "OrgUnit": "单位",
        "Park": "园区", "Project": "招商项目", "Setting": "系统设置", "StageEvent": "阶段变动", "Target": "目标任务", "UnitSetting": "单位设置", "User": "用户", "UserPermission": "用户权限", "Webhook": "回调通知",
    }
