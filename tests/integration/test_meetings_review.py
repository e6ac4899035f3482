"""Meetings after review: corrections, numbering, signing, invitations, the control item, the
protocol's wording, queries per page, masking, accessibility and a group's move, through the routes."""

import io
import re
from collections import Counter
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from docx import Document
from icalendar import Calendar
from sqlalchemy import event, func, select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.base import today
from app.models.mail import OutboxMessage
from app.models.meetings import AgendaItem, Decision, Meeting, WorkingGroup
from app.models.tasks import Task
from app.services import ical, meetings, tasks
from app.services.calendar import parse_deadline


@pytest.fixture
def world(make):
    centre = make.centre()
    region = centre.region
    chair = make.user(("director", region), region=region, full_name="Садулина Арина Михайловна")
    secretary = make.user(("secretary", region), region=region, full_name="Напалкова Ирина Викторовна")
    director = make.user(("director", centre), centre=centre, full_name="Гусева Елена Сергеевна")
    employee = make.user(("employee", region), region=region, full_name="Читателев Пётр Ильич")
    group = WorkingGroup(name="Рабочая группа по пилоту", region_id=region.id)
    db.session.add(group)
    db.session.flush()
    on = date(2021, 7, 30)
    meetings.set_member(group, chair, "head", "Руководитель управления", on, "", None)
    meetings.set_member(group, secretary, "secretary", "Начальник отдела", on, "", None)
    meetings.set_member(group, director, "member", "Директор ЦЗН", on, "", None)
    db.session.commit()
    return {
        "region": region,
        "centre": centre,
        "group": group,
        "chair": chair,
        "secretary": secretary,
        "director": director,
        "employee": employee,
    }


def _new(client, group, when="2021-08-05T10:00", **data):
    response = client.post(f"/meetings/groups/{group.id}/meetings/new", data={"starts_at": when, **data})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return db.session.scalars(select(Meeting).order_by(Meeting.id.desc())).first()


