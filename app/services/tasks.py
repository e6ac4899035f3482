"""Task use cases: create, change status by the rules, reassign, comment, recur; the lists people work from."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, or_, select, union
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.base import today
from app.models.files import Attachment
from app.models.org import User
from app.models.tasks import (
    OPEN_STATUSES,
    PRIORITIES,
    TASK_SOURCES,
    TASK_STATUSES,
    Task,
    TaskComment,
    TaskParticipant,
)
from app.services import audit, calendar, org
from app.services.policy import can, scope_filter, scoped

AUDITED = (
    "title",
    "description",
    "responsible_id",
    "controller_id",
    "due_on",
    "deadline_text",
    "priority",
    "status",
    "standing",
    "evidence_required",
    "department_id",
    "recurrence_days",
)

# status → statuses it may move to, and who may make the move: the executors ("work") or the managers ("manage").
TRANSITIONS: dict[str, dict[str, str]] = {
    "new": {"in_progress": "work", "cancelled": "manage"},
    "in_progress": {"review": "work", "done": "manage", "cancelled": "manage"},
    "review": {"done": "manage", "in_progress": "manage"},
    "done": {"in_progress": "manage"},
    "cancelled": {"new": "manage"},
}
ACTION_LABELS = {
    ("new", "in_progress"): "Взять в работу",
    ("in_progress", "review"): "Отправить на проверку",
    ("in_progress", "done"): "Отметить выполненной",
    ("review", "done"): "Принять",
    ("review", "in_progress"): "Вернуть на доработку",
    ("done", "in_progress"): "Переоткрыть",
    ("cancelled", "new"): "Переоткрыть",
    ("new", "cancelled"): "Отменить",
    ("in_progress", "cancelled"): "Отменить",
}
MAX_COMMENT = 5000
MAX_BULK = 500  # tasks one bulk reassignment may touch
MAX_RECURRENCE_DAYS = 366
RECENT_DONE_DAYS = 14  # the board's «Выполнена» column shows tasks closed this recently
BOARD_COLUMN_LIMIT = 50
BOARD_COUNT_CAP = 999
BOARD_STATUSES = ("new", "in_progress", "review", "done")


class TaskError(ValueError):
    """A task rule was broken; the message is for the user."""


# ---- rights and moves ----------------------------------------------------------------------


def may_manage(user, task: Task) -> bool:
    return can(user, "task.manage", task)


def may_work(user, task: Task) -> bool:
    return can(user, "task.work", task) or may_manage(user, task)


def allowed_moves(user, task: Task) -> list[tuple[str, str]]:
    """(target status, button label) the user may apply to the task now."""
    moves = []
    manage = may_manage(user, task)
    work = manage or may_work(user, task)
    for target, who in TRANSITIONS.get(task.status, {}).items():
        if manage or (who == "work" and work):
            moves.append((target, ACTION_LABELS[(task.status, target)]))
    return moves


def has_evidence(task: Task) -> bool:
    return (
        db.session.scalar(
            select(Attachment.id).where(
                Attachment.object_type == "Task", Attachment.object_id == task.id, Attachment.deleted_at.is_(None)
            )
        )
        is not None
    )


def needs_evidence(task: Task) -> bool:
    """Whether the task cannot be handed in yet for want of evidence."""
    return task.evidence_required and task.is_open and not has_evidence(task)


# ---- changes --------------------------------------------------------------------------------


def _save(task: Task, values: dict, actor, action: str) -> Task:
    before = {} if task.id is None else audit.snapshot(task, AUDITED)
    for name, value in values.items():
        setattr(task, name, value)
    if task.id is None:
        db.session.add(task)
    db.session.flush()
    old, new = audit.changed(before, audit.snapshot(task, AUDITED))
    if new:
        audit.record(action, task, before=old or None, after=new, actor=actor)
    return task


def _check(values: dict) -> None:
    if "title" in values and not (values["title"] or "").strip():
        raise TaskError("Укажите, что нужно сделать.")
    days = values.get("recurrence_days")
    if days is not None and not 0 < days <= MAX_RECURRENCE_DAYS:
        raise TaskError(f"Повтор — через 1–{MAX_RECURRENCE_DAYS} дней.")
    if values.get("priority") is not None and values["priority"] not in PRIORITIES:
        raise TaskError("Неизвестный приоритет.")


def _people(task: Task) -> dict[str, list[int]]:
    return {
        "co_executors": sorted(p.user_id for p in task.participants if p.role == "co_executor"),
        "watchers": sorted(p.user_id for p in task.participants if p.role == "watcher"),
    }


def set_people(task: Task, co_executors=(), watchers=(), actor=None) -> Task:
    """Make the task's co-executors and watchers exactly these people; audited when they change.

    The responsible person is never also a co-executor, and a co-executor is not also a watcher.
    """
    co = [u for u in dict.fromkeys(co_executors) if u and u != task.responsible_id]
    watch = [u for u in dict.fromkeys(watchers) if u and u not in co and u != task.responsible_id]
    wanted = {("co_executor", u) for u in co} | {("watcher", u) for u in watch}
    before = _people(task) if task.id is not None else {"co_executors": [], "watchers": []}
    for participant in list(task.participants):
        if (participant.role, participant.user_id) not in wanted:
            task.participants.remove(participant)
    have = {(p.role, p.user_id) for p in task.participants}
    for role, user_id in sorted(wanted - have):
        task.participants.append(TaskParticipant(user_id=user_id, role=role))
    db.session.flush()
    old, new = audit.changed(before, _people(task))
    if new:
        audit.record("task.people", task, before=old, after=new, actor=actor)
    return task


def create(values: dict, actor, co_executors=(), watchers=()) -> Task:
    """A new task; its scope follows the responsible person's place of work unless given."""
    values = dict(values)
    if not (values.get("title") or "").strip():
        raise TaskError("Укажите, что нужно сделать.")
    _check(values)
    task = Task(created_by_id=getattr(actor, "id", None))
    responsible = db.session.get(User, values["responsible_id"]) if values.get("responsible_id") else None
    if values.get("responsible_id") and responsible is None:
        raise TaskError("Ответственный не найден.")
    values.setdefault("region_id", responsible.region_id if responsible else getattr(actor, "region_id", None))
    values.setdefault("centre_id", responsible.centre_id if responsible else getattr(actor, "centre_id", None))
    _save(task, values, actor, "task.create")
    co = [u for u in dict.fromkeys(co_executors) if u and u != task.responsible_id]
    for user_id in co:
        task.participants.append(TaskParticipant(user_id=user_id, role="co_executor"))
    for user_id in dict.fromkeys(watchers):
        if user_id and user_id not in co and user_id != task.responsible_id:
            task.participants.append(TaskParticipant(user_id=user_id, role="watcher"))
    db.session.flush()
    return task


