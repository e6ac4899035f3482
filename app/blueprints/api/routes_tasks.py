"""API v1: tasks (поручения) — read, create, update, change status, under the same rules as the UI.

Which codes a task write answers:
- 400: the body is malformed or a field is invalid (`field` names it), or the service refuses
  the values (`TaskError` from create/update, naming the field when the rule is about one);
- 403: the caller may not do this at all (no task.manage anywhere for a new task; not a
  manager of this task for an update; neither executor nor manager of it for a status change);
- 404: the task does not exist or the caller may not see it;
- 409: a status change the rules refuse now (`TaskError` from `tasks.move`): not from the
  current status, not for the caller's part in the task (an executor cannot cancel), or the
  evidence the task requires is missing; or an update of a closed task (`TaskClosed`: reopen it
  through a status change first). The message is the service's, in Russian.
Every error rolls back (see `routes.api_error`): nothing changes.
"""

from flask import g, jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.blueprints.api import bp, inputs, schemas
from app.blueprints.api.inputs import MISSING, bad
from app.blueprints.api.routes import (
    FORBIDDEN,
    NOT_FOUND,
    ApiError,
    _bool_arg,
    _caller,
    _choice_arg,
    _date_arg,
    _id_arg,
    _page,
    _page_json,
)
from app.extensions import db
from app.models.base import today
from app.models.org import Department, User
from app.models.tasks import PRIORITIES, TASK_SOURCES, TASK_STATUSES, Task, TaskComment, TaskParticipant
from app.services import tasks
from app.services.calendar import DeadlineError, parse_deadline
from app.services.policy import scoped

MINE = ("responsible", "co_executor", "controller", "watcher", "any")
STATUS_FILTERS = ("open", "all", *TASK_STATUSES)
SORTS = tuple(key for name in tasks.SORTS for key in (name, f"-{name}"))
MAX_TITLE = 1000
MAX_DESCRIPTION = 20000
MAX_DEADLINE_TEXT = 300
STANDING_TEXT = "постоянно"

TASK_FIELDS = {
    "title",
    "description",
    "responsible_id",
    "controller_id",
    "co_executors",
    "watchers",
    "department_id",
    "due_on",
    "deadline",
    "deadline_text",
    "standing",
    "recurrence_days",
    "priority",
    "evidence_required",
}
STATUS_HINT = {"status": "статус меняется через POST /tasks/{task_id}/status."}
NEED_DEADLINE = "укажите срок: due_on (дата), deadline (срок словами) или standing: true (постоянное поручение)."
MANAGERS_ONLY = "Изменять поручение могут его автор, контролёр и руководители."


# ---- which tasks a caller sees ----------------------------------------------------------------


def _with_people(stmt):
    """Everything a task's JSON names, loaded in a few queries whatever the page size."""
    return tasks.with_people(stmt, "controller", "centre", "department", "children").options(
        selectinload(Task.created_by),
        selectinload(Task.participants).selectinload(TaskParticipant.user),
    )


def _detail_query(stmt):
    return _with_people(stmt).options(selectinload(Task.comments).selectinload(TaskComment.author))


def _task(task_id: int, user) -> Task:
    """A task the caller may view, with what its detail shows; 404 otherwise."""
    task = db.session.scalar(_detail_query(tasks.viewable(user).where(Task.id == task_id)))
    if task is None:
        raise ApiError(404, NOT_FOUND)
    return task


def _answer(task_id: int, user, status: int = 200, headers=None):
    """The task as it stands after a change the caller has just made (even if that change took
    it out of their sight: they see once what they submitted)."""
    db.session.expire_all()
    task = db.session.scalar(_detail_query(select(Task).where(Task.id == task_id)))
    return jsonify(schemas.task_detail(task, user)), status, headers or {}


# ---- the collection and one task ------------------------------------------------------------


@bp.route("/tasks", methods=["GET", "POST"])
def task_list():
    """GET: the tasks the caller may view, filtered like the team view; POST: a new task."""
    return _create() if request.method == "POST" else _list()


@bp.route("/tasks/<int:task_id>", methods=["GET", "PATCH"])
def task_detail(task_id: int):
    """GET: one task the caller may view; PATCH: change its fields (managers of the task)."""
    user = g.api_user
    task = _task(task_id, user)
    if request.method == "PATCH":
        return _update(task, user)
    return jsonify(schemas.task_detail(task, user))


