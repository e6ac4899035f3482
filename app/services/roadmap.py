"""Roadmaps: computed item status, roll-up, baseline, templates, facts filled by approvals, check tasks."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models.base import today, year_problem
from app.models.meetings import AgendaItem, Decision, Meeting, WorkingGroup
from app.models.roadmap import (
    DEADLINE_KINDS,
    WHOLE_PERIOD,
    WHOLE_PERIOD_TEXT,
    Roadmap,
    RoadmapBlock,
    RoadmapEvidence,
    RoadmapItem,
    RoadmapItemDepartment,
    RoadmapItemPerson,
)
from app.models.tasks import Task
from app.services import artefacts, audit, calendar, tasks
from app.services.roadmap_templates import TEMPLATES

SOON_DAYS = 7  # an item due within a week without a fact makes the roadmap amber
CHECK_EVERY_DAYS = 30  # how often a whole-period item's check task comes back
ITEM_FIELDS = (
    "number",
    "title",
    "expected_result",
    "deadline_kind",
    "due_from",
    "due_on",
    "responsible_text",
    "deliverable_kind",
    "deliverable_id",
)
FACT_FIELDS = ("result", "done_on", "done_text", "note", "not_done_reason")


class RoadmapError(ValueError):
    """A roadmap change was refused; the message is for the user."""


# ---- status, computed -----------------------------------------------------------------------

STATUS_LABELS = {
    "planned": "запланировано",
    "in_progress": "в работе",
    "done": "выполнено",
    "done_late": "выполнено с опозданием",
    "overdue": "просрочено",
    "not_done": "не выполнено",
}
STATUS_BADGES = {
    "planned": "text-bg-light",
    "in_progress": "text-bg-info",
    "done": "text-bg-success",
    "done_late": "text-bg-warning",
    "overdue": "text-bg-danger",
    "not_done": "text-bg-secondary",
}


@dataclass(frozen=True)
class ItemStatus:
    """An item's status on a day; `days` late (done late) or overdue."""

    code: str
    days: int = 0

    @property
    def label(self) -> str:
        text = STATUS_LABELS[self.code]
        return f"{text} на {tasks.days_text(self.days)}" if self.days else text

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self.code]


def _period_end(item: RoadmapItem) -> date | None:
    return item.roadmap.ends_on or item.block.ends_on


def _start(item: RoadmapItem) -> date | None:
    return item.due_from or item.block.starts_on or item.roadmap.starts_on


def status_of(item: RoadmapItem, on: date | None = None) -> ItemStatus:
    """Запланировано / в работе / выполнено / выполнено с опозданием / просрочено / не выполнено.

    «До» a date is inclusive: done on the day is on time. A whole-period item is in work until the
    period ends, whatever facts it has; after that it is done with a fact and overdue without.
    """
    on = on or today()
    if item.not_done_reason:
        return ItemStatus("not_done")
    deadline = None if item.deadline_kind == "whole_period" else item.due_on
    if item.deadline_kind == "whole_period":
        end = _period_end(item)
        if end is None or on <= end:
            start = _start(item)
            return ItemStatus("planned" if start and on < start else "in_progress")
        return ItemStatus("done") if item.done_on else ItemStatus("overdue", (on - end).days)
    if item.done_on:
        late = (item.done_on - deadline).days if deadline else 0
        return ItemStatus("done_late", late) if late > 0 else ItemStatus("done")
    if deadline and on > deadline:
        return ItemStatus("overdue", (on - deadline).days)
    start = _start(item)
    return ItemStatus("planned" if start and on < start else "in_progress")


def baseline_slip(item: RoadmapItem, on: date | None = None) -> int:
    """Days the item is late against the baseline frozen at approval (0 when on time or no baseline)."""
    if item.baseline_due_on is None or item.not_done_reason:
        return 0
    reached = item.done_on or (on or today())
    return max((reached - item.baseline_due_on).days, 0)


def deadline_label(item: RoadmapItem) -> str:
    """The Срок column: «01.04.2022», «до 08.04.2022», «с 20.06.2022 по 30.06.2022», «на протяжении…»."""
    kind, due = item.deadline_kind, item.due_on
    if kind == "whole_period":
        return WHOLE_PERIOD_TEXT
    if kind == "range" and item.due_from and due:
        return f"с {item.due_from:%d.%m.%Y} по {due:%d.%m.%Y}"
    if due is None:
        return ""
    text = f"{due:%d.%m.%Y}" if kind == "on" else f"до {due:%d.%m.%Y}"
    return f"{text} и {WHOLE_PERIOD_TEXT}" if kind == "until_and_whole_period" else text