def _move(client, meeting, target) -> str:
    response = client.post(f"/meetings/{meeting.id}/move/{target}", follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    return response.get_data(as_text=True)


def _sign(client, meeting):
    for target in ("scheduled", "held", "circulated", "signed"):
        page = _move(client, meeting, target)
        assert meeting.status == target, _alerts(page)


def _alerts(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", a).strip() for a in re.findall(r'<div class="alert[^>]*>(.*?)</div>', page, re.S)]


def _item(client, meeting, title="Разное") -> AgendaItem:
    assert client.post(f"/meetings/{meeting.id}/items", data={"title": title}).status_code == 303
    db.session.expire_all()
    return meeting.items[-1]


def _decide(client, item, **data) -> str:
    response = client.post(f"/meetings/items/{item.id}/decisions", data=data, follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    return response.get_data(as_text=True)


def _assign(client, item, people, text="подготовить карту пути клиента", deadline="до 16.08.2021", **extra):
    return _decide(
        client, item, verb="assign", text=text, assignee_ids=[p.id for p in people], deadline=deadline, **extra
    )


def _invitations() -> int:
    return db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.subject.startswith("Приглашение"))
    )


def _decision_tasks(decision_id: int) -> list[Task]:
    stmt = select(Task).where(Task.source_type == "decision", Task.source_id == decision_id).order_by(Task.id)
    return db.session.scalars(stmt).all()


# ---- 1. a decision that gave tasks stays; ids are never reused ------------------------------------


def test_a_decision_that_became_tasks_cannot_be_deleted_in_a_correction(world, login, client):
    login(world["secretary"])
    meeting = _new(client, world["group"])
    item = _item(client, meeting)
    _assign(client, item, [world["director"]])
    _sign(client, meeting)
    decision = item.decisions[0]
    [task] = _decision_tasks(decision.id)
    client.post(f"/meetings/{meeting.id}/correction", data={"reason": "Уточнить формулировку"})

    page = client.post(f"/meetings/decisions/{decision.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert any("уже стало поручениями, удалить его нельзя" in a for a in _alerts(page))
    db.session.expire_all()
    assert db.session.get(Decision, decision.id) is not None and task.source_id == decision.id

    # a new «поручить» added in the correction gets its own tasks; the old task stays with its decision
    _assign(client, item, [world["chair"]], text="провести опрос")
    _move(client, meeting, "signed")
    assert meeting.status == "signed" and meeting.revision == 2
    new = item.decisions[1]
    assert new.id != decision.id
    assert [t.responsible_id for t in _decision_tasks(new.id)] == [world["chair"].id]
    assert [t.id for t in _decision_tasks(decision.id)] == [task.id]


def test_decision_ids_are_not_reused_after_a_deletion(world, login, client):
    login(world["secretary"])
    meeting = _new(client, world["group"])
    item = _item(client, meeting)
    _decide(client, item, verb="note", text="информацию")
    _decide(client, item, verb="note", text="ещё информацию")
    last = item.decisions[-1].id
    page = client.post(f"/meetings/decisions/{last}/delete", follow_redirects=True).get_data(as_text=True)
    assert "Решение удалено." in page
    _decide(client, item, verb="note", text="новую информацию")
    assert item.decisions[-1].id > last  # SQLite would hand out the deleted id again without AUTOINCREMENT


# ---- 2. a protocol under correction may only be signed again --------------------------------------


def test_a_protocol_under_correction_cannot_be_walked_back(world, login, client):
    login(world["secretary"])
    meeting = _new(client, world["group"])
    _item(client, meeting)
    _sign(client, meeting)
    client.post(f"/meetings/{meeting.id}/correction", data={"reason": "Опечатка"})
    db.session.expire_all()
    assert meetings.allowed_moves(meeting) == [("signed", "Подписать протокол")]
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Вернуть на доработку" not in page and "Подписать протокол" in page

    cancellations = select(func.count(OutboxMessage.id)).where(OutboxMessage.subject.startswith("Отмена"))
    for target in ("held", "scheduled", "draft"):
        page = _move(client, meeting, target)
        assert any("Нельзя перевести" in a for a in _alerts(page)), target
    assert meeting.status == "circulated" and meeting.correction_reason == "Опечатка"
    assert db.session.scalar(cancellations) == 0
    _move(client, meeting, "signed")
    assert meeting.status == "signed" and meeting.revision == 2


# ---- 3. a long decision signs on any database -----------------------------------------------------


def test_a_decision_longer_than_a_task_title_signs_with_the_full_text_kept(world, login, client):
    login(world["secretary"])
    meeting = _new(client, world["group"])
    item = _item(client, meeting)
    text = "обеспечить " + " ".join(f"мероприятие{n}" for n in range(150))  # ~2 000 characters
    assert len(text) > 1500
    _assign(client, item, [world["director"], world["chair"]], text=text)
    _sign(client, meeting)  # PostgreSQL refused a title over String(1000): the signing failed
    made = _decision_tasks(item.decisions[0].id)
    assert len(made) == 3
    for task in made:
        assert len(task.title) <= 1000 and task.title.endswith("…") and text.startswith(task.title[:-1])
        assert text in task.description
    assert f"1.1. Поручить {text}" in meetings.protocol_text(meeting)

    too_long = _decide(client, _item(client, _new(client, world["group"])), verb="note", text="х" * 5001)
    assert "Решение не добавлено" in too_long


def test_the_service_refuses_a_decision_text_over_its_limit(world):
    meeting = meetings.create(world["group"], datetime(2021, 8, 5, 10), "", "", world["secretary"])
    item = meetings.add_item(meeting, "Разное", "", None, world["secretary"])
    with pytest.raises(meetings.MeetingError, match="не длиннее 5000"):
        meetings.add_decision(item, "note", "х" * 5001, world["secretary"])


# ---- 4. dates within 2000–2100; calendars survive what slipped through ----------------------------


@pytest.mark.parametrize("when", ["9999-12-31T23:30", "1999-12-31T10:00", "2101-01-01T10:00"])
def test_a_meeting_year_outside_2000_2100_is_refused(world, login, client, when):
    login(world["secretary"])
    group = world["group"]
    response = client.post(f"/meetings/groups/{group.id}/meetings/new", data={"starts_at": when})
    assert response.status_code == 200 and "Год заседания — от 2000 до 2100." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Meeting.id))) == 0

    meeting = _new(client, group)
    response = client.post(f"/meetings/{meeting.id}/edit", data={"starts_at": when, "place": "Каб. 1"})
    assert response.status_code == 200 and "Год заседания — от 2000 до 2100." in response.get_data(as_text=True)
    db.session.expire_all()
    assert meeting.starts_at == datetime(2021, 8, 5, 10, 0) and meeting.place == ""


