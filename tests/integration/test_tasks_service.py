"""Task rules in the service, whoever calls it (forms, API, meetings): the scope follows the
responsible person, a group's parent follows its children, the shared value rules, closed tasks
stay closed, and the people a task is given to are told."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.base import today
from app.models.notifications import NOTIFICATION_KINDS, Notification
from app.models.tasks import Task
from app.services import reminders, tasks


@pytest.fixture
def w(make):
    """A region with two centres: a regional director over both, a team lead and staff in each."""
    region = make.region("Нижегородская область")
    a, b = make.centre(region, "ЦЗН Канавинский"), make.centre(region, "ЦЗН Сормовский")
    world = {
        "region": region,
        "a": a,
        "b": b,
        "dept_a": make.department(a, "Отдел профобучения"),
        "director": make.user(("director", region), region=region, full_name="Директорова Ольга Ивановна"),
        "lead_a": make.user(("team_lead", a), centre=a, full_name="Лидерова Анна Сергеевна"),
        "lead_b": make.user(("team_lead", b), centre=b, full_name="Бетова Вера Павловна"),
        "worker_a": make.user(("employee", a), centre=a, full_name="Канавин Пётр Ильич"),
        "colleague_a": make.user(("employee", a), centre=a, full_name="Коллегин Семён Ефимович"),
        "worker_b": make.user(("employee", b), centre=b, full_name="Сормов Олег Павлович"),
    }
    db.session.commit()
    return world


def due(days: int = 10) -> date:
    return today() + timedelta(days=days)


def new(w, title="Обновить стенд", actor="director", **values):
    co, watchers, group = values.pop("co_executors", ()), values.pop("watchers", ()), values.pop("group", False)
    if not group:
        values.setdefault("responsible_id", w["worker_a"].id)
    values.setdefault("due_on", due())
    task = tasks.create({"title": title, **values}, w[actor], co_executors=co, watchers=watchers, group=group)
    db.session.commit()
    return task


def fresh(task: Task) -> Task:
    db.session.expire_all()
    return db.session.get(Task, task.id)


def notes(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def team_ids(user) -> set[int]:
    return set(db.session.scalars(tasks.team(user).with_only_columns(Task.id)))


# ---- 1. the scope follows the responsible person ---------------------------------------------


def test_scope_follows_a_new_responsible_person_on_update_and_reassign(w):
    task = new(w, department_id=w["dept_a"].id, region_id=w["region"].id, centre_id=w["a"].id)
    assert (task.centre_id, task.department_id) == (w["a"].id, w["dept_a"].id)
    assert task.id in team_ids(w["lead_a"]) and task.id not in team_ids(w["lead_b"])

    tasks.update(task, {"responsible_id": w["worker_b"].id}, w["director"])
    db.session.commit()
    task = fresh(task)
    assert (task.region_id, task.centre_id) == (w["region"].id, w["b"].id)
    assert task.department_id is None  # a department of the old centre does not travel along
    assert task.id not in team_ids(w["lead_a"]) and task.id in team_ids(w["lead_b"])

    assert tasks.reassign([task], w["colleague_a"], w["director"]) == 1
    db.session.commit()
    task = fresh(task)
    assert task.centre_id == w["a"].id
    assert task.id in team_ids(w["lead_a"]) and task.id not in team_ids(w["lead_b"])

    tasks.update(task, {"title": "Обновить стенд и буклеты"}, w["director"])  # the same person: scope stays
    assert fresh(task).centre_id == w["a"].id


def test_scope_given_outright_stands_and_a_group_parent_keeps_its_own(w):
    task = new(w, responsible_id=w["worker_b"].id, region_id=w["region"].id, centre_id=w["a"].id)
    assert task.centre_id == w["a"].id  # e.g. the department chosen in the form
    parent = new(w, "Директорам ЦЗН обеспечить навигацию", group=True, region_id=w["region"].id, centre_id=None)
    new(w, parent.title, responsible_id=w["worker_b"].id, parent_id=parent.id)
    tasks.update(parent, {"priority": "high", "responsible_id": None}, w["director"])
    db.session.commit()
    parent = fresh(parent)
    assert (parent.region_id, parent.centre_id, parent.responsible_id) == (w["region"].id, None, None)


def test_reassignment_through_the_team_view_moves_the_task_to_the_new_centre(client, login, w):
    task = new(w, "Передаваемое поручение")
    login(w["director"])
    response = client.post(
        "/tasks/team/reassign", data={"task_ids": [task.id], "responsible_id": w["worker_b"].id, "confirm": "1"}
    )
    assert response.status_code == 303
    client.post("/logout")
    login(w["lead_a"])
    assert "Передаваемое поручение" not in client.get("/tasks/team").get_data(as_text=True)
    client.post("/logout")
    login(w["lead_b"])
    assert "Передаваемое поручение" in client.get("/tasks/team").get_data(as_text=True)


# ---- 2. a group's parent follows its children ------------------------------------------------


@pytest.fixture
def group(w):
    parent = new(w, "Директорам ЦЗН издать приказы", group=True, controller_id=w["director"].id)
    one = new(w, parent.title, parent_id=parent.id, controller_id=w["director"].id)
    two = new(w, parent.title, responsible_id=w["worker_b"].id, parent_id=parent.id, controller_id=w["director"].id)
    return parent, one, two


def close(task, actor):
    tasks.move(task, "in_progress", task.responsible)
    tasks.move(task, "done", actor)
    db.session.commit()


def test_group_parent_closes_with_its_last_child_and_reopens_with_any(w, group):
    parent, one, two = group
    assert tasks.is_group_parent(parent) and not tasks.is_group_parent(one)
    assert tasks.allowed_moves(w["director"], parent) == []
    with pytest.raises(tasks.TaskError, match="Статус общего поручения группы меняется сам"):
        tasks.move(parent, "cancelled", w["director"])

    tasks.move(one, "in_progress", w["worker_a"])
    db.session.commit()
    assert fresh(parent).status == "in_progress"  # the group's work has begun
    tasks.move(one, "done", w["director"])
    db.session.commit()
    assert fresh(parent).status == "in_progress"  # one of two is done

    close(two, w["director"])
    parent = fresh(parent)
    assert parent.status == "done" and parent.completed_on == today()
    audit = db.session.scalars(
        select(AuditEvent.after)
        .where(AuditEvent.object_type == "Task", AuditEvent.object_id == parent.id, AuditEvent.action == "task.status")
        .order_by(AuditEvent.id)
    ).all()
    assert [a["status"] for a in audit] == ["in_progress", "done"]

    tasks.move(fresh(two), "in_progress", w["director"])  # a child reopens: so does the group
    db.session.commit()
    parent = fresh(parent)
    assert parent.status == "in_progress" and parent.completed_on is None


def test_group_parent_takes_the_last_childs_date_and_ignores_its_own_evidence_rule(w, group):
    parent, one, two = group
    parent.evidence_required = True
    db.session.commit()
    close(one, w["director"])
    tasks.move(fresh(two), "cancelled", w["director"])
    db.session.commit()
    one = fresh(one)
    one.completed_on = today() - timedelta(days=3)  # done earlier (as the demo data records history)
    tasks.sync_group_parent(parent)
    db.session.commit()
    parent = fresh(parent)
    assert parent.status == "done" and parent.completed_on == today() - timedelta(days=3)
    assert not tasks.needs_evidence(parent) and not tasks.has_evidence(parent)


def test_group_parent_is_cancelled_when_every_child_is(w, group):
    parent, one, two = group
    for child in (one, two):
        tasks.move(child, "cancelled", w["director"])
    db.session.commit()
    assert fresh(parent).status == "cancelled"
    tasks.move(fresh(one), "new", w["director"])
    db.session.commit()
    assert fresh(parent).status == "new"


def test_group_parent_is_neither_overdue_nor_reminded(w, group):
    parent, one, two = group
    late = today() - timedelta(days=10)
    for task in (parent, one, two):
        task.due_on = late
    db.session.commit()
    overdue = set(db.session.scalars(tasks.filtered(select(Task.id), overdue=True)))
    assert overdue == {one.id, two.id}
    where = select(Task.id).where(tasks.group_parent_clause())
    assert set(db.session.scalars(where)) == {parent.id}

    plan = reminders.collect(today())
    reminded = {item.task_id for items in plan.digests.values() for item in items}
    assert reminded == {one.id, two.id}
    escalated = [item.task_id for item in plan.digests[w["director"].id]]
    assert sorted(escalated) == sorted([one.id, two.id])  # the controller hears of each person's task once


def test_group_parent_cannot_be_handed_to_one_person(w, group):
    parent, one, _ = group
    with pytest.raises(tasks.TaskError, match="общее поручение группы"):
        tasks.reassign([one, parent], w["colleague_a"], w["director"])
    with pytest.raises(tasks.TaskError, match="нет своего ответственного") as error:
        tasks.update(parent, {"responsible_id": w["worker_a"].id}, w["director"])
    assert error.value.field == "responsible_id"
    db.session.rollback()
    assert fresh(one).responsible_id == w["worker_a"].id


# ---- 3. the value rules, for every caller ----------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"responsible_id": None}, "responsible_id", "Выберите ответственного."),
        ({"title": "  "}, "title", "Укажите, что нужно сделать."),
        ({"standing": True, "due_on": None, "recurrence_days": 7}, "recurrence_days", "Постоянное поручение не"),
        ({"due_on": None, "recurrence_days": 7}, "recurrence_days", "укажите срок первого исполнения"),
        ({"recurrence_days": 400}, "recurrence_days", "Повтор — через 1–366 дней."),
        ({"priority": "urgent"}, "priority", "Неизвестный приоритет."),
        ({"responsible_id": 99999}, "responsible_id", "Ответственный не найден."),
    ],
)
def test_create_refuses_broken_rules_naming_the_field(w, values, field, message):
    base = {"title": "Поручение", "responsible_id": w["worker_a"].id, "due_on": due()}
    with pytest.raises(tasks.TaskError) as error:
        tasks.create({**base, **values}, w["director"])
    assert message in str(error.value) and error.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(func.count(Task.id))) == 0


def test_update_applies_the_same_rules_with_the_tasks_own_values(w):
    task = new(w, recurrence_days=7)
    with pytest.raises(tasks.TaskError, match="укажите срок первого исполнения"):
        tasks.update(task, {"due_on": None}, w["director"])
    db.session.rollback()
    standing = new(w, "Осуществлять контроль", due_on=None, standing=True)
    with pytest.raises(tasks.TaskError, match="Постоянное поручение не повторяется"):
        tasks.update(standing, {"recurrence_days": 7}, w["director"])
    db.session.rollback()
    with pytest.raises(tasks.TaskError, match="Выберите ответственного"):
        tasks.update(fresh(task), {"responsible_id": None}, w["director"])


def test_participants_are_deduplicated_by_the_service(w):
    worker, colleague, lead = w["worker_a"], w["colleague_a"], w["lead_a"]
    with pytest.raises(tasks.TaskError, match="Ответственный не может быть одновременно соисполнителем") as error:
        new(w, co_executors=[colleague.id, worker.id])
    assert error.value.field == "co_executors"
    db.session.rollback()
    task = new(w, co_executors=[colleague.id, colleague.id], watchers=[colleague.id, worker.id, lead.id, lead.id])
    assert sorted((p.role, p.user_id) for p in task.participants) == [
        ("co_executor", colleague.id),
        ("watcher", lead.id),
    ]
    with pytest.raises(tasks.TaskError, match="одновременно соисполнителем"):
        tasks.set_people(task, [worker.id], [], w["director"])
    db.session.rollback()
    tasks.update(fresh(task), {"responsible_id": colleague.id}, w["director"])  # promoted from co-executor
    assert fresh(task).participants[0].user_id == lead.id and len(fresh(task).participants) == 1


# ---- 4. dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(1999, 12, 31), date(2101, 1, 10), date(9999, 12, 31)])
def test_deadlines_outside_2000_to_2100_are_refused(day):
    assert tasks.due_problem(day) == "Укажите дату с годом от 2000 до 2100."


# ---- 7. a closed task stays closed ------------------------------------------------------------


def test_update_and_people_refuse_a_closed_task_until_it_is_reopened(w):
    task = new(w)
    tasks.move(task, "cancelled", w["director"])
    db.session.commit()
    for change in (
        lambda: tasks.update(task, {"title": "Новое"}, w["director"]),
        lambda: tasks.set_people(task, [w["colleague_a"].id], [], w["director"]),
    ):
        with pytest.raises(tasks.TaskClosed, match="уже отменено: закрытое поручение не изменить"):
            change()
        db.session.rollback()
    tasks.move(fresh(task), "new", w["director"])
    tasks.update(fresh(task), {"title": "Новое"}, w["director"])
    db.session.commit()
    assert fresh(task).title == "Новое"


def test_reassign_refusals_are_worded_for_people(w):
    task = new(w, "Поручение центра А")
    with pytest.raises(tasks.TaskError) as error:
        tasks.reassign([task], w["worker_b"], w["lead_b"])
    assert str(error.value) == (
        "Вы не можете передать поручение «Поручение центра А»: оно вне вашей области. Ничего не изменено."
    )
    close(task, w["director"])
    with pytest.raises(tasks.TaskClosed, match="уже выполнено: передавать можно только открытые"):
        tasks.reassign([fresh(task)], w["colleague_a"], w["director"])


# ---- 8. the people a task is given to are told -------------------------------------------------


def test_responsible_and_co_executors_are_told_of_a_new_task_but_not_its_author(w):
    worker, colleague, lead = w["worker_a"], w["colleague_a"], w["lead_a"]
    task = new(w, "Разместить QR-код", actor="lead_a", co_executors=[colleague.id], watchers=[w["worker_b"].id])
    (note,) = notes(worker)
    assert note.kind == "assigned" and note.task_id == task.id and note.link == f"/tasks/{task.id}"
    assert note.text == f"Вам поручено: «Разместить QR-код», срок {task.due_on:%d.%m.%Y}."
    assert NOTIFICATION_KINDS[note.kind] == "Новое поручение"
    assert [n.text.split(":")[0] for n in notes(colleague)] == ["Вы — соисполнитель поручения"]
    assert notes(w["worker_b"]) == []  # a watcher is not given anything to do
    new(w, "Сам себе", actor="lead_a", responsible_id=lead.id)
    assert notes(lead) == []


def test_new_responsible_is_told_of_a_reassignment(w):
    one, two = new(w, "Первое"), new(w, "Второе")
    tasks.update(one, {"responsible_id": w["colleague_a"].id}, w["director"])
    db.session.commit()
    assert [n.text for n in notes(w["colleague_a"])] == [
        f"Вам передано поручение: «Первое», срок {one.due_on:%d.%m.%Y}."
    ]
    tasks.reassign([one, two], w["worker_b"], w["director"])
    db.session.commit()
    (summary,) = notes(w["worker_b"])  # a batch is one notice, not one per task
    assert summary.text == "Вам передано поручений: 2. Они в разделе «Мои задачи»." and summary.link == "/tasks/my"
    tasks.set_people(fresh(one), [w["worker_a"].id], [], w["director"])
    db.session.commit()
    assert notes(w["worker_a"])[-1].text.startswith("Вы — соисполнитель поручения: «Первое»")


# ---- 9. wording ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (1, "остался 1 день"),
        (2, "осталось 2 дня"),
        (5, "осталось 5 дней"),
        (11, "осталось 11 дней"),
        (21, "остался 21 день"),
        (0, "срок сегодня"),
        (-1, "просрочено на 1 день"),
        (-3, "просрочено на 3 дня"),
        (-12, "просрочено на 12 дней"),
    ],
)
def test_days_left_has_russian_plural_forms(days, text):
    assert tasks.days_left_text(days) == text


def test_reminders_and_notification_kinds_share_their_wording():
    assert reminders.SECTIONS["escalation"] == NOTIFICATION_KINDS["escalation"] == "Просрочено у исполнителей"
    item = reminders.Item(1, "Отчёт", date(2026, 3, 10), "due_soon", 2)
    assert item.state() == tasks.days_left_text(2) == "осталось 2 дня"


# ---- 6. lists read as plain rows ---------------------------------------------------------------


def test_list_rows_and_board_cards_answer_as_the_tasks_themselves(w, group, make):
    """The lists and the board read plain rows, not tasks: row by row and person by person they show
    the same names, roles and labels, and offer the same moves, as the loaded task would."""
    new(
        w,
        "Соисполняемое",
        responsible_id=w["colleague_a"].id,
        co_executors=[w["worker_a"].id],
        watchers=[w["lead_b"].id],
        controller_id=w["lead_b"].id,
    )
    review = new(w, "На проверке", actor="lead_a", department_id=w["dept_a"].id)
    review.status = "review"
    done = new(w, "Выполнено", actor="lead_b", responsible_id=w["worker_b"].id, standing=True, due_on=None)
    done.status, done.completed_on, done.priority = "done", today(), "high"
    observer = make.user(("observer", w["a"]), centre=w["a"])
    db.session.commit()
    everything = select(Task).order_by(Task.id)
    people = [w[k] for k in ("director", "lead_a", "lead_b", "worker_a", "colleague_a", "worker_b")] + [observer]
    for user in people:
        stmt = tasks.list_rows(everything, "centre", "department", "group", "people", viewer=user)
        rows = tasks.read_rows(db.session.execute(stmt), user)
        loaded = db.session.scalars(everything).all()
        assert [row.id for row in rows] == [task.id for task in loaded]
        for row, task in zip(rows, loaded, strict=True):
            who = (user.full_name, task.title)
            assert row.group_parent == tasks.is_group_parent(task), who
            assert list(row.roles) == tasks.roles_of(user, task), who
            assert row.responsible_short == (task.responsible.short_name if task.responsible else ""), who
            assert row.centre_name == (task.centre.name if task.centre else None)
            assert row.department_name == (task.department.name if task.department else None)
            assert (row.status_label, row.source_label, row.priority_label) == (
                task.status_label,
                task.source_label,
                task.priority_label,
            )
            assert row.is_open == task.is_open and tasks.days_left_label(row) == tasks.days_left_label(task)
            assert tasks.row_moves(user, row) == tasks.allowed_moves(user, task), who
