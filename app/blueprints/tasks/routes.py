"""My tasks, the team view (filters, bulk reassignment, CSV/XLSX export), the board, the task page."""

import csv
import io
from urllib.parse import urlsplit

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font
from sqlalchemy import literal_column, select, union_all

from app.blueprints.admin.routes_system import csv_cell
from app.blueprints.htmx import render, wants_partial
from app.blueprints.listing import MAX_ID, paginate
from app.blueprints.tasks import bp
from app.blueprints.tasks.forms import CommentForm, MyFilters, TaskForm, TeamFilters
from app.extensions import db
from app.forms import choices
from app.models.base import today
from app.models.meetings import Decision
from app.models.org import Centre, Department, Region, User
from app.models.roadmap import RoadmapItem
from app.models.tasks import Task
from app.services import audit, tasks
from app.services.personal_data import shown
from app.services.policy import can, get_or_404, permission_required, scoped, visibility

MY_FILTERS = ("role", "status", "overdue", "q")
TEAM_FILTERS = (
    "q",
    "status",
    "overdue",
    "region",
    "centre",
    "department",
    "responsible",
    "source",
    "due_from",
    "due_to",
)
STATUS_BADGES = {
    "new": "text-bg-secondary",
    "in_progress": "text-bg-primary",
    "review": "text-bg-info",
    "done": "text-bg-success",
    "cancelled": "text-bg-light border",
}


def _me():
    return current_user._get_current_object()


@bp.context_processor
def _helpers():
    def due_badge(task) -> str:
        days = tasks.days_left(task)
        if days is None:
            return ""
        if days < 0:
            return "text-bg-danger"
        return "text-bg-warning" if days <= 2 else "text-bg-light border"

    return {
        "days_left_label": tasks.days_left_label,
        "days_text": tasks.days_text,
        "plural": tasks.plural,
        "is_group_parent": tasks.is_group_parent,
        "due_badge": due_badge,
        "status_badge": lambda task: STATUS_BADGES.get(task.status, "text-bg-light"),
        "my_roles": lambda task: [tasks.ROLE_NOUNS[r] for r in tasks.roles_of(current_user, task)],
        "person": lambda user: shown(user, "full_name") if user else "—",
        "MY_ROLES": tasks.MY_ROLES,
        "ROLE_NOUNS": tasks.ROLE_NOUNS,
    }


DEFAULTS = {"status": "open", "region": "0", "centre": "0", "department": "0", "responsible": "0"}


def _args(keys) -> dict:
    """The list parameters that narrow the list, to carry over into sort, page, tab and export links."""
    return {k: request.args[k] for k in keys if request.args.get(k) and request.args[k] != DEFAULTS.get(k)}


