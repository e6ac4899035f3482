"""Working groups and meetings: composition over time, the meeting lifecycle, decisions → tasks, protocol text."""

import difflib
import re
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.base import FIRST_YEAR, LAST_YEAR, MOSCOW, today, utcnow
from app.models.meetings import (
    DECISION_VERBS,
    MEETING_STATUSES,
    AgendaItem,
    Attendance,
    Decision,
    GroupMember,
    Meeting,
    ProtocolRevision,
    WorkingGroup,
)
from app.models.org import User
from app.models.tasks import OPEN_STATUSES, Task
from app.services import artefacts, audit, documents, ical, tasks
from app.services.calendar import Deadline, parse_deadline

CONTROL_TITLE = "Контроль исполнения ранее принятых решений"
MAX_DECISION_TEXT = 5000
TASK_TITLE_MAX = 1000  # Task.title is String(1000): a longer decision goes whole into the description
INVITATION_FIELDS = ("number", "starts_at", "place", "link", "chair_id", "secretary_id")  # what an invitation shows
NUMBER_TAKEN = "Номер уже занят: его только что получило другое заседание группы. Повторите действие."

# status → statuses it may move to
TRANSITIONS = {
    "draft": ("scheduled",),
    "scheduled": ("held", "draft"),
    "held": ("circulated", "scheduled"),
    "circulated": ("signed", "held"),
    "signed": (),
}
MOVE_LABELS = {
    ("draft", "scheduled"): "Назначить заседание",
    ("scheduled", "held"): "Отметить, что заседание проведено",
    ("scheduled", "draft"): "Вернуть в черновик",
    ("held", "circulated"): "Разослать протокол на согласование",
    ("held", "scheduled"): "Вернуть в «Назначено»",
    ("circulated", "signed"): "Подписать протокол",
    ("circulated", "held"): "Вернуть на доработку",
}


class MeetingError(ValueError):
    """A meeting rule was broken; the message is for the user, `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# ---- composition -------------------------------------------------------------------------


def members_on(group: WorkingGroup, day: date) -> list[GroupMember]:
    """The group as it stood on `day`: head first, then deputy, secretary, members."""
    order = {"head": 0, "deputy": 1, "secretary": 2, "member": 3}
    current = [m for m in group.members if m.valid_from <= day and (m.valid_to is None or m.valid_to >= day)]
    return sorted(current, key=lambda m: (order.get(m.role, 9), m.user.full_name))


def set_member(group: WorkingGroup, user: User, role: str, position: str, on: date, order_reference: str, actor):
    """Put `user` in the group from `on` with this role and position; their previous row is closed, not lost."""
    current = next((m for m in members_on(group, on) if m.user_id == user.id), None)
    if current is not None and (current.role, current.position) == (role, position):
        return current
    if current is not None:
        if current.valid_from == on:
            db.session.delete(current)
        else:
            current.valid_to = on.fromordinal(on.toordinal() - 1)
    member = GroupMember(
        group=group,
        user=user,
        role=role,
        position=position or user.position,
        valid_from=on,
        order_reference=order_reference,
    )
    db.session.add(member)
    db.session.flush()  # the next call for this person must see this row
    audit.record(
        "group.member",
        group,
        actor=actor,
        before={"member": user.full_name, "role": current.role} if current else None,
        after={"member": user.full_name, "role": role, "position": member.position, "from": on},
    )
    return member


GROUP_FIELDS = ("name", "kind", "approved_by", "region_id", "centre_id")


def save_group(group: WorkingGroup, values: dict, scope, actor) -> WorkingGroup:
    """Create or change a working group in `scope` (a policy Scope); its meetings follow a move; audited."""
    is_new = group.id is None
    before = {} if is_new else audit.snapshot(group, GROUP_FIELDS)
    for name, value in values.items():
        setattr(group, name, value)
    group.region_id, group.centre_id = scope.region_id, scope.centre_id
    db.session.add(group)
    db.session.flush()
    old, new = audit.changed(before, audit.snapshot(group, GROUP_FIELDS))
    if new:
        audit.record("group.create" if is_new else "group.update", group, before=old or None, after=new, actor=actor)
    if not is_new and {"region_id", "centre_id"} & set(new):
        follow_group_scope(group, actor)
    return group


def follow_group_scope(group: WorkingGroup, actor) -> int:
    """Move the group's meetings to the group's region and centre (after the group itself moved).

    A meeting belongs where its group works: left behind, it would stay visible to the old scope
    and hidden from the new one. Returns how many meetings moved.
    """
    stmt = (
        sql_update(Meeting)
        .where(
            Meeting.group_id == group.id,
            or_(
                Meeting.region_id.is_distinct_from(group.region_id),
                Meeting.centre_id.is_distinct_from(group.centre_id),
            ),
        )
        .values(region_id=group.region_id, centre_id=group.centre_id)
        .execution_options(synchronize_session="fetch")
    )
    moved = db.session.execute(stmt).rowcount or 0
    if moved:
        audit.record(
            "group.meetings_moved",
            group,
            actor=actor,
            after={"meetings": moved, "region_id": group.region_id, "centre_id": group.centre_id},
        )
    return moved


def remove_member(member: GroupMember, on: date, actor) -> None:
    member.valid_to = on
    audit.record(
        "group.member_out", member.group, actor=actor, before={"member": member.user.full_name}, after={"to": on}
    )


# ---- meetings ----------------------------------------------------------------------------


def local_date(meeting: Meeting) -> date:
    return meeting.starts_at.date()


def moscow_now() -> datetime:
    """Now as a naive Moscow wall-clock time, comparable with `Meeting.starts_at`."""
    return datetime.now(MOSCOW).replace(tzinfo=None)


def check_starts_at(starts_at) -> None:
    """A meeting's date and time: present, and in a plausible year."""
    if not isinstance(starts_at, datetime):
        raise MeetingError("Укажите дату и время заседания.", field="starts_at")
    if not FIRST_YEAR <= starts_at.year <= LAST_YEAR:
        raise MeetingError(f"Год заседания — от {FIRST_YEAR} до {LAST_YEAR}.", field="starts_at")


