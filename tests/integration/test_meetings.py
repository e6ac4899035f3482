"""Working group → meeting → protocol → tasks, through the routes people use."""

import io
import re
from datetime import date

import pytest
from docx import Document
from sqlalchemy import select

from app.extensions import db
from app.models.mail import OutboxMessage
from app.models.meetings import AgendaItem, Decision, Meeting, ProtocolRevision, WorkingGroup
from app.models.tasks import Task
from app.services import meetings


@pytest.fixture
def group(make):
    centre = make.centre()
    region = centre.region
    chair = make.user(("director", region), region=region, full_name="Садулина Арина Михайловна")
    secretary = make.user(("secretary", region), region=region, full_name="Напалкова Ирина Викторовна")
    director = make.user(("director", centre), centre=centre, full_name="Гусева Елена Сергеевна")
    group = WorkingGroup(name="Рабочая группа по пилоту", region_id=region.id)
    db.session.add(group)
    db.session.flush()
    on = date(2021, 7, 30)
    meetings.set_member(group, chair, "head", "Руководитель управления", on, "приказ № 523-246/21П/од", None)
    meetings.set_member(group, secretary, "secretary", "Начальник отдела", on, "", None)
    meetings.set_member(group, director, "member", "Директор ЦЗН", on, "", None)
    db.session.commit()
    return {"group": group, "chair": chair, "secretary": secretary, "director": director}


