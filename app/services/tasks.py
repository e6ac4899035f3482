"""Task use cases: create, change status by the rules, reassign, comment, recur; the lists people work from."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from types import SimpleNamespace

from sqlalchemy import and_, case, exists, func, literal_column, or_, select, union, union_all
from sqlalchemy.orm import aliased, selectinload

from app.extensions import db
from app.models.base import today, year_problem
from app.models.files import Attachment
from app.models.org import Centre, Department, User
from app.models.tasks import (
    OPEN_STATUSES,
    PRIORITIES,
    TASK_SOURCES,
    TASK_STATUSES,
    Task,
    TaskComment,
    TaskParticipant,
)
from app.services import audit, calendar, notifications, org
from app.services.policy import Scope, can, region_filter, scope_filter, scoped

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
# «Поручение … выполнено»: a closed status said of a поручение (the labels agree with «задача»).
CLOSED_STATES = {"done": "выполнено", "cancelled": "отменено"}
MAX_COMMENT = 5000
MAX_BULK = 500  # tasks one bulk reassignment may touch
MAX_RECURRENCE_DAYS = 366
RECENT_DONE_DAYS = 14  # the board's «Выполнена» column shows tasks closed this recently
BOARD_COLUMN_LIMIT = 5  # an overview: a column shows its first cards; «Показать ещё» opens more
BOARD_MORE_LIMIT = 20  # a column opened with «Показать ещё»; the list view is for going through more
BOARD_COUNT_CAP = 99  # a column says «более 99» beyond: an overview; the list view counts further
BOARD_STATUSES = ("new", "in_progress", "review", "done")
GROUP_PARENT_FIXED = (
    "Статус общего поручения группы меняется сам: оно закрывается, когда закрыты поручения всех исполнителей."
)


class TaskError(ValueError):
    """A task rule was broken; the message is for the user, `field` names the input it is about (if one)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class TaskClosed(TaskError):
    """A closed task (done or cancelled) cannot be changed until it is reopened."""


# ---- wording --------------------------------------------------------------------------------


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form for `n`: plural(5, "день", "дня", "дней") → "дней"."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def days_text(n: int) -> str:
    """«1 день», «2 дня», «5 дней»."""
    return f"{n} {plural(n, 'день', 'дня', 'дней')}"


def working_days_text(n: int) -> str:
    return f"{n} {plural(n, 'рабочий день', 'рабочих дня', 'рабочих дней')}"


def days_left_text(days: int) -> str:
    """«остался 1 день», «осталось 3 дня», «срок сегодня», «просрочено на 5 дней» for calendar days to a deadline."""
    if days == 0:
        return "срок сегодня"
    if days > 0:
        return f"{plural(days, 'остался', 'осталось', 'осталось')} {days_text(days)}"
    return f"просрочено на {days_text(-days)}"


# ---- group parents --------------------------------------------------------------------------


def is_group_parent(task: Task) -> bool:
    """The shared parent of a group's tasks («Директорам ЦЗН …»): no responsible person, the people's tasks under it.

    Its status follows its children's (`sync_group_parent`); it is not anyone's to do or to be reminded of.
    """
    return task.responsible_id is None and task.id is not None and bool(task.children)


_CHILD = aliased(Task, name="child")  # made once: building an alias costs more than the query using it


def _has_children():
    return exists(select(_CHILD.id).where(_CHILD.parent_id == Task.id))


def group_parent_clause():
    """`is_group_parent` as a WHERE clause on Task."""
    return and_(Task.responsible_id.is_(None), _has_children())


def not_group_parent():
    """Tasks someone executes: every task but a group's shared parent."""
    return ~group_parent_clause()


def sync_group_parent(parent: Task | None, actor=None) -> None:
    """Make a group parent's status follow its children's.

    Every child closed: done on the day the last one was done (cancelled if all were cancelled);
    otherwise open again — in work once any child moved, new while none has. The evidence a parent
    may require is its children's to give: it never blocks this. Audited as a status change.
    """
    while parent is not None and parent.responsible_id is None:
        children = db.session.scalars(select(Task).where(Task.parent_id == parent.id)).all()  # as flushed now
        if not children:
            return
        if all(not child.is_open for child in children):
            finished = [child.completed_on for child in children if child.status == "done"]
            if finished:
                values = {"status": "done", "completed_on": max((d for d in finished if d), default=today())}
            else:
                values = {"status": "cancelled", "completed_on": None}
        else:
            started = any(child.status in ("in_progress", "review", "done") for child in children)
            values = {"status": "in_progress" if started else "new", "completed_on": None}
        if any(getattr(parent, name) != value for name, value in values.items()):
            _save(parent, values, actor, "task.status")
        parent = parent.parent


