"""Tasks through the Flask client: lists, filters, workflow, evidence, bulk reassignment, export, recurrence."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.base import today
from app.models.meetings import AgendaItem, Decision, Meeting, WorkingGroup
from app.models.tasks import Task, TaskComment
from app.services import calendar, files, tasks


@pytest.fixture
def w(make):
    """Centre A with a team lead, an executor and colleagues; centre B next door in the same region."""
    region = make.region("Нижегородская область")
    centre = make.centre(region, "ЦЗН Канавинский")
    other = make.centre(region, "ЦЗН Сормовский")
    department = make.department(centre, "Отдел профобучения")
    lead = make.user(("team_lead", centre), full_name="Руководителева Анна Сергеевна", centre=centre)
    executor = make.user(("employee", centre), full_name="Исполнителев Пётр Ильич", centre=centre)
    colleague = make.user(("employee", centre), full_name="Коллегин Семён Ефимович", centre=centre)
    stranger = make.user(("employee", other), full_name="Сормовский Олег Павлович", centre=other)
    db.session.commit()
    return {
        "region": region,
        "centre": centre,
        "other": other,
        "department": department,
        "lead": lead,
        "executor": executor,
        "colleague": colleague,
        "stranger": stranger,
    }


def new_task(w, title="Обновить стенд в зале ожидания", actor=None, **values):
    values.setdefault("responsible_id", w["executor"].id)
    values.setdefault("due_on", today() + timedelta(days=10))
    co, watchers, group = values.pop("co_executors", ()), values.pop("watchers", ()), values.pop("group", False)
    task = tasks.create({"title": title, **values}, actor or w["lead"], co_executors=co, watchers=watchers, group=group)
    db.session.commit()
    return task


def switch(client, login, user):
    client.post("/logout")
    login(user)


def html(response) -> str:
    return response.get_data(as_text=True)


def status_of(task_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Task, task_id).status


# ---- my tasks ------------------------------------------------------------------------------


def test_my_tasks_by_role_with_days_left(client, login, w):
    e = w["executor"]
    new_task(w, "Поручение через три дня", due_on=today() + timedelta(days=3))
    new_task(w, "Поручение на сегодня", due_on=today())
    new_task(w, "Поручение просроченное", due_on=today() - timedelta(days=2))
    new_task(w, "Поручение, где я соисполнитель", responsible_id=w["colleague"].id, co_executors=[e.id])
    new_task(w, "Поручение, где я наблюдаю", responsible_id=w["colleague"].id, watchers=[e.id])
    new_task(w, "Поручение, где я контролёр", responsible_id=w["colleague"].id, controller_id=e.id)
    new_task(w, "Чужое поручение коллеги", responsible_id=w["colleague"].id)
    login(e)

    page = html(client.get("/tasks/"))
    assert "осталось 3 дня" in page and "срок сегодня" in page and "просрочено на 2 дня" in page
    assert "Поручение, где я наблюдаю" in page and "Чужое поручение коллеги" not in page
    assert "Задачи команды" not in page  # an employee has no team view

    only = {
        "responsible": "Поручение на сегодня",
        "co_executor": "Поручение, где я соисполнитель",
        "watcher": "Поручение, где я наблюдаю",
        "controller": "Поручение, где я контролёр",
    }
    for role, title in only.items():
        page = html(client.get(f"/tasks/my?role={role}"))
        assert title in page
        assert sum(t in page for t in only.values()) == 1, role

    overdue = html(client.get("/tasks/my?overdue=1"))
    assert "Поручение просроченное" in overdue and "Поручение на сегодня" not in overdue
    assert client.get("/tasks/my?role=boss").status_code == 200  # a bad filter is reported, not a 500


def test_my_tasks_hide_closed_by_default_and_show_empty_state(client, login, w):
    task = new_task(w, "Закрытое поручение")
    task.status = "done"
    db.session.commit()
    login(w["executor"])
    page = html(client.get("/tasks/"))
    assert "Закрытое поручение" not in page and "У вас нет открытых поручений." in page
    page = html(client.get("/tasks/my?q=&status=open", headers={"HX-Request": "true"}))  # what the filter form sends
    assert "У вас нет открытых поручений." in page
    assert "Закрытое поручение" in html(client.get("/tasks/my?status=all"))
    assert "По этим условиям поручений нет." in html(client.get("/tasks/my?q=нетакого"))


def test_search_ignores_case_and_yo(client, login, w):
    new_task(w, "Проверить ёмкость зала ожидания")
    new_task(w, "Обучить операторов")
    login(w["executor"])
    for q in ("емкость", "ЁМКОСТЬ", "Емкость зала"):
        page = html(client.get("/tasks/my", query_string={"q": q}))
        assert "Проверить ёмкость зала ожидания" in page and "Обучить операторов" not in page, q


def test_sorting_and_htmx_partial(client, login, w):
    new_task(w, "Позднее поручение", due_on=today() + timedelta(days=20), priority="low")
    new_task(w, "Раннее поручение", due_on=today() + timedelta(days=1), priority="normal")
    new_task(w, "Важное поручение", due_on=today() + timedelta(days=9), priority="high")
    login(w["executor"])
    page = html(client.get("/tasks/my"))
    assert page.index("Раннее") < page.index("Важное") < page.index("Позднее")
    page = html(client.get("/tasks/my?sort=-deadline"))
    assert page.index("Позднее") < page.index("Важное") < page.index("Раннее")
    page = html(client.get("/tasks/my?sort=priority"))
    assert page.index("Важное") < page.index("Раннее") < page.index("Позднее")
    assert client.get("/tasks/my?sort=drop table").status_code == 200

    partial = html(client.get("/tasks/my", headers={"HX-Request": "true"}))
    assert partial.lstrip().startswith('<div id="results"') and "<html" not in partial


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999999", "100000000000"])
def test_pagination_bounds(client, login, w, page):
    for n in range(27):
        db.session.add(Task(title=f"Поручение {n:02d}", responsible_id=w["executor"].id, centre_id=w["centre"].id))
    db.session.commit()
    login(w["executor"])
    response = client.get(f"/tasks/my?page={page}&sort=created")
    assert response.status_code == 200


def test_second_page_holds_the_rest(client, login, w):
    for n in range(27):
        db.session.add(Task(title=f"Поручение {n:02d}", responsible_id=w["executor"].id, centre_id=w["centre"].id))
    db.session.commit()
    login(w["executor"])
    first = html(client.get("/tasks/my?sort=created"))
    second = html(client.get("/tasks/my?sort=created&page=2"))
    assert "Поручение 00" in first and "Поручение 25" not in first
    assert "Поручение 25" in second and "Поручение 26" in second and "Всего: 27" in second


# ---- the workflow --------------------------------------------------------------------------


def move(client, task, target, **extra):
    return client.post(f"/tasks/{task.id}/move", data={"target": target, **extra}, follow_redirects=True)


def test_executor_and_manager_moves(client, login, w):
    task = new_task(w)
    login(w["executor"])
    page = html(client.get(f"/tasks/{task.id}"))
    assert "Взять в работу" in page and "Отменить" not in page and "Изменить" not in page

    assert "Нельзя перевести поручение из «Новая» в «Выполнена»" in html(move(client, task, "done"))
    assert status_of(task.id) == "new"
    assert "Нельзя перевести" in html(move(client, task, "cancelled"))  # only managers cancel
    move(client, task, "in_progress")
    assert status_of(task.id) == "in_progress"
    move(client, task, "done")  # the executor cannot accept their own work
    assert status_of(task.id) == "in_progress"
    move(client, task, "review", comment="Стенд обновлён, фото в приложении")
    assert status_of(task.id) == "review"
    assert db.session.scalar(select(TaskComment.text).where(TaskComment.task_id == task.id)).startswith("Стенд")
    assert "Нельзя перевести" in html(move(client, task, "done"))
    assert "Нельзя перевести" in html(move(client, task, "bogus"))

    switch(client, login, w["lead"])
    page = html(move(client, task, "done"))
    assert status_of(task.id) == "done"
    assert db.session.get(Task, task.id).completed_on == today()
    assert "Переоткрыть" in page
    move(client, task, "in_progress")
    reopened = db.session.get(Task, task.id)
    assert reopened.status == "in_progress" and reopened.completed_on is None
    statuses = db.session.scalars(
        select(AuditEvent.after)
        .where(AuditEvent.object_type == "Task", AuditEvent.action == "task.status")
        .order_by(AuditEvent.id)
    ).all()
    assert [s["status"] for s in statuses] == ["in_progress", "review", "done", "in_progress"]


def test_evidence_is_required_before_handing_in(client, login, w):
    task = new_task(w, evidence_required=True)
    login(w["executor"])
    move(client, task, "in_progress")
    page = html(client.get(f"/tasks/{task.id}"))
    assert "нужны подтверждающие материалы" in page
    page = html(move(client, task, "review"))
    assert "Приложите подтверждающие материалы" in page
    assert status_of(task.id) == "in_progress"

    files.attach_url(db.session.get(Task, task.id), "https://example.ru/foto-stenda", w["executor"])
    db.session.commit()
    move(client, task, "review")
    assert status_of(task.id) == "review"


def test_controller_without_a_managing_role_accepts_work(client, login, w):
    task = new_task(w, controller_id=w["colleague"].id)
    task.status = "review"
    db.session.commit()
    login(w["colleague"])
    assert "Принять" in html(client.get(f"/tasks/{task.id}"))
    move(client, task, "done")
    assert status_of(task.id) == "done"


# ---- creating and editing ------------------------------------------------------------------


def test_create_validates_in_russian_and_creates(client, login, w):
    login(w["lead"])
    assert client.get("/tasks/new").status_code == 200
    page = html(client.post("/tasks/new", data={"title": "", "priority": "normal"}))
    assert "Укажите, что нужно сделать." in page
    assert "Укажите срок или отметьте «Постоянное поручение»." in page
    due = calendar.shift_to_working_day(today() + timedelta(days=7)).isoformat()
    page = html(client.post("/tasks/new", data={"title": "Тест", "due_on": due, "priority": "normal"}))
    assert "Выберите ответственного." in page  # the service's rule, shown next to its field
    assert 'id="responsible_id-error"' in page

    past = (today() - timedelta(days=3)).isoformat()
    page = html(
        client.post(
            "/tasks/new",
            data={"title": "Тест", "responsible_id": w["executor"].id, "due_on": past, "priority": "normal"},
        )
    )
    assert "Срок не может быть в прошлом." in page
    day_off = today() + timedelta(days=1)
    while calendar.is_working_day(day_off):
        day_off += timedelta(days=1)
    page = html(
        client.post(
            "/tasks/new",
            data={
                "title": "Тест",
                "responsible_id": w["executor"].id,
                "due_on": day_off.isoformat(),
                "priority": "normal",
            },
        )
    )
    assert "нерабочий день" in page
    assert "не дата" not in page and db.session.scalar(select(func.count(Task.id))) == 0

    due = calendar.shift_to_working_day(today() + timedelta(days=7))
    response = client.post(
        "/tasks/new",
        data={
            "title": "Разместить  QR-код\nанкеты",
            "responsible_id": w["executor"].id,
            "co_executors": [w["colleague"].id],
            "controller_id": w["lead"].id,
            "department_id": w["department"].id,
            "due_on": due.strftime("%d.%m.%Y"),
            "priority": "high",
            "evidence_required": "y",
        },
    )
    assert response.status_code == 303
    task = db.session.scalar(select(Task))
    assert task.title == "Разместить QR-код анкеты" and task.due_on == due and task.evidence_required
    assert task.centre_id == w["centre"].id and task.created_by_id == w["lead"].id
    assert [(p.user_id, p.role) for p in task.participants] == [(w["colleague"].id, "co_executor")]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "task.create")) is not None


def test_employee_cannot_create_or_edit(client, login, w):
    task = new_task(w)
    login(w["executor"])
    assert client.get("/tasks/new").status_code == 403
    assert client.get(f"/tasks/{task.id}/edit").status_code == 403
    assert client.post(f"/tasks/{task.id}/edit", data={"title": "Взлом"}).status_code == 403
    assert db.session.get(Task, task.id).title != "Взлом"


def test_edit_changes_people_and_audits(client, login, w):
    task = new_task(w, co_executors=[w["colleague"].id])
    login(w["lead"])
    page = html(client.get(f"/tasks/{task.id}/edit"))
    assert "Обновить стенд" in page
    response = client.post(
        f"/tasks/{task.id}/edit",
        data={
            "title": "Обновить стенд и буклеты",
            "responsible_id": w["executor"].id,
            "watchers": [w["colleague"].id],
            "due_on": task.due_on.isoformat(),
            "priority": "normal",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert task.title == "Обновить стенд и буклеты"
    assert [(p.user_id, p.role) for p in task.participants] == [(w["colleague"].id, "watcher")]
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == task.id)))
    assert {"task.create", "task.update", "task.people"} <= actions


def test_comments_with_htmx_and_without(client, login, w):
    task = new_task(w)
    login(w["executor"])
    partial = html(client.post(f"/tasks/{task.id}/comments", data={"text": "  "}, headers={"HX-Request": "true"}))
    assert "Напишите комментарий." in partial and partial.lstrip().startswith('<section id="comments"')
    partial = html(
        client.post(f"/tasks/{task.id}/comments", data={"text": "Начал работу"}, headers={"HX-Request": "true"})
    )
    assert "Начал работу" in partial and "<html" not in partial
    response = client.post(f"/tasks/{task.id}/comments", data={"text": "Второй комментарий"})
    assert response.status_code == 303
    page = html(client.get(f"/tasks/{task.id}"))
    assert "Начал работу" in page and "Второй комментарий" in page


def test_task_page_shows_people_source_and_children(client, login, w):
    parent = new_task(
        w, "Директорам ЦЗН обеспечить навигацию", group=True, responsible_id=None, centre_id=w["centre"].id
    )
    child = new_task(w, "Директорам ЦЗН обеспечить навигацию", parent_id=parent.id, controller_id=w["lead"].id)
    login(w["lead"])
    page = html(client.get(f"/tasks/{parent.id}"))
    assert "Исполнители" in page and f"/tasks/{child.id}" in page
    page = html(client.get(f"/tasks/{child.id}"))
    assert "Исполнителев П. И." in page and "Вручную" in page  # names masked without personal.view
    assert f"/tasks/{parent.id}" in page  # the breadcrumb leads to the shared parent
    assert client.get("/tasks/999999").status_code == 404
    assert client.get("/tasks/99999999999").status_code == 404

    response = client.post(  # the shared parent keeps having no responsible person of its own
        f"/tasks/{parent.id}/edit",
        data={"title": parent.title, "due_on": parent.due_on.isoformat(), "priority": "high"},
    )
    assert response.status_code == 303
    assert db.session.get(Task, parent.id).priority == "high" and db.session.get(Task, parent.id).responsible_id is None


def test_task_from_a_decision_links_back_to_the_meeting(client, login, w):
    group = WorkingGroup(name="Рабочая группа ЦЗН", region_id=w["region"].id, centre_id=w["centre"].id)
    meeting = Meeting(
        group=group,
        year=2026,
        number=3,
        starts_at=datetime(2026, 3, 5, 10),
        region_id=w["region"].id,
        centre_id=w["centre"].id,
    )
    item = AgendaItem(meeting=meeting, title="О навигации в зале")
    decision = Decision(item=item, verb="assign", text="Обеспечить навигацию")
    db.session.add_all([group, meeting, item, decision])
    db.session.flush()
    task = new_task(w, "Обеспечить навигацию", source_type="decision", source_id=decision.id)
    login(w["lead"])
    page = html(client.get(f"/tasks/{task.id}"))
    assert f'href="/meetings/{meeting.id}"' in page and "решение 1.1" in page


# ---- team view -----------------------------------------------------------------------------


def test_team_filters(client, login, w):
    d = w["department"]
    new_task(w, "Альфа по отделу", department_id=d.id, due_on=date(2030, 3, 4), source_type="feedback")
    new_task(w, "Бета без отдела", due_on=date(2030, 5, 6))
    new_task(w, "Гамма просрочена", due_on=today() - timedelta(days=1))
    done = new_task(w, "Дельта выполнена")
    done.status = "done"
    db.session.commit()
    login(w["lead"])

    def titles(query: str) -> set[str]:
        page = html(client.get("/tasks/team?" + query))
        return {t for t in ("Альфа", "Бета", "Гамма", "Дельта") if t in page}

    assert titles("") == {"Альфа", "Бета", "Гамма"}
    assert titles("centre=0&department=0&status=open&source=&due_from=&due_to=") == {"Альфа", "Бета", "Гамма"}
    assert titles("status=all") == {"Альфа", "Бета", "Гамма", "Дельта"}
    assert titles("status=done") == {"Дельта"}
    assert titles(f"department={d.id}") == {"Альфа"}
    assert titles(f"centre={w['centre'].id}") == {"Альфа", "Бета", "Гамма"}
    assert titles(f"centre={w['other'].id}") == set()
    assert titles("overdue=1") == {"Гамма"}
    assert titles("source=feedback") == {"Альфа"}
    assert titles("due_from=2030-01-01&due_to=2030-03-31") == {"Альфа"}
    assert titles("due_from=01.04.2030") == {"Бета"}
    assert titles("q=бета") == {"Бета"}
    page = html(client.get("/tasks/team?due_from=2030-05-01&due_to=2030-01-01"))
    assert "Дата «по» не может быть раньше даты «с»." in page
    assert "Дата должна быть в формате" in html(client.get("/tasks/team?due_from=вчера"))


def test_team_view_needs_task_manage(client, login, w):
    login(w["executor"])
    assert client.get("/tasks/team").status_code == 403
    assert client.get("/tasks/team/export.csv").status_code == 403
    assert client.post("/tasks/team/reassign", data={}).status_code == 403


def test_bulk_reassignment_confirms_then_changes_all(client, login, w):
    one, two = new_task(w, "Первое"), new_task(w, "Второе")
    login(w["lead"])
    data = {"task_ids": [one.id, two.id], "responsible_id": w["colleague"].id, "next": "/tasks/team?q=x"}
    page = html(client.post("/tasks/team/reassign", data=data))
    assert "Передать поручения" in page and f'<option value="{w["colleague"].id}" selected>' in page
    db.session.expire_all()
    assert {t.responsible_id for t in db.session.scalars(select(Task))} == {w["executor"].id}

    response = client.post("/tasks/team/reassign", data={**data, "confirm": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/tasks/team?q=x")
    db.session.expire_all()
    assert {t.responsible_id for t in db.session.scalars(select(Task))} == {w["colleague"].id}
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "task.reassign")) == 2


def test_bulk_reassignment_is_all_or_nothing(client, login, w):
    open_task, closed = new_task(w, "Открытое"), new_task(w, "Закрытое")
    closed.status = "done"
    db.session.commit()
    login(w["lead"])
    data = {"task_ids": [open_task.id, closed.id], "responsible_id": w["colleague"].id, "confirm": "1"}
    page = html(client.post("/tasks/team/reassign", data=data, follow_redirects=True))
    assert "передавать можно только открытые" in page and "Ничего не изменено" in page
    db.session.expire_all()
    assert {t.responsible_id for t in db.session.scalars(select(Task))} == {w["executor"].id}

    for bad in (
        {"task_ids": [open_task.id], "responsible_id": "", "confirm": "1"},
        {"task_ids": [open_task.id, 999999], "responsible_id": w["colleague"].id, "confirm": "1"},
        {"task_ids": ["x"], "responsible_id": w["colleague"].id, "confirm": "1"},
        {"responsible_id": w["colleague"].id, "confirm": "1"},
        {"task_ids": [open_task.id], "responsible_id": w["stranger"].id, "confirm": "1"},  # not someone I see
    ):
        page = html(client.post("/tasks/team/reassign", data=bad, follow_redirects=True))
        assert "alert-danger" in page, bad
        if bad.get("responsible_id") in ("", w["stranger"].id):
            assert "Выберите нового ответственного из списка." in page and 'aria-invalid="true"' in page
    db.session.expire_all()
    assert db.session.get(Task, open_task.id).responsible_id == w["executor"].id


def test_csv_and_xlsx_export_of_the_filtered_list(client, login, w):
    new_task(w, '=HYPERLINK("http://evil")', due_on=date(2030, 3, 4), priority="high")
    new_task(w, "Обычное поручение", due_on=date(2030, 3, 5))
    new_task(w, "Не попадает в фильтр", due_on=date(2031, 1, 1))
    new_task(w, "-просрочено", due_on=today() - timedelta(days=3))
    login(w["lead"])

    response = client.get("/tasks/team/export.csv?due_from=2030-01-01&due_to=2030-12-31")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["№", "Поручение", "Статус"] and len(rows) == 3
    late = list(
        csv.reader(io.StringIO(client.get("/tasks/team/export.csv?overdue=1").get_data(as_text=True)), delimiter=";")
    )
    assert late[1][1] == "'-просрочено" and late[1][5] == "-3"  # text is guarded, numbers stay numbers
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'  # no formula runs in a spreadsheet
    assert rows[1][4] == "04.03.2030" and rows[1][3] == "Высокий" and rows[2][1] == "Обычное поручение"
    assert rows[1][7] == "Исполнителев П. И."

    response = client.get("/tasks/team/export.xlsx?due_from=2030-01-01&due_to=2030-12-31")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][1] == "Поручение" and len(values) == 3
    assert values[1][1] == '=HYPERLINK("http://evil")' and sheet.cell(2, 2).data_type == "s"
    assert values[1][4].date() == date(2030, 3, 4) and values[2][1] == "Обычное поручение"
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "task.export")) == 3

    assert client.get("/tasks/team/export.csv?due_from=никогда").status_code == 400
    assert client.get("/tasks/team/export.pdf").status_code == 404


# ---- board ---------------------------------------------------------------------------------


def test_board_columns_and_moves(client, login, w):
    fresh = new_task(w, "Карточка новая")
    review = new_task(w, "Карточка на проверке")
    review.status = "review"
    old = new_task(w, "Карточка давно выполнена")
    old.status, old.completed_on = "done", today() - timedelta(days=60)
    cancelled = new_task(w, "Карточка отменена")
    cancelled.status = "cancelled"
    db.session.commit()

    login(w["executor"])
    page = html(client.get("/tasks/board"))
    assert "Карточка новая" in page and "Карточка на проверке" in page
    assert "Карточка давно выполнена" not in page and "Карточка отменена" not in page
    response = client.post(f"/tasks/{fresh.id}/move", data={"target": "in_progress", "next": "/tasks/board?q=%D0%BA"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/tasks/board?q=%D0%BA")
    assert status_of(fresh.id) == "in_progress"
    evil = client.post(f"/tasks/{fresh.id}/move", data={"target": "review", "next": "https://evil.example/"})
    assert evil.headers["Location"].endswith(f"/tasks/{fresh.id}")  # no open redirect

    switch(client, login, w["lead"])
    partial = html(client.get(f"/tasks/board?department={w['department'].id}", headers={"HX-Request": "true"}))
    assert "Карточка на проверке" not in partial and "Пусто." in partial
    page = html(client.get("/tasks/board"))
    assert "Принять" in page
    partial = html(client.get("/tasks/board", headers={"HX-Request": "true"}))
    assert partial.lstrip().startswith('<div id="board"')


# ---- recurrence ----------------------------------------------------------------------------


def test_recurring_task_creates_the_next_occurrence_on_a_working_day(app, w):
    with time_machine.travel(date(2026, 6, 1)):
        friday = date(2026, 6, 5)
        task = new_task(w, "Еженедельный отчёт", due_on=friday, recurrence_days=1, controller_id=w["lead"].id)
        tasks.move(task, "in_progress", w["executor"])
        tasks.move(task, "done", w["lead"])
        db.session.commit()
        following = db.session.scalars(select(Task).where(Task.id != task.id)).all()
        assert len(following) == 1
        nxt = following[0]
        assert nxt.due_on == date(2026, 6, 8)  # Saturday the 6th is a day off: Monday
        assert calendar.is_working_day(nxt.due_on)
        assert (nxt.status, nxt.title, nxt.recurrence_days, nxt.controller_id) == ("new", task.title, 1, w["lead"].id)
        assert nxt.created_by_id == task.created_by_id

    with time_machine.travel(date(2026, 6, 17)):
        tasks.move(task, "in_progress", w["lead"])  # reopened and closed again days later: no second copy
        tasks.move(task, "done", w["lead"])
        db.session.commit()
        assert db.session.scalar(select(func.count(Task.id))) == 2


def test_next_due_skips_missed_periods(app, w):
    task = Task(title="x", due_on=date(2026, 6, 1), recurrence_days=7, status="done")
    assert tasks.next_due(task, on=date(2026, 6, 3)) == date(2026, 6, 8)
    assert tasks.next_due(task, on=date(2026, 6, 20)) == calendar.shift_to_working_day(date(2026, 6, 22))


def test_my_tasks_show_the_nearest_deadline_first_and_undated_last(w, login, client):
    for title, days in (("Без срока", None), ("Через неделю", 7), ("Завтра", 1)):
        due = today() + timedelta(days=days) if days is not None else None
        tasks.create({"title": title, "responsible_id": w["executor"].id, "due_on": due}, w["lead"])
    db.session.commit()
    login(w["executor"])
    page = client.get("/tasks/").get_data(as_text=True)
    positions = [page.index(title) for title in ("Завтра", "Через неделю", "Без срока")]
    assert positions == sorted(positions)


# ---- bounds and rights found in review -------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "centre=99999999999999999999",
        "department=99999999999999999999",
        "centre=2147483648&department=-1",
        "centre=-5",
        "centre=abc",
        "due_from=01.01.20266",
        "due_from=9999-12-31",
        "due_to=0001-01-01",
    ],
)
@pytest.mark.parametrize("path", ["/tasks/team", "/tasks/board", "/tasks/team/export.csv"])
def test_absurd_filters_are_reported_not_queried(client, login, w, query, path):
    new_task(w, "Видимое поручение")
    login(w["lead"])
    response = client.get(f"{path}?{query}")
    page = html(response)
    if path.endswith(".csv"):
        assert response.status_code == 400  # an export never widens to everything silently
    else:
        assert response.status_code == 200
        assert "Видимое поручение" in page  # the bad filter is not applied
    assert "Проверьте фильтры: поля с ошибками не применены." in page
    assert 'aria-invalid="true"' in page


def test_task_form_refuses_far_future_dates_and_shows_rules_by_their_fields(client, login, w):
    login(w["lead"])
    base = {"title": "Тест", "responsible_id": w["executor"].id, "priority": "normal"}
    for typed in ("01.01.3000", "2200-03-05", "05.03.1999"):
        page = html(client.post("/tasks/new", data={**base, "due_on": typed}))
        assert "Укажите дату с годом от 2000 до 2100." in page, typed
    due = calendar.shift_to_working_day(today() + timedelta(days=7)).isoformat()
    page = html(client.post("/tasks/new", data={**base, "standing": "y", "recurrence_days": "7"}))
    assert 'id="recurrence_days-error"' in page and "Постоянное поручение не повторяется" in page
    page = html(client.post("/tasks/new", data={**base, "due_on": due, "co_executors": [w["executor"].id]}))
    assert 'id="co_executors-error"' in page and "одновременно соисполнителем" in page
    assert db.session.scalar(select(func.count(Task.id))) == 0


def test_a_closed_task_is_not_edited_until_reopened(client, login, w):
    task = new_task(w, "Закрываемое поручение")
    task.status = "done"
    db.session.commit()
    login(w["lead"])
    page = html(client.get(f"/tasks/{task.id}"))
    assert f'href="/tasks/{task.id}/edit"' not in page and "Переоткрыть" in page
    response = client.post(f"/tasks/{task.id}/edit", data={"title": "Изменено", "priority": "normal"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/tasks/{task.id}")
    page = html(client.get(f"/tasks/{task.id}/edit", follow_redirects=True))
    assert "уже выполнено: закрытое поручение не изменить" in page
    assert db.session.get(Task, task.id).title == "Закрываемое поручение"


def test_observers_read_tasks_but_do_not_comment(client, login, w, make):
    task = new_task(w)
    observer = make.user(("observer", w["centre"]), centre=w["centre"])
    login(observer)
    page = html(client.get(f"/tasks/{task.id}"))
    assert "Обновить стенд" in page and f'action="/tasks/{task.id}/comments"' not in page
    assert client.post(f"/tasks/{task.id}/comments", data={"text": "Мнение наблюдателя"}).status_code == 403
    for person in (w["lead"], w["executor"]):  # a manager in scope, the responsible person
        switch(client, login, person)
        assert client.post(f"/tasks/{task.id}/comments", data={"text": "По делу"}).status_code == 303
    assert db.session.scalar(select(func.count(TaskComment.id))) == 2


def test_board_counts_are_read_out_as_text(client, login, w):
    new_task(w)
    login(w["executor"])
    page = html(client.get("/tasks/board"))
    assert '<span class="visually-hidden">поручений: </span>1</span>' in page
    assert 'aria-label="поручений' not in page


def test_task_lists_load_in_a_constant_number_of_queries(client, login, w, make):
    from sqlalchemy import event

    helpers = [make.user(("employee", w["centre"]), centre=w["centre"]) for _ in range(3)]
    parent = new_task(w, "Директорам ЦЗН", group=True, responsible_id=None, centre_id=w["centre"].id)
    login(w["lead"])

    def queries(path: str) -> int:
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    def add(n: int):
        for i in range(n):
            new_task(
                w,
                f"Поручение {i}",
                parent_id=parent.id,
                department_id=w["department"].id,
                region_id=w["region"].id,
                centre_id=w["centre"].id,
                responsible_id=helpers[i % 3].id,
                co_executors=[helpers[(i + 1) % 3].id],
                watchers=[w["lead"].id],
                controller_id=w["executor"].id,
            )

    add(2)
    few = {path: queries(path) for path in ("/tasks/team", "/tasks/board", "/tasks/my", "/tasks/team/export.csv")}
    add(12)
    many = {path: queries(path) for path in few}
    assert many == few


def test_a_group_parents_page_loads_its_children_in_a_constant_number_of_queries(client, login, w, make):
    from sqlalchemy import event

    parent = new_task(w, "Директорам ЦЗН", group=True, responsible_id=None, centre_id=w["centre"].id)
    login(w["lead"])

    def queries() -> int:
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/tasks/{parent.id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    def add(n: int):
        for _ in range(n):
            director = make.user(("employee", w["centre"]), centre=w["centre"])
            new_task(w, parent.title, parent_id=parent.id, responsible_id=director.id, co_executors=[w["executor"].id])

    add(2)
    few = queries()
    add(10)
    assert queries() == few
    page = html(client.get(f"/tasks/{parent.id}"))
    assert "Общее поручение группы: оно закрывается само" in page and "Взять в работу" not in page


def test_long_lists_stop_counting_at_the_cap(app, client, login, w, monkeypatch):
    """A region's whole list is not counted exactly: past the cap the page says «более N» and still pages."""
    from app.blueprints import listing

    for n in range(5):
        new_task(w, f"Поручение {n}")
    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    app.config["PER_PAGE"] = 2
    login(w["lead"])
    first = html(client.get("/tasks/team"))
    assert "Найдено поручений: более 3" in first and "Всего: более 3" in first
    assert "?page=2" in first
    # further on, counting reaches past the page shown
    third = html(client.get("/tasks/team?page=3"))
    assert "Найдено поручений: 5" in third and "Поручение" in third