def _list():
    user = g.api_user
    status = _choice_arg("status", STATUS_FILTERS)
    due_from, due_to = _date_arg("due_from"), _date_arg("due_to")
    if due_from and due_to and due_to < due_from:
        raise ApiError(400, "Параметр due_to не может быть раньше due_from.")
    mine = _choice_arg("mine", MINE)
    sort = _choice_arg("sort", SORTS)
    stmt = tasks.filtered(
        tasks.viewable(user),
        status=status,
        overdue=bool(_bool_arg("overdue")),
        centre_id=_id_arg("centre_id"),
        department_id=_id_arg("department_id"),
        source=_choice_arg("source", TASK_SOURCES),
        due_from=due_from,
        due_to=due_to,
    )
    if mine is not None:
        stmt = stmt.where(tasks.mine(user, None if mine == "any" else mine).whereclause)
    stmt, _ = tasks.sort(tasks.search(stmt, request.args.get("q")), sort)
    page = _page(_with_people(stmt))
    return _page_json(page, [schemas.task(t, user) for t in page.items])


# ---- writing --------------------------------------------------------------------------------


def _create():
    user = _caller("task.manage")
    data = inputs.body(TASK_FIELDS, STATUS_HINT)
    values = _values(data, user, None)
    co_executors, watchers = _participants(data, user, None)
    values.setdefault("controller_id", user.id)  # as the UI's form: the author controls unless told
    try:
        task = tasks.create(
            values,
            user,
            co_executors=() if co_executors is MISSING else co_executors,
            watchers=() if watchers is MISSING else watchers,
        )
    except tasks.TaskError as error:
        raise _refused(error) from None
    db.session.commit()
    return _answer(task.id, user, 201, {"Location": url_for("api.task_detail", task_id=task.id)})


def _update(task: Task, user):
    if not tasks.may_manage(user, task):
        raise ApiError(403, MANAGERS_ONLY)
    data = inputs.body(TASK_FIELDS, STATUS_HINT)
    if not data:
        raise ApiError(400, "Укажите хотя бы одно поле, которое нужно изменить.")
    values = _values(data, user, task)
    co_executors, watchers = _participants(data, user, task)
    try:
        if values:
            tasks.update(task, values, user)
        if co_executors is not MISSING or watchers is not MISSING:
            current = {"co_executor": [], "watcher": []}
            for participant in task.participants:
                current.setdefault(participant.role, []).append(participant.user_id)
            tasks.set_people(
                task,
                current["co_executor"] if co_executors is MISSING else co_executors,
                current["watcher"] if watchers is MISSING else watchers,
                user,
            )
    except tasks.TaskError as error:
        raise _refused(error) from None
    db.session.commit()
    return _answer(task.id, user)


def _refused(error: tasks.TaskError) -> ApiError:
    """A service refusal: 409 for a closed task, else 400 naming the field the rule is about."""
    if isinstance(error, tasks.TaskClosed):
        return ApiError(409, str(error))
    return bad(error.field, str(error)) if error.field else ApiError(400, str(error))


@bp.post("/tasks/<int:task_id>/status")
def task_status(task_id: int):
    """Move a task to another status by the service's rules; a refused move is a 409."""
    user = g.api_user
    task = _task(task_id, user)
    if not tasks.may_work(user, task):
        raise ApiError(403, FORBIDDEN)
    data = inputs.body({"status", "comment"})
    target = inputs.choice(data, "status", TASK_STATUSES)
    if target is MISSING:
        raise bad("status", "обязательное поле.")
    comment = inputs.text(data, "comment", tasks.MAX_COMMENT)
    try:
        tasks.move(task, target, user, "" if comment is MISSING else comment)
    except tasks.TaskError as error:
        raise ApiError(409, str(error)) from None
    db.session.commit()
    return _answer(task.id, user)


# ---- reading a task body --------------------------------------------------------------------


def _values(data: dict, user, task: Task | None) -> dict:
    """Task values from the body (only the fields given, for an update), checked for shape and
    for what the caller may name: people they may see, departments they manage."""
    values = {}
    title = inputs.text(data, "title", MAX_TITLE, required=task is None, blank=False, one_line=True)
    description = inputs.text(data, "description", MAX_DESCRIPTION)
    responsible_id = inputs.record_id(data, "responsible_id", required=task is None)
    controller_id = inputs.record_id(data, "controller_id", nullable=True)
    department_id = inputs.record_id(data, "department_id", nullable=True)
    priority = inputs.choice(data, "priority", PRIORITIES)
    evidence_required = inputs.boolean(data, "evidence_required")
    recurrence_days = inputs.whole_number(data, "recurrence_days", 1, tasks.MAX_RECURRENCE_DAYS)
    for name, value in (
        ("title", title),
        ("description", description),
        ("responsible_id", responsible_id),
        ("controller_id", controller_id),
        ("priority", priority),
        ("evidence_required", evidence_required),
        ("recurrence_days", recurrence_days),
    ):
        if value is not MISSING:
            values[name] = value
    for name in ("responsible_id", "controller_id"):
        if values.get(name) is not None:
            _check_people(user, task, name, [values[name]])
    if department_id is not MISSING:
        values.update(_department(user, task, department_id))
    values.update(_deadline(data, task))
    return values