def test_the_services_refuse_a_far_future_meeting(world):
    with pytest.raises(meetings.MeetingError, match="от 2000 до 2100"):
        meetings.create(world["group"], datetime(9999, 12, 31, 23, 30), "", "", None)
    meeting = meetings.create(world["group"], datetime(2030, 1, 10, 10), "", "", None)
    with pytest.raises(meetings.MeetingError, match="от 2000 до 2100"):
        meetings.update(meeting, {"starts_at": datetime(9999, 12, 31, 23, 30)}, None)


def test_a_meeting_stored_at_the_end_of_the_calendar_still_invites_and_feeds(world, client):
    meeting = meetings.create(world["group"], datetime(2030, 1, 10, 10), "Каб. 1", "", world["secretary"])
    meetings.add_item(meeting, "Долгий вопрос", "", 600, world["secretary"])
    meeting.starts_at = datetime(9999, 12, 31, 23, 30)  # written before the limit existed
    db.session.flush()
    meetings.move(meeting, "scheduled", world["secretary"])
    assert _invitations() == 3
    invitation = db.session.scalar(select(OutboxMessage).where(OutboxMessage.subject.startswith("Приглашение")))
    [event] = Calendar.from_ical(invitation.attachments[0]["content"]).events
    assert event.start.year == 9999 and event.end >= event.start
    _, plain = ical.issue(world["director"])
    db.session.commit()
    response = client.get(f"/ical/feed/{plain}.ics")
    assert response.status_code == 200 and b"99991231T233000" in response.data


# ---- 5. two people scheduling at once -------------------------------------------------------------


def test_a_number_taken_meanwhile_answers_with_a_message_not_a_500(world, login, client, monkeypatch):
    login(world["secretary"])
    first = _new(client, world["group"])
    second = _new(client, world["group"], "2021-09-03T10:00")
    _move(client, first, "scheduled")
    assert first.number == 1
    # the other request read the highest number before this one committed: it picks the same
    monkeypatch.setattr(meetings, "next_number", lambda group, year: 1)
    page = _move(client, second, "scheduled")
    assert any("Номер уже занят" in a and "Повторите" in a for a in _alerts(page))
    assert second.status == "draft" and second.number is None
    monkeypatch.undo()
    _move(client, second, "scheduled")
    assert second.status == "scheduled" and second.number == 2


# ---- 6. signing checks the assignees; a task rule is a message --------------------------------------


def test_signing_refuses_an_inactive_assignee_by_name(world, login, client):
    login(world["secretary"])
    meeting = _new(client, world["group"])
    item = _item(client, meeting)
    _assign(client, item, [world["director"]])
    for target in ("scheduled", "held", "circulated"):
        _move(client, meeting, target)
    world["director"].active = False
    db.session.commit()
    page = _move(client, meeting, "signed")
    [message] = [a for a in _alerts(page) if "нельзя подписать" in a]
    assert "решении 1.1" in message and "Гусева Е. С." in message and "отключённой" in message
    assert meeting.status == "circulated" and meeting.revision == 0
    assert db.session.scalar(select(func.count(Task.id))) == 0


def test_a_task_rule_broken_while_signing_is_a_message(world, login, client, monkeypatch):
    login(world["secretary"])
    meeting = _new(client, world["group"])
    _assign(client, _item(client, meeting), [world["director"]])
    for target in ("scheduled", "held", "circulated"):
        _move(client, meeting, target)

    def refuse(*args, **kwargs):
        raise tasks.TaskError("Срок не может быть в прошлом.")

    monkeypatch.setattr(tasks, "create", refuse)
    page = _move(client, meeting, "signed")
    assert "Протокол не подписан: поручение по решению 1.1 не создано: Срок не может быть в прошлом." in _alerts(page)
    assert meeting.status == "circulated" and not meeting.revisions


# ---- 7. a scheduled meeting that changes is re-sent ---------------------------------------------