def update(task: Task, values: dict, actor) -> Task:
    if not may_manage(actor, task):
        raise TaskError("Изменять поручение могут его автор, контролёр и руководители.")
    _check(values)
    task = _save(task, values, actor, "task.update")
    if "responsible_id" in values:  # a new responsible person is no longer a co-executor or watcher
        for participant in list(task.participants):
            if participant.user_id == task.responsible_id:
                task.participants.remove(participant)
        db.session.flush()
    return task


def move(task: Task, target: str, actor, comment: str = "") -> Task:
    """Change the status if the rules and the actor's part in the task allow it."""
    if target not in dict(allowed_moves(actor, task)):
        current, wanted = TASK_STATUSES.get(task.status, task.status), TASK_STATUSES.get(target, target)
        raise TaskError(f"Нельзя перевести поручение из «{current}» в «{wanted}».")
    if target in ("review", "done") and task.evidence_required and not has_evidence(task):
        raise TaskError("Приложите подтверждающие материалы (фото, скриншоты, документы): без них поручение не сдать.")
    if len(comment.strip()) > MAX_COMMENT:
        raise TaskError(f"Комментарий — не длиннее {MAX_COMMENT} символов.")
    values = {"status": target, "completed_on": today() if target == "done" else None}
    _save(task, values, actor, "task.status")
    if comment.strip():
        add_comment(task, comment, actor)
    if target == "done" and task.recurrence_days:
        _next_occurrence(task, actor)
    return task