def _new_meeting(client, group, when="2025-10-30T10:00"):
    response = client.post(
        f"/meetings/groups/{group.id}/meetings/new", data={"starts_at": when, "place": "г. Нижний Новгород"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return db.session.scalars(select(Meeting).order_by(Meeting.id.desc())).first()


def _sign(client, meeting):
    for target in ("scheduled", "held", "circulated", "signed"):
        response = client.post(f"/meetings/{meeting.id}/move/{target}", follow_redirects=True)
        assert response.status_code == 200
        db.session.refresh(meeting)
        assert meeting.status == target, response.get_data(as_text=True)[:3000]


def test_meeting_to_protocol_to_tasks(group, login, client):
    login(group["secretary"])
    meeting = _new_meeting(client, group["group"])
    assert meeting.number is None and meeting.status == "draft"
    assert [a.full_name for a in meeting.attendance] == [
        "Садулина Арина Михайловна",
        "Напалкова Ирина Викторовна",
        "Гусева Елена Сергеевна",
    ]
    assert meeting.chair_id == group["chair"].id and meeting.secretary_id == group["secretary"].id
    client.post(f"/meetings/{meeting.id}/items", data={"title": "О дорожной карте", "speakers": "А.М.Садулина"})
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    client.post(f"/meetings/items/{item.id}/text", data={"heard": "Садулину А.М. о проекте", "discussion": ""})
    client.post(
        f"/meetings/items/{item.id}/decisions",
        data={"verb": "approve", "text": "дорожную карту", "artefact": "Дорожная карта"},
    )
    response = client.post(
        f"/meetings/items/{item.id}/decisions",
        data={
            "verb": "assign",
            "text": "подготовить карту пути клиента",
            "assignee_ids": [group["director"].id],
            "deadline": "в течение 3 рабочих дней",
            "evidence_required": "y",
        },
    )
    assert response.status_code == 303
    decisions = db.session.scalars(select(Decision).order_by(Decision.id)).all()
    assert [d.number for d in decisions] == ["1.1", "1.2"]
    _sign(client, meeting)
    assert meeting.number == 1 and meeting.revision == 1
    invited = db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.subject.startswith("Приглашение")))
    assert sorted(invited) == sorted(group[k].email for k in ("chair", "secretary", "director"))
    task = db.session.scalar(select(Task))
    # signed on the meeting's day? no: on today's date; recompute what 3 working days from today is
    from app.models.base import today
    from app.services.calendar import add_working_days

    assert task.responsible_id == group["director"].id and task.due_on == add_working_days(today(), 3)
    assert task.controller_id == group["secretary"].id and task.evidence_required
    assert task.source_type == "decision" and task.source_id == decisions[1].id

    docx = client.get(f"/meetings/{meeting.id}/protocol.docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    for needle in ("ПРОТОКОЛ № 1", "СЛУШАЛИ:", "РЕШИЛИ:", "Гусева Елена Сергеевна", "1.2. Поручить подготовить"):
        assert needle in text, needle
    assert "в течение 3 рабочих дней" in text


def test_signed_protocol_cannot_be_changed_through_any_route(group, login, client):
    login(group["secretary"])
    meeting = _new_meeting(client, group["group"])
    client.post(f"/meetings/{meeting.id}/items", data={"title": "Разное"})
    item = meeting.items[0]
    client.post(f"/meetings/items/{item.id}/decisions", data={"verb": "note", "text": "информацию"})
    _sign(client, meeting)
    signed_text = meeting.revisions[-1].text
    decision = item.decisions[0]
    attempts = [
        (f"/meetings/{meeting.id}/items", {"title": "Взлом"}),
        (f"/meetings/items/{item.id}/text", {"heard": "Взлом"}),
        (f"/meetings/items/{item.id}/decisions", {"verb": "note", "text": "Взлом"}),
        (f"/meetings/decisions/{decision.id}/delete", {}),
        (f"/meetings/attendance/{meeting.attendance[0].id}", {"status": "absent"}),
        (f"/meetings/{meeting.id}/edit", {"starts_at": "2030-01-01T10:00", "place": "Взлом"}),
        (f"/meetings/{meeting.id}/move/held", {}),
    ]
    for path, data in attempts:
        client.post(path, data=data, follow_redirects=True)
    db.session.expire_all()
    assert meetings.protocol_text(meeting) == signed_text
    assert meeting.status == "signed" and meeting.attendance[0].status == "present"
    assert "Взлом" not in signed_text and len(meeting.items) == 1


def test_correction_creates_a_revision_with_its_reason_and_they_compare(group, login, client):
    login(group["secretary"])
    meeting = _new_meeting(client, group["group"])
    client.post(f"/meetings/{meeting.id}/items", data={"title": "Разное"})
    item = meeting.items[0]
    client.post(f"/meetings/items/{item.id}/decisions", data={"verb": "note", "text": "информацию"})
    _sign(client, meeting)
    response = client.post(f"/meetings/{meeting.id}/correction", data={"reason": ""}, follow_redirects=True)
    assert "Укажите причину" in response.get_data(as_text=True)
    client.post(f"/meetings/{meeting.id}/correction", data={"reason": "Опечатка в решении"})
    db.session.refresh(meeting)
    assert meeting.status == "circulated"
    client.post(f"/meetings/items/{item.id}/text", data={"heard": "Напалкову И.В.", "discussion": ""})
    client.post(f"/meetings/{meeting.id}/move/signed")
    db.session.refresh(meeting)
    revisions = db.session.scalars(select(ProtocolRevision).order_by(ProtocolRevision.number)).all()
    assert [(r.number, r.reason) for r in revisions] == [(1, ""), (2, "Опечатка в решении")]
    page = client.get(f"/meetings/{meeting.id}/revisions?a=1&b=2").get_data(as_text=True)
    assert re.search(r'diff-added">.*Напалкову И\.В\.', page)


def test_assignment_to_several_people_and_next_meeting_controls_it(group, login, client):
    login(group["secretary"])
    meeting = _new_meeting(client, group["group"], "2021-08-05T10:00")
    client.post(f"/meetings/{meeting.id}/items", data={"title": "О создании рабочей группы"})
    item = meeting.items[0]
    client.post(
        f"/meetings/items/{item.id}/decisions",
        data={
            "verb": "assign",
            "text": "издать аналогичные приказы",
            "addressee": "Директорам ЦЗН",
            "assignee_ids": [group["director"].id, group["chair"].id],
            "deadline": "до 16.08.2021",
        },
    )
    _sign(client, meeting)
    tasks = db.session.scalars(select(Task).order_by(Task.id)).all()
    parent, children = tasks[0], tasks[1:]
    assert parent.responsible_id is None and {t.parent_id for t in children} == {parent.id}
    assert {t.due_on for t in tasks} == {date(2021, 8, 16)}
    assert "Директорам ЦЗН" in meetings.protocol_text(meeting)
    children[0].status = "done"
    db.session.commit()
    later = _new_meeting(client, group["group"], "2021-09-03T10:00")
    assert later.items[0].is_control
    page = client.get(f"/meetings/{later.id}").get_data(as_text=True)
    assert "Контроль исполнения ранее принятых решений" in page
    assert page.count("издать аналогичные приказы") == 1  # the open one only, not the done one nor the parent


def test_bad_input_changes_nothing(group, login, client):
    login(group["secretary"])
    meeting = _new_meeting(client, group["group"])
    client.post(f"/meetings/{meeting.id}/items", data={"title": "Разное"})
    item = meeting.items[0]
    for data, message in [
        ({"verb": "assign", "text": "сделать", "deadline": "16.08.2021"}, "Для поручения укажите ответственных"),
        (
            {"verb": "assign", "text": "сделать", "assignee_ids": [group["director"].id], "deadline": "когда-нибудь"},
            "срок",
        ),
        ({"verb": "nonsense", "text": "x"}, "Решение не добавлено"),
    ]:
        page = client.post(f"/meetings/items/{item.id}/decisions", data=data, follow_redirects=True).get_data(
            as_text=True
        )
        assert message.lower() in page.lower(), (data, page[:200])
    assert db.session.scalar(select(Decision)) is None
    response = client.post(f"/meetings/{meeting.id}/move/signed", follow_redirects=True)
    assert "Нельзя перевести" in response.get_data(as_text=True)
    response = client.post(
        f"/meetings/groups/{group['group'].id}/meetings/new", data={"starts_at": "2025-10-30T10:00", "number": 0}
    )
    assert response.status_code == 200 and "от 1 до 9999" in response.get_data(as_text=True)


def test_foreign_meetings_are_invisible(group, make, login, client):
    other = make.centre()
    outsider = make.user(("secretary", other), centre=other)
    login(group["secretary"])
    meeting = _new_meeting(client, group["group"])
    client.post("/logout")
    login(outsider)
    for path in (
        f"/meetings/{meeting.id}",
        f"/meetings/groups/{group['group'].id}",
        f"/meetings/{meeting.id}/protocol.docx",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/meetings/{meeting.id}/items", data={"title": "Чужое"}).status_code == 404
    assert "Рабочая группа по пилоту" not in client.get("/meetings/groups").get_data(as_text=True)
    assert client.get("/meetings/").status_code == 200


def test_member_change_keeps_history(group, login, client):
    login(group["chair"])
    response = client.post(
        f"/meetings/groups/{group['group'].id}/members",
        data={"user_id": group["director"].id, "role": "deputy", "position": "Заместитель", "valid_from": "2021-10-01"},
    )
    assert response.status_code == 303
    rows = [m for m in group["group"].members if m.user_id == group["director"].id]
    assert [(m.role, m.valid_to) for m in rows] == [("member", date(2021, 9, 30)), ("deputy", None)]
    on_sept = [
        m.role for m in meetings.members_on(group["group"], date(2021, 9, 3)) if m.user_id == group["director"].id
    ]
    assert on_sept == ["member"]


def test_next_meeting_opens_with_approval_of_the_previous_protocol_and_copies_a_template(group, login, client):
    login(group["secretary"])
    first = _new_meeting(client, group["group"], "2021-08-05T10:00")
    client.post(
        f"/meetings/{first.id}/items", data={"title": "О ходе пилота", "speakers": "Садулина", "planned_minutes": 20}
    )
    client.post(f"/meetings/items/{first.items[0].id}/decisions", data={"verb": "note", "text": "информацию"})
    _sign(client, first)
    response = client.post(
        f"/meetings/groups/{group['group'].id}/meetings/new",
        data={"starts_at": "2021-09-03T10:00", "approve_previous": "y", "agenda_from": first.id},
    )
    assert response.status_code == 303
    second = db.session.scalars(select(Meeting).order_by(Meeting.id.desc())).first()
    assert [(i.position, i.title) for i in second.items] == [
        (1, "Об утверждении протокола заседания № 1 от 05.08.2021"),
        (2, "О ходе пилота"),
    ]
    assert second.items[0].decisions[0].verb == "approve" and second.items[1].planned_minutes == 20
    assert not second.items[1].decisions  # the template copies questions, not decisions