def test_rescheduling_sends_an_updated_invitation(world, login, client):
    login(world["secretary"])
    when = (today() + timedelta(days=10)).isoformat()
    meeting = _new(client, world["group"], f"{when}T10:00")
    people = {"chair_id": world["chair"].id, "secretary_id": world["secretary"].id}

    def edit(**data):
        response = client.post(f"/meetings/{meeting.id}/edit", data={**people, **data})
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        db.session.expire_all()

    def latest() -> OutboxMessage:
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()

    edit(starts_at=f"{when}T11:00", place="Каб. 2")
    assert _invitations() == 0  # a draft is in nobody's calendar
    _move(client, meeting, "scheduled")
    assert _invitations() == 3
    edit(starts_at=f"{when}T15:00", number=meeting.number, place="Каб. 3")
    assert _invitations() == 6
    [event] = Calendar.from_ical(latest().attachments[0]["content"]).events
    assert event.start.hour == 15 and str(event["LOCATION"]) == "Каб. 3"
    assert str(event["UID"]) == ical.meeting_uid(meeting)

    client.post(f"/meetings/{meeting.id}/items", data={"title": "Новый вопрос", "planned_minutes": 30})
    assert _invitations() == 9 and "1. Новый вопрос (30 мин)" in latest().body
    # the registration number is not in the invitation: nothing is re-sent
    edit(starts_at=f"{when}T15:00", number=meeting.number, place="Каб. 3", registration_number="1")
    assert _invitations() == 9


def test_no_invitation_after_the_meeting_was_held(world, login, client):
    login(world["secretary"])
    meeting = _new(client, world["group"])
    _move(client, meeting, "scheduled")
    _move(client, meeting, "held")
    sent = _invitations()
    _item(client, meeting, "Дополнительный вопрос")
    client.post(f"/meetings/{meeting.id}/edit", data={"starts_at": "2021-08-05T12:00", "number": 1})
    assert _invitations() == sent


# ---- 8. «Контроль исполнения» appears when поручения become open ----------------------------------


def test_control_item_is_added_when_earlier_assignments_open_after_the_draft(world, login, client, make):
    login(world["secretary"])
    first = _new(client, world["group"], "2021-08-05T10:00")
    _assign(client, _item(client, first), [world["director"]], text="издать приказы")
    later = _new(client, world["group"], "2021-09-03T10:00")
    later_item = _item(client, later, "О ходе пилота")
    _decide(client, later_item, verb="note", text="информацию")
    assert not any(i.is_control for i in later.items)  # nothing open yet: the first is not signed
    _sign(client, first)  # its поручение opens: the later draft now controls it

    db.session.expire_all()
    assert [(i.position, i.is_control) for i in later.items] == [(1, True), (2, False)]
    assert later.items[1].decisions[0].number == "2.1"
    page = client.get(f"/meetings/{later.id}").get_data(as_text=True)
    assert "Контроль исполнения ранее принятых решений" in page and "издать приказы" in page
    assert "I. Контроль исполнения ранее принятых решений" in meetings.protocol_text(later)
    assert not meetings.ensure_control_item(later)  # once
    assert not meetings.ensure_control_item(first)  # a signed protocol is never renumbered


def test_a_reopened_assignment_is_controlled_from_scheduling_not_from_a_page_view(world, login, client):
    login(world["secretary"])
    first = _new(client, world["group"], "2021-08-05T10:00")
    _assign(client, _item(client, first), [world["director"]], text="издать приказы")
    _sign(client, first)
    task = db.session.scalars(select(Task).where(Task.source_type == "decision")).one()
    for target in ("in_progress", "done"):
        tasks.move(task, target, world["secretary"])
    db.session.commit()
    later = _new(client, world["group"], "2021-09-03T10:00")
    assert not later.items  # nothing open when the draft was made
    tasks.move(task, "in_progress", world["secretary"])  # reopened
    db.session.commit()

    client.get(f"/meetings/{later.id}")
    db.session.expire_all()
    assert not later.items  # a page view writes nothing
    _move(client, later, "scheduled")
    db.session.expire_all()
    assert later.status == "scheduled" and [i.is_control for i in later.items] == [True]


# ---- 9. the protocol's words ------------------------------------------------------------------------


