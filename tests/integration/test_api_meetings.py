"""API v1, working groups and meetings: read only, scoped, masked, paginated; no method changes them."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.blueprints.api.openapi import BASE
from app.extensions import db
from app.models.audit import AuditEvent
from app.models.meetings import Decision, Meeting, WorkingGroup
from app.models.tasks import Task
from app.services import meetings
from app.services.calendar import parse_deadline
from tests.api_helpers import NOT_FOUND, bearer, get, quick_passwords  # noqa: F401 (fixture)

NOT_ALLOWED = "Этот адрес не принимает такой запрос."


pytestmark = pytest.mark.usefixtures("quick_passwords")  # these tests authenticate by token only


@pytest.fixture
def world(make):
    """A regional working group with a signed protocol (a «поручить» decision made tasks) and a draft."""
    centre = make.centre(name="ЦЗН Дзержинска")
    region = centre.region
    chair = make.user(("director", region), region=region, full_name="Садулина Арина Михайловна")
    secretary = make.user(("secretary", region), region=region, full_name="Напалкова Ирина Викторовна")
    director = make.user(("director", centre), centre=centre, full_name="Гусева Елена Сергеевна")
    former = make.user(("employee", centre), centre=centre, full_name="Прежний Пётр Петрович")
    group = WorkingGroup(name="Рабочая группа по пилоту", region_id=region.id, approved_by="приказ № 523-246/21П/од")
    db.session.add(group)
    db.session.flush()
    start = date(2021, 7, 30)
    meetings.set_member(group, chair, "head", "Руководитель управления", start, "приказ № 523-246/21П/од", None)
    meetings.set_member(group, secretary, "secretary", "Начальник отдела", start, "", None)
    meetings.set_member(group, director, "member", "Директор ЦЗН", start, "", None)
    left = meetings.set_member(group, former, "member", "Ведущий специалист", start, "", None)
    meetings.remove_member(left, date(2021, 8, 1), None)
    db.session.flush()  # set_member leaves new rows pending (user_id unset): create() reads the ids

    signed = meetings.create(group, datetime(2021, 8, 5, 10, 0), "г. Нижний Новгород", "", secretary)
    item = meetings.add_item(signed, "О дорожной карте", "Садулина А.М.", 20, secretary)
    item.heard = "Садулину А.М. о проекте"
    meetings.add_decision(item, "approve", "дорожную карту", secretary, artefact="Дорожная карта пилота")
    meetings.add_decision(
        item,
        "assign",
        "подготовить карту пути клиента",
        secretary,
        assignee_ids=[director.id],
        deadline=parse_deadline("в течение 3 рабочих дней"),
        evidence_required=True,
    )
    meetings.set_attendance(signed.attendance[2], "substituted", "Заменова Зоя Зиновьевна", "Заместитель", secretary)
    for target in ("scheduled", "held", "circulated", "signed"):
        meetings.move(signed, target, secretary, on=date(2021, 8, 5))
    draft = meetings.create(group, datetime(2022, 3, 1, 10, 0), "онлайн", "https://meet.example/1", secretary)

    other = make.centre(name="ЦЗН чужого региона")
    foreign_group = WorkingGroup(name="Чужая группа", region_id=other.region_id, centre_id=other.id, kind="centre")
    db.session.add(foreign_group)
    db.session.flush()
    foreign_meeting = meetings.create(foreign_group, datetime(2022, 1, 10, 9, 0), "", "", None)
    employee = make.user(("employee", region), region=region)
    db.session.commit()
    return {
        "region": region,
        "centre": centre,
        "group": group,
        "signed": signed,
        "draft": draft,
        "chair": chair,
        "secretary": secretary,
        "director": director,
        "former": former,
        "employee": employee,
        "foreign_group": foreign_group,
        "foreign_meeting": foreign_meeting,
    }


# ---- groups ---------------------------------------------------------------------------------


def test_groups_list_is_scoped(client, world):
    body = get(client, "/groups", bearer(world["secretary"])).get_json()
    assert [g["name"] for g in body["items"]] == ["Рабочая группа по пилоту"]
    assert body["items"][0]["kind"] == "regional" and body["items"][0]["region"]["id"] == world["region"].id
    assert body["total"] == 1
    everything = get(client, "/groups", bearer(_admin(world)), q="чужая").get_json()
    assert [g["name"] for g in everything["items"]] == ["Чужая группа"]


def test_group_detail_has_current_members_with_names_as_the_viewer_may_see_them(client, world):
    group = world["group"]
    director = get(client, f"/groups/{group.id}", bearer(world["chair"])).get_json()
    assert director["approved_by"] == "приказ № 523-246/21П/од"
    members = [(m["user"]["name"], m["role"], m["position"], m["valid_from"]) for m in director["members"]]
    assert members == [
        ("Садулина Арина Михайловна", "head", "Руководитель управления", "2021-07-30"),
        ("Напалкова Ирина Викторовна", "secretary", "Начальник отдела", "2021-07-30"),
        ("Гусева Елена Сергеевна", "member", "Директор ЦЗН", "2021-07-30"),
    ]
    assert director["members"][0]["role_label"] == "Руководитель"
    assert director["members"][0]["order_reference"] == "приказ № 523-246/21П/од"

    employee = get(client, f"/groups/{group.id}", bearer(world["employee"])).get_json()  # no personal.view
    assert [m["user"]["name"] for m in employee["members"]] == ["Садулина А. М.", "Напалкова И. В.", "Гусева Е. С."]

    on_date = get(client, f"/groups/{group.id}", bearer(world["chair"]), on="2021-07-31").get_json()
    assert "Прежний Пётр Петрович" in [m["user"]["name"] for m in on_date["members"]]
    left = next(m for m in on_date["members"] if m["user"]["id"] == world["former"].id)
    assert left["valid_to"] == "2021-08-01"


def test_group_bad_date_and_kind_are_400(client, world):
    headers = bearer(world["chair"])
    response = get(client, f"/groups/{world['group'].id}", headers, on="01.09.2021")
    assert response.status_code == 400
    assert response.get_json() == {"error": "Параметр on должен быть датой в формате ГГГГ-ММ-ДД."}
    response = get(client, "/groups", headers, kind="круг")
    assert response.status_code == 400 and response.get_json()["error"].startswith("Параметр kind должен быть")


def _admin(world):
    from app.models.org import RoleAssignment, User

    admin = User(full_name="Админов Админ Админович", email="admin@test.ru", position="Администратор")
    admin.roles.append(RoleAssignment(role="admin"))
    db.session.add(admin)
    db.session.commit()
    return admin


def test_foreign_group_and_meeting_are_404(client, world):
    for path in (
        f"/groups/{world['foreign_group'].id}",
        f"/meetings/{world['foreign_meeting'].id}",
        f"/meetings/{world['foreign_meeting'].id}/decisions",
    ):
        response = get(client, path, bearer(world["secretary"]))
        assert response.status_code == 404, path
        assert response.get_json() == {"error": NOT_FOUND}
    # a centre director's role covers their centre only: the regional group is outside it
    assert get(client, f"/groups/{world['group'].id}", bearer(world["director"])).status_code == 404
    ids = [m["id"] for m in get(client, "/meetings", bearer(world["secretary"])).get_json()["items"]]
    assert world["foreign_meeting"].id not in ids


def test_without_meeting_view_is_403(client, make):
    headers = bearer(make.user())
    for path in ("/groups", "/groups/1", "/meetings", "/meetings/1", "/meetings/1/decisions"):
        response = get(client, path, headers)
        assert response.status_code == 403, path
        assert response.get_json() == {"error": "У вас нет прав на это действие."}


# ---- meetings -------------------------------------------------------------------------------


def test_meetings_list_and_filters(client, world):
    headers = bearer(world["chair"])

    def ids(**query):
        response = get(client, "/meetings", headers, **query)
        assert response.status_code == 200, response.get_json()
        return [m["id"] for m in response.get_json()["items"]]

    signed, draft = world["signed"].id, world["draft"].id
    assert ids() == [draft, signed]  # newest first
    assert ids(status="signed") == [signed]
    assert ids(year=2022) == [draft]
    assert ids(group_id=world["group"].id, year=2021) == [signed]
    assert ids(group_id=world["foreign_group"].id) == []
    row = get(client, "/meetings", headers, status="signed").get_json()["items"][0]
    assert row["number"] == 1 and row["number_label"] == "№ 1" and row["status_label"] == "Протокол подписан"
    assert row["starts_at"] == "2021-08-05T10:00:00+03:00" and row["read_only"] is True
    assert row["chair"] == {"id": world["chair"].id, "name": "Садулина Арина Михайловна"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"status": "approved"},
            "Параметр status должен быть одним из значений: draft, scheduled, held, circulated, signed.",
        ),
        ({"year": "1800"}, "Параметр year должен быть годом от 1990 до 2100."),
        ({"year": "двадцать"}, "Параметр year должен быть годом от 1990 до 2100."),
        ({"group_id": "x"}, "Параметр group_id должен быть целым положительным числом."),
        ({"per_page": "500"}, "Параметр per_page должен быть числом от 1 до 100."),
    ],
)
def test_meetings_bad_parameters_are_400(client, world, query, message):
    response = get(client, "/meetings", bearer(world["secretary"]), **query)
    assert response.status_code == 400
    assert response.get_json() == {"error": message}


def test_meetings_pagination(client, world):
    for day in range(1, 6):
        meetings.create(world["group"], datetime(2023, 1, day, 10, 0), "", "", None)
    db.session.commit()
    headers = bearer(world["secretary"])
    first = get(client, "/meetings", headers, per_page=3, year=2023).get_json()
    assert (first["total"], first["pages"], len(first["items"])) == (5, 2, 3)
    second = get(client, "/meetings", headers, per_page=3, page=2, year=2023).get_json()
    assert [m["starts_at"][:10] for m in second["items"]] == ["2023-01-02", "2023-01-01"]


def test_meeting_detail_has_attendance_agenda_decisions_and_revision(client, world):
    meeting = world["signed"]
    body = get(client, f"/meetings/{meeting.id}", bearer(world["chair"])).get_json()
    assert body["status"] == "signed" and body["revision"] == 1
    assert body["revisions"][0]["number"] == 1
    assert body["revisions"][0]["signed_by"]["name"] == "Напалкова Ирина Викторовна"
    attendance = [(a["full_name"], a["status"], a["substitute_name"]) for a in body["attendance"]]
    assert attendance == [
        ("Садулина Арина Михайловна", "present", ""),
        ("Напалкова Ирина Викторовна", "present", ""),
        ("Гусева Елена Сергеевна", "substituted", "Заменова Зоя Зиновьевна"),
    ]
    [item] = body["items"]
    assert (item["title"], item["speakers"], item["planned_minutes"], item["heard"]) == (
        "О дорожной карте",
        "Садулина А.М.",
        20,
        "Садулину А.М. о проекте",
    )
    approve, assign = item["decisions"]
    assert (approve["number"], approve["verb"], approve["verb_label"], approve["artefact"]) == (
        "1.1",
        "approve",
        "Утвердить",
        "Дорожная карта пилота",
    )
    assert approve["deadline"] is None and approve["assignees"] == [] and approve["task_ids"] == []
    assert assign["number"] == "1.2" and assign["text"] == "подготовить карту пути клиента"
    assert assign["assignees"] == [{"id": world["director"].id, "name": "Гусева Елена Сергеевна"}]
    assert assign["assignees_label"] == "Гусева Е. С."
    assert assign["deadline_label"] == "в течение 3 рабочих дней"
    assert assign["deadline"] == {"kind": "relative", "days": 3, "working": True}
    assert assign["evidence_required"] is True
    assert assign["line"].startswith("1.2. Поручить подготовить карту пути клиента")
    task = db.session.scalar(select(Task).where(Task.source_type == "decision"))
    assert assign["task_ids"] == [task.id]


def test_meeting_detail_masks_names_without_personal_view(client, world):
    body = get(client, f"/meetings/{world['signed'].id}", bearer(world["employee"])).get_json()
    assert [a["full_name"] for a in body["attendance"]] == ["Садулина А. М.", "Напалкова И. В.", "Гусева Е. С."]
    assert body["attendance"][2]["substitute_name"] == "Заменова З. З."
    assert body["chair"]["name"] == "Садулина А. М."
    assert body["items"][0]["decisions"][1]["assignees"][0]["name"] == "Гусева Е. С."
    listed = get(client, "/meetings", bearer(world["employee"]), status="signed").get_json()["items"][0]
    assert listed["secretary"]["name"] == "Напалкова И. В."


def test_decision_task_ids_show_only_visible_tasks(client, world, make):
    outsider = make.user(("observer", make.centre()))  # meeting.view elsewhere only
    assert get(client, f"/meetings/{world['signed'].id}", bearer(outsider)).status_code == 404
    task = db.session.scalar(select(Task).where(Task.source_type == "decision"))
    task.region_id, task.centre_id = world["foreign_group"].region_id, world["foreign_group"].centre_id
    db.session.commit()
    body = get(client, f"/meetings/{world['signed'].id}", bearer(world["employee"])).get_json()
    assert body["items"][0]["decisions"][1]["task_ids"] == []  # the meeting is in sight, the task no longer
    body = get(client, f"/meetings/{world['signed'].id}/decisions", bearer(_admin(world))).get_json()
    assert body["items"][1]["task_ids"] == [task.id]


def test_decisions_list_in_protocol_order_with_verb_filter(client, world):
    meeting = world["signed"]
    headers = bearer(world["secretary"])
    body = get(client, f"/meetings/{meeting.id}/decisions", headers).get_json()
    assert [(d["number"], d["verb"]) for d in body["items"]] == [("1.1", "approve"), ("1.2", "assign")]
    assert body["total"] == 2
    only = get(client, f"/meetings/{meeting.id}/decisions", headers, verb="assign").get_json()["items"]
    assert [d["number"] for d in only] == ["1.2"]
    page = get(client, f"/meetings/{meeting.id}/decisions", headers, per_page=1, page=2).get_json()
    assert [d["number"] for d in page["items"]] == ["1.2"] and page["pages"] == 2
    response = get(client, f"/meetings/{meeting.id}/decisions", headers, verb="поручить")
    assert response.status_code == 400 and "Параметр verb" in response.get_json()["error"]


# ---- read only --------------------------------------------------------------------------------


def _state(meeting: Meeting) -> tuple:
    db.session.expire_all()
    return (
        meetings.protocol_text(meeting),
        meeting.status,
        meeting.revision,
        db.session.scalar(select(func.count()).select_from(Decision)),
        db.session.scalar(select(func.count()).select_from(Meeting)),
        db.session.scalar(select(func.count()).select_from(WorkingGroup)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )


@pytest.mark.parametrize("method", ["put", "patch", "post", "delete"])
def test_no_method_changes_meetings_groups_or_decisions(client, world, method, make):
    admin = make.user(("admin", None))
    headers = bearer(admin)
    meeting, group = world["signed"], world["group"]
    decision_id = meeting.items[0].decisions[0].id
    before = _state(meeting)
    body = {"status": "draft", "text": "Взлом", "title": "Взлом", "number": 99}
    for path in (
        f"/meetings/{meeting.id}",
        f"/meetings/{meeting.id}/decisions",
        "/meetings",
        f"/groups/{group.id}",
        "/groups",
        f"/meetings/{world['draft'].id}",
    ):
        response = getattr(client, method)(BASE + path, headers=headers, json=body)
        assert response.status_code == 405, (method, path)
        assert response.get_json() == {"error": NOT_ALLOWED}
    response = getattr(client, method)(BASE + f"/meetings/{meeting.id}/decisions/{decision_id}", headers=headers)
    assert response.status_code == 404  # no such address at all
    assert _state(meeting) == before
    assert "Взлом" not in meetings.protocol_text(meeting)


def test_read_only_flag_follows_the_signature(client, world):
    headers = bearer(world["secretary"])
    assert get(client, f"/meetings/{world['signed'].id}", headers).get_json()["read_only"] is True
    assert get(client, f"/meetings/{world['draft'].id}", headers).get_json()["read_only"] is False


def test_changing_a_decisions_task_through_the_api_leaves_the_signed_protocol_as_it_was(client, world):
    meeting = world["signed"]
    signed_text = meeting.revisions[-1].text
    task = db.session.scalar(select(Task).where(Task.source_type == "decision"))
    response = client.patch(
        f"{BASE}/tasks/{task.id}", headers=bearer(world["chair"]), json={"title": "Другой текст", "priority": "high"}
    )
    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == "signed" and meeting.revision == 1
    assert meeting.revisions[-1].text == signed_text
    assert meeting.items[0].decisions[1].text == "подготовить карту пути клиента"
    assert meetings.protocol_text(meeting) == signed_text
