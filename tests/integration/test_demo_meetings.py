"""`flask demo load`: the seed 000 working group, its three protocols and the tasks they gave."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.files import Attachment
from app.models.meetings import AgendaItem, Attendance, Decision, GroupMember, Meeting, ProtocolRevision, WorkingGroup
from app.models.tasks import Task
from app.services import meetings

GROUP_NAME = (
    "Рабочая группа по проведению пилотной апробации элементов системы управления клиентским опытом "
    "по направлению «Совершенствование пути клиента»"
)
REGISTRATION = {1: "Сл-523-452756/21", 2: "Сл-523-514749/21", 3: "Сл-523-602212/21"}


@pytest.fixture
def loaded(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == GROUP_NAME))
    protocols = {m.number: m for m in db.session.scalars(select(Meeting).where(Meeting.group_id == group.id))}
    return group, protocols


def _tasks(meeting: Meeting, number: str) -> list[Task]:
    decision = next(d for item in meeting.items for d in item.decisions if d.number == number)
    return db.session.scalars(
        select(Task).where(Task.source_type == "decision", Task.source_id == decision.id).order_by(Task.id)
    ).all()


def _by_person(meeting: Meeting, number: str) -> dict[str, Task]:
    return {t.responsible.full_name.split()[0]: t for t in _tasks(meeting, number) if t.responsible}


def test_the_group_as_ordered(loaded):
    group, _ = loaded
    assert db.session.scalar(select(func.count(WorkingGroup.id))) == 1
    assert group.region.name == "Нижегородская область" and "523-246/21П/од" in group.approved_by
    members = meetings.members_on(group, date(2021, 8, 5))
    assert len(members) == 8
    roles = [(m.role, m.user.full_name) for m in members]
    assert roles[:3] == [
        ("head", "Садулина Арина Михайловна"),
        ("deputy", "Антонова Татьяна Константиновна"),
        ("secretary", "Напалкова Ирина Викторовна"),
    ]
    assert {name for role, name in roles[3:]} == {
        "Гусева Елена Сергеевна",
        "Егорова Людмила Германовна",
        "Кириличева Елена Михайловна",
        "Терешенкова Екатерина Юрьевна",
        "Томилина Ирина Андреевна",
    } and {role for role, _ in roles[3:]} == {"member"}
    assert all(m.valid_from == date(2021, 7, 30) for m in members)

    def tomilina(day):
        return next(m for m in meetings.members_on(group, day) if m.user.full_name.startswith("Томилина")).position

    assert tomilina(date(2021, 9, 3)).startswith("Консультант отдела организации трудоустройства")
    assert tomilina(date(2021, 10, 12)).startswith("Начальник отдела организации трудоустройства")
    assert len(meetings.members_on(group, date(2021, 10, 12))) == 8


def test_three_signed_protocols_with_their_numbers(loaded):
    _, protocols = loaded
    assert sorted(protocols) == [1, 2, 3]
    assert {n: m.registration_number for n, m in protocols.items()} == REGISTRATION
    assert {n: m.starts_at.date() for n, m in protocols.items()} == {
        1: date(2021, 8, 5),
        2: date(2021, 9, 3),
        3: date(2021, 10, 12),
    }
    for meeting in protocols.values():
        assert meeting.status == "signed" and meeting.year == 2021 and meeting.revision == 1
        assert meeting.signed_at.date() == meeting.starts_at.date()
        assert meeting.chair.full_name == "Садулина Арина Михайловна"
        assert meeting.secretary.full_name == "Напалкова Ирина Викторовна"
        assert not any(item.is_control for item in meeting.items)


def test_decisions_keep_the_source_numbering_and_verbs(loaded):
    _, protocols = loaded

    def numbered(meeting):
        return [(d.number, d.verb) for item in meeting.items for d in item.decisions]

    # 05.08: source I.1, I.2 | II.1, II.2, II.3.1, II.3.2 | III.1–III.4
    assert numbered(protocols[1]) == [
        ("1.1", "note"),
        ("1.2", "assign"),
        ("2.1", "note"),
        ("2.2", "approve"),
        ("2.3", "assign"),
        ("2.4", "assign"),
        ("3.1", "note"),
        ("3.2", "note"),
        ("3.3", "note"),
        ("3.4", "determine"),
    ]
    assert numbered(protocols[2]) == [
        ("1.1", "note"),
        ("1.2", "agree"),
        ("2.1", "note"),
        ("2.2", "agree"),
        ("3.1", "assign"),
        ("3.2", "assign"),
    ]
    # 12.10: source I.1, I.2.1, I.2.2 | II.1
    assert numbered(protocols[3]) == [("1.1", "note"), ("1.2", "assign"), ("1.3", "assign"), ("2.1", "assign")]
    items = protocols[1].items
    assert [i.speakers for i in items][2] == "Л.Г.Егорова, Е.С.Гусева, Е.М.Кириличева, Т.К.Антонова, А.М.Садулина"
    assert all(i.heard for i in items)
    roadmap = items[1].decisions[1]
    assert roadmap.artefact.startswith("«Дорожная карта»")


def test_assignments_became_tasks_with_the_source_deadlines(loaded):
    _, protocols = loaded
    first, second, third = protocols[1], protocols[2], protocols[3]
    orders = _tasks(first, "1.2")
    parent, children = orders[0], orders[1:]
    assert parent.responsible_id is None and len(children) == 3
    assert {t.parent_id for t in children} == {parent.id}
    assert {t.responsible.full_name.split()[0] for t in children} == {"Егорова", "Гусева", "Кириличева"}
    assert {t.due_on for t in orders} == {date(2021, 8, 16)}

    (distribute,) = _tasks(first, "2.3")  # «не позднее следующего дня после ее утверждения»
    assert distribute.responsible.full_name.startswith("Напалкова") and distribute.due_on == date(2021, 8, 6)
    (control,) = _tasks(first, "2.4")  # «Осуществлять контроль …»: standing, no end date
    assert control.standing and control.due_on is None and control.status == "in_progress"

    assert [t.due_on for t in _tasks(second, "3.1")] == [date(2021, 9, 6)]
    assert {t.due_on for t in _tasks(second, "3.2")} == {date(2021, 9, 15)}
    assert {t.due_on for t in _tasks(third, "1.2")} == {date(2021, 10, 20)}
    monitoring = _tasks(third, "1.3")
    assert {t.due_on for t in monitoring} == {date(2021, 10, 22)} and all(t.evidence_required for t in monitoring)
    assert [t.due_on for t in _tasks(third, "2.1")] == [date(2021, 10, 29)]
    # Егорова is absent on 12.10, but the поручение is addressed to her (L7604–7607)
    assert "Егорова" in _by_person(third, "1.2")

    people_per_assignment = sum(
        len(d.assignee_ids) for d in db.session.scalars(select(Decision).where(Decision.verb == "assign"))
    )
    group_parents = 4  # 05.08 1.2, 03.09 3.2, 12.10 1.2 and 1.3 go to the three directors
    decision_tasks = select(func.count(Task.id)).where(Task.source_type == "decision")
    assert db.session.scalar(decision_tasks) == people_per_assignment + group_parents == 20


def test_some_done_on_time_some_late(loaded):
    _, protocols = loaded
    journey = _by_person(protocols[2], "3.2")  # done 30.09.2021 against «Срок – 15.09.2021» (report row 7)
    assert {t.status for t in journey.values()} == {"done"}
    assert {t.completed_on for t in journey.values()} == {date(2021, 9, 30)}
    (sent,) = _tasks(protocols[2], "3.1")
    assert sent.status == "done" and sent.completed_on <= sent.due_on
    done = db.session.scalars(select(Task).where(Task.status == "done", Task.responsible_id.is_not(None))).all()
    late = [t for t in done if t.completed_on > t.due_on]
    on_time = [t for t in done if t.completed_on <= t.due_on]
    assert len(late) >= 4 and len(on_time) >= 4
    # evidence was attached where the protocol demands it, and each group's parent closed with the last
    for task in [t for t in _tasks(protocols[3], "1.3") if t.responsible_id is not None]:
        assert db.session.scalar(
            select(Attachment.id).where(Attachment.object_type == "Task", Attachment.object_id == task.id)
        )
    orders = _tasks(protocols[1], "1.2")
    assert orders[0].status == "done" and orders[0].completed_on == max(t.completed_on for t in orders[1:])


def test_protocol_text_in_the_administrative_form(loaded):
    _, protocols = loaded
    text = meetings.protocol_text(protocols[1])
    for needle in (
        "ПРОТОКОЛ № 1",
        "05.08.2021",
        "Председатель – Садулина Арина Михайловна",
        "Присутствовали:",
        "Антонова Татьяна Константиновна",
        "Гусева Елена Сергеевна",
        "Томилина Ирина Андреевна",
        "СЛУШАЛИ:",
        "РЕШИЛИ:",
        "2.2. Утвердить прилагаемый проект «дорожной карты»",
        "1.2. Поручить издать приказы по учреждениям",
        "Директорам ГКУ ЦЗН города Нижнего Новгорода Л.Г.Егоровой",
        "3.4. Определить в качестве целевой аудитории",
    ):
        assert needle in text, needle
    present = text.split("Присутствовали:")[1].split("Отсутствовали:")[0]
    assert "Терешенкова" not in present  # never in an attendee list: the protocol lists her as absent
    assert "Отсутствовали:\n" in text and "– Терешенкова Екатерина Юрьевна" in text.split("Отсутствовали:")[1]
    assert "Рег. № Сл-523-452756/21" in text and "Секретарь Напалкова И. В." in text
    assert protocols[1].revisions[0].text == text
    october = meetings.protocol_text(protocols[3])
    assert "Глаголева Т.В. (замещает Егорова Людмила Германовна)" in october
    assert "Начальник отдела организации трудоустройства" in october
    assert "Директор ГКУ НО «Павловский ЦЗН» – Гусева Елена Сергеевна" in october


def test_loading_twice_creates_nothing_new(loaded, runner):
    models = (WorkingGroup, GroupMember, Meeting, Attendance, AgendaItem, Decision, ProtocolRevision, Task, Attachment)
    before = [db.session.scalar(select(func.count()).select_from(m)) for m in models]
    statuses = sorted(db.session.execute(select(Task.id, Task.status, Task.completed_on)).all())
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in models] == before
    assert sorted(db.session.execute(select(Task.id, Task.status, Task.completed_on)).all()) == statuses
    assert before[:3] == [1, 9, 3]  # 8 members, Томилина twice (her position changed)
