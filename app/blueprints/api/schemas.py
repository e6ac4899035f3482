"""JSON serialisers of API v1: plain functions from models to dicts.

Personal fields pass through `personal_data.shown`, so they are masked unless the caller
may see them; the field lists here are mirrored by the schemas in `openapi.py`.
"""

from datetime import UTC

from app.models.base import MOSCOW
from app.models.meetings import AgendaItem, Attendance, Decision, GroupMember, Meeting, ProtocolRevision, WorkingGroup
from app.models.org import Centre, Region, RoleAssignment, User
from app.models.tasks import Task, TaskComment
from app.services import tasks
from app.services.calendar import Deadline
from app.services.meetings import assignees_label, decision_line
from app.services.personal_data import mask, may_see, shown

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


def ref(obj) -> dict | None:
    """A short reference to a related record: id and name, or None."""
    return None if obj is None else {"id": obj.id, "name": obj.name}


def region(obj: Region) -> dict:
    return {
        "id": obj.id,
        "name": obj.name,
        "aliases": list(obj.aliases or []),
        "authority_name": obj.authority_name,
        "network_type": obj.network_type,
        "network_label": obj.network_label,
        "managing_centre": ref(obj.managing_centre),
    }


def centre(obj: Centre) -> dict:
    return {
        "id": obj.id,
        "name": obj.name,
        "aliases": list(obj.aliases or []),
        "region": ref(obj.region),
        "parent": ref(obj.parent),
        "address": obj.address,
        "working_hours": obj.working_hours,
        "is_pilot": obj.is_pilot,
        "is_modernised": obj.is_modernised,
        "is_flagship": obj.is_flagship,
    }


def role(assignment: RoleAssignment) -> dict:
    return {
        "role": assignment.role,
        "label": assignment.role_label,
        "scope": assignment.scope_label,
        "region_id": assignment.region_id,
        "centre_id": assignment.centre_id,
    }


def user(obj: User, viewer: User) -> dict:
    """A staff member as `viewer` may see them (personal fields masked otherwise)."""
    return {
        "id": obj.id,
        "full_name": shown(obj, "full_name", viewer),
        "position": obj.position,
        "email": shown(obj, "email", viewer),
        "phone": shown(obj, "phone", viewer),
        "active": obj.active,
        "region": ref(obj.region),
        "centre": ref(obj.centre),
        "department": ref(obj.department),
        "roles": [role(r) for r in obj.roles],
    }


# ---- dates ----------------------------------------------------------------------------------


def day(value) -> str | None:
    """A date as ISO 8601 (2025-10-30), or None."""
    return value.isoformat() if value else None


def utc(value) -> str | None:
    """A stored moment (naive UTC) as ISO 8601 with its offset, or None."""
    return value.replace(tzinfo=UTC).isoformat() if value else None


def local(value) -> str | None:
    """A wall-clock time entered in Moscow (a meeting's start) as ISO 8601 with +03:00, or None."""
    return value.replace(tzinfo=MOSCOW).isoformat() if value else None


# ---- people ---------------------------------------------------------------------------------


def person(obj: User | None, viewer: User) -> dict | None:
    """A staff member named in a record: id and full name, masked unless `viewer` may see it."""
    return None if obj is None else {"id": obj.id, "name": shown(obj, "full_name", viewer)}


def _name_on(value: str, viewer: User, subject) -> str:
    """A name copied into a record (an attendance row): masked like the person's, or, for
    someone who is not a user, like a name in `subject`'s scope."""
    if not value or may_see(viewer, subject):
        return value or ""
    return mask("full_name", value)


# ---- working groups and meetings ------------------------------------------------------------


def group(obj: WorkingGroup) -> dict:
    return {
        "id": obj.id,
        "name": obj.name,
        "kind": obj.kind,
        "kind_label": obj.kind_label,
        "approved_by": obj.approved_by,
        "active": obj.active,
        "region": ref(obj.region),
        "centre": ref(obj.centre),
    }


def member(obj: GroupMember, viewer: User) -> dict:
    return {
        "id": obj.id,
        "user": person(obj.user, viewer),
        "role": obj.role,
        "role_label": obj.role_label,
        "position": obj.position,
        "valid_from": day(obj.valid_from),
        "valid_to": day(obj.valid_to),
        "order_reference": obj.order_reference,
    }


def group_detail(obj: WorkingGroup, members: list[GroupMember], viewer: User) -> dict:
    return {**group(obj), "members": [member(m, viewer) for m in members]}


def meeting(obj: Meeting, viewer: User) -> dict:
    return {
        "id": obj.id,
        "group": ref(obj.group),
        "number": obj.number,
        "number_label": obj.number_label,
        "year": obj.year,
        "starts_at": local(obj.starts_at),
        "place": obj.place,
        "link": obj.link,
        "status": obj.status,
        "status_label": obj.status_label,
        "read_only": obj.is_signed,
        "registration_number": obj.registration_number,
        "chair": person(obj.chair, viewer),
        "secretary": person(obj.secretary, viewer),
        "signed_at": utc(obj.signed_at),
        "revision": obj.revision,
        "region_id": obj.region_id,
        "centre_id": obj.centre_id,
    }


