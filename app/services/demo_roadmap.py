"""Demo roadmap: the seed 000 order, roadmap, its execution and the pilot report, replayed through the
document and roadmap services the way the secretary would have done it in 2021.

The meetings demo (app/services/demo_meetings.py) calls this module in three steps:

1. `load_plan`, before the first protocol: the order of 30.07.2021 is registered and signed, and the
   roadmap is drafted (blocks, 17 items, responsible people, what each delivers);
2. `artefact_ref` and `link_protocol`, while each protocol is drawn up: the 05.08 «утвердить»
   decision names the roadmap, so signing that protocol approves it (baseline frozen, check tasks
   for whole-period items); the 03.09 journey-map поручение names the journey map, so its deadline
   is compared with the roadmap's; the item planning the meeting is linked to it before signing, so
   the signature fills the item's fact;
3. `load_facts`, after the last protocol: the facts as the report gives them (a typed fact replaces
   the automatic one), the evidence, the check tasks closed when the pilot ended, and the report's
   §2 and §3.

Loading twice changes nothing: the order is found by its number, the roadmap by its title, the
report by its roadmap; facts are typed only into a roadmap drafted in this run.

The data and what in it is from the source or invented: app/demo/roadmap.py.
"""

from sqlalchemy import select

from app.demo.meetings import MEETINGS
from app.demo.roadmap import CHECKS_CLOSED_COMMENT, CHECKS_CLOSED_ON, ORDER, REPORT, ROADMAP
from app.extensions import db
from app.models.documents import Document
from app.models.meetings import Meeting
from app.models.org import Region, User
from app.models.reports import PilotReport, ReportRow
from app.models.roadmap import WHOLE_PERIOD, Roadmap, RoadmapItem
from app.models.tasks import Task
from app.services import artefacts, audit, documents, tasks
from app.services import roadmap as roadmaps

APPROVED_ON = MEETINGS[0]["starts_at"].date()  # the protocol of 05.08.2021 approves the roadmap (L900–903)
_REGISTRATION = {m["number"]: m["registration_number"] for m in MEETINGS}
_ITEMS = {item["number"]: item for block in ROADMAP["blocks"] for item in block["items"]}


# ---- 1. before the first protocol ------------------------------------------------------------


def load_plan(region: Region, people: dict[str, User], actor: User) -> tuple[Roadmap, bool]:
    """The signed order and the roadmap (drafted now, or found); True when drafted in this run."""
    order = _order(region, actor)
    roadmap = db.session.scalar(
        select(Roadmap).where(Roadmap.title == ROADMAP["title"], Roadmap.region_id == region.id).order_by(Roadmap.id)
    )
    if roadmap is not None:
        return roadmap, False
    roadmap = roadmaps.save_roadmap(
        None,
        {
            "title": ROADMAP["title"],
            "starts_on": ROADMAP["starts_on"],
            "ends_on": ROADMAP["ends_on"],
            "region_id": region.id,
            "centre_id": None,
        },
        actor,
    )
    for block_data in ROADMAP["blocks"]:
        block = roadmaps.save_block(roadmap, None, {"title": block_data["title"]}, actor)
        for data in block_data["items"]:
            kind = data.get("deliverable", "")
            roadmaps.save_item(
                block,
                None,
                {
                    "number": data["number"],
                    "title": data["title"],
                    "expected_result": data["expected_result"],
                    "deadline_kind": data["deadline_kind"],
                    "due_on": data["due_on"],
                    "deliverable_kind": kind,
                    "deliverable_id": order.id if kind == "document" else None,
                },
                actor,
                people=[people[name].id for name in data["people"]],
            )
    return roadmap, True


def _order(region: Region, actor: User) -> Document:
    """«О проведении пилотной апробации …» of 30.07.2021 № 523-246/21П/од: registered and signed once."""
    order = db.session.scalar(
        select(Document).where(
            Document.kind == ORDER["kind"],
            Document.registration_number == ORDER["registration_number"],
            Document.region_id == region.id,
        )
    )
    if order is None:
        order = documents.save(None, {**ORDER, "appendices": list(ORDER["appendices"]), "region_id": region.id}, actor)
        documents.sign(order, actor)
    return order


# ---- 2. while the protocols are drawn up ----------------------------------------------------


def artefact_ref(kind: str | None, roadmap: Roadmap | None) -> artefacts.Ref | None:
    """What a decision approves or orders: the roadmap as a record, any other kind by name."""
    if not kind:
        return None
    if kind == "roadmap":
        return artefacts.Ref("roadmap", roadmap.id) if roadmap is not None else None
    return artefacts.Ref(kind)