# ---- rights and moves ----------------------------------------------------------------------


def may_manage(user, task: Task) -> bool:
    return can(user, "task.manage", task)


def may_work(user, task: Task) -> bool:
    return can(user, "task.work", task) or may_manage(user, task)


def allowed_moves(user, task: Task) -> list[tuple[str, str]]:
    """(target status, button label) the user may apply to the task now; none for a group parent."""
    if task.responsible_id is None and is_group_parent(task):
        return []
    manage = may_manage(user, task)
    return _moves(task.status, manage, manage or may_work(user, task))


def _moves(status: str, manage: bool, work: bool) -> list[tuple[str, str]]:
    return [
        (target, ACTION_LABELS[(status, target)])
        for target, who in TRANSITIONS.get(status, {}).items()
        if manage or (who == "work" and work)
    ]


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
    """Whether the task cannot be handed in yet for want of evidence (a group parent's is its children's)."""
    return task.evidence_required and task.is_open and not is_group_parent(task) and not has_evidence(task)


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


def due_problem(due: date | None, task: Task | None = None) -> str | None:
    """Why a deadline set by hand cannot stand (an absurd year, in the past, a day off); None if it can or is
    unchanged."""
    if due is None or (task is not None and due == task.due_on):
        return None
    if problem := year_problem(due):
        return problem
    if due < today():
        return "Срок не может быть в прошлом."
    if not calendar.is_working_day(due):
        nearest = calendar.shift_to_working_day(due)
        return (
            f"{due:%d.%m.%Y} — нерабочий день по производственному календарю. "
            f"Ближайший рабочий день — {nearest:%d.%m.%Y}."
        )
    return None


def _check(values: dict, task: Task | None = None, *, group: bool = False) -> None:
    """The rules a task's values must keep, read with the task's current values where `values` leaves them.

    `group`: the task is (or becomes) a group's shared parent, which has no responsible person.
    """

    def value(name: str, default=None):
        if name in values:
            return values[name]
        current = getattr(task, name, None) if task is not None else None
        return default if current is None else current

    if (task is None or "title" in values) and not (values.get("title") or "").strip():
        raise TaskError("Укажите, что нужно сделать.", "title")
    responsible_id = value("responsible_id")
    if group and responsible_id is not None:
        raise TaskError(
            "У общего поручения группы нет своего ответственного: ответственные — в поручениях исполнителей.",
            "responsible_id",
        )
    if not group and responsible_id is None:
        raise TaskError("Выберите ответственного.", "responsible_id")
    days = value("recurrence_days")
    if days is not None and not 0 < days <= MAX_RECURRENCE_DAYS:
        raise TaskError(f"Повтор — через 1–{MAX_RECURRENCE_DAYS} дней.", "recurrence_days")
    if days and value("standing", False):
        raise TaskError(
            "Постоянное поручение не повторяется: уберите повтор или отметку «постоянное».", "recurrence_days"
        )
    if days and value("due_on") is None:
        raise TaskError("Для повторяющегося поручения укажите срок первого исполнения.", "recurrence_days")
    if values.get("priority") is not None and values["priority"] not in PRIORITIES:
        raise TaskError("Неизвестный приоритет.", "priority")


def ensure_open(task: Task) -> None:
    if task.id is not None and not task.is_open:
        raise TaskClosed(
            f"Поручение «{task.title[:60]}» уже {CLOSED_STATES.get(task.status, task.status_label.lower())}: "
            "закрытое поручение не изменить, сначала его нужно переоткрыть."
        )


