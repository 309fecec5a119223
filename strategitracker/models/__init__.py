"""The domain model; importing this package registers every table with the metadata."""

from ._types import MAX_ID, Archivable
from .action_plan import ActionPlan, ActionPlanUpdate, Status
from .api_token import ApiToken, TokenScope
from .audit import AuditEvent
from .benchmark import Municipality, SurveyRank
from .data_version import DataVersion
from .inquiry import Inquiry, InquiryChannel, InquiryOutcome, inquiry_department
from .kpi import KPI, Derived, Direction, Frequency, KPIKind, KPITarget, Measurement
from .organisation import Department, Organisation
from .outreach import ContactMapEntry, OutreachMeeting, outreach_department, outreach_participant
from .reminder import (
    DeliveryStatus,
    NotificationKind,
    ReminderFrequency,
    ReminderPreference,
    SentNotification,
    SentNotificationItem,
    UpdateRequest,
    UpdateRound,
)
from .report import ReportSnapshot
from .sso import ExternalIdentity, IdentityProvider
from .strategy import Goal, Strategy
from .user import Invitation, Membership, Role, User
from .workshop import ConvertedKind, Layout, Phase, Workshop, WorkshopCard, WorkshopParticipant, WorkshopVote

__all__ = [
    "ContactMapEntry",
    "OutreachMeeting",
    "outreach_department",
    "outreach_participant",
    "ApiToken",
    "TokenScope",
    "MAX_ID",
    "KPI",
    "Archivable",
    "ActionPlan",
    "ActionPlanUpdate",
    "AuditEvent",
    "DataVersion",
    "ExternalIdentity",
    "IdentityProvider",
    "Derived",
    "Department",
    "Direction",
    "Frequency",
    "Goal",
    "Invitation",
    "KPIKind",
    "KPITarget",
    "Measurement",
    "Membership",
    "Municipality",
    "Organisation",
    "ReportSnapshot",
    "Role",
    "Status",
    "Strategy",
    "SurveyRank",
    "User",
    "ConvertedKind",
    "Layout",
    "Phase",
    "Workshop",
    "WorkshopCard",
    "WorkshopParticipant",
    "WorkshopVote",
    "DeliveryStatus",
    "NotificationKind",
    "ReminderFrequency",
    "ReminderPreference",
    "SentNotification",
    "SentNotificationItem",
    "UpdateRequest",
    "UpdateRound",
    "Inquiry",
    "InquiryChannel",
    "InquiryOutcome",
    "inquiry_department",
]
