"""JSON serialisers of API v1: plain functions from models to dicts.

Personal fields pass through `personal_data.shown`, so they are masked unless the caller
may see them; the field lists here are mirrored by the schemas in `openapi.py`.
"""

from datetime import UTC, date

from app.models.base import MOSCOW
from app.models.documents import Approval, Document, DocumentRecipient
from app.models.meetings import AgendaItem, Attendance, Decision, GroupMember, Meeting, ProtocolRevision, WorkingGroup
from app.models.org import Centre, Region, RoleAssignment, User
from app.models.roadmap import Roadmap, RoadmapBlock, RoadmapItem
from app.models.tasks import Task, TaskComment
from app.services import artefacts, roadmap, tasks
from app.services.calendar import Deadline
from app.services.meetings import assignees_label, decision_line
from app.services.personal_data import mask, may_see, shown
from app.services.policy import can

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


# ---- artefacts and approvals ----------------------------------------------------------------


def artefact(kind: str, artefact_id: int | None, viewer: User) -> dict:
    """What a record approves, delivers or is evidenced by, titled as documents cite it; a record
    the viewer may not see is named by its kind alone."""
    record = artefacts.load(kind, artefact_id)
    permission = artefacts.permission(kind)
    hidden = record is not None and permission is not None and not can(viewer, permission, record)
    label = artefacts.ARTEFACT_KINDS.get(kind, kind)
    return {
        "kind": kind,
        "kind_label": label,
        "id": None if hidden else artefact_id,
        "title": label if hidden else artefacts.title(kind, artefact_id),
    }


def approval(obj: Approval, viewer: User) -> dict:
    """An approval: the artefact, the verb, the day, and the protocol decision or document that gave it."""
    if obj.document_id is not None:
        source = artefact("document", obj.document_id, viewer)
    else:
        source = artefact("protocol", obj.decision.item.meeting_id, viewer)
    return {
        "id": obj.id,
        "artefact": artefact(obj.artefact_kind, obj.artefact_id, viewer),
        "verb": obj.verb,
        "verb_label": obj.verb_label,
        "approved_on": day(obj.approved_on),
        "source": source,
        "decision_id": obj.decision_id,
        "decision_number": obj.decision.number if obj.decision_id is not None else None,
    }


# ---- roadmaps -------------------------------------------------------------------------------


def progress(value: roadmap.Progress) -> dict:
    return {
        "total": value.total,
        "done": value.done,
        "late": value.late,
        "overdue": value.overdue,
        "not_done": value.not_done,
        "soon": value.soon,
        "percent": value.percent,
        "rag": value.rag,
        "rag_label": value.rag_label,
    }


def roadmap_summary(obj: Roadmap, items: list[RoadmapItem], on: date) -> dict:
    """A roadmap with its roll-up on `on`; `items` are all of its items."""
    return {
        "id": obj.id,
        "title": obj.title,
        "status": obj.status,
        "status_label": obj.status_label,
        "starts_on": day(obj.starts_on),
        "ends_on": day(obj.ends_on),
        "approved_on": day(obj.approved_on),
        "template": obj.template,
        "region": ref(obj.region),
        "centre": ref(obj.centre),
        "status_on": day(on),
        "progress": progress(roadmap.progress(items, on)),
        "created_at": utc(obj.created_at),
        "updated_at": utc(obj.updated_at),
    }


def deadline_conflict(obj: roadmap.DeadlineConflict) -> dict:
    return {
        "text": obj.text,
        "due_on": day(obj.due_on),
        "meeting_id": obj.meeting.id,
        "decision_id": obj.decision.id,
        "decision_number": obj.decision.number,
    }