def test_protocol_keeps_the_deadline_wording_and_the_administrative_form(world, login, client):
    login(world["secretary"])
    meeting = _new(client, world["group"])
    client.post(
        f"/meetings/{meeting.id}/edit",
        data={
            "starts_at": "2021-08-05T10:00",
            "place": "г. Нижний Новгород",
            "registration_number": "Сл-523-452756/21",
            "chair_id": world["chair"].id,
            "secretary_id": world["secretary"].id,
        },
    )
    item = _item(client, meeting, "О создании рабочей группы")
    _assign(client, item, [world["director"]], text="издать приказы", deadline="до 16 августа 2021 г.")
    _assign(client, item, [world["director"], world["chair"]], text="разослать", deadline="Срок – 06.09.2021")
    _assign(client, item, [world["chair"]], text="сообщить", deadline="в течение 5 (пяти) рабочих дней")
    absent = next(a for a in meeting.attendance if a.user_id == world["director"].id)
    client.post(f"/meetings/attendance/{absent.id}", data={"status": "absent"})
    _sign(client, meeting)

    text = meetings.protocol_text(meeting)
    assert "05.08.2021\nРег. № Сл-523-452756/21\nг. Нижний Новгород" in text
    assert "1.1. Поручить издать приказы Ответственный: Гусева Е. С. Срок – до 16 августа 2021 г." in text
    assert "1.2. Поручить разослать Ответственные: Гусева Е. С., Садулина А. М. Срок – 06.09.2021." in text
    assert "Срок – в течение 5 (пяти) рабочих дней." in text
    assert "Отсутствовали:\nДиректор ЦЗН – Гусева Елена Сергеевна" in text
    presents = text.split("Присутствовали:")[1].split("Отсутствовали:")[0]
    assert "Гусева" not in presents
    assert text.endswith("Председатель Садулина А. М.\nСекретарь Напалкова И. В.")
    # the deadline's date is still understood: «до 16 августа 2021 г.» is a Monday
    [task] = _decision_tasks(item.decisions[0].id)
    assert task.due_on == date(2021, 8, 16) and task.deadline_text == "до 16 августа 2021 г."
    assert item.decisions[0].deadline == {"kind": "date", "on": "2021-08-16", "text": "до 16 августа 2021 г."}
    document = Document(io.BytesIO(client.get(f"/meetings/{meeting.id}/protocol.docx").data))
    [heading] = [p for p in document.paragraphs if p.text == "Отсутствовали:"]
    assert heading.runs[0].bold
    assert "Секретарь Напалкова И. В." in [p.text for p in document.paragraphs]


def test_warning_before_signing_when_nobody_marked_attendance(world, login, client):
    login(world["secretary"])
    meeting = _new(client, world["group"])
    _item(client, meeting)
    _move(client, meeting, "scheduled")
    assert "Участие никто не отмечал" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    _move(client, meeting, "held")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Участие никто не отмечал" in page and "Подписать протокол" not in page
    _move(client, meeting, "circulated")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Участие никто не отмечал" in page and "Подписать протокол" in page  # a warning, not a block
    client.post(f"/meetings/attendance/{meeting.attendance[0].id}", data={"status": "present"})
    assert "Участие никто не отмечал" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_a_meeting_cannot_be_held_before_it_starts(world, login, client):
    login(world["secretary"])
    when = datetime.combine(today() + timedelta(days=3), datetime.min.time()).replace(hour=10)
    meeting = _new(client, world["group"], when.strftime("%Y-%m-%dT%H:%M"))
    _move(client, meeting, "scheduled")
    page = _move(client, meeting, "held")
    assert f"Заседание ещё не началось: отметить его проведённым можно с {when:%d.%m.%Y} 10:00 (мск)." in _alerts(page)
    assert meeting.status == "scheduled"


# ---- 10. queries per page do not grow with the rows -------------------------------------------------


def _queries(client, path: str) -> int:
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_lists_and_the_meeting_page_load_in_a_constant_number_of_queries(world, make, login, client):
    admin = make.user(("admin", None))
    region = world["region"]
    people = [make.user(("employee", region), region=region) for _ in range(6)]

    def add_groups(n):
        for _ in range(n):
            group = WorkingGroup(name=f"Группа {make._n()}", region_id=region.id, centre_id=make.centre(region).id)
            db.session.add(group)
            db.session.flush()
            meetings.create(group, datetime(2021, 8, 5, 10), "", "", None)
        db.session.commit()

    login(admin)
    add_groups(2)
    index_small, groups_small = _queries(client, "/meetings/"), _queries(client, "/meetings/groups")
    add_groups(5)
    assert _queries(client, "/meetings/") == index_small
    assert _queries(client, "/meetings/groups") == groups_small

    first = meetings.create(world["group"], datetime(2021, 8, 5, 10), "", "", None)
    item = meetings.add_item(first, "Поручения", "", None, None)
    later = meetings.create(world["group"], datetime(2021, 9, 3, 10), "", "", None)
    later_item = meetings.add_item(later, "Ещё", "", None, None)

    def assign(person):
        meetings.add_decision(
            item, "assign", "сделать", None, assignee_ids=[person.id], deadline=parse_deadline("до 16.08.2021")
        )
        meetings.add_decision(
            later_item, "assign", "сделать", None, assignee_ids=[person.id], deadline=parse_deadline("до 16.09.2021")
        )
        tasks.create(
            {
                "title": "сделать",
                "responsible_id": person.id,
                "source_type": "decision",
                "source_id": item.decisions[-1].id,
            },
            None,
        )

    assign(people[0])
    meetings.ensure_control_item(later)
    db.session.commit()
    small = _queries(client, f"/meetings/{later.id}")
    for person in people[1:]:
        assign(person)
    db.session.commit()
    assert _queries(client, f"/meetings/{later.id}") == small


