"""Demo meetings: the seed 000 working group, its protocols of 05.08, 03.09 and 12.10.2021, and the tasks
their поручения became, replayed through the meeting and task services as the secretary and the chair
would have done it in 2021. Loading twice changes nothing: the group is found by name, a protocol by
its registration number, and a protocol found is left as it is.

The order, the roadmap the first protocol approves and the pilot report are woven in by
app/services/demo_roadmap.py (before the first protocol, while each is drawn up, after the last).

The data and what in it is from the source or invented: app/demo/meetings.py.
"""

import io
from datetime import datetime, time

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.demo.meetings import EVIDENCE, GROUP, MEETINGS, ORDER
from app.extensions import db
from app.models.meetings import Decision, Meeting, WorkingGroup
from app.models.org import Region, User
from app.models.roadmap import Roadmap
from app.models.tasks import Task
from app.services import audit, demo_roadmap, files, meetings, tasks
from app.services.calendar import parse_deadline

SIGNED_AT = time(13, 0)  # UTC, 16:00 in Moscow: the seed gives no time of signing (INVENTED)


def load_meetings() -> WorkingGroup | None:
    """Create the group, the signed protocols and their tasks once; None if the demo people are missing."""
    region = db.session.scalar(select(Region).where(Region.name == GROUP["region"]))
    people = _people()
    if region is None or people is None:
        return None
    by_role = {m["role"]: people[m["full_name"]] for m in GROUP["members"]}
    chair, secretary = by_role["head"], by_role["secretary"]
    group = _group(region, people, secretary)
    # The order and the draft roadmap come before the protocol of 05.08.2021, which approves the roadmap.
    roadmap, drafted = demo_roadmap.load_plan(region, people, secretary)
    for data in MEETINGS:
        found = db.session.scalar(
            select(Meeting.id).where(
                Meeting.group_id == group.id, Meeting.registration_number == data["registration_number"]
            )
        )
        if found is None:
            decisions = _meeting(group, data, people, chair, secretary, roadmap)
            _outcomes(decisions, people)
    demo_roadmap.load_facts(roadmap, drafted, chair, secretary)
    db.session.flush()
    return group


def _people() -> dict[str, User] | None:
    """The group's members among the demo users (app.services.demo creates them), by full name."""
    from app.services.demo import DEMO_DOMAIN  # demo.load() calls this module: import late

    names = [m["full_name"] for m in GROUP["members"]]
    users = db.session.scalars(
        select(User).where(User.full_name.in_(names), User.email.like(f"%@{DEMO_DOMAIN}")).order_by(User.id)
    )
    found = {}
    for user in users:
        found.setdefault(user.full_name, user)
    return found if len(found) == len(names) else None


def _group(region: Region, people: dict[str, User], actor: User) -> WorkingGroup:
    group = db.session.scalar(
        select(WorkingGroup).where(WorkingGroup.name == GROUP["name"], WorkingGroup.region_id == region.id)
    )
    if group is None:
        # Groups are created in the meetings blueprint, not a service: the same fields and audit entry here.
        group = WorkingGroup(
            name=GROUP["name"], kind=GROUP["kind"], approved_by=GROUP["approved_by"], region_id=region.id
        )
        db.session.add(group)
        db.session.flush()
        audit.record(
            "group.create",
            group,
            actor=actor,
            after={"name": group.name, "kind": group.kind, "approved_by": group.approved_by, "region_id": region.id},
        )
    # set_member leaves a member whose role and position on that date are already these untouched.
    # It finds the person's current row by user_id, which a row added in this session gets only when
    # flushed: flush after each call, or a later position would not close the earlier row.
    for member in GROUP["members"]:
        for on, position in member["positions"]:
            meetings.set_member(group, people[member["full_name"]], member["role"], position, on, ORDER, actor)
            db.session.flush()
    return group