def test_a_name_in_the_team_list_narrows_it_to_that_person(client, login, w):
    new_task(w, "Поручение исполнителя")
    new_task(w, "Поручение коллеги", responsible_id=w["colleague"].id)
    login(w["lead"])
    page = html(client.get("/tasks/team"))
    assert f"responsible={w['executor'].id}" in page
    narrowed = html(client.get(f"/tasks/team?responsible={w['executor'].id}"))
    assert "Поручение исполнителя" in narrowed and "Поручение коллеги" not in narrowed
    assert narrowed.count("<option") < 50  # the select holds the chosen person, not the whole region's staff


def test_board_shows_a_columns_first_cards_and_more_on_request(client, login, w):
    limit = tasks.BOARD_COLUMN_LIMIT
    for n in range(limit + 3):
        new_task(w, f"Карточка {n:02d}", due_on=today() + timedelta(days=n + 1))
    login(w["lead"])
    page = html(client.get("/tasks/board"))
    assert [n for n in range(limit + 3) if f"Карточка {n:02d}" in page] == list(range(limit))  # nearest first
    assert f'<span class="visually-hidden">поручений: </span>{limit + 3}</span>' in page
    assert 'href="/tasks/board?more=new"' in page and "Показать ещё 3" in page

    column = html(client.get("/tasks/board?more=new", headers={"HX-Request": "true"}))  # that column alone
    assert column.lstrip().startswith('<section class="col-md-6 col-xl-3" id="column-new"')
    assert all(f"Карточка {n:02d}" in column for n in range(limit + 3)) and "Показать ещё" not in column
    assert "Взять в работу" in column and 'name="csrf_token" value="' in column  # the moves stand alone too

    page = html(client.get("/tasks/board?more=new"))  # as a plain link: the whole board with the column open
    assert '<div id="board"' in page and all(f"Карточка {n:02d}" in page for n in range(limit + 3))
    assert "Показать ещё" not in page
    partial = html(client.get("/tasks/board?more=нет", headers={"HX-Request": "true"}))  # an unknown column: none
    assert partial.lstrip().startswith('<div id="board"') and "Карточка 00" in partial