def done_label(item: RoadmapItem) -> str:
    """The Дата исполнения column as written, else the date."""
    if item.done_text:
        return item.done_text
    return f"{item.done_on:%d.%m.%Y}" if item.done_on else ""


@dataclass
class Progress:
    """Roll-up of a block or a roadmap on a day, with its red / amber / green."""

    total: int = 0
    done: int = 0  # done, on time or late
    late: int = 0  # done late
    overdue: int = 0
    not_done: int = 0
    soon: int = 0  # due within SOON_DAYS without a fact

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def rag(self) -> str:
        """Red: something is overdue. Amber: something is due this week or was not done. Green otherwise."""
        if self.overdue:
            return "red"
        return "amber" if self.soon or self.not_done else "green"

    @property
    def rag_label(self) -> str:
        return {"red": "есть просроченные мероприятия", "amber": "есть риски", "green": "по плану"}[self.rag]

    @property
    def rag_name(self) -> str:
        return {"red": "Красный", "amber": "Жёлтый", "green": "Зелёный"}[self.rag]

    @property
    def rag_badge(self) -> str:
        return {"red": "text-bg-danger", "amber": "text-bg-warning", "green": "text-bg-success"}[self.rag]


def progress(items, on: date | None = None) -> Progress:
    on = on or today()
    result = Progress()
    for item in items:
        status = status_of(item, on)
        result.total += 1
        result.done += status.code in ("done", "done_late")
        result.late += status.code == "done_late"
        result.overdue += status.code == "overdue"
        result.not_done += status.code == "not_done"
        due = item.due_on if item.deadline_kind != "whole_period" else None
        result.soon += bool(status.code in ("planned", "in_progress") and due and 0 <= (due - on).days <= SOON_DAYS)
    return result


# ---- editing --------------------------------------------------------------------------------


def _check_date(value: date | None, label: str) -> None:
    if problem := year_problem(value):
        raise RoadmapError(f"{label}: {problem[0].lower()}{problem[1:]}")


def _check_period(starts_on: date | None, ends_on: date | None) -> None:
    _check_date(starts_on, "Начало")
    _check_date(ends_on, "Окончание")
    if starts_on and ends_on and ends_on < starts_on:
        raise RoadmapError("Окончание периода раньше его начала.")


def save_roadmap(roadmap: Roadmap | None, values: dict, actor) -> Roadmap:
    """Create or change a roadmap's title and period; audited."""
    _check_period(values.get("starts_on"), values.get("ends_on"))
    if not (values.get("title") or "").strip():
        raise RoadmapError("Укажите название дорожной карты.")
    is_new = roadmap is None
    if is_new:
        roadmap = Roadmap(created_by_id=getattr(actor, "id", None))
        db.session.add(roadmap)
    before = None if is_new else audit.snapshot(roadmap, ("title", "starts_on", "ends_on"))
    for name in ("title", "starts_on", "ends_on", "region_id", "centre_id"):
        if name in values:
            setattr(roadmap, name, values[name].strip() if name == "title" else values[name])
    db.session.flush()
    audit.record(
        "roadmap.create" if is_new else "roadmap.update",
        roadmap,
        before=before,
        after=audit.snapshot(roadmap, ("title", "starts_on", "ends_on")),
        actor=actor,
        label=roadmap.title,
    )
    return roadmap


def save_block(roadmap: Roadmap, block: RoadmapBlock | None, values: dict, actor) -> RoadmapBlock:
    _check_period(values.get("starts_on"), values.get("ends_on"))
    if not (values.get("title") or "").strip():
        raise RoadmapError("Укажите название блока.")
    if block is None:
        block = RoadmapBlock(roadmap=roadmap, position=len(roadmap.blocks) + 1)
        db.session.add(block)
    block.title = values["title"].strip()
    block.starts_on, block.ends_on = values.get("starts_on"), values.get("ends_on")
    db.session.flush()
    audit.record("roadmap.block", roadmap, after={"block": block.title}, actor=actor, label=roadmap.title)
    return block