def _meeting(
    group: WorkingGroup, data: dict, people: dict[str, User], chair: User, secretary: User, roadmap: Roadmap | None
):
    """One protocol from draft to signed on its date; returns [(Decision, its data)].

    A decision's "artefact_ref" names what it approves or orders (the roadmap as a record); the
    roadmap item planning this meeting is linked to it before the signature, which fills its fact.
    """
    meeting = meetings.create(group, data["starts_at"], data["place"], "", secretary, number=data["number"])
    meetings.move(meeting, "scheduled", secretary)
    # create() and scheduling open with «Контроль исполнения ранее принятых решений» when earlier
    # поручения are open (the standing control of 05.08 always is); the source protocols have no such
    # item, and keeping it would shift the source's item numbers, so the demo drops it before the agenda.
    for item in [i for i in meeting.items if i.is_control]:
        meeting.items.remove(item)
    db.session.flush()
    meetings.update(meeting, {"registration_number": data["registration_number"]}, secretary)

    rows = {row.user_id: row for row in meeting.attendance}
    for name, position in data["positions"].items():
        # The position as this protocol prints it; no service edits it, the draft row takes it directly.
        rows[people[name].id].position = position
    for name, mark in data["attendance"].items():
        meetings.set_attendance(
            rows[people[name].id],
            mark["status"],
            mark.get("substitute_name", ""),
            mark.get("substitute_position", ""),
            secretary,
        )

    decisions = []
    for item_data in data["items"]:
        item = meetings.add_item(meeting, item_data["title"], item_data["speakers"], None, secretary)
        meetings.update_item(item, {"heard": item_data["heard"], "discussion": item_data["discussion"]}, secretary)
        for spec in item_data["decisions"]:
            decision = meetings.add_decision(
                item,
                spec["verb"],
                spec["text"],
                secretary,
                assignee_ids=[people[name].id for name in spec.get("assignees", ())],
                addressee=spec.get("addressee", ""),
                deadline=parse_deadline(spec["deadline"]) if "deadline" in spec else None,
                evidence_required=spec.get("evidence_required", False),
                artefact=spec.get("artefact", ""),
                artefact_ref=demo_roadmap.artefact_ref(spec.get("artefact_ref"), roadmap),
            )
            decisions.append((decision, spec))

    for target in ("held", "circulated"):
        meetings.move(meeting, target, secretary)
    demo_roadmap.link_protocol(roadmap, data["number"], meeting, secretary)
    # Signed by the chair on the meeting's date: the tasks' deadlines are resolved from it.
    day = data["starts_at"].date()
    meetings.move(meeting, "signed", chair, on=day)
    # The service stamps the signing moment as now; the demo protocol was signed in 2021.
    meeting.signed_at = meeting.revisions[-1].signed_at = datetime.combine(day, SIGNED_AT)
    return decisions


def _outcomes(decisions: list[tuple[Decision, dict]], people: dict[str, User]) -> None:
    """Close the tasks the data says were done, on their historical dates; a group's parent follows."""
    names = {user.id: name for name, user in people.items()}
    for decision, spec in decisions:
        if spec["verb"] != "assign":
            continue
        made = db.session.scalars(
            select(Task).where(Task.source_type == "decision", Task.source_id == decision.id).order_by(Task.id)
        ).all()
        children = [t for t in made if t.responsible_id is not None]
        parent = next((t for t in made if t.responsible_id is None), None)
        for task in children:
            name = names[task.responsible_id]
            outcome = spec.get("outcomes", {}).get(name)
            if outcome:
                _done(task, outcome["done_on"], outcome.get("comment", ""))
            elif name in spec.get("in_progress", ()):
                tasks.move(task, "in_progress", task.responsible)
        if parent is not None:
            tasks.sync_group_parent(parent)  # closes with its last child, on that child's (historical) date


def _done(task: Task, done_on, comment: str = "") -> None:
    """Take the task through the service's moves (work → review → accepted by the controller)."""
    worker = task.responsible or task.controller
    if task.evidence_required:
        upload = FileStorage(
            stream=io.BytesIO(EVIDENCE["text"].encode("utf-8")),
            filename=EVIDENCE["filename"],
            content_type="text/plain",
        )
        files.attach_file(task, upload, worker, EVIDENCE["description"])
    tasks.move(task, "in_progress", worker)
    if task.responsible is not None:
        tasks.move(task, "review", worker, comment=comment)
    tasks.move(task, "done", task.controller)
    # tasks.move stamps completed_on with today's date and no service records a past completion, so
    # the historical date is set on the field afterwards (on time or late is read from it against
    # due_on). The audit entries of these moves stay dated now.
    task.completed_on = done_on