def link_protocol(roadmap: Roadmap | None, number: int, meeting: Meeting, actor: User) -> None:
    """The item planning meeting №`number` delivers its protocol: linked before signing, signing fills it."""
    if roadmap is None:
        return
    for item in _items(roadmap):
        if _ITEMS.get(item.number, {}).get("meeting") == number and item.deliverable_id is None:
            values = {name: getattr(item, name) for name in roadmaps.ITEM_FIELDS}
            people = [person.user_id for person in item.people]
            roadmaps.save_item(item.block, item, {**values, "deliverable_id": meeting.id}, actor, people=people)


def _items(roadmap: Roadmap) -> list[RoadmapItem]:
    return [item for block in roadmap.blocks for item in block.items]


# ---- 3. after the last protocol -------------------------------------------------------------


def load_facts(roadmap: Roadmap | None, drafted: bool, chair: User, secretary: User) -> None:
    """Facts, evidence, closed check tasks into a roadmap drafted in this run; the report if missing."""
    if roadmap is None:
        return
    if drafted:
        meetings = _meetings(roadmap.region_id)
        for number, meeting in meetings.items():  # protocols signed before the roadmap existed
            link_protocol(roadmap, number, meeting, secretary)
        if not roadmap.is_approved:  # the same: the protocol of 05.08 was signed without naming it
            roadmaps.approve(roadmap, APPROVED_ON, chair)
        order = _order(db.session.get(Region, roadmap.region_id), secretary)
        for item in _items(roadmap):
            _fact(item, meetings, order, secretary)
        _close_checks(roadmap, chair)
    _report(roadmap, secretary)


def _meetings(region_id: int) -> dict[int, Meeting]:
    """The demo's signed protocols, by their number in MEETINGS."""
    found = {}
    for number, registration in _REGISTRATION.items():
        meeting = db.session.scalar(
            select(Meeting).where(Meeting.registration_number == registration, Meeting.region_id == region_id)
        )
        if meeting is not None:
            found[number] = meeting
    return found


def _fact(item: RoadmapItem, meetings: dict[int, Meeting], order: Document, actor: User) -> None:
    """The report's row for the item: typed over what a signature filled in, with its attachments."""
    fact = _ITEMS[item.number].get("fact")
    if fact is None:
        return
    roadmaps.record_fact(
        item,
        {"result": fact["result"], "done_on": fact["done_on"], "done_text": "", "note": fact.get("note", "")},
        actor,
    )
    for source in fact.get("evidence", ()):
        if source == "order":
            roadmaps.add_evidence(item, "document", order.id, actor)
        elif source in meetings:
            roadmaps.add_evidence(item, "protocol", meetings[source].id, actor)


def _close_checks(roadmap: Roadmap, manager: User) -> None:
    """The monthly checks of whole-period items, opened at approval, end with the pilot: their repetition
    is stopped and each is taken through work → review → done, dated the pilot's last day."""
    item_ids = [item.id for item in _items(roadmap) if item.deadline_kind in WHOLE_PERIOD]
    checks = db.session.scalars(
        select(Task)
        .where(Task.source_type == "roadmap", Task.source_id.in_(item_ids), Task.status.in_(("new", "in_progress")))
        .order_by(Task.id)
    ).all()
    for task in checks:
        author = task.created_by or manager
        if task.recurrence_days:
            tasks.update(task, {"recurrence_days": None}, author)
        worker = task.responsible or author
        if task.status == "new":
            tasks.move(task, "in_progress", worker)
        tasks.move(task, "review", worker, comment=CHECKS_CLOSED_COMMENT)
        tasks.move(task, "done", author)
        # tasks.move stamps today's date; the check ended with the pilot (see demo_meetings._done)
        task.completed_on = CHECKS_CLOSED_ON


def _report(roadmap: Roadmap, actor: User) -> PilotReport:
    """The pilot report on the roadmap (§1 is the roadmap itself) with the rows of §2 and §3."""
    report = db.session.scalar(select(PilotReport).where(PilotReport.roadmap_id == roadmap.id).order_by(PilotReport.id))
    if report is not None:
        return report
    report = PilotReport(
        roadmap_id=roadmap.id,
        title=REPORT["title"],
        region_id=roadmap.region_id,
        centre_id=roadmap.centre_id,
        created_by_id=actor.id,
    )
    for section in ("remarks", "effects"):
        for position, text in enumerate(REPORT[section], 1):
            report.rows.append(ReportRow(section=section, position=position, text=text))
    db.session.add(report)
    db.session.flush()
    audit.record(
        "report.create",
        report,
        after={"title": report.title, "roadmap_id": roadmap.id, "rows": len(report.rows)},
        actor=actor,
        label=report.title,
    )
    return report
