"""All models; import them from here."""
from app.models.activity import (
    Activity,
    Event,
    EventProject,
    activity_enterprise,
    event_enterprise,
)
from app.models.assessment import AssessmentAdjustment, AssessmentItem, AssessmentResult, AssessmentScheme
from app.models.attachment import Attachment
from app.models.audit import AuditLog
from app.models.chain import Chain, ChainNode, EnterpriseNode
from app.models.common import Audited, utcnow
from app.models.dispatch import CaseStep, Leader, LeaderLink, ProjectProblem, Supervision
from app.models.enterprise import Contact, Enterprise, EnterpriseTag, UsccException
from app.models.imports import ImportBatch, ImportMapping, ImportRow
from app.models.notification import Notification, SavedView
from app.models.org import ApiToken, LoginAttempt, OrgUnit, PasswordHistory, RecoveryCode, User, UserPermission
from app.models.park import CapacityItem, CapacityRevision, Park, park_chain
from app.models.project import BIG_PROJECT_WAN, COMMITTING, NEEDS, FundEntry, Project, StageEvent
from app.models.setting import DataRevision, Setting, UnitSetting
from app.models.tally import FigureTally
from app.models.target import Target
from app.models.webhook import Webhook, WebhookDelivery

__all__ = [
    "Activity", "ApiToken", "AssessmentAdjustment", "AssessmentItem", "AssessmentResult", "AssessmentScheme", "Attachment", "AuditLog", "Audited", "BIG_PROJECT_WAN", "CapacityItem", "CapacityRevision", "CaseStep", "Chain", "ChainNode",
    "COMMITTING", "Contact", "DataRevision", "Enterprise", "EnterpriseNode", "EnterpriseTag", "Event", "EventProject", "FigureTally", "FundEntry", "ImportBatch", "ImportMapping", "ImportRow",
    "Leader", "LeaderLink", "LoginAttempt", "NEEDS", "Notification", "OrgUnit", "Park", "PasswordHistory", "Project", "ProjectProblem", "RecoveryCode", "SavedView", "Setting", "StageEvent", "Supervision", "UnitSetting", "Target", "User", "UserPermission", "UsccException", "Webhook", "WebhookDelivery",
    "activity_enterprise", "event_enterprise", "park_chain", "utcnow",
]
