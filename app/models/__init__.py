"""Every model module is imported here so Alembic autogenerate sees all tables."""

from app.models.api import ApiToken
from app.models.audit import AuditEvent
from app.models.calendar import CalendarOverride
from app.models.documents import Approval, Document, DocumentRecipient
from app.models.files import Attachment
from app.models.ical import IcalFeedToken  # noqa: F401
from app.models.indices import DigestLog, IndexValue, IndicatorAlert, IndicatorValue, RecalcRequest, RecalcState
from app.models.jobs import JobRun
from app.models.journeys import TouchPoint
from app.models.mail import OutboxMessage
from app.models.meetings import AgendaItem, Attendance, Decision, GroupMember, Meeting, ProtocolRevision, WorkingGroup
from app.models.methodology import Indicator, IndicatorGroup, Methodology, MethodologyParam
from app.models.notifications import Notification, ReminderLog, ReminderRule  # noqa: F401
from app.models.org import (
    Centre,
    Consent,
    ContactAssignment,
    Department,
    Region,
    RoleAssignment,
    Setting,
    User,
)
from app.models.reports import PilotReport, ReportRow, Submission, SubmissionEvent
from app.models.roadmap import (
    Roadmap,
    RoadmapBlock,
    RoadmapEvidence,
    RoadmapItem,
    RoadmapItemDepartment,
    RoadmapItemPerson,
)
from app.models.surveys import Answer, Option, Question, Quota, Response, Survey, SurveyLink
from app.models.tasks import Task, TaskComment, TaskParticipant

__all__ = [
    "Answer",
    "DigestLog",
    "IndicatorAlert",
    "IndexValue",
    "Indicator",
    "IndicatorGroup",
    "IndicatorValue",
    "Methodology",
    "MethodologyParam",
    "Option",
    "Question",
    "Quota",
    "RecalcRequest",
    "RecalcState",
    "Response",
    "Survey",
    "SurveyLink",
    "TouchPoint",
    "Approval",
    "Document",
    "DocumentRecipient",
    "PilotReport",
    "ReportRow",
    "Submission",
    "SubmissionEvent",
    "Roadmap",
    "RoadmapBlock",
    "RoadmapEvidence",
    "RoadmapItem",
    "RoadmapItemDepartment",
    "RoadmapItemPerson",
    "AgendaItem",
    "Attendance",
    "Decision",
    "GroupMember",
    "Meeting",
    "ProtocolRevision",
    "Task",
    "TaskComment",
    "TaskParticipant",
    "WorkingGroup",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "CalendarOverride",
    "Centre",
    "Consent",
    "ContactAssignment",
    "Department",
    "JobRun",
    "OutboxMessage",
    "Region",
    "RoleAssignment",
    "Setting",
    "User",
]