def _local(target: str | None) -> str | None:
    """A path on this site to return to, or None for anything else (open-redirect guard)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _people(extra_ids=()) -> list[tuple[int, str]]:
    """Active staff the current user may see, plus the people already on a task, as select options."""
    stmt = scoped(select(User), User, current_user, "user.view").where(User.active.is_(True))
    users = {u.id: u for u in db.session.scalars(stmt)}
    missing = [i for i in extra_ids if i and i not in users]
    if missing:
        users.update({u.id: u for u in db.session.scalars(select(User).where(User.id.in_(missing)))})
    options = []
    for user in users.values():
        label = shown(user, "full_name")
        options.append((user.id, f"{label}, {user.position}" if user.position else label))
    return sorted(options, key=lambda option: option[1].lower())


# ---- my tasks ------------------------------------------------------------------------------


def _my_filters() -> MyFilters:
    form = MyFilters(formdata=request.args)
    form.validate()
    return form


def _my_query(form: MyFilters, with_status: bool = True):
    stmt = tasks.mine(_me(), form.valid("role") or None)
    stmt = tasks.filtered(
        stmt, status=(form.valid("status") or "open") if with_status else None, overdue=form.valid("overdue")
    )
    return tasks.search(stmt, form.valid("q"))


@bp.route("/")
@bp.route("/my")
@login_required
def mine():
    form = _my_filters()
    stmt, sort = tasks.sort(_my_query(form), request.args.get("sort"))
    me = _me()
    page = paginate(
        tasks.list_rows(stmt, "centre", viewer=me),  # «Моя роль»
        read=lambda result: tasks.read_rows(result, me),
        count=stmt.with_only_columns(Task.id),
    )
    args = _args(MY_FILTERS)
    return render(
        "tasks/mine.html",
        "tasks/_mine.html",
        page=page,
        form=form,
        sort=sort,
        args=args,
        role=form.valid("role") or "",
        filtered=bool(_args(("status", "overdue", "q"))),
    )


# ---- team view -----------------------------------------------------------------------------


def _team_filters(shown: bool = True) -> TeamFilters:
    """The team filters from the query string. `shown`: the form is on the page, so its centre, department and
    region selects need their options; an htmx partial of the list or the board has no form, and these
    selects accept any id anyway (the scope limits what it finds)."""
    form = TeamFilters(formdata=request.args)
    centres, departments, regions = [], [], []
    if shown:  # the centres and the departments (of the chosen centre) in one query
        centre_rows = select(
            literal_column("0").label("kind"),
            Centre.id,
            Centre.name.label("centre"),
            literal_column("''").label("name"),
        )
        department_rows = scoped(
            select(literal_column("1"), Department.id, Centre.name, Department.name),
            Department,
            current_user,
            "task.manage",
        ).join(Centre, Department.centre_id == Centre.id)
        centre_id = form.centre.data
        if isinstance(centre_id, int) and 0 < centre_id <= MAX_ID:  # before validation: an absurd id is not queried
            department_rows = department_rows.where(Department.centre_id == centre_id)
        both = union_all(scoped(centre_rows, Centre, current_user, "task.manage"), department_rows)
        by = both.selected_columns
        for kind, row_id, centre, name in db.session.execute(both.order_by(by.kind, by.centre, by.name)).all():
            if kind == 0:
                centres.append((row_id, centre))
            else:
                departments.append((row_id, centre, name))
        vis = visibility(current_user, "task.manage")
        # a choice only for those managing several regions (with one, the form shows it only once chosen)
        several = vis.everything or len(vis.region_ids) > 1
        if several or (vis.region_ids and request.args.get("region", "0") not in ("", "0")):
            stmt = scoped(select(Region.id, Region.name), Region, current_user, "task.manage").order_by(Region.name)
            regions = [tuple(row) for row in db.session.execute(stmt)]
    form.centre.choices = choices([(0, "Все центры")] + [tuple(row) for row in centres])
    form.department.choices = choices(
        [(0, "Все отделы")] + [(d_id, f"{centre} / {name}") for d_id, centre, name in departments]
    )
    form.region.choices = choices([(0, "Все регионы")] + regions)
    form.responsible.choices = choices([(0, "Все")] + _chosen_responsible(form.responsible.data))
    form.validate()
    return form


def _chosen_responsible(user_id) -> list[tuple[int, str]]:
    """The person the list is narrowed to (from a link: a name in the list, the director's screen), as the
    one option beside «Все»: someone the user may see, or responsible for a task in the team view (a
    colleague who has left or works elsewhere). A region has thousands of staff: no select lists them all.
    Before validation: an absurd id is not queried."""
    if not isinstance(user_id, int) or not 0 < user_id <= MAX_ID:
        return []
    user = db.session.scalar(scoped(select(User), User, current_user, "user.view").where(User.id == user_id))
    in_view = tasks.team(_me()).with_only_columns(Task.id).where(Task.responsible_id == user_id).limit(1)
    if user is None and db.session.scalar(in_view) is not None:
        user = db.session.get(User, user_id)
    return [(user.id, shown(user, "full_name"))] if user is not None else []


def _team_query(form: TeamFilters, with_status: bool = True):
    stmt = tasks.filtered(
        tasks.team(_me()),
        status=(form.valid("status") or "open") if with_status else None,
        overdue=form.valid("overdue"),
        region_id=form.valid("region"),
        centre_id=form.valid("centre"),
        department_id=form.valid("department"),
        responsible_id=form.valid("responsible"),
        source=form.valid("source"),
        due_from=form.valid("due_from"),
        due_to=form.valid("due_to"),
    )
    return tasks.search(stmt, form.valid("q"))


def _render_team(form: TeamFilters, status: int = 200):
    stmt, sort = tasks.sort(_team_query(form), request.args.get("sort"))
    page = paginate(
        tasks.list_rows(stmt, "centre", "department", "group"),  # group parents: no tick
        read=tasks.read_rows,
        count=stmt.with_only_columns(Task.id),
    )
    args = _args(TEAM_FILTERS)
    return (
        render(
            "tasks/team.html",
            "tasks/_team.html",
            page=page,
            form=form,
            sort=sort,
            args=args,
            here=request.full_path.rstrip("?"),
        ),
        status,
    )


@bp.route("/team")
@permission_required("task.manage")
def team():
    return _render_team(_team_filters(shown=not wants_partial()))


def _selected_tasks(raw_ids: list[str]) -> list[Task] | None:
    """The ticked tasks, or None if any id is malformed, missing or not visible to the user."""
    try:
        ids = list(dict.fromkeys(int(i) for i in raw_ids))
    except ValueError:
        return None
    if any(not 0 < i <= MAX_ID for i in ids) or len(ids) > tasks.MAX_BULK:
        return None
    found = db.session.scalars(select(Task).where(Task.id.in_(ids)).order_by(Task.id)).all() if ids else []
    if len(found) != len(ids) or not all(can(current_user, "task.view", t) for t in found):
        return None
    return found


@bp.route("/team/reassign", methods=["POST"])
@permission_required("task.manage")
def reassign():
    """Bulk reassignment in two steps: the ticked tasks and a choice of person to confirm, then all or nothing."""
    back = _local(request.form.get("next")) or url_for("tasks.team")
    selected = _selected_tasks(request.form.getlist("task_ids"))
    if selected is None or not selected:
        flash(
            "Некоторые отмеченные поручения не найдены или вам недоступны: ничего не изменено."
            if selected is None
            else "Отметьте поручения, которые нужно передать.",
            "danger",
        )
        return redirect(back, 303)
    people = _people()
    responsible_id = request.form.get("responsible_id", type=int)
    responsible = db.session.get(User, responsible_id) if responsible_id in dict(people) else None
    confirmed = request.form.get("confirm") == "1"
    if not confirmed or responsible is None:
        error = "Выберите нового ответственного из списка." if confirmed else None
        return render_template(
            "tasks/reassign_confirm.html",
            selected=selected,
            people=people,
            responsible_id=responsible_id,
            error=error,
            back=back,
        )
    try:
        changed = tasks.reassign(selected, responsible, _me())
        db.session.commit()
    except tasks.TaskError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(back, 303)
    name = shown(responsible, "full_name")
    if changed:
        flash(f"Передано поручений: {changed}. Новый ответственный — {name}.", "success")
    else:
        flash(f"Ничего не изменено: отмеченные поручения уже у сотрудника {name}.", "info")
    return redirect(back, 303)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)


@bp.route("/team/export.<fmt>")
@permission_required("task.manage")
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    form = _team_filters()
    if form.errors:  # an export must not silently widen to everything
        return _render_team(form, 400)
    stmt, _ = tasks.sort(_team_query(form), request.args.get("sort"))
    rows = list(tasks.export_rows(stmt))
    audit.record(
        "task.export",
        object_type="Task",
        label="Выгрузка списка поручений",
        after={"filters": _args(TEAM_FILTERS), "rows": len(rows), "format": fmt},
    )
    db.session.commit()
    filename = f"tasks-{today():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(tasks.EXPORT_HEADERS)
        for row in rows:
            writer.writerow([csv_cell(value) if isinstance(value, str) else _cell_text(value) for value in row])
        return Response(
            "\ufeff" + buffer.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={filename}"},
        )
    return Response(
        _xlsx(rows),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def _xlsx(rows) -> bytes:
    """A workbook of the rows; text is stored as text, so a cell starting with «=» is never a formula."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Поручения"
    sheet.append(tasks.EXPORT_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        cells = []
        for value in values:
            cell = Cell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif hasattr(value, "strftime"):
                cell.number_format = "DD.MM.YYYY"
            cells.append(cell)
        sheet.append(cells)
    for letter, width in zip("ABCDEFGHIJKLMN", (8, 60, 14, 12, 12, 10, 24, 24, 24, 30, 24, 20, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- board ---------------------------------------------------------------------------------


@bp.route("/board")
@login_required
def board():
    manager = can(current_user, "task.manage")
    if manager:
        form = _team_filters(shown=not wants_partial())
        stmt, args = _team_query(form, with_status=False), _args(TEAM_FILTERS)
    else:
        form = _my_filters()
        stmt, args = _my_query(form, with_status=False), _args(MY_FILTERS)
    args.pop("status", None)
    more = request.args.get("more")
    more = more if more in tasks.BOARD_STATUSES else None
    me = _me()
    columns = tasks.board(stmt, me, more=more)
    moves = {  # cancelling is done on the task's page, not from a card
        card.id: [move for move in tasks.row_moves(me, card) if move[0] != "cancelled"]
        for column in columns
        for card in column.tasks
    }
    context = {
        "columns": columns,
        "moves": moves,
        "form": form,
        "manager": manager,
        "args": args,
        "here": request.full_path.rstrip("?"),
        "recent_days": tasks.RECENT_DONE_DAYS,
    }
    if more and wants_partial():  # «Показать ещё» in one column: that column alone
        column = next(c for c in columns if c.status == more)
        return render_template("tasks/_board_column.html", column=column, **context)
    return render("tasks/board.html", "tasks/_board.html", **context)


# ---- one task ------------------------------------------------------------------------------


def _source(task: Task) -> tuple[str, str | None]:
    """What the task came from, and a link to it when there is a page the user may open."""
    if task.source_type == "decision" and task.source_id:
        decision = db.session.get(Decision, task.source_id)
        if decision is not None:
            meeting = decision.item.meeting
            text = f"{meeting}, решение {decision.number}"
            url = (
                url_for("meetings.meeting", meeting_id=meeting.id)
                if can(current_user, "meeting.view", meeting)
                else None
            )
            return text, url
    if task.source_type == "roadmap" and task.source_id:
        item = db.session.get(RoadmapItem, task.source_id)
        if item is not None:
            plan = item.roadmap
            text = f"{task.source_label} «{plan.title}», мероприятие {item.number}"
            visible = can(current_user, "roadmap.view", plan)
            return text, url_for("roadmap.roadmap", roadmap_id=plan.id, _anchor=f"item-{item.id}") if visible else None
    return task.source_label, None


@bp.route("/<int:task_id>")
@login_required
def task(task_id: int):
    task = get_or_404(Task, task_id, "task.view")
    return _render_task(task, CommentForm(formdata=None))


def _children(task: Task) -> list[Task]:
    """A group parent's tasks with the people the page shows, in a few queries however many there are."""
    if task.responsible_id is not None:
        return list(task.children)
    stmt = select(Task).where(Task.parent_id == task.id).order_by(Task.id)
    return list(db.session.scalars(tasks.with_people(stmt, "participants")))  # who may view each


def _render_task(task: Task, comment_form: CommentForm):
    parent = task.parent if task.parent is not None and can(current_user, "task.view", task.parent) else None
    return render_template(
        "tasks/task.html",
        task=task,
        moves=tasks.allowed_moves(current_user, task),
        manage=tasks.may_manage(current_user, task),
        may_comment=can(current_user, "task.comment", task),
        group_parent=tasks.is_group_parent(task),
        needs_evidence=tasks.needs_evidence(task),
        has_evidence=task.evidence_required and tasks.has_evidence(task),
        source=_source(task),
        parent=parent,
        children=[c for c in _children(task) if can(current_user, "task.view", c)],
        comment_form=comment_form,
        history=audit.history(task),
    )


@bp.route("/<int:task_id>/move", methods=["POST"])
@login_required
def move(task_id: int):
    task = get_or_404(Task, task_id, "task.view")
    back = _local(request.form.get("next")) or url_for("tasks.task", task_id=task.id)
    try:
        tasks.move(task, request.form.get("target", ""), _me(), request.form.get("comment", ""))
        db.session.commit()
        flash(f"Поручение «{task.title[:80]}»: {task.status_label.lower()}.", "success")
    except tasks.TaskError as error:
        db.session.rollback()
        flash(str(error), "danger")
    return redirect(back, 303)


@bp.route("/<int:task_id>/comments", methods=["POST"])
@login_required
def comment(task_id: int):
    task = get_or_404(Task, task_id, "task.view")
    if not can(current_user, "task.comment", task):  # the task's people and managers; not a mere reader
        abort(403)
    form = CommentForm()
    if form.validate_on_submit():
        tasks.add_comment(task, form.text.data, _me())
        db.session.commit()
        if wants_partial():
            return render_template(
                "tasks/_comments.html", task=task, comment_form=CommentForm(formdata=None), may_comment=True
            )
        flash("Комментарий добавлен.", "success")
        return redirect(url_for("tasks.task", task_id=task.id, _anchor="comments"), 303)
    if wants_partial():  # htmx swaps 200s only: the errors come back inside the section
        return render_template("tasks/_comments.html", task=task, comment_form=form, may_comment=True)
    return _render_task(task, form)


# ---- create and edit -----------------------------------------------------------------------


def _task_form(task: Task | None) -> TaskForm:
    form = TaskForm(obj=task)
    form.group_task = task is not None and tasks.is_group_parent(task)
    form.responsible_id.flags.required = not form.group_task
    on_task = set()
    if task is not None:
        on_task = {task.responsible_id, task.controller_id} | {p.user_id for p in task.participants}
        if request.method == "GET":
            form.co_executors.data = [p.user_id for p in task.participants if p.role == "co_executor"]
            form.watchers.data = [p.user_id for p in task.participants if p.role == "watcher"]
    elif request.method == "GET":
        form.controller_id.data = current_user.id
    people = _people(on_task | {current_user.id})
    form.responsible_id.choices = choices([(0, "— выберите —")] + people)
    form.controller_id.choices = choices([(0, "— не назначен —")] + people)
    form.co_executors.choices = choices(people)
    form.watchers.choices = choices(people)
    departments = set(db.session.scalars(scoped(select(Department), Department, current_user, "task.manage")))
    if task is not None and task.department is not None:
        departments.add(task.department)
    department_options = sorted(((d.id, f"{d.centre.name} / {d.name}") for d in departments), key=lambda o: o[1])
    form.department_id.choices = choices([(0, "— не указан —")] + department_options)
    return form


def _deadline_problem(form: TaskForm, task: Task | None) -> str | None:
    return None if form.standing.data else tasks.due_problem(form.due_on.data, task)


def _refused(form: TaskForm, error: tasks.TaskError) -> None:
    """Show the service's refusal next to the field it is about (the title when it names none)."""
    field = form._fields.get(error.field or "", form.title)
    field.errors = [*field.errors, str(error)]


def _values(form: TaskForm, task: Task | None) -> dict:
    values = {
        "title": " ".join(form.title.data.split()),
        "description": form.description.data,
        "responsible_id": form.responsible_id.data or None,
        "controller_id": form.controller_id.data or None,
        "department_id": form.department_id.data or None,
        "due_on": None if form.standing.data else form.due_on.data,
        "deadline_text": form.deadline_text.data or ("" if not form.standing.data else "постоянно"),
        "standing": form.standing.data,
        "recurrence_days": form.recurrence_days.data or None,
        "priority": form.priority.data,
        "evidence_required": form.evidence_required.data,
    }
    department = db.session.get(Department, values["department_id"]) if values["department_id"] else None
    if department is not None and (task is None or department.id != task.department_id):
        values.update(region_id=department.region_id, centre_id=department.centre_id)
    return values


@bp.route("/new", methods=["GET", "POST"])
@permission_required("task.manage")
def new():
    form = _task_form(None)
    if form.validate_on_submit():
        if problem := _deadline_problem(form, None):
            form.due_on.errors.append(problem)
        else:
            try:
                task = tasks.create(
                    _values(form, None), _me(), co_executors=form.co_executors.data, watchers=form.watchers.data
                )
                db.session.commit()
                flash("Поручение создано.", "success")
                return redirect(url_for("tasks.task", task_id=task.id), 303)
            except tasks.TaskError as error:
                db.session.rollback()
                _refused(form, error)
    return render_template("tasks/task_form.html", form=form, task=None)


@bp.route("/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit(task_id: int):
    task = get_or_404(Task, task_id, "task.view")
    if not tasks.may_manage(current_user, task):
        abort(403)
    try:
        tasks.ensure_open(task)
    except tasks.TaskClosed as error:
        flash(str(error), "warning")
        return redirect(url_for("tasks.task", task_id=task.id), 303)
    form = _task_form(task)
    if form.validate_on_submit():
        if problem := _deadline_problem(form, task):
            form.due_on.errors.append(problem)
        else:
            try:
                tasks.update(task, _values(form, task), _me())
                tasks.set_people(task, form.co_executors.data, form.watchers.data, _me())
                db.session.commit()
                flash("Поручение сохранено.", "success")
                return redirect(url_for("tasks.task", task_id=task.id), 303)
            except tasks.TaskError as error:
                db.session.rollback()
                _refused(form, error)
    return render_template("tasks/task_form.html", form=form, task=task)