# ---- 11. names as the viewer may see them -------------------------------------------------------


def test_pages_mask_names_for_viewers_without_personal_view_but_the_protocol_prints_them(world, login, client):
    login(world["secretary"])
    meeting = _new(client, world["group"])
    substituted = next(a for a in meeting.attendance if a.user_id == world["director"].id)
    client.post(
        f"/meetings/attendance/{substituted.id}",
        data={"status": "substituted", "substitute_name": "Заменова Зоя Зиновьевна", "substitute_position": "Зам."},
    )
    client.post("/logout")

    login(world["employee"])  # meeting.view in the region, no personal.view
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    for full, masked in (
        ("Садулина Арина Михайловна", "Садулина А. М."),
        ("Напалкова Ирина Викторовна", "Напалкова И. В."),
        ("Гусева Елена Сергеевна", "Гусева Е. С."),
        ("Заменова Зоя Зиновьевна", "Заменова З. З."),
    ):
        assert full not in page and masked in page, full
    group_page = client.get(f"/meetings/groups/{world['group'].id}").get_data(as_text=True)
    assert "Гусева Елена Сергеевна" not in group_page and "Гусева Е. С." in group_page
    protocol = client.get(f"/meetings/{meeting.id}/protocol").get_data(as_text=True)
    assert "Председатель – Садулина Арина Михайловна" in protocol  # an official document: names in full
    client.post("/logout")

    login(world["chair"])  # a director of the region: personal.view
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Гусева Елена Сергеевна" in page and "Заменова Зоя Зиновьевна" in page


# ---- 12. buttons and fields say whom and what they are about --------------------------------------


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                self.ids[value] += 1


def _duplicate_ids(page: str) -> list[str]:
    parser = _Ids()
    parser.feed(page)
    return [i for i, n in parser.ids.items() if n > 1]


def test_buttons_and_hidden_labels_name_their_row_and_ids_are_unique(world, login, client):
    login(world["chair"])
    meeting = _new(client, world["group"])
    for title in ("Первый", "Второй"):
        item = _item(client, meeting, title)
        _decide(client, item, verb="note", text="информацию")
        _decide(client, item, verb="note", text="ещё")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    for number in ("1.1", "1.2", "2.1", "2.2"):
        assert f'Удалить<span class="visually-hidden"> решение {number}</span>' in page
    row = next(a for a in meeting.attendance if a.user_id == world["director"].id)
    assert f'<label class="visually-hidden" for="sub-{row.id}">Кто замещает: Гусева Елена Сергеевна</label>' in page
    assert f'for="subpos-{row.id}">Должность замещающего: Гусева Елена Сергеевна</label>' in page
    assert _duplicate_ids(page) == []

    group_page = client.get(f"/meetings/groups/{world['group'].id}").get_data(as_text=True)
    assert 'Вывести<span class="visually-hidden"> Гусева Елена Сергеевна из состава</span>' in group_page
    assert _duplicate_ids(group_page) == []


# ---- 13. a group's meetings move with it ----------------------------------------------------------


def test_moving_a_group_moves_its_meetings(world, make, login, client):
    admin = make.user(("admin", None))
    old_meeting = meetings.create(world["group"], datetime(2021, 8, 5, 10), "", "", None)
    other_region = make.region()
    new_centre = make.centre(other_region)
    db.session.commit()
    login(admin)
    response = client.post(
        f"/meetings/groups/{world['group'].id}/edit",
        data={"name": "Рабочая группа по пилоту", "kind": "centre", "scope": f"centre:{new_centre.id}"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (old_meeting.region_id, old_meeting.centre_id) == (other_region.id, new_centre.id)
    moved = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "group.meetings_moved"))
    assert moved.after["meetings"] == 1

    client.post("/logout")
    login(world["employee"])  # a reader of the old region no longer sees it
    assert client.get(f"/meetings/{old_meeting.id}").status_code == 404