def attendance(obj: Attendance, viewer: User) -> dict:
    subject = obj.user if obj.user is not None else obj.meeting
    return {
        "id": obj.id,
        "user_id": obj.user_id,
        "full_name": _name_on(obj.full_name, viewer, subject),
        "position": obj.position,
        "status": obj.status,
        "status_label": obj.status_label,
        "substitute_name": _name_on(obj.substitute_name, viewer, obj.meeting),
        "substitute_position": obj.substitute_position,
    }


def decision(obj: Decision, viewer: User, people: dict[int, User], task_ids: dict[int, list[int]]) -> dict:
    """A decision as the protocol numbers it; `people` holds its assignees, `task_ids` the tasks
    it created that the viewer may see."""
    deadline = Deadline.from_json(obj.deadline) if obj.deadline else None
    return {
        "id": obj.id,
        "item_id": obj.item_id,
        "number": obj.number,
        "verb": obj.verb,
        "verb_label": obj.verb_label,
        "text": obj.text,
        "line": decision_line(obj),
        "artefact": obj.artefact,
        "addressee": obj.addressee,
        "assignees": [person(people[i], viewer) for i in obj.assignee_ids if i in people],
        "assignees_label": assignees_label(obj) if obj.verb == "assign" else "",
        "deadline_label": deadline.label() if deadline else "",
        "deadline": obj.deadline,
        "evidence_required": obj.evidence_required,
        "task_ids": task_ids.get(obj.id, []),
    }


def agenda_item(obj: AgendaItem, viewer: User, people, task_ids) -> dict:
    return {
        "id": obj.id,
        "position": obj.position,
        "title": obj.title,
        "speakers": obj.speakers,
        "planned_minutes": obj.planned_minutes,
        "heard": obj.heard,
        "discussion": obj.discussion,
        "is_control": obj.is_control,
        "decisions": [decision(d, viewer, people, task_ids) for d in obj.decisions],
    }


def revision(obj: ProtocolRevision, viewer: User) -> dict:
    return {
        "number": obj.number,
        "reason": obj.reason,
        "signed_at": utc(obj.signed_at),
        "signed_by": person(obj.signed_by, viewer),
    }


def meeting_detail(obj: Meeting, viewer: User, people, task_ids) -> dict:
    return {
        **meeting(obj, viewer),
        "attendance": [attendance(a, viewer) for a in obj.attendance],
        "items": [agenda_item(i, viewer, people, task_ids) for i in obj.items],
        "revisions": [revision(r, viewer) for r in obj.revisions],
    }


# ---- tasks ----------------------------------------------------------------------------------


def task(obj: Task, viewer: User) -> dict:
    """A task as it shows in a list; the people on it are named as `viewer` may see them."""
    return {
        "id": obj.id,
        "title": obj.title,
        "description": obj.description,
        "status": obj.status,
        "status_label": obj.status_label,
        "priority": obj.priority,
        "priority_label": obj.priority_label,
        "source_type": obj.source_type,
        "source_label": obj.source_label,
        "source_id": obj.source_id,
        "parent_id": obj.parent_id,
        "region_id": obj.region_id,
        "centre": ref(obj.centre),
        "department": ref(obj.department),
        "responsible": person(obj.responsible, viewer),
        "controller": person(obj.controller, viewer),
        "created_by": person(obj.created_by, viewer),
        "co_executors": [person(p.user, viewer) for p in obj.participants if p.role == "co_executor"],
        "watchers": [person(p.user, viewer) for p in obj.participants if p.role == "watcher"],
        "due_on": day(obj.due_on),
        "deadline_text": obj.deadline_text,
        "standing": obj.standing,
        "recurrence_days": obj.recurrence_days,
        "evidence_required": obj.evidence_required,
        "completed_on": day(obj.completed_on),
        "days_left": tasks.days_left(obj),
        "days_left_label": tasks.days_left_label(obj),
        "overdue": tasks.is_overdue(obj),
        "my_roles": tasks.roles_of(viewer, obj),
        "created_at": utc(obj.created_at),
        "updated_at": utc(obj.updated_at),
    }


def comment(obj: TaskComment, viewer: User) -> dict:
    return {"id": obj.id, "author": person(obj.author, viewer), "text": obj.text, "created_at": utc(obj.created_at)}


def task_detail(obj: Task, viewer: User) -> dict:
    """A task with its comments and what `viewer` may do with it now."""
    return {
        **task(obj, viewer),
        "comments": [comment(c, viewer) for c in obj.comments],
        "may_manage": tasks.may_manage(viewer, obj),
        "allowed_moves": [{"status": s, "label": label} for s, label in tasks.allowed_moves(viewer, obj)],
        "needs_evidence": tasks.needs_evidence(obj),
    }