def _scope_for(values: dict, task: Task | None = None, actor=None) -> dict:
    """Where the task belongs after `values`: the place of work of its (new) responsible person.

    Region and centre given outright (a department's, a meeting's) stand. A new task without a
    responsible person (a group's parent) takes the actor's; an existing one keeps its own, as it
    does while the responsible person stays the same. A department of another centre is dropped.
    """
    if "region_id" in values or "centre_id" in values:
        return {}
    changing = "responsible_id" in values and (task is None or values["responsible_id"] != task.responsible_id)
    responsible_id = values.get("responsible_id") if changing else None
    if responsible_id is None:
        return _actor_scope(actor) if task is None else {}
    responsible = db.session.get(User, responsible_id)
    if responsible is None:
        raise TaskError("Ответственный не найден.", "responsible_id")
    scope = {"region_id": responsible.region_id, "centre_id": responsible.centre_id}
    department_id = values.get("department_id", task.department_id if task is not None else None)
    if department_id:
        department = db.session.get(Department, department_id)
        if department is not None and department.centre_id != scope["centre_id"]:
            scope["department_id"] = None
    return scope


def _actor_scope(actor) -> dict:
    return {"region_id": getattr(actor, "region_id", None), "centre_id": getattr(actor, "centre_id", None)}


def _people(task: Task) -> dict[str, list[int]]:
    return {
        "co_executors": sorted(p.user_id for p in task.participants if p.role == "co_executor"),
        "watchers": sorted(p.user_id for p in task.participants if p.role == "watcher"),
    }


def _participants(responsible_id: int | None, co_executors, watchers) -> tuple[list[int], list[int]]:
    """Co-executors and watchers without repeats; the responsible person is never a co-executor too,
    and a watcher who executes the task anyway is dropped from the watchers."""
    co = [u for u in dict.fromkeys(co_executors) if u]
    if responsible_id is not None and responsible_id in co:
        raise TaskError("Ответственный не может быть одновременно соисполнителем.", "co_executors")
    watch = [u for u in dict.fromkeys(watchers) if u and u not in co and u != responsible_id]
    return co, watch


def _drop_responsible_from_people(task: Task) -> None:
    """A new responsible person is no longer a co-executor or watcher of the task."""
    for participant in list(task.participants):
        if participant.user_id == task.responsible_id:
            task.participants.remove(participant)
    db.session.flush()


def _tell(task: Task, user_ids, actor, lead: str) -> None:
    """An in-app notice to the people a task has just been given to; the actor needs none about their own act."""
    title = task.title if len(task.title) <= 300 else task.title[:299] + "…"
    due = f", срок {task.due_on:%d.%m.%Y}" if task.due_on else (", постоянно" if task.standing else "")
    link = notifications.path_for("tasks.task", task_id=task.id)
    for user_id in dict.fromkeys(user_ids):
        if user_id and user_id != getattr(actor, "id", None):
            notifications.notify(user_id, f"{lead}: «{title}»{due}.", link=link, kind="assigned", task_id=task.id)


def set_people(task: Task, co_executors=(), watchers=(), actor=None) -> Task:
    """Make the task's co-executors and watchers exactly these people; audited when they change,
    and the new co-executors are told."""
    ensure_open(task)
    co, watch = _participants(task.responsible_id, co_executors, watchers)
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
    _tell(task, [u for u in co if u not in before["co_executors"]], actor, "Вы — соисполнитель поручения")
    return task


def create(values: dict, actor, co_executors=(), watchers=(), *, group: bool = False) -> Task:
    """A new task; its scope follows the responsible person's place of work unless given.

    `group`: the shared parent of a group's tasks («Директорам ЦЗН …»), which has no responsible
    person; the people's own tasks are then created with its id as `parent_id`.
    The responsible person and co-executors are told in-app (unless they created it themselves).
    """
    values = dict(values)
    _check(values, group=group)
    values.update(_scope_for(values, None, actor))
    co, watch = _participants(values.get("responsible_id"), co_executors, watchers)
    task = Task(created_by_id=getattr(actor, "id", None))
    _save(task, values, actor, "task.create")
    for user_id in co:
        task.participants.append(TaskParticipant(user_id=user_id, role="co_executor"))
    for user_id in watch:
        task.participants.append(TaskParticipant(user_id=user_id, role="watcher"))
    db.session.flush()
    _tell(task, [task.responsible_id], actor, "Вам поручено")
    _tell(task, co, actor, "Вы — соисполнитель поручения")
    if task.parent_id is not None:  # a new task under a closed group reopens it
        sync_group_parent(task.parent, actor)
    return task