def next_number(group: WorkingGroup, year: int) -> int:
    highest = db.session.scalar(
        select(func.max(Meeting.number)).where(Meeting.group_id == group.id, Meeting.year == year)
    )
    return (highest or 0) + 1


def ensure_editable(meeting: Meeting) -> None:
    """The one gate every change of a meeting passes: a signed protocol is read-only."""
    if meeting.is_signed:
        raise MeetingError("Протокол подписан и не изменяется. Исправление — через новую редакцию с указанием причины.")


def create(
    group: WorkingGroup,
    starts_at: datetime,
    place: str,
    link: str,
    actor,
    number: int | None = None,
    *,
    approve_previous: bool = False,
    agenda_from: Meeting | None = None,
) -> Meeting:
    """A draft meeting with the group's members invited, chair and secretary taken from the composition.

    The agenda opens with control of earlier поручения that are still open, then, if asked, the
    approval of the previous protocol, then the items of `agenda_from` (a regular session's template).
    """
    check_starts_at(starts_at)
    day = starts_at.date()
    members = members_on(group, day)
    role_holder = {m.role: m.user_id for m in reversed(members)}
    meeting = Meeting(
        group=group,
        year=starts_at.year,
        number=number,
        starts_at=starts_at,
        place=place,
        link=link,
        region_id=group.region_id,
        centre_id=group.centre_id,
        chair_id=role_holder.get("head"),
        secretary_id=role_holder.get("secretary"),
    )
    _check_number(meeting)
    db.session.add(meeting)
    if number is not None:
        _flush_number()
    for m in members:
        meeting.attendance.append(Attendance(user_id=m.user_id, full_name=m.user.full_name, position=m.position))
    items = []
    if open_assignments(group, before=meeting):
        items.append(AgendaItem(title=CONTROL_TITLE, is_control=True))
    previous = previous_meeting(group, starts_at)
    if approve_previous and previous is not None:
        approval = AgendaItem(
            title=f"Об утверждении протокола заседания {previous.number_label} от {previous.starts_at:%d.%m.%Y}"
        )
        approval.decisions.append(
            Decision(position=1, verb="approve", text=f"протокол заседания {previous.number_label}")
        )
        items.append(approval)
    for template in agenda_from.items if agenda_from is not None else ():
        if not template.is_control:
            items.append(
                AgendaItem(title=template.title, speakers=template.speakers, planned_minutes=template.planned_minutes)
            )
    for position, item in enumerate(items, start=1):
        item.position = position
        meeting.items.append(item)
    db.session.flush()
    audit.record("meeting.create", meeting, actor=actor, after={"date": starts_at, "number": number})
    return meeting