def next_due(task: Task, on: date | None = None) -> date:
    """The deadline of a recurring task's next occurrence.

    One period after this deadline; if that day has passed already (the task was closed late),
    further periods until it is not in the past; a day off moves to the next working day.
    """
    on = on or today()
    due = (task.due_on or on) + timedelta(days=task.recurrence_days)
    while due < on:
        due += timedelta(days=task.recurrence_days)
    return calendar.shift_to_working_day(due)


def _next_occurrence(task: Task, actor) -> Task:
    """Create the next occurrence once: closing, reopening and closing again adds nothing new."""
    later = select(Task).where(
        Task.id != task.id,
        Task.title == task.title,
        Task.responsible_id.is_(None) if task.responsible_id is None else Task.responsible_id == task.responsible_id,
        Task.source_type == task.source_type,
        Task.recurrence_days == task.recurrence_days,
        Task.due_on > task.due_on if task.due_on is not None else Task.id > task.id,
    )
    existing = db.session.scalar(later.order_by(Task.id).limit(1))
    if existing is not None:
        return existing
    due = next_due(task)
    values = {name: getattr(task, name) for name in AUDITED if name not in ("status", "due_on")}
    values.update(
        due_on=due,
        source_type=task.source_type,
        source_id=task.source_id,
        parent_id=task.parent_id,
        region_id=task.region_id,
        centre_id=task.centre_id,
        created_by_id=task.created_by_id,
    )
    people = task.participants
    return create(
        values,
        actor,
        co_executors=[p.user_id for p in people if p.role == "co_executor"],
        watchers=[p.user_id for p in people if p.role == "watcher"],
    )


def reassign(tasks: list[Task], responsible: User, actor) -> int:
    """Give open tasks to another responsible person, all or none; returns how many changed.

    Every task is checked before anything changes: one the actor may not manage, or a closed one,
    refuses the whole batch.
    """
    if not tasks:
        raise TaskError("Отметьте поручения, которые нужно передать.")
    if len(tasks) > MAX_BULK:
        raise TaskError(f"За один раз можно передать не больше {MAX_BULK} поручений.")
    if responsible is None or not responsible.active:
        raise TaskError("Выберите нового ответственного из списка активных сотрудников.")
    for task in tasks:
        if not may_manage(actor, task):
            raise TaskError(f"Поручение «{task.title[:60]}» вам не подчинено: ничего не изменено.")
        if not task.is_open:
            raise TaskError(
                f"Поручение «{task.title[:60]}» уже {task.status_label.lower()}: передавать можно только открытые. "
                "Ничего не изменено."
            )
    changed = 0
    for task in tasks:
        if task.responsible_id != responsible.id:
            _save(task, {"responsible_id": responsible.id}, actor, "task.reassign")
            for participant in list(task.participants):
                if participant.user_id == responsible.id and participant.role == "co_executor":
                    task.participants.remove(participant)
            changed += 1
    db.session.flush()
    return changed


def add_comment(task: Task, text: str, actor) -> TaskComment:
    text = (text or "").strip()
    if not text:
        raise TaskError("Комментарий пуст.")
    if len(text) > MAX_COMMENT:
        raise TaskError(f"Комментарий — не длиннее {MAX_COMMENT} символов.")
    comment = TaskComment(task=task, author_id=actor.id, text=text)
    db.session.add(comment)
    return comment


# ---- deadlines ------------------------------------------------------------------------------


def days_left(task: Task, on: date | None = None) -> int | None:
    """Calendar days until the deadline (negative when overdue); None without a deadline or once closed."""
    if task.due_on is None or not task.is_open:
        return None
    return (task.due_on - (on or today())).days


def days_left_label(task: Task, on: date | None = None) -> str:
    """«осталось 3 дн.», «сегодня», «просрочено на 2 дн.»; empty without a deadline or once closed."""
    days = days_left(task, on)
    if days is None:
        return ""
    if days == 0:
        return "сегодня"
    if days > 0:
        return f"осталось {days} дн."
    return f"просрочено на {-days} дн."


def is_overdue(task: Task, on: date | None = None) -> bool:
    days = days_left(task, on)
    return days is not None and days < 0


