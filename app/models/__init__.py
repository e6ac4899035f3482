"""Every model module is imported here so Alembic autogenerate sees all tables."""

from app.models.api import ApiToken
from app.models.audit import AuditEvent
from app.models.files import Attachment
from app.models.jobs import JobRun
from app.models.mail import OutboxMessage
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

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEvent",
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