def previous_meeting(group: WorkingGroup, before: datetime) -> Meeting | None:
    """The group's last meeting before `before`."""
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.group_id == group.id, Meeting.starts_at < before)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
    )


def _check_number(meeting: Meeting) -> None:
    if meeting.number is None:
        return
    if meeting.number < 1:
        raise MeetingError("Номер заседания — целое положительное число.")
    clash = db.session.scalar(
        select(Meeting.id).where(
            Meeting.group_id == meeting.group_id,
            Meeting.year == meeting.year,
            Meeting.number == meeting.number,
            Meeting.id != (meeting.id or 0),
        )
    )
    if clash:
        raise MeetingError(f"Заседание № {meeting.number} за {meeting.year} год у этой группы уже есть.")


def update(meeting: Meeting, values: dict, actor) -> Meeting:
    """Change the meeting's details; a scheduled meeting whose time, place or people change is re-sent."""
    ensure_editable(meeting)
    if "starts_at" in values:
        check_starts_at(values["starts_at"])
    fields = ("number", "starts_at", "place", "link", "chair_id", "secretary_id", "registration_number")
    before = audit.snapshot(meeting, fields)
    numbered = (meeting.number, meeting.year)
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.year = meeting.starts_at.year
    _check_number(meeting)
    if meeting.number is not None and (meeting.number, meeting.year) != numbered:
        _flush_number()
    old, new = audit.changed(before, audit.snapshot(meeting, fields))
    if new:
        audit.record("meeting.update", meeting, before=old, after=new, actor=actor)
    if meeting.status == "scheduled" and any(name in INVITATION_FIELDS for name in new or {}):
        _reinvite(meeting, actor)
    return meeting


def _reinvite(meeting: Meeting, actor) -> None:
    """An updated invitation (same UID, higher SEQUENCE) so calendars move the event."""
    db.session.flush()
    db.session.expire(meeting, ["chair", "secretary"])  # their ids may have just changed
    ical.invite(meeting, actor)


def transitions(meeting: Meeting) -> tuple[str, ...]:
    """Where the meeting may go from here. A protocol under correction (signed, then reopened with
    a reason) may only be signed again: walking it back would cancel a meeting that took place."""
    if meeting.correction_reason:
        return ("signed",) if meeting.status == "circulated" else ()
    return TRANSITIONS[meeting.status]


def allowed_moves(meeting: Meeting) -> list[tuple[str, str]]:
    return [(target, MOVE_LABELS[(meeting.status, target)]) for target in transitions(meeting)]


def move(meeting: Meeting, target: str, actor, on: date | None = None) -> Meeting:
    """Change the lifecycle status; signing checks the protocol, creates tasks and a revision."""
    if target not in transitions(meeting):
        raise MeetingError(
            f"Нельзя перевести заседание из «{meeting.status_label}» в «{MEETING_STATUSES.get(target, target)}»."
        )
    if target == "held" and meeting.starts_at > moscow_now():
        raise MeetingError(
            f"Заседание ещё не началось: отметить его проведённым можно с {meeting.starts_at:%d.%m.%Y %H:%M} (мск)."
        )
    if target == "scheduled" and meeting.number is None:
        meeting.number = next_number(meeting.group, meeting.year)
        _flush_number()
    if target == "signed":
        _check_signable(meeting)
    before = meeting.status
    meeting.status = target
    if target == "signed":
        _sign(meeting, actor, on or today())
    audit.record("meeting.status", meeting, actor=actor, before={"status": before}, after={"status": target})
    if target == "scheduled" and before == "draft":
        ensure_control_item(meeting, actor)  # a поручение may have been reopened since the draft was made
        ical.invite(meeting, actor)  # e-mail with an .ics, sent after the commit
    elif target == "draft":
        ical.cancel(meeting, actor)
    return meeting