def check_deadline(kind: str, due_from: date | None, due_on: date | None) -> None:
    """The deadline's parts fit its kind; the message names what is missing."""
    if kind not in DEADLINE_KINDS:
        raise RoadmapError("Выберите вид срока.")
    _check_date(due_from, "Начало периода")
    _check_date(due_on, "Срок")
    if kind in ("on", "until", "until_and_whole_period") and due_on is None:
        raise RoadmapError("Укажите дату срока.")
    if kind == "range":
        if due_from is None or due_on is None:
            raise RoadmapError("Для периода укажите обе даты: начало и окончание.")
        if due_on < due_from:
            raise RoadmapError("Окончание периода раньше его начала.")
    if kind == "whole_period" and due_on is not None:
        raise RoadmapError("Срок «на протяжении всего периода» не имеет даты: выберите «до даты и на протяжении…».")


def save_item(
    block: RoadmapBlock, item: RoadmapItem | None, values: dict, actor, people=(), departments=()
) -> RoadmapItem:
    """Create or change an item's plan: number, text, deadline, responsible people and departments, deliverable."""
    values = {k: v for k, v in values.items() if k in ITEM_FIELDS}
    if not (values.get("title") or "").strip():
        raise RoadmapError("Укажите мероприятие.")
    kind = values.get("deadline_kind", "until")
    due_from = values.get("due_from") if kind == "range" else None
    due_on = None if kind == "whole_period" else values.get("due_on")
    check_deadline(kind, due_from, due_on)
    values.update(due_from=due_from, due_on=due_on)
    deliverable = values.get("deliverable_kind") or ""
    if deliverable and deliverable not in artefacts.ARTEFACT_KINDS:
        raise RoadmapError("Выберите, что даёт мероприятие, из списка.")
    if not artefacts.linkable(deliverable) or values.get("deliverable_id") is None:
        values["deliverable_id"] = None
    elif artefacts.load(deliverable, values["deliverable_id"]) is None:
        raise RoadmapError("Выбранный результат не найден.")
    is_new = item is None
    roadmap = block.roadmap
    if is_new:
        last = select(func.max(RoadmapItem.position)).where(RoadmapItem.roadmap_id == roadmap.id)
        position = (db.session.scalar(last) or 0) + 1  # a query: `roadmap.items` misses items not yet flushed
        item = RoadmapItem(roadmap=roadmap, block=block, position=position)
        db.session.add(item)
    before = None if is_new else audit.snapshot(item, ITEM_FIELDS)
    for name, value in values.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.block = block
    _set_people(item, people)
    _set_departments(item, departments)
    db.session.flush()
    audit.record(
        "roadmap.item",
        roadmap,
        before=before,
        after={"item": item.number, **audit.snapshot(item, ITEM_FIELDS)},
        actor=actor,
        label=roadmap.title,
    )
    return item


def _set_people(item: RoadmapItem, user_ids) -> None:
    """Exactly these people in this order; rows of people who stay are kept (a new row for them would
    clash with the old one on the unique key before the old one is deleted)."""
    kept = {p.user_id: p for p in item.people}
    item.people = [kept.get(i) or RoadmapItemPerson(user_id=i) for i in dict.fromkeys(user_ids) if i]
    for n, person in enumerate(item.people, 1):
        person.position = n


def _set_departments(item: RoadmapItem, department_ids) -> None:
    kept = {d.department_id: d for d in item.departments}
    item.departments = [
        kept.get(i) or RoadmapItemDepartment(department_id=i) for i in dict.fromkeys(department_ids) if i
    ]


def record_fact(item: RoadmapItem, values: dict, actor) -> RoadmapItem:
    """The fact: result, date(s) of execution, note; or «не выполнено» with its reason. Audited."""
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in FACT_FIELDS}
    _check_date(values.get("done_on"), "Дата исполнения")
    if values.get("not_done_reason"):
        values.update(done_on=None, done_text="")
    elif values.get("done_text") and not values.get("done_on"):
        raise RoadmapError("Укажите дату исполнения, по которой считается срок (последнюю, если их несколько).")
    elif values.get("result") and not values.get("done_on"):
        raise RoadmapError("Укажите дату исполнения.")
    before = audit.snapshot(item, FACT_FIELDS)
    for name, value in values.items():
        setattr(item, name, value)
    db.session.flush()
    after = audit.snapshot(item, FACT_FIELDS)
    if before != after:
        audit.record(
            "roadmap.fact",
            item.roadmap,
            before=before,
            after={"item": item.number, **after},
            actor=actor,
            label=item.roadmap.title,
        )
    return item