def _on_task(task: Task | None) -> set[int]:
    if task is None:
        return set()
    return {task.responsible_id, task.controller_id} | {p.user_id for p in task.participants}


def _check_people(user, task: Task | None, field: str, ids: list[int]) -> None:
    """Everyone named must be an active user the caller may see (those already on the task stay allowed)."""
    wanted = [i for i in ids if i not in _on_task(task)]
    if not wanted:
        return
    stmt = scoped(select(User.id), User, user, "user.view").where(User.id.in_(wanted), User.active.is_(True))
    found = set(db.session.scalars(stmt))
    for user_id in wanted:
        if user_id not in found:
            raise bad(field, f"сотрудник с id {user_id} не найден, не активен или вам недоступен.")


def _participants(data: dict, user, task: Task | None):
    co_executors = inputs.record_ids(data, "co_executors")
    watchers = inputs.record_ids(data, "watchers")
    for name, ids in (("co_executors", co_executors), ("watchers", watchers)):
        if ids is not MISSING:
            _check_people(user, task, name, ids)
    return co_executors, watchers


def _department(user, task: Task | None, department_id: int | None) -> dict:
    """A department the caller manages tasks in (or the task's own); the task moves to its centre."""
    if department_id is None:
        return {"department_id": None}
    if task is not None and department_id == task.department_id:
        return {}
    stmt = scoped(select(Department), Department, user, "task.manage").where(Department.id == department_id)
    department = db.session.scalar(stmt)
    if department is None:
        raise bad("department_id", "отдел не найден или вам недоступен.")
    return {"department_id": department.id, "region_id": department.region_id, "centre_id": department.centre_id}


def _deadline(data: dict, task: Task | None) -> dict:
    """The deadline fields as task values (due_on, standing, deadline_text); {} if the body leaves them.

    One way at a time: `due_on` (a date), `deadline` (words, read by `parse_deadline`;
    a relative deadline counts from today) or `standing: true`.
    """
    due_on = inputs.iso_date(data, "due_on")
    wording = inputs.text(data, "deadline", MAX_DEADLINE_TEXT, one_line=True)
    standing = inputs.boolean(data, "standing")
    deadline_text = inputs.text(data, "deadline_text", MAX_DEADLINE_TEXT, one_line=True)
    if wording is not MISSING:
        return _parsed(wording, due_on, standing, deadline_text)
    values = {} if deadline_text is MISSING else {"deadline_text": deadline_text}
    if standing is True:
        if due_on not in (MISSING, None):
            raise bad("due_on", "у постоянного поручения (standing: true) нет срока: уберите due_on.")
        kept = task.deadline_text if task is not None and task.standing else ""
        values.setdefault("deadline_text", kept or STANDING_TEXT)
        return {**values, "standing": True, "due_on": None}
    if due_on is None or (due_on is MISSING and (task is None or (standing is False and task.standing))):
        raise bad("due_on", NEED_DEADLINE)
    if due_on is not MISSING:
        _check_due(due_on, task)
        if task is not None and task.standing:
            values.setdefault("deadline_text", "")
        return {**values, "due_on": due_on, "standing": False}
    return values


def _parsed(wording: str, due_on, standing, deadline_text) -> dict:
    if not wording:
        raise bad("deadline", "укажите срок словами, например «в течение 5 рабочих дней», или уберите поле.")
    if due_on is not MISSING:
        raise bad("deadline", "укажите срок одним способом: due_on (дата) или deadline (срок словами).")
    if deadline_text is not MISSING:
        raise bad("deadline_text", "с deadline не указывается: формулировка срока берётся из deadline.")
    try:
        deadline = parse_deadline(wording)
    except DeadlineError as error:
        raise bad("deadline", str(error)) from None
    if standing is not MISSING and standing != (deadline.kind == "standing"):
        raise bad("standing", "противоречит сроку в поле deadline.")
    due = deadline.resolve(today())
    if due is not None and due < today():
        raise bad("deadline", "срок не может быть в прошлом.")
    return {"due_on": due, "standing": deadline.kind == "standing", "deadline_text": deadline.label()}


def _check_due(due, task: Task | None) -> None:
    """As the UI's form: a new date is not in the past and is a working day (an unchanged one passes)."""
    if problem := tasks.due_problem(due, task):
        raise bad("due_on", problem)