def update(task: Task, values: dict, actor) -> Task:
    """Change an open task's fields; a new responsible person brings the task to their centre and is told.

    A closed task is not changed (`TaskClosed`): it is reopened through a status move first.
    """
    if not may_manage(actor, task):
        raise TaskError("Изменять поручение могут его автор, контролёр и руководители.")
    ensure_open(task)
    _check(values, task, group=task.responsible_id is None and is_group_parent(task))
    values = {**values, **_scope_for(values, task, actor)}
    was = task.responsible_id
    task = _save(task, values, actor, "task.update")
    if task.responsible_id != was:
        _drop_responsible_from_people(task)
        _tell(task, [task.responsible_id], actor, "Вам передано поручение")
    return task


def move(task: Task, target: str, actor, comment: str = "") -> Task:
    """Change the status if the rules and the actor's part in the task allow it; a group parent follows."""
    if task.responsible_id is None and is_group_parent(task):
        raise TaskError(GROUP_PARENT_FIXED)
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
    if task.parent_id is not None:
        sync_group_parent(task.parent, actor)
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

    Every task is checked before anything changes: one the actor may not manage, a closed one or a
    group's shared parent refuses the whole batch. Each task moves to the new person's centre
    (`_scope_for`); the new person is told in-app — once for the batch when it holds several tasks.
    """
    if not tasks:
        raise TaskError("Отметьте поручения, которые нужно передать.")
    if len(tasks) > MAX_BULK:
        raise TaskError(f"За один раз можно передать не больше {MAX_BULK} поручений.")
    if responsible is None or not responsible.active:
        raise TaskError("Выберите нового ответственного из списка активных сотрудников.")
    for task in tasks:
        title = task.title[:60]
        if not may_manage(actor, task):
            raise TaskError(f"Вы не можете передать поручение «{title}»: оно вне вашей области. Ничего не изменено.")
        if not task.is_open:
            raise TaskClosed(
                f"Поручение «{title}» уже {CLOSED_STATES.get(task.status, task.status_label.lower())}: "
                "передавать можно только открытые. Ничего не изменено."
            )
        if task.responsible_id is None and is_group_parent(task):
            raise TaskError(
                f"«{title}» — общее поручение группы, у него нет ответственного: передавайте поручения "
                "исполнителей. Ничего не изменено."
            )
    given = []
    for task in tasks:
        if task.responsible_id != responsible.id:
            values = {"responsible_id": responsible.id}
            values.update(_scope_for(values, task, actor))
            _save(task, values, actor, "task.reassign")
            _drop_responsible_from_people(task)
            given.append(task)
    if len(given) == 1:
        _tell(given[0], [responsible.id], actor, "Вам передано поручение")
    elif given and responsible.id != getattr(actor, "id", None):
        notifications.notify(
            responsible.id,
            f"Вам передано поручений: {len(given)}. Они в разделе «Мои задачи».",
            link=notifications.path_for("tasks.mine"),
            kind="assigned",
        )
    db.session.flush()
    return len(given)


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
    """«осталось 3 дня», «срок сегодня», «просрочено на 2 дня»; empty without a deadline or once closed."""
    days = days_left(task, on)
    return "" if days is None else days_left_text(days)


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
    stmt,
    *,
    status=None,
    overdue=False,
    region_id=None,
    centre_id=None,
    department_id=None,
    responsible_id=None,
    source=None,
    due_from=None,
    due_to=None,
):
    """Narrow a task query by the filters of the task lists."""
    if status == "open":
        stmt = stmt.where(Task.status.in_(OPEN_STATUSES))
    elif status in TASK_STATUSES:
        stmt = stmt.where(Task.status == status)
    if overdue:  # a group's parent is late only through its people's tasks, which are listed themselves
        stmt = stmt.where(Task.status.in_(OPEN_STATUSES), Task.due_on < today(), not_group_parent())
    if region_id:
        stmt = stmt.where(region_filter(Task, region_id))
    if centre_id:
        stmt = stmt.where(Task.centre_id == centre_id)
    if responsible_id:
        stmt = stmt.where(Task.responsible_id == responsible_id)
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


def with_people(stmt, *also: str):
    """Load the responsible person a task list shows, and the relations named in `also` ("controller",
    "centre", "department", "participants", "children": the last only to tell a group's parent), in one
    query each rather than one per row.

    Separate small queries, not joins: joining the tables into the list's query costs the
    PostgreSQL planner more than the round trips; and a list loads only what it shows.
    """
    loaders = {
        "controller": selectinload(Task.controller),
        "centre": selectinload(Task.centre),
        "department": selectinload(Task.department),
        "participants": selectinload(Task.participants),
        "children": selectinload(Task.children).load_only(Task.id, Task.parent_id),
    }
    return stmt.options(selectinload(Task.responsible), *(loaders[name] for name in also))


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


def _short_name(full_name: str | None) -> str:
    """`User.short_name` («Иванов И. И.») of a name read as a plain column."""
    return User.short_name.fget(SimpleNamespace(full_name=full_name)) if full_name else ""


@dataclass(slots=True)
class TaskRow:
    """A task as a list or a board card shows it: plain values read with the list's own query, no ORM
    entity per row. Quacks like a Task where the lists need it (`status_label`, `is_open`, `days_left` …).
    """

    id: int
    title: str
    status: str
    priority: str
    source_type: str
    due_on: date | None
    standing: bool
    created_at: datetime | None
    responsible_id: int | None
    responsible_name: str | None
    centre_name: str | None = None
    department_name: str | None = None
    group_parent: bool = False
    # "people": who may manage or work on the task, with its scope (the board's moves)
    controller_id: int | None = None
    created_by_id: int | None = None
    region_id: int | None = None
    centre_id: int | None = None
    completed_on: date | None = None
    roles: tuple[str, ...] = ()  # MY_ROLES keys: the viewer's parts in the task

    @property
    def status_label(self) -> str:
        return TASK_STATUSES.get(self.status, self.status)

    @property
    def source_label(self) -> str:
        return TASK_SOURCES.get(self.source_type, self.source_type)

    @property
    def priority_label(self) -> str:
        return PRIORITIES.get(self.priority, self.priority)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def responsible_short(self) -> str:
        return _short_name(self.responsible_name)

    @property
    def role_nouns(self) -> list[str]:
        return [ROLE_NOUNS[r] for r in self.roles]


def list_rows(stmt, *also: str, viewer=None):
    """The task list `stmt` (a select of Task, filtered and ordered) as the columns a list shows.

    The responsible person's name and what `also` names ("centre", "department": their names;
    "group": whether the task is a group's shared parent; "people": the controller, author, scope and
    completion day) are read with it, the names as correlated subqueries worked out only for the rows
    returned; with `viewer`, whether they co-execute or watch each task. One query however many rows.
    Read the result with `read_rows`.
    """
    extra = _row_columns()
    columns = list(extra["base"])
    for name in ("centre", "department", "group", "people"):
        if name in also:
            columns += extra[name]
    if viewer is not None and "people" not in also:
        columns.append(Task.controller_id)
    if viewer is not None:
        for role in ("co_executor", "watcher"):
            part = select(TaskParticipant.id).where(
                TaskParticipant.task_id == Task.id, TaskParticipant.user_id == viewer.id, TaskParticipant.role == role
            )
            columns.append(exists(part).label(f"is_{role}"))
    return stmt.with_only_columns(*columns)


@cache
def _row_columns() -> dict[str, tuple]:
    """The columns of `list_rows` that do not depend on the viewer, built once (SQL constructs are immutable)."""
    return {
        "base": (
            Task.id,
            Task.title,
            Task.status,
            Task.priority,
            Task.source_type,
            Task.due_on,
            Task.standing,
            Task.created_at,
            Task.responsible_id,
            select(User.full_name).where(User.id == Task.responsible_id).scalar_subquery().label("responsible_name"),
        ),
        "centre": (select(Centre.name).where(Centre.id == Task.centre_id).scalar_subquery().label("centre_name"),),
        "department": (
            select(Department.name)
            .where(Department.id == Task.department_id)
            .scalar_subquery()
            .label("department_name"),
        ),
        "group": (case((Task.responsible_id.is_(None), _has_children()), else_=False).label("group_parent"),),
        "people": (Task.controller_id, Task.created_by_id, Task.region_id, Task.centre_id, Task.completed_on),
    }


def read_rows(result, viewer=None) -> list[TaskRow]:
    """The rows of a `list_rows` query (its result, or the rows read from it) as TaskRow objects."""
    rows = []
    for found in result:
        row = found._mapping
        values = {name: row[name] for name in _ROW_FIELDS if name in row}
        if "group_parent" in values:
            values["group_parent"] = bool(values["group_parent"])
        if viewer is not None:
            roles = []
            if row["responsible_id"] == viewer.id:
                roles.append("responsible")
            if row["is_co_executor"]:
                roles.append("co_executor")
            if row["controller_id"] == viewer.id:
                roles.append("controller")
            if row["is_watcher"]:
                roles.append("watcher")
            values["roles"] = tuple(roles)
        rows.append(TaskRow(**values))
    return rows


_ROW_FIELDS = tuple(name for name in TaskRow.__dataclass_fields__ if name != "roles")


def row_moves(user, row: TaskRow) -> list[tuple[str, str]]:
    """`allowed_moves` for a row read with "group", "people" and `viewer=user`, without loading the task.

    The same rules: the policy answers for the task's scope (`can` on its region and centre), and the
    parts a person plays in a task grant the rest as in the policy's object grants — its controller and
    author manage it, its responsible person and co-executors work on it.
    """
    if row.group_parent:
        return []
    scope = Scope(row.region_id, row.centre_id)
    manage = can(user, "task.manage", scope) or user.id in (row.controller_id, row.created_by_id)
    work = manage or can(user, "task.work", scope) or user.id == row.responsible_id or "co_executor" in row.roles
    return _moves(row.status, manage, work)


@dataclass
class Column:
    """One column of the board: a status, its first tasks and how many it holds (up to the count cap)."""

    status: str
    label: str
    tasks: list = field(default_factory=list)
    total: int = 0
    expanded: bool = False  # showing up to BOARD_MORE_LIMIT cards rather than BOARD_COLUMN_LIMIT

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

    @property
    def more(self) -> int:
        """How many more cards «Показать ещё» brings into the column (0: the list view is the way on)."""
        return 0 if self.expanded else min(self.hidden, BOARD_MORE_LIMIT - len(self.tasks))


_ONE = literal_column("1")
_NEAREST_FIRST = (Task.due_on.asc().nulls_last(), Task.id.asc())
_RECENT_FIRST = (Task.completed_on.desc(), Task.id.desc())


def _board_order(status: str):
    """The order of a column's cards, as `board` reads them: nearest deadline first (undated last); the
    done column latest first."""
    if status == "done":
        return lambda task: (-task.completed_on.toordinal(), -task.id)
    return lambda task: (task.due_on is None, task.due_on or date.min, task.id)


def board(
    stmt, viewer, on: date | None = None, limit: int = BOARD_COLUMN_LIMIT, more: str | None = None
) -> list[Column]:
    """The board: open statuses, then tasks done in the last RECENT_DONE_DAYS days; cancelled ones are left out.

    Each column shows its first `limit` cards (the column `more` up to BOARD_MORE_LIMIT) and counts its
    tasks up to the count cap. One query whatever the size of the scope: the shown cards of all columns
    as rows (`TaskRow`) with what a card shows and what `row_moves` needs to tell what `viewer` may do
    with each, and the capped counts of all columns.
    """
    since = (on or today()) - timedelta(days=RECENT_DONE_DAYS)
    ids, ones = stmt.with_only_columns(Task.id), stmt.with_only_columns(_ONE, maintain_column_froms=True)
    shown, counts = [], []
    for status in BOARD_STATUSES:
        if status == "done":
            where, order = (Task.status == status, Task.completed_on >= since), _RECENT_FIRST
        else:
            where, order = (Task.status == status,), _NEAREST_FIRST  # as sort(…, "deadline")
        n = BOARD_MORE_LIMIT if status == more else limit
        shown.append(select(ids.where(*where).order_by(*order).limit(n).subquery().c.id))
        capped = ones.where(*where).limit(BOARD_COUNT_CAP + 1).subquery()
        counts.append(select(func.count()).select_from(capped).scalar_subquery().label(f"count_{status}"))
    # one query: the cards, each row carrying the columns' counts (worked out once); no card, no task at all
    loaded = list_rows(select(Task).where(Task.id.in_(union_all(*shown))), "group", "people", viewer=viewer)
    result = db.session.execute(loaded.add_columns(*counts)).all()
    totals = {status: result[0]._mapping[f"count_{status}"] if result else 0 for status in BOARD_STATUSES}
    cards = {status: [] for status in BOARD_STATUSES}
    for row in read_rows(result, viewer):
        cards[row.status].append(row)
    return [
        Column(
            status,
            TASK_STATUSES[status] + (" (последние 2 недели)" if status == "done" else ""),
            sorted(cards[status], key=_board_order(status)),
            totals[status],
            expanded=status == more,
        )
        for status in BOARD_STATUSES
    ]


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
    stmt = with_people(stmt, "controller", "centre", "department").limit(MAX_EXPORT)
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