def remove_item(item: RoadmapItem, actor) -> None:
    roadmap = item.roadmap
    audit.record(
        "roadmap.item_remove",
        roadmap,
        before={"item": item.number, "title": item.title},
        actor=actor,
        label=roadmap.title,
    )
    item.block.items.remove(item)
    db.session.flush()


def add_evidence(item: RoadmapItem, kind: str, artefact_id: int, actor) -> RoadmapEvidence:
    """Link a protocol or a document of the roadmap's region as evidence of the item's fact (once)."""
    record = artefacts.load(kind, artefact_id) if artefacts.linkable(kind) else None
    if record is None or record.region_id != item.roadmap.region_id:
        raise RoadmapError("Документ для подтверждения не найден.")
    for evidence in item.evidence:
        if (evidence.artefact_kind, evidence.artefact_id) == (kind, artefact_id):
            return evidence
    evidence = RoadmapEvidence(artefact_kind=kind, artefact_id=artefact_id)
    item.evidence.append(evidence)
    db.session.flush()
    audit.record(
        "roadmap.evidence",
        item.roadmap,
        after={"item": item.number, "evidence": artefacts.title(kind, artefact_id)},
        actor=actor,
        label=item.roadmap.title,
    )
    return evidence


def remove_evidence(evidence: RoadmapEvidence, actor) -> None:
    item = db.session.get(RoadmapItem, evidence.item_id)
    audit.record(
        "roadmap.evidence",
        item.roadmap,
        before={"item": item.number, "evidence": artefacts.title(evidence.artefact_kind, evidence.artefact_id)},
        actor=actor,
        label=item.roadmap.title,
    )
    item.evidence.remove(evidence)
    db.session.flush()


# ---- templates ------------------------------------------------------------------------------


def from_template(key: str, values: dict, actor) -> Roadmap:
    """A roadmap made from a template of seed 003, every date moved to start on `values["starts_on"]`."""
    if key not in TEMPLATES:
        raise RoadmapError("Выберите шаблон из списка.")
    template = TEMPLATES[key][1]
    starts_on = values.get("starts_on") or template.starts_on
    shift = starts_on - template.starts_on

    def moved(day: date | None) -> date | None:
        return day + shift if day else None

    roadmap = save_roadmap(
        None,
        {
            "title": values.get("title") or template.title,
            "starts_on": starts_on,
            "ends_on": moved(template.ends_on),
            "region_id": values.get("region_id"),
            "centre_id": values.get("centre_id"),
        },
        actor,
    )
    roadmap.template = key
    position = 0
    for n, spec in enumerate(template.blocks, 1):
        block = RoadmapBlock(
            roadmap=roadmap, position=n, title=spec.title, starts_on=moved(spec.starts_on), ends_on=moved(spec.ends_on)
        )
        for entry in spec.items:
            position += 1
            block.items.append(
                RoadmapItem(
                    roadmap=roadmap,
                    position=position,
                    number=entry.number,
                    title=entry.title,
                    expected_result=entry.expected_result,
                    deadline_kind=entry.deadline_kind,
                    due_from=moved(entry.due_from),
                    due_on=moved(entry.due_on),
                    responsible_text=entry.responsible,
                    deliverable_kind=entry.deliverable_kind,
                )
            )
        db.session.add(block)
    db.session.flush()
    return roadmap


# ---- approval -------------------------------------------------------------------------------


def approve(roadmap: Roadmap, on: date, actor) -> list[Task]:
    """Approved: the baseline is frozen, and each whole-period item gets a recurring check task."""
    if roadmap.is_approved:
        return []
    db.session.expire(roadmap, ["items"])  # a view of the blocks' items: items added in this session too
    roadmap.status, roadmap.approved_on = "approved", on
    for item in roadmap.items:
        item.baseline_due_on = item.due_on
    checks = [_check_task(item, on, actor) for item in roadmap.items if item.deadline_kind in WHOLE_PERIOD]
    db.session.flush()
    audit.record("roadmap.approve", roadmap, after={"approved_on": on}, actor=actor, label=roadmap.title)
    return checks