def _flush_number() -> None:
    """Write the new number now: if another meeting of the group took it meanwhile (two people
    scheduling at once), the unique key says so here, and the user is asked to repeat."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise MeetingError(NUMBER_TAKEN) from None


def _check_signable(meeting: Meeting) -> None:
    problems = []
    if meeting.chair_id is None:
        problems.append("не указан председатель")
    if not meeting.items:
        problems.append("нет вопросов повестки")
    assigns = [d for item in meeting.items for d in item.decisions if d.verb == "assign"]
    people = people_of(assigns)
    for decision in assigns:
        if not decision.assignee_ids:
            problems.append(f"в решении {decision.number} не указаны ответственные")
        if not decision.deadline:
            problems.append(f"в решении {decision.number} не указан срок")
        missing = [i for i in decision.assignee_ids if i not in people]
        inactive = [people[i].short_name for i in decision.assignee_ids if i in people and not people[i].active]
        if missing:
            problems.append(f"в решении {decision.number} ответственный не найден — выберите ответственных заново")
        if inactive:
            problems.append(
                f"в решении {decision.number} ответственные с отключённой учётной записью: {', '.join(inactive)}"
                " — замените их"
            )
    if problems:
        raise MeetingError("Протокол нельзя подписать: " + "; ".join(problems) + ".")


def _sign(meeting: Meeting, actor, on: date) -> None:
    meeting.signed_at = utcnow()
    meeting.revision += 1
    meeting.revisions.append(
        ProtocolRevision(
            number=meeting.revision,
            reason=meeting.correction_reason,
            text=protocol_text(meeting),
            signed_by_id=getattr(actor, "id", None),
        )
    )
    meeting.correction_reason = ""
    for item in meeting.items:
        for decision in item.decisions:
            if decision.verb == "assign":
                try:
                    _assign(meeting, decision, actor, on)
                except tasks.TaskError as error:
                    problem = f"поручение по решению {decision.number} не создано: {error}"
                    raise MeetingError(f"Протокол не подписан: {problem}") from None
    later = select(Meeting).where(
        Meeting.group_id == meeting.group_id, Meeting.starts_at > meeting.starts_at, Meeting.status != "signed"
    )
    for other in db.session.scalars(later):  # its поручения are now open: the next meetings control them
        ensure_control_item(other, actor)
    documents.protocol_signed(meeting, actor)  # registered; what it approves is approved


def start_correction(meeting: Meeting, reason: str, actor) -> Meeting:
    """Reopen a signed protocol for a correction; signing it again adds a revision with this reason."""
    if not meeting.is_signed:
        raise MeetingError("Исправление нужно только для подписанного протокола.")
    if not reason.strip():
        raise MeetingError("Укажите причину исправления.")
    meeting.status, meeting.correction_reason = "circulated", reason.strip()
    audit.record("meeting.correction", meeting, actor=actor, after={"reason": reason.strip()})
    return meeting


def set_attendance(row: Attendance, status: str, substitute_name: str, substitute_position: str, actor) -> None:
    """Mark attendance; «замещает» needs the substitute's name and position."""
    ensure_editable(row.meeting)
    if status == "substituted" and not (substitute_name.strip() and substitute_position.strip()):
        raise MeetingError("Для замещения укажите ФИО и должность замещающего.")
    before = audit.snapshot(row, ("status", "substitute_name"))
    row.status = status
    row.substitute_name = substitute_name.strip() if status == "substituted" else ""
    row.substitute_position = substitute_position.strip() if status == "substituted" else ""
    audit.record(
        "meeting.attendance",
        row.meeting,
        actor=actor,
        before={row.full_name: before["status"]},
        after={row.full_name: status, "substitute": row.substitute_name},
    )