# ---- lists -------------------------------------------------------------------------------

MY_ROLES = {
    "responsible": "Я ответственный",
    "co_executor": "Я соисполнитель",
    "controller": "Я контролёр",
    "watcher": "Я наблюдаю",
}
ROLE_NOUNS = {
    "responsible": "ответственный",
    "co_executor": "соисполнитель",
    "controller": "контролёр",
    "watcher": "наблюдатель",
}
STATUS_FILTERS = {"open": "Открытые", "all": "Все", **TASK_STATUSES}
SORTS = {"deadline": "по сроку", "priority": "по приоритету", "created": "по дате создания"}
_PRIORITY_RANK = case({"high": 0, "normal": 1, "low": 2}, value=Task.priority, else_=1)


def viewable(user):
    """Tasks `user` may view, as one query: their task.view scope, or any task they take part in.

    Row by row the same answer as `can(user, "task.view", task)`.
    """
    clause = scope_filter(Task, user, "task.view")
    if clause is None:
        return select(Task)
    takes_part = or_(
        Task.responsible_id == user.id,
        Task.controller_id == user.id,
        Task.created_by_id == user.id,
        Task.id.in_(select(TaskParticipant.task_id).where(TaskParticipant.user_id == user.id)),
    )
    return select(Task).where(or_(clause, takes_part))


def due_problem(due: date | None, task: Task | None = None) -> str | None:
    """Why a deadline set by hand cannot stand (in the past, or a day off); None if it can or is unchanged."""
    if due is None or (task is not None and due == task.due_on):
        return None
    if due < today():
        return "Срок не может быть в прошлом."
    if not calendar.is_working_day(due):
        nearest = calendar.shift_to_working_day(due)
        return (
            f"{due:%d.%m.%Y} — нерабочий день по производственному календарю. "
            f"Ближайший рабочий день — {nearest:%d.%m.%Y}."
        )
    return None


def mine(user, role: str | None = None):
    """Tasks where `user` takes part, optionally in one role.

    The roles are united as id lists (each read through its own index) rather than OR-ed in one
    WHERE, which would make the database scan every task.
    """
    participates = select(TaskParticipant.task_id).where(TaskParticipant.user_id == user.id)
    ids = {
        "responsible": select(Task.id).where(Task.responsible_id == user.id),
        "controller": select(Task.id).where(Task.controller_id == user.id),
        "co_executor": participates.where(TaskParticipant.role == "co_executor"),
        "watcher": participates.where(TaskParticipant.role == "watcher"),
    }
    chosen = ids[role] if role in ids else union(*ids.values())
    return select(Task).where(Task.id.in_(chosen))


def team(user):
    """Every task in the scope where `user` may manage tasks."""
    return scoped(select(Task), Task, user, "task.manage")


def filtered(
    stmt, *, status=None, overdue=False, centre_id=None, department_id=None, source=None, due_from=None, due_to=None
):
    """Narrow a task query by the filters of the task lists."""
    if status == "open":
        stmt = stmt.where(Task.status.in_(OPEN_STATUSES))
    elif status in TASK_STATUSES:
        stmt = stmt.where(Task.status == status)
    if overdue:
        stmt = stmt.where(Task.status.in_(OPEN_STATUSES), Task.due_on < today())
    if centre_id:
        stmt = stmt.where(Task.centre_id == centre_id)
    if department_id:
        stmt = stmt.where(Task.department_id == department_id)
    if source in TASK_SOURCES:
        stmt = stmt.where(Task.source_type == source)
    if due_from:
        stmt = stmt.where(Task.due_on >= due_from)
    if due_to:
        stmt = stmt.where(Task.due_on <= due_to)
    return stmt


def search(stmt, q: str | None):
    """Full-text search in title and description, case- and ё/е-insensitive."""
    return org.search(stmt, Task, q)