def _check_task(item: RoadmapItem, on: date, actor) -> Task:
    """«Проверить исполнение …» for the item's first responsible person (else the approver), every month."""
    responsible = item.people[0].user_id if item.people else getattr(actor, "id", None)
    return tasks.create(
        {
            "title": f"Проверить исполнение мероприятия {item.number} дорожной карты: {item.title}"[:500],
            "description": f"Мероприятие выполняется {WHOLE_PERIOD_TEXT}; проверка повторяется каждые "
            f"{CHECK_EVERY_DAYS} дней.",
            "source_type": "roadmap",
            "source_id": item.id,
            "responsible_id": responsible,
            "due_on": calendar.shift_to_working_day(on + timedelta(days=CHECK_EVERY_DAYS)),
            "recurrence_days": CHECK_EVERY_DAYS,
            "region_id": item.roadmap.region_id,
            "centre_id": item.roadmap.centre_id,
        },
        actor,
    )


def artefact_approved(kind: str, artefact_id: int, on: date, evidence: artefacts.Ref, actor) -> list[RoadmapItem]:
    """An artefact was approved on `on` by a protocol or a document (`evidence`).

    A roadmap is thereby approved; every item delivering the artefact whose fact is still empty
    gets the approval's date, a result naming the approval, and the approving record as evidence.
    Returns the items filled.
    """
    if kind == "roadmap":
        roadmap = db.session.get(Roadmap, artefact_id)
        if roadmap is not None:
            approve(roadmap, on, actor)
    items = db.session.scalars(
        select(RoadmapItem).where(RoadmapItem.deliverable_kind == kind, RoadmapItem.deliverable_id == artefact_id)
    ).all()
    filled = []
    for item in items:
        if item.done_on or item.not_done_reason:
            continue  # a fact someone typed stays
        what = artefacts.title(kind, artefact_id)
        by = artefacts.title(evidence.kind, evidence.id)
        result = what if kind == "protocol" else f"{what}: утверждено — {by}"
        record_fact(item, {"result": result, "done_on": on}, actor)
        if (evidence.kind, evidence.id) != (kind, artefact_id) or kind == "protocol":
            add_evidence(item, evidence.kind, evidence.id, actor)
        filled.append(item)
    return filled


# ---- two documents, two deadlines -----------------------------------------------------------


@dataclass(frozen=True)
class DeadlineConflict:
    """The same deliverable due on another day by a protocol's «поручить» decision."""

    item: RoadmapItem
    decision: Decision
    meeting: Meeting
    due_on: date

    @property
    def text(self) -> str:
        return (
            f"Срок расходится: в дорожной карте — {self.item.due_on:%d.%m.%Y}, "
            f"в {artefacts.protocol_title(self.meeting).replace('Протокол', 'протоколе', 1)} "
            f"(решение {self.decision.number}) — {self.due_on:%d.%m.%Y}."
        )


def deadline_conflicts(roadmap: Roadmap) -> dict[int, list[DeadlineConflict]]:
    """Items whose deliverable a protocol of the roadmap's region orders with another deadline, by item id."""
    wanted = {i.deliverable_kind for i in roadmap.items if i.deliverable_kind and i.due_on}
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Decision, Meeting, Task.due_on)
        .join(AgendaItem, Decision.item_id == AgendaItem.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .join(WorkingGroup, Meeting.group_id == WorkingGroup.id)
        .join(Task, (Task.source_type == "decision") & (Task.source_id == Decision.id))
        .where(
            Decision.verb == "assign",
            Decision.artefact_kind.in_(wanted),
            WorkingGroup.region_id == roadmap.region_id,
            Task.due_on.is_not(None),
        )
        .order_by(Meeting.starts_at, Decision.id)
    ).all()
    conflicts: dict[int, list[DeadlineConflict]] = {}
    seen = set()
    for item in roadmap.items:
        for decision, meeting, due_on in rows:
            same = decision.artefact_kind == item.deliverable_kind and (
                decision.artefact_id is None
                or item.deliverable_id is None
                or decision.artefact_id == item.deliverable_id
            )
            if same and item.due_on and due_on != item.due_on and (item.id, decision.id) not in seen:
                seen.add((item.id, decision.id))
                conflicts.setdefault(item.id, []).append(DeadlineConflict(item, decision, meeting, due_on))
    return conflicts
