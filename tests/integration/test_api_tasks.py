"""API v1, tasks: scoped reads with filters, create, update and status changes by the service's rules."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app.blueprints.api.openapi import BASE
from app.extensions import db
from app.models.audit import AuditEvent
from app.models.base import today
from app.models.tasks import Task, TaskComment, TaskParticipant
from app.services import calendar, files, tasks
from tests.api_helpers import NOT_FOUND, bearer, get, quick_passwords  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("quick_passwords")  # these tests authenticate by token only


def working_day(days: int):
    """A working day about `days` after today."""
    return calendar.shift_to_working_day(today() + timedelta(days=days))


def day_off():
    """The first day off after today."""
    day = today() + timedelta(days=1)
    while calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def counts() -> tuple:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Task)),
        db.session.scalar(select(func.count()).select_from(TaskParticipant)),
        db.session.scalar(select(func.count()).select_from(TaskComment)),
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("task.%"))),
    )


@pytest.fixture
def world(make):
    region = make.region()
    centre, other = make.centre(region, name="ЦЗН Кстово"), make.centre(name="ЦЗН другого региона")
    department = make.department(centre, "Отдел профобучения")
    lead = make.user(("team_lead", centre), centre=centre, full_name="Лидерова Анна Павловна")
    director = make.user(("director", centre), centre=centre, full_name="Директоров Борис Ильич")
    executor = make.user(("employee", centre), centre=centre, full_name="Исполнителев Иван Иванович")
    colleague = make.user(("employee", centre), centre=centre, full_name="Коллегина Вера Олеговна")
    stranger = make.user(("employee", other), centre=other, full_name="Чужаков Пётр Сергеевич")
    nobody = make.user(full_name="Безролев Олег Олегович", centre=centre)  # works there, holds no role
    own = tasks.create(
        {
            "title": "Обновить стенд в зале ожидания",
            "responsible_id": executor.id,
            "controller_id": lead.id,
            "due_on": working_day(30),
        },
        lead,
        co_executors=[colleague.id],
    )
    foreign = tasks.create(
        {"title": "Чужое поручение", "responsible_id": stranger.id, "due_on": working_day(10)}, stranger
    )
    watched = tasks.create(
        {"title": "Чужое, но я наблюдаю", "responsible_id": stranger.id, "due_on": working_day(12)},
        stranger,
        watchers=[executor.id],
    )
    nobodys = tasks.create(
        {"title": "Поручение человеку без роли", "responsible_id": nobody.id, "due_on": working_day(5)}, lead
    )
    db.session.commit()
    return {
        "region": region,
        "centre": centre,
        "other": other,
        "department": department,
        "lead": lead,
        "director": director,
        "executor": executor,
        "colleague": colleague,
        "stranger": stranger,
        "nobody": nobody,
        "own": own,
        "foreign": foreign,
        "watched": watched,
        "nobodys": nobodys,
    }


def ids(client, headers, **query) -> list[int]:
    response = get(client, "/tasks", headers, **query)
    assert response.status_code == 200, response.get_json()
    return [t["id"] for t in response.get_json()["items"]]


# ---- reading: scope ---------------------------------------------------------------------------


def test_scope_and_participation(client, world):
    lead, executor = bearer(world["lead"]), bearer(world["executor"])
    own, foreign, watched, nobodys = (world[k].id for k in ("own", "foreign", "watched", "nobodys"))
    assert set(ids(client, lead)) == {own, nobodys}  # the centre's tasks
    assert set(ids(client, executor)) == {own, nobodys, watched}  # the centre's, plus one watched elsewhere
    for path in (f"/tasks/{foreign}",):
        for headers in (lead, executor):
            response = get(client, path, headers)
            assert response.status_code == 404 and response.get_json() == {"error": NOT_FOUND}
    body = get(client, f"/tasks/{watched}", executor).get_json()
    assert body["title"] == "Чужое, но я наблюдаю" and body["my_roles"] == ["watcher"]
    assert body["allowed_moves"] == [] and body["may_manage"] is False


def test_user_without_roles_sees_only_their_own_tasks(client, world):
    headers = bearer(world["nobody"])
    assert ids(client, headers) == [world["nobodys"].id]
    assert get(client, f"/tasks/{world['nobodys'].id}", headers).status_code == 200
    assert get(client, f"/tasks/{world['own'].id}", headers).status_code == 404


def test_list_loads_people_in_a_constant_number_of_queries(client, world, make):
    centre, lead = world["centre"], world["lead"]
    helpers = [make.user(("employee", centre), centre=centre) for _ in range(4)]
    headers = bearer(lead)
    statements = []

    def count(*args):
        statements.append(args[2])

    def queries(per_page: int) -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert get(client, "/tasks", headers, per_page=per_page).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    for n in range(20):
        tasks.create(
            {"title": f"Поручение {n}", "responsible_id": helpers[n % 4].id, "due_on": working_day(3)},
            lead,
            co_executors=[helpers[(n + 1) % 4].id],
            watchers=[helpers[(n + 2) % 4].id],
        )
    db.session.commit()
    assert queries(2) == queries(20)


# ---- reading: filters, pagination, masking ----------------------------------------------------


def test_filters(client, world):
    lead = world["lead"]
    own, nobodys = world["own"], world["nobodys"]
    late = tasks.create(
        {
            "title": "Просроченное по обратной связи",
            "responsible_id": world["executor"].id,
            "due_on": today() - timedelta(days=3),
            "source_type": "feedback",
            "department_id": world["department"].id,
        },
        lead,
    )
    tasks.move(nobodys, "cancelled", lead)
    db.session.commit()
    headers = bearer(lead)
    assert set(ids(client, headers, status="open")) == {own.id, late.id}
    assert ids(client, headers, status="cancelled") == [nobodys.id]
    assert set(ids(client, headers, status="all")) == {own.id, late.id, nobodys.id}
    assert ids(client, headers, overdue="true") == [late.id]
    assert ids(client, headers, source="feedback") == [late.id]
    assert ids(client, headers, department_id=world["department"].id) == [late.id]
    assert set(ids(client, headers, centre_id=world["centre"].id)) == {own.id, late.id, nobodys.id}
    assert ids(client, headers, centre_id=world["other"].id) == []
    assert ids(client, headers, due_from=(today() + timedelta(days=20)).isoformat()) == [own.id]
    assert ids(client, headers, due_to=today().isoformat()) == [late.id]
    assert ids(client, headers, q="стенд") == [own.id]
    assert ids(client, headers, sort="deadline")[0] == late.id
    assert ids(client, headers, sort="-deadline")[-1] == late.id
    assert set(ids(client, headers, mine="controller")) == {own.id}
    executor = bearer(world["executor"])
    assert set(ids(client, executor, mine="responsible")) == {own.id, late.id}
    assert ids(client, executor, mine="watcher") == [world["watched"].id]
    assert set(ids(client, executor, mine="any")) == {own.id, late.id, world["watched"].id}
    assert ids(client, bearer(world["colleague"]), mine="co_executor") == [own.id]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "closed"}, "Параметр status должен быть одним из значений: open, all, new, in_progress, review"),
        ({"mine": "boss"}, "Параметр mine должен быть одним из значений: responsible, co_executor"),
        ({"source": "email"}, "Параметр source должен быть одним из значений"),
        ({"due_from": "01.02.2026"}, "Параметр due_from должен быть датой в формате ГГГГ-ММ-ДД."),
        ({"due_to": "2026-02-30"}, "Параметр due_to должен быть датой в формате ГГГГ-ММ-ДД."),
        ({"due_from": "2026-03-01", "due_to": "2026-02-01"}, "Параметр due_to не может быть раньше due_from."),
        ({"overdue": "иногда"}, "Параметр overdue должен быть true или false."),
        ({"centre_id": "-1"}, "Параметр centre_id должен быть целым положительным числом."),
        ({"sort": "title"}, "Параметр sort должен быть одним из значений"),
        ({"page": "0"}, "Параметр page должен быть целым положительным числом."),
    ],
)
def test_bad_list_parameters_are_400(client, world, query, message):
    response = get(client, "/tasks", bearer(world["lead"]), **query)
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(message)


def test_pagination(client, world):
    lead = world["lead"]
    for n in range(7):
        tasks.create({"title": f"Серия {n}", "responsible_id": world["executor"].id, "due_on": working_day(20)}, lead)
    db.session.commit()
    headers = bearer(lead)
    first = get(client, "/tasks", headers, q="серия", per_page=3, sort="created").get_json()
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 3, 7, 3)
    assert [t["title"] for t in first["items"]] == ["Серия 0", "Серия 1", "Серия 2"]
    last = get(client, "/tasks", headers, q="серия", per_page=3, page=3, sort="created").get_json()
    assert [t["title"] for t in last["items"]] == ["Серия 6"]


def test_names_are_masked_without_personal_view(client, world):
    own = world["own"]
    masked = get(client, f"/tasks/{own.id}", bearer(world["colleague"])).get_json()  # employee: no personal.view
    assert masked["responsible"] == {"id": world["executor"].id, "name": "Исполнителев И. И."}
    assert masked["controller"]["name"] == "Лидерова А. П."
    assert masked["co_executors"] == [{"id": world["colleague"].id, "name": "Коллегина Вера Олеговна"}]  # herself
    listed = get(client, "/tasks", bearer(world["colleague"])).get_json()["items"]
    assert {t["responsible"]["name"] for t in listed} == {"Исполнителев И. И.", "Безролев О. О."}
    full = get(client, f"/tasks/{own.id}", bearer(world["director"])).get_json()  # director: personal.view
    assert full["responsible"]["name"] == "Исполнителев Иван Иванович"
    assert full["created_by"]["name"] == "Лидерова Анна Павловна"


def test_task_detail_shape(client, world):
    body = get(client, f"/tasks/{world['own'].id}", bearer(world["executor"])).get_json()
    assert body["status"] == "new" and body["status_label"] == "Новая"
    assert body["due_on"] == working_day(30).isoformat() and body["overdue"] is False
    assert body["days_left"] == (working_day(30) - today()).days
    assert body["my_roles"] == ["responsible"] and body["may_manage"] is False
    assert body["allowed_moves"] == [{"status": "in_progress", "label": "Взять в работу"}]
    assert body["centre"] == {"id": world["centre"].id, "name": "ЦЗН Кстово"}
    assert body["comments"] == [] and body["needs_evidence"] is False


# ---- create -----------------------------------------------------------------------------------


def post(client, path, headers, body):
    return client.post(BASE + path, headers=headers, json=body)


def patch(client, path, headers, body):
    return client.patch(BASE + path, headers=headers, json=body)


def test_create_with_a_date(client, world):
    due = working_day(7)
    response = post(
        client,
        "/tasks",
        bearer(world["lead"]),
        {
            "title": "  Провести   опрос\nклиентов ",
            "description": "По анкете пилота",
            "responsible_id": world["executor"].id,
            "co_executors": [world["colleague"].id],
            "watchers": [world["director"].id],
            "department_id": world["department"].id,
            "due_on": due.isoformat(),
            "deadline_text": "до конца месяца",
            "priority": "high",
            "evidence_required": True,
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/tasks/{body['id']}")
    assert body["title"] == "Провести опрос клиентов" and body["priority"] == "high"
    assert body["due_on"] == due.isoformat() and body["deadline_text"] == "до конца месяца"
    assert body["controller"]["id"] == world["lead"].id and body["created_by"]["id"] == world["lead"].id
    assert [p["id"] for p in body["co_executors"]] == [world["colleague"].id]
    assert [p["id"] for p in body["watchers"]] == [world["director"].id]
    assert body["department"]["name"] == "Отдел профобучения" and body["evidence_required"] is True
    task = db.session.get(Task, body["id"])
    assert task.source_type == "manual" and task.centre_id == world["centre"].id
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "task.create", AuditEvent.object_id == task.id)
    )


@pytest.mark.parametrize(
    ("wording", "standing", "expected"),
    [
        ("в течение 5 рабочих дней", False, lambda: calendar.add_working_days(today(), 5)),
        ("в течение 10 календарных дней", False, lambda: calendar.shift_to_working_day(today() + timedelta(10))),
        ("постоянно", True, lambda: None),
    ],
)
def test_create_with_a_deadline_in_words(client, world, wording, standing, expected):
    response = post(
        client,
        "/tasks",
        bearer(world["lead"]),
        {"title": "Срок словами", "responsible_id": world["executor"].id, "deadline": wording},
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    due = expected()
    assert body["due_on"] == (due.isoformat() if due else None)
    assert body["standing"] is standing and body["deadline_text"] == wording


@pytest.mark.parametrize(
    ("body", "drop", "field", "message"),
    [
        ({}, "title", "title", "Поле title: обязательное поле."),
        ({"title": "   "}, None, "title", "Поле title: не может быть пустым."),
        ({"title": 5}, None, "title", "Поле title: ожидается строка."),
        ({"title": "x" * 1001}, None, "title", "Поле title: не длиннее 1000 символов."),
        ({"responsible_id": None}, None, "responsible_id", "Поле responsible_id: ожидается идентификатор"),
        ({}, "responsible_id", "responsible_id", "Поле responsible_id: обязательное поле."),
        ({"due_on": "05.03.2030"}, None, "due_on", "Поле due_on: дата в формате ГГГГ-ММ-ДД, например 2026-03-05."),
        ({"due_on": "2030-02-30"}, None, "due_on", "Поле due_on: такой даты нет: 2030-02-30."),
        ({"due_on": None}, None, "due_on", "Поле due_on: укажите срок"),
        ({}, "due_on", "due_on", "Поле due_on: укажите срок"),
        ({"due_on": "2020-01-09"}, None, "due_on", "Поле due_on: срок не может быть в прошлом."),
        (
            {"deadline": "когда-нибудь"},
            "due_on",
            "deadline",
            "Поле deadline: не удалось распознать срок «когда-нибудь»",
        ),
        ({"deadline": "до 16.08.2021"}, "due_on", "deadline", "Поле deadline: срок не может быть в прошлом."),
        ({"deadline": "в течение 5 дней"}, None, "deadline", "Поле deadline: укажите срок одним способом"),
        (
            {"deadline": "в течение 5 рабочих дней", "standing": True},
            "due_on",
            "standing",
            "Поле standing: противоречит сроку в поле deadline.",
        ),
        ({"standing": True, "recurrence_days": 7}, "due_on", "recurrence_days", "Поле recurrence_days: постоянное"),
        ({"standing": True}, None, "due_on", "Поле due_on: у постоянного поручения (standing: true) нет срока"),
        ({"recurrence_days": 0}, None, "recurrence_days", "Поле recurrence_days: целое число от 1 до 366."),
        ({"priority": "urgent"}, None, "priority", "Поле priority: одно из значений: low, normal, high."),
        ({"evidence_required": "да"}, None, "evidence_required", "Поле evidence_required: ожидается true или false."),
        ({"co_executors": "все"}, None, "co_executors", "Поле co_executors: ожидается список идентификаторов"),
        ({"status": "done"}, None, "status", "Поле status: статус меняется через POST /tasks/{task_id}/status."),
        ({"colour": "red"}, None, "colour", "Неизвестное поле colour."),
        ({"department_id": 999999}, None, "department_id", "Поле department_id: отдел не найден или вам недоступен."),
    ],
)
def test_create_errors_are_400_naming_the_field_and_create_nothing(client, world, body, drop, field, message):
    payload = {"title": "Поручение", "responsible_id": world["executor"].id, "due_on": working_day(7).isoformat()}
    payload.pop(drop, None)
    before = counts()
    response = post(client, "/tasks", bearer(world["lead"]), {**payload, **body})
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert response.get_json()["error"].startswith(message), response.get_json()
    assert counts() == before


def test_create_refuses_a_day_off_people_out_of_sight_and_callers_without_rights(client, world):
    headers = bearer(world["lead"])
    off = day_off()
    valid = {"title": "Поручение", "responsible_id": world["executor"].id, "due_on": working_day(7).isoformat()}
    before = counts()
    response = post(client, "/tasks", headers, {**valid, "due_on": off.isoformat()})
    assert response.status_code == 400 and response.get_json()["field"] == "due_on"
    assert "нерабочий день" in response.get_json()["error"]
    assert f"{calendar.shift_to_working_day(off):%d.%m.%Y}" in response.get_json()["error"]
    for field, value in (
        ("responsible_id", world["stranger"].id),
        ("controller_id", world["stranger"].id),
        ("co_executors", [world["colleague"].id, world["stranger"].id]),
        ("watchers", [999999]),
    ):
        response = post(client, "/tasks", headers, {**valid, field: value})
        assert response.status_code == 400, field
        assert response.get_json()["field"] == field
        assert "не найден, не активен или вам недоступен" in response.get_json()["error"]
    response = post(client, "/tasks", headers, {**valid, "co_executors": [world["executor"].id]})
    assert response.get_json()["error"] == "Поле co_executors: ответственный не может быть одновременно соисполнителем."
    response = post(client, "/tasks", bearer(world["executor"]), valid)  # an employee: no task.manage
    assert response.status_code == 403
    assert response.get_json() == {"error": "У вас нет прав на это действие."}
    response = client.post(BASE + "/tasks", headers=headers, data="title=Поручение")
    assert response.status_code == 400 and response.get_json()["error"].startswith("Тело запроса должно быть")
    assert counts() == before


# ---- update -----------------------------------------------------------------------------------


def test_patch_changes_only_the_given_fields(client, world):
    own = world["own"]
    new_due = working_day(15)
    response = patch(
        client,
        f"/tasks/{own.id}",
        bearer(world["lead"]),
        {"title": "Обновить стенд и буклеты", "due_on": new_due.isoformat(), "watchers": [world["director"].id]},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["title"] == "Обновить стенд и буклеты" and body["due_on"] == new_due.isoformat()
    assert [p["id"] for p in body["watchers"]] == [world["director"].id]
    assert [p["id"] for p in body["co_executors"]] == [world["colleague"].id]  # untouched
    assert body["priority"] == "normal" and body["responsible"]["id"] == world["executor"].id
    event_row = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "task.update", AuditEvent.object_id == own.id)
    )
    assert event_row.after["title"] == "Обновить стенд и буклеты"

    response = patch(client, f"/tasks/{own.id}", bearer(world["lead"]), {"standing": True})
    assert response.get_json()["standing"] is True and response.get_json()["due_on"] is None
    assert response.get_json()["deadline_text"] == "постоянно"
    response = patch(client, f"/tasks/{own.id}", bearer(world["lead"]), {"deadline": "в течение 3 рабочих дней"})
    assert response.get_json()["due_on"] == calendar.add_working_days(today(), 3).isoformat()
    assert response.get_json()["standing"] is False


def test_patch_reassigns_and_drops_the_new_responsible_from_co_executors(client, world):
    own = world["own"]
    body = patch(client, f"/tasks/{own.id}", bearer(world["lead"]), {"responsible_id": world["colleague"].id})
    assert body.status_code == 200, body.get_json()
    assert body.get_json()["responsible"]["id"] == world["colleague"].id
    assert body.get_json()["co_executors"] == []


def test_patch_errors_change_nothing(client, world):
    own = world["own"]
    lead = bearer(world["lead"])
    before = counts()
    snapshot = (own.title, own.due_on, own.priority, own.status)
    for payload, status, field in (
        ({"title": ""}, 400, "title"),
        ({"due_on": "завтра"}, 400, "due_on"),
        ({"due_on": day_off().isoformat()}, 400, "due_on"),
        ({"priority": "urgent", "title": "Новое"}, 400, "priority"),
        ({"status": "done"}, 400, "status"),
        ({"responsible_id": world["stranger"].id}, 400, "responsible_id"),
        ({"standing": False, "due_on": None}, 400, "due_on"),
        ({}, 400, None),
    ):
        response = patch(client, f"/tasks/{own.id}", lead, payload)
        assert response.status_code == status, (payload, response.get_json())
        assert response.get_json().get("field") == field, payload
    response = patch(client, f"/tasks/{own.id}", bearer(world["executor"]), {"title": "Моё"})  # executor only
    assert response.status_code == 403
    assert response.get_json() == {"error": "Изменять поручение могут его автор, контролёр и руководители."}
    response = patch(client, f"/tasks/{world['foreign'].id}", lead, {"title": "Чужое"})
    assert response.status_code == 404
    assert counts() == before
    db.session.expire_all()
    own = db.session.get(Task, own.id)
    assert (own.title, own.due_on, own.priority, own.status) == snapshot


def test_patch_keeps_an_unchanged_past_due_date(client, world):
    lead = world["lead"]
    late = tasks.create(
        {"title": "Давнее", "responsible_id": world["executor"].id, "due_on": today() - timedelta(days=5)}, lead
    )
    db.session.commit()
    response = patch(client, f"/tasks/{late.id}", bearer(lead), {"due_on": late.due_on.isoformat(), "priority": "high"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["overdue"] is True and response.get_json()["priority"] == "high"


# ---- status -----------------------------------------------------------------------------------


def move(client, task, headers, status, comment=None):
    body = {"status": status} if comment is None else {"status": status, "comment": comment}
    return post(client, f"/tasks/{task.id}/status", headers, body)


def test_status_happy_path(client, world):
    own = world["own"]
    executor, lead = bearer(world["executor"]), bearer(world["lead"])
    response = move(client, own, executor, "in_progress", "Начала")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "in_progress"
    assert [c["text"] for c in response.get_json()["comments"]] == ["Начала"]
    assert move(client, own, bearer(world["colleague"]), "review").get_json()["status"] == "review"  # co-executor
    body = move(client, own, lead, "done").get_json()
    assert body["status"] == "done" and body["completed_on"] == today().isoformat()
    statuses = db.session.scalars(
        select(AuditEvent.after)
        .where(AuditEvent.action == "task.status", AuditEvent.object_id == own.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [s["status"] for s in statuses] == ["in_progress", "review", "done"]


def test_status_refusals(client, world):
    own = world["own"]
    executor = bearer(world["executor"])
    before = counts()

    response = move(client, own, executor, "finished")
    assert response.status_code == 400 and response.get_json()["field"] == "status"
    assert response.get_json()["error"].startswith("Поле status: одно из значений: new, in_progress")
    response = post(client, f"/tasks/{own.id}/status", executor, {"comment": "без статуса"})
    assert response.status_code == 400 and response.get_json()["error"] == "Поле status: обязательное поле."
    response = move(client, own, executor, "in_progress", "x" * 5001)
    assert response.status_code == 400 and response.get_json()["field"] == "comment"

    response = move(client, own, executor, "cancelled")  # an executor cannot cancel
    assert response.status_code == 409
    assert response.get_json() == {"error": "Нельзя перевести поручение из «Новая» в «Отменена»."}
    response = move(client, own, executor, "done")  # not from «Новая»
    assert response.status_code == 409
    assert response.get_json()["error"] == "Нельзя перевести поручение из «Новая» в «Выполнена»."

    response = move(client, world["watched"], executor, "in_progress")  # a watcher does not work on it
    assert response.status_code == 403
    response = move(client, world["foreign"], executor, "in_progress")
    assert response.status_code == 404
    assert counts() == before
    db.session.expire_all()
    assert db.session.get(Task, own.id).status == "new"


def test_evidence_is_required_to_hand_in(client, world):
    lead = world["lead"]
    task = tasks.create(
        {
            "title": "Сфотографировать навигацию",
            "responsible_id": world["executor"].id,
            "due_on": working_day(4),
            "evidence_required": True,
        },
        lead,
    )
    db.session.commit()
    executor = bearer(world["executor"])
    assert move(client, task, executor, "in_progress").status_code == 200
    assert get(client, f"/tasks/{task.id}", executor).get_json()["needs_evidence"] is True
    response = move(client, task, executor, "review", "Готово")
    assert response.status_code == 409
    assert response.get_json()["error"].startswith("Приложите подтверждающие материалы")
    db.session.expire_all()
    assert db.session.get(Task, task.id).status == "in_progress"
    assert db.session.scalar(select(func.count()).select_from(TaskComment)) == 0
    files.attach_url(db.session.get(Task, task.id), "https://disk.example/photos", world["executor"])
    db.session.commit()
    assert move(client, task, executor, "review").get_json()["status"] == "review"


def test_manager_cancels_and_reopens(client, world):
    lead = bearer(world["lead"])
    own = world["own"]
    assert move(client, own, lead, "cancelled").get_json()["status"] == "cancelled"
    body = move(client, own, lead, "new").get_json()
    assert body["status"] == "new"
    assert {m["status"] for m in body["allowed_moves"]} == {"in_progress", "cancelled"}


# ---- found in review: NUL characters, absurd years, closed tasks, the service's rules -------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Обновить\u0000стенд"),
        ("description", "\u0000"),
        ("deadline_text", "в течение\u0000 недели"),
        ("deadline", "в течение 5 рабочих дней\u0000"),
    ],
)
def test_nul_characters_are_a_400_naming_the_field(client, world, field, value):
    valid = {"title": "Поручение", "responsible_id": world["executor"].id, "due_on": working_day(7).isoformat()}
    body = {**valid, field: value}
    if field == "deadline":
        body.pop("due_on")
    before = counts()
    for response in (
        post(client, "/tasks", bearer(world["lead"]), body),
        patch(client, f"/tasks/{world['own'].id}", bearer(world["lead"]), {field: value}),
    ):
        assert response.status_code == 400, response.get_json()
        assert response.get_json() == {
            "error": f"Поле {field}: содержит недопустимый символ NUL (\\u0000).",
            "field": field,
        }
    assert counts() == before


@pytest.mark.parametrize("value", ["2101-01-10", "9999-12-31", "1999-12-31", "0001-01-01"])
def test_dates_outside_2000_to_2100_are_a_400(client, world, value):
    body = {"title": "Поручение", "responsible_id": world["executor"].id, "due_on": value}
    before = counts()
    response = post(client, "/tasks", bearer(world["lead"]), body)
    assert response.status_code == 400
    assert response.get_json() == {"error": "Поле due_on: год — от 2000 до 2100.", "field": "due_on"}
    assert counts() == before


def test_a_closed_task_is_a_409_until_reopened(client, world):
    own, lead = world["own"], bearer(world["lead"])
    assert move(client, own, lead, "cancelled").status_code == 200
    before = counts()
    for body in ({"title": "Поздняя правка"}, {"watchers": [world["director"].id]}):
        response = patch(client, f"/tasks/{own.id}", lead, body)
        assert response.status_code == 409, body
        assert response.get_json()["error"] == (
            "Поручение «Обновить стенд в зале ожидания» уже отменено: закрытое поручение не изменить, "
            "сначала его нужно переоткрыть."
        )
    assert counts() == before
    assert move(client, own, lead, "new").status_code == 200
    response = patch(client, f"/tasks/{own.id}", lead, {"title": "Поздняя правка"})
    assert response.status_code == 200 and response.get_json()["title"] == "Поздняя правка"


def test_the_services_rules_come_back_naming_their_field(client, world):
    lead = bearer(world["lead"])
    standing = tasks.create(
        {"title": "Осуществлять контроль", "responsible_id": world["executor"].id, "standing": True}, world["lead"]
    )
    db.session.commit()
    response = patch(client, f"/tasks/{standing.id}", lead, {"recurrence_days": 7})
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "Поле recurrence_days: постоянное поручение не повторяется: уберите повтор или отметку «постоянное».",
        "field": "recurrence_days",
    }
    response = patch(client, f"/tasks/{world['own'].id}", lead, {"co_executors": [world["executor"].id]})
    assert response.status_code == 400 and response.get_json()["field"] == "co_executors"


def test_a_task_created_through_the_api_tells_its_people(client, world):
    from app.models.notifications import Notification

    body = {
        "title": "Поручение через API",
        "responsible_id": world["executor"].id,
        "co_executors": [world["colleague"].id],
        "due_on": working_day(7).isoformat(),
    }
    response = post(client, "/tasks", bearer(world["lead"]), body)
    assert response.status_code == 201
    task_id = response.get_json()["id"]
    told = db.session.scalars(select(Notification.user_id).where(Notification.task_id == task_id)).all()
    assert sorted(told) == sorted([world["executor"].id, world["colleague"].id])