def sort(stmt, key: str | None, default: str = "deadline"):
    """Order a task list by a whitelisted key (a leading '-' reverses); tasks without a deadline go last."""
    key = key if key and key.lstrip("-") in SORTS else default
    desc = key.startswith("-")
    nearest_first = Task.due_on.asc().nulls_last()  # matches the (status, due_on, id) index on PostgreSQL
    by = {
        "deadline": [Task.due_on.desc().nulls_last() if desc else nearest_first],
        "priority": [_PRIORITY_RANK.desc() if desc else _PRIORITY_RANK.asc(), nearest_first],
        "created": [Task.created_at.desc() if desc else Task.created_at.asc()],
    }[key.lstrip("-")]
    return stmt.order_by(*by, Task.id.desc() if desc else Task.id.asc()), key


def with_people(stmt):
    """Load the people and places a task list shows in a few queries, not one per row."""
    return stmt.options(
        selectinload(Task.responsible),
        selectinload(Task.controller),
        selectinload(Task.centre),
        selectinload(Task.department),
        selectinload(Task.participants),
    )


def roles_of(user, task: Task) -> list[str]:
    """The parts `user` plays in `task`, as MY_ROLES keys."""
    roles = []
    if task.responsible_id == user.id:
        roles.append("responsible")
    if any(p.user_id == user.id and p.role == "co_executor" for p in task.participants):
        roles.append("co_executor")
    if task.controller_id == user.id:
        roles.append("controller")
    if any(p.user_id == user.id and p.role == "watcher" for p in task.participants):
        roles.append("watcher")
    return roles


@dataclass
class Column:
    """One column of the board: a status and its tasks (at most BOARD_COLUMN_LIMIT)."""

    status: str
    label: str
    tasks: list = field(default_factory=list)
    total: int = 0

    @property
    def hidden(self) -> int:
        return self.total - len(self.tasks)

    @property
    def capped(self) -> bool:
        """Counting stopped at the cap: counting a whole region's tasks exactly costs too much."""
        return self.total > BOARD_COUNT_CAP

    @property
    def total_label(self) -> str:
        return f"более {BOARD_COUNT_CAP}" if self.capped else str(self.total)


def board(stmt, on: date | None = None, limit: int = BOARD_COLUMN_LIMIT) -> list[Column]:
    """The board: open statuses, then tasks done in the last RECENT_DONE_DAYS days; cancelled ones are left out."""
    since = (on or today()) - timedelta(days=RECENT_DONE_DAYS)
    columns = []
    for status in BOARD_STATUSES:
        part = stmt.where(Task.status == status)
        if status == "done":
            part = part.where(Task.completed_on >= since)
        capped = part.order_by(None).with_only_columns(Task.id).limit(BOARD_COUNT_CAP + 1)
        total = db.session.scalar(select(func.count()).select_from(capped.subquery()))
        if status == "done":
            ordered = part.order_by(Task.completed_on.desc(), Task.id.desc())
        else:
            ordered, _ = sort(part, "deadline")
        tasks = db.session.scalars(with_people(ordered).limit(limit)).all() if total else []
        label = TASK_STATUSES[status] + (" (последние 2 недели)" if status == "done" else "")
        columns.append(Column(status, label, tasks, total))
    return columns


# ---- export --------------------------------------------------------------------------------

MAX_EXPORT = 20_000
EXPORT_HEADERS = [
    "№",
    "Поручение",
    "Статус",
    "Приоритет",
    "Срок",
    "Осталось дней",
    "Срок по источнику",
    "Ответственный",
    "Контролёр",
    "Центр",
    "Отдел",
    "Источник",
    "Создано",
    "Выполнено",
]


def export_rows(stmt, on: date | None = None):
    """Rows of the filtered list for CSV and XLSX: plain values, dates as dates; names as short names."""
    on = on or today()
    stmt = with_people(stmt).limit(MAX_EXPORT)
    for task in db.session.scalars(stmt):
        yield [
            task.id,
            task.title,
            task.status_label,
            task.priority_label,
            task.due_on,
            days_left(task, on),
            task.deadline_text or ("постоянно" if task.standing else ""),
            task.responsible.short_name if task.responsible else "",
            task.controller.short_name if task.controller else "",
            task.centre.name if task.centre else "",
            task.department.name if task.department else "",
            task.source_label,
            task.created_at.date() if task.created_at else None,
            task.completed_on,
        ]