def attendance_marked(meeting: Meeting) -> bool:
    """Whether anyone's attendance was ever set (the default «присутствовал» may be unchecked)."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    AuditEvent.object_type == "Meeting",
                    AuditEvent.object_id == meeting.id,
                    AuditEvent.action == "meeting.attendance",
                )
            )
        )
    )


def compare(old: ProtocolRevision, new: ProtocolRevision) -> list[tuple[str, str]]:
    """Line-by-line differences between two revisions: ("same" | "removed" | "added", line)."""
    rows = []
    for line in difflib.ndiff(old.text.splitlines(), new.text.splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        rows.append(({"  ": "same", "- ": "removed", "+ ": "added"}[tag], text))
    return rows


# ---- agenda and decisions ----------------------------------------------------------------


def add_item(meeting: Meeting, title: str, speakers: str, planned_minutes: int | None, actor) -> AgendaItem:
    ensure_editable(meeting)
    item = AgendaItem(
        title=title.strip(),
        speakers=speakers.strip(),
        planned_minutes=planned_minutes,
        position=max((i.position for i in meeting.items), default=0) + 1,
    )
    meeting.items.append(item)
    db.session.flush()
    audit.record("meeting.item", meeting, actor=actor, after={"item": f"{item.position}. {item.title}"})
    if meeting.status == "scheduled":
        _reinvite(meeting, actor)  # the agenda is in the invitation
    return item


def ensure_control_item(meeting: Meeting, actor=None) -> bool:
    """Open the agenda with «Контроль исполнения ранее принятых решений» when earlier поручения are
    open and the item is missing (they may have appeared after the draft was made); True if added.
    Called when an earlier protocol is signed and when the meeting is scheduled, never on a page view.

    Never for a protocol that has been signed: renumbering its items would renumber its decisions.
    """
    if meeting.is_signed or meeting.revision or any(item.is_control for item in meeting.items):
        return False
    if not open_assignments(meeting.group, before=meeting):
        return False
    for item in meeting.items:
        item.position += 1
    meeting.items.insert(0, AgendaItem(title=CONTROL_TITLE, is_control=True, position=1))
    db.session.flush()
    audit.record("meeting.item", meeting, actor=actor, after={"item": f"1. {CONTROL_TITLE}"})
    return True


def update_item(item: AgendaItem, values: dict, actor) -> AgendaItem:
    ensure_editable(item.meeting)
    for name, value in values.items():
        setattr(item, name, value)
    audit.record("meeting.item", item.meeting, actor=actor, after={"item": f"{item.position}. {item.title}"})
    return item


def add_decision(
    item: AgendaItem,
    verb: str,
    text: str,
    actor,
    *,
    assignee_ids=(),
    addressee="",
    deadline: Deadline | None = None,
    evidence_required=False,
    artefact="",
    artefact_ref: artefacts.Ref | None = None,
) -> Decision:
    """A numbered decision; «поручить» needs responsible people and a deadline.

    `artefact_ref`: the record «утвердить» / «согласовать» approves (approved when the protocol is
    signed), or what a «поручить» must deliver; its title stands in for an empty `artefact`.
    """
    ensure_editable(item.meeting)
    if verb not in DECISION_VERBS:
        raise MeetingError("Выберите вид решения из списка.")
    if not text.strip():
        raise MeetingError("Впишите текст решения.")
    if len(text.strip()) > MAX_DECISION_TEXT:
        raise MeetingError(f"Текст решения — не длиннее {MAX_DECISION_TEXT} символов.")
    if verb == "assign" and not assignee_ids:
        raise MeetingError("Для поручения укажите ответственных.")
    if verb == "assign" and deadline is None:
        raise MeetingError("Для поручения укажите срок.")
    if artefact_ref is not None and artefact_ref.id is not None and artefacts.load(*artefact_ref) is None:
        raise MeetingError("Утверждаемый документ не найден.")
    if artefact_ref is not None and not artefact.strip() and verb in ("approve", "agree"):
        artefact = artefacts.title(*artefact_ref)  # the protocol names what it approves
    decision = Decision(
        verb=verb,
        text=text.strip(),
        assignee_ids=[int(i) for i in assignee_ids],
        addressee=addressee.strip(),
        deadline=deadline.to_json() if deadline else None,
        evidence_required=evidence_required,
        artefact=artefact.strip()[:500],
        artefact_kind=artefact_ref.kind if artefact_ref else "",
        artefact_id=artefact_ref.id if artefact_ref else None,
        position=max((d.position for d in item.decisions), default=0) + 1,
    )
    item.decisions.append(decision)
    db.session.flush()
    audit.record(
        "meeting.decision", item.meeting, actor=actor, after={"decision": f"{decision.number} {decision.verb_label}"}
    )
    return decision


def decision_has_tasks(decision: Decision) -> bool:
    return bool(
        db.session.scalar(select(exists().where(Task.source_type == "decision", Task.source_id == decision.id)))
    )


def remove_decision(decision: Decision, actor) -> None:
    """Delete a decision of an unsigned protocol; one that already gave поручения stays (they point at it)."""
    meeting = decision.item.meeting
    ensure_editable(meeting)
    if decision_has_tasks(decision):
        raise MeetingError(
            f"Решение {decision.number} уже стало поручениями, удалить его нельзя. "
            "Если поручение больше не нужно, отмените или измените его в разделе «Поручения»; "
            "причину исправления протокола укажите в редакции."
        )
    audit.record(
        "meeting.decision_removed",
        meeting,
        actor=actor,
        before={"decision": f"{decision.number} {decision.text[:200]}"},
    )
    item = decision.item
    item.decisions.remove(decision)
    for position, rest in enumerate(item.decisions, start=1):
        rest.position = position


def _assign(meeting: Meeting, decision: Decision, actor, signed_on: date) -> None:
    """Create the tasks of a «поручить» decision once: one per person, under a shared parent for a group."""
    if decision_has_tasks(decision):
        return
    deadline = Deadline.from_json(decision.deadline)
    title = task_title(decision.text)
    description = f"Протокол {meeting.number_label} от {local_date(meeting):%d.%m.%Y}, решение {decision.number}."
    if title != decision.text:
        description += f"\n\n{decision.verb_label} {decision.text}"
    common = {
        "title": title,
        "source_type": "decision",
        "source_id": decision.id,
        "controller_id": meeting.secretary_id or meeting.chair_id,
        "due_on": deadline.resolve(signed_on),
        "deadline_text": deadline.label(),
        "standing": deadline.kind == "standing",
        "evidence_required": decision.evidence_required,
        "description": description,
    }
    people = decision.assignee_ids
    parent = None
    if len(people) > 1:
        parent = tasks.create(dict(common, region_id=meeting.region_id, centre_id=meeting.centre_id), actor, group=True)
    for user_id in people:
        tasks.create(dict(common, responsible_id=user_id, parent_id=parent.id if parent else None), actor)


def task_title(text: str) -> str:
    """A decision's text as a task title: whole if it fits, else cut at a word with «…»."""
    if len(text) <= TASK_TITLE_MAX:
        return text
    cut = text[: TASK_TITLE_MAX - 1]
    if " " in cut[TASK_TITLE_MAX // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


def open_assignments(group: WorkingGroup, before: Meeting) -> list[Task]:
    """Open tasks from decisions of the group's earlier meetings: the «Контроль исполнения» item."""
    decision_ids = (
        select(Decision.id)
        .join(AgendaItem)
        .join(Meeting)
        .where(Meeting.group_id == group.id, Meeting.id != (before.id or 0), Meeting.starts_at < before.starts_at)
    )
    stmt = (
        select(Task)
        .where(Task.source_type == "decision", Task.source_id.in_(decision_ids), Task.status.in_(OPEN_STATUSES))
        .where(tasks.not_group_parent())
        .options(selectinload(Task.responsible))
        .order_by(Task.due_on, Task.id)
    )
    return list(db.session.scalars(stmt))


def people_of(decisions) -> dict[int, User]:
    """The assignees of these decisions, by id, in one query."""
    ids = {i for d in decisions for i in d.assignee_ids}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def assignees_label(decision: Decision, people: dict[int, User] | None = None) -> str:
    """«Директорам ЦЗН» for an addressed group, else the assignees' short names; `people` from `people_of`."""
    if decision.addressee:
        return decision.addressee
    if people is None:  # one decision: its people are often in the session already (the API loads them)
        people = {i: user for i in decision.assignee_ids if (user := db.session.get(User, i)) is not None}
    return ", ".join(people[i].short_name for i in decision.assignee_ids if i in people)


def read_deadline(text: str) -> Deadline:
    """A deadline as the secretary typed it: understood for the due date, worded as typed for the protocol."""
    deadline = parse_deadline(text)
    wording = re.sub(r"^срок\s*[-‐‑‒–—−:]?\s*", "", " ".join((text or "").split()), flags=re.IGNORECASE)
    wording = wording.rstrip(" ;,")
    if wording.endswith(".") and not re.search(r"\bг{1,2}\.$", wording):  # a full stop, not «г.»
        wording = wording[:-1].rstrip(" ;,")
    return replace(deadline, text=wording)


# ---- the protocol as text ----------------------------------------------------------------

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


def roman(n: int) -> str:
    return ROMAN[n - 1] if 0 < n <= len(ROMAN) else str(n)


def protocol_text(meeting: Meeting) -> str:
    """The protocol in the Russian administrative form, as plain text (revisions keep and compare it).

    Names are printed in full: the protocol is an official document, signed and registered.
    """
    lines = [meeting.group.name, "", f"ПРОТОКОЛ № {meeting.number or '___'}", f"{local_date(meeting):%d.%m.%Y}"]
    if meeting.registration_number:
        lines.append(f"Рег. № {meeting.registration_number}")
    if meeting.place:
        lines.append(meeting.place)
    lines.append("")
    if meeting.chair:
        lines.append(f"Председатель – {meeting.chair.full_name}")
    if meeting.secretary:
        lines.append(f"Секретарь – {meeting.secretary.full_name}")
    named = {meeting.chair_id, meeting.secretary_id} - {None}
    lines += ["", "Присутствовали:"]
    absent = []
    for a in meeting.attendance:
        if a.user_id is not None and a.user_id in named:
            continue  # named above
        if a.status == "present":
            lines.append(f"{a.position} – {a.full_name}".lstrip(" –"))
        elif a.status == "substituted":
            lines.append(f"{a.substitute_position} – {a.substitute_name} (замещает {a.full_name})".lstrip(" –"))
        elif a.status == "absent":
            absent.append(f"{a.position} – {a.full_name}".lstrip(" –"))
    if absent:
        lines += ["", "Отсутствовали:", *absent]
    lines += ["", "Повестка дня:"]
    for item in meeting.items:
        lines.append(f"{roman(item.position)}. {item.title}" + (f" ({item.speakers})" if item.speakers else ""))
    people = people_of(d for item in meeting.items for d in item.decisions)
    for item in meeting.items:
        lines += ["", f"{roman(item.position)}. {item.title}"]
        if item.is_control:
            for task in open_assignments(meeting.group, before=meeting):
                lines.append(
                    f"– {task.title} ({task.responsible.short_name if task.responsible else '—'}): {task.status_label}"
                )
        if item.heard:
            lines += ["СЛУШАЛИ:", item.heard]
        if item.discussion:
            lines += ["ВЫСТУПИЛИ:", item.discussion]
        if item.decisions:
            lines.append("РЕШИЛИ:")
        for decision in item.decisions:
            lines.append(decision_line(decision, people))
    lines += ["", f"Председатель {meeting.chair.short_name if meeting.chair else ''}".rstrip()]
    if meeting.secretary:
        lines.append(f"Секретарь {meeting.secretary.short_name}")
    return "\n".join(lines)


def decision_line(decision: Decision, people: dict[int, User] | None = None) -> str:
    """«1.2. Поручить … Ответственный: … Срок – …» as the protocol prints it; `people` from `people_of`."""
    text = f"{decision.number}. {decision.verb_label} {decision.text}"
    if decision.artefact:
        text += f" ({decision.artefact})"
    if decision.verb == "assign":
        several = bool(decision.addressee) or len(decision.assignee_ids) != 1
        label = assignees_label(decision, people)
        text += f" {'Ответственные' if several else 'Ответственный'}: {label}" + ("" if label.endswith(".") else ".")
        if decision.deadline:
            label = Deadline.from_json(decision.deadline).label()
            text += f" Срок – {label}" + ("" if label.endswith(".") else ".")
        if decision.evidence_required:
            text += " С подтверждающими материалами."
    return text