def roadmap_item(obj: RoadmapItem, viewer: User, on: date, conflicts: list) -> dict:
    """An item: its plan, its fact, and what is computed from them on `on` (status, slip)."""
    status = roadmap.status_of(obj, on)
    return {
        "id": obj.id,
        "block_id": obj.block_id,
        "position": obj.position,
        "number": obj.number,
        "title": obj.title,
        "expected_result": obj.expected_result,
        "deadline_kind": obj.deadline_kind,
        "deadline_kind_label": obj.deadline_kind_label,
        "deadline_label": roadmap.deadline_label(obj),
        "due_from": day(obj.due_from),
        "due_on": day(obj.due_on),
        "baseline_due_on": day(obj.baseline_due_on),
        "baseline_slip_days": roadmap.baseline_slip(obj, on),
        "responsible": [person(p.user, viewer) for p in obj.people],
        "responsible_text": obj.responsible_text,
        "departments": [ref(d.department) for d in obj.departments],
        "deliverable": artefact(obj.deliverable_kind, obj.deliverable_id, viewer) if obj.deliverable_kind else None,
        "result": obj.result,
        "done_on": day(obj.done_on),
        "done_text": obj.done_text,
        "done_label": roadmap.done_label(obj),
        "note": obj.note,
        "not_done_reason": obj.not_done_reason,
        "status": {"code": status.code, "label": status.label, "days": status.days},
        "evidence": [artefact(e.artefact_kind, e.artefact_id, viewer) for e in obj.evidence],
        "deadline_conflicts": [deadline_conflict(c) for c in conflicts],
    }


def roadmap_block(obj: RoadmapBlock, viewer: User, on: date, conflicts: dict) -> dict:
    return {
        "id": obj.id,
        "position": obj.position,
        "title": obj.title,
        "starts_on": day(obj.starts_on),
        "ends_on": day(obj.ends_on),
        "progress": progress(roadmap.progress(obj.items, on)),
        "items": [roadmap_item(i, viewer, on, conflicts.get(i.id, [])) for i in obj.items],
    }


def roadmap_detail(obj: Roadmap, viewer: User, on: date, approvals: list[Approval], conflicts: dict) -> dict:
    """A roadmap with its blocks and items as of `on`, the approvals that made it binding, and the
    items a protocol orders by another deadline (`conflicts`, by item id)."""
    items = [item for block in obj.blocks for item in block.items]
    return {
        **roadmap_summary(obj, items, on),
        "approvals": [approval(a, viewer) for a in approvals],
        "blocks": [roadmap_block(b, viewer, on, conflicts) for b in obj.blocks],
    }


# ---- documents ------------------------------------------------------------------------------


def document(obj: Document) -> dict:
    return {
        "id": obj.id,
        "kind": obj.kind,
        "kind_label": obj.kind_label,
        "registration_number": obj.registration_number,
        "signed_on": day(obj.signed_on),
        "citation": str(obj),
        "title": obj.title,
        "issuer": obj.issuer,
        "signatory": obj.signatory,
        "appendices": list(obj.appendices or []),
        "status": obj.status,
        "status_label": obj.status_label,
        "meeting_id": obj.meeting_id,
        "template": obj.template,
        "region": ref(obj.region),
        "centre": ref(obj.centre),
        "created_at": utc(obj.created_at),
        "updated_at": utc(obj.updated_at),
    }


def recipient(obj: DocumentRecipient, viewer: User) -> dict:
    return {
        "user": person(obj.user, viewer),
        "due_on": day(obj.due_on),
        "sent_at": utc(obj.sent_at),
        "acknowledged_at": utc(obj.acknowledged_at),
        "acknowledged": obj.acknowledged_at is not None,
    }


def document_detail(
    obj: Document, viewer: User, approves: list[Approval], approved_by: list[Approval], may_manage: bool
) -> dict:
    """A document with what it approves and what approved it; the distribution list for those who
    manage the document, and the caller's own acknowledgement if it was sent to them."""
    own = next((r for r in obj.recipients if r.user_id == viewer.id), None)
    return {
        **document(obj),
        "approves": [approval(a, viewer) for a in approves],
        "approved_by": [approval(a, viewer) for a in approved_by],
        "may_manage": may_manage,
        "recipients": [recipient(r, viewer) for r in obj.recipients] if may_manage else None,
        "acknowledgement": None if own is None else recipient(own, viewer),
    }
