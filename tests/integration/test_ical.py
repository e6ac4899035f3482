"""Calendars: the personal iCal feed behind a secret address, and meeting invitations with an .ics."""

import hashlib
import re
from datetime import date, datetime, timedelta
from email import message_from_bytes

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.extensions import db
from app.models.base import MOSCOW, today, utcnow
from app.models.ical import IcalFeedToken
from app.models.mail import OutboxMessage
from app.models.meetings import WorkingGroup
from app.models.tasks import Task, TaskParticipant
from app.services import ical, mail, meetings


def _later(days: int, hour: int = 10) -> datetime:
    """A naive Moscow wall-clock time `days` from today, as a secretary would enter it."""
    return datetime.combine(today() + timedelta(days=days), datetime.min.time()).replace(hour=hour)


@pytest.fixture
def world(make):
    centre = make.centre()
    region = centre.region
    chair = make.user(("director", region), region=region, full_name="Садулина Арина Михайловна")
    secretary = make.user(("secretary", region), region=region, full_name="Напалкова Ирина Викторовна")
    director = make.user(("director", centre), centre=centre, full_name="Гусева Елена Сергеевна")
    outsider = make.user(("employee", centre), centre=centre, full_name="Посторонний Пётр Петрович")
    group = WorkingGroup(name="Рабочая группа по пилоту", region_id=region.id)
    other_group = WorkingGroup(name="Другая группа", region_id=region.id)
    db.session.add_all([group, other_group])
    db.session.flush()
    on = today() - timedelta(days=400)
    meetings.set_member(group, chair, "head", "Руководитель управления", on, "", None)
    meetings.set_member(group, secretary, "secretary", "Начальник отдела", on, "", None)
    meetings.set_member(group, director, "member", "Директор ЦЗН", on, "", None)
    meetings.set_member(other_group, outsider, "head", "Специалист", on, "", None)

    meeting = meetings.create(
        group, _later(30), "г. Нижний Новгород, ул. Ленина, 5", "https://meet.example/abc", secretary
    )
    meetings.add_item(meeting, "О дорожной карте", "Садулина А. М.", 30, secretary)
    meetings.add_item(meeting, "О карте пути клиента", "", 45, secretary)
    meetings.move(meeting, "scheduled", secretary)
    draft = meetings.create(group, _later(40), "Каб. 1", "", secretary)
    old = meetings.create(group, _later(-500), "Каб. 2", "", secretary)
    meetings.move(old, "scheduled", secretary)
    foreign = meetings.create(other_group, _later(20), "Каб. 3", "", outsider)
    meetings.move(foreign, "scheduled", outsider)

    def task(title, responsible, status="new", due=10, controller=None, co=(), watchers=()):
        row = Task(
            title=title,
            responsible_id=responsible.id if responsible else None,
            controller_id=controller.id if controller else None,
            status=status,
            due_on=today() + timedelta(days=due) if due is not None else None,
            region_id=region.id,
        )
        for person in co:
            row.participants.append(TaskParticipant(user_id=person.id, role="co_executor"))
        for person in watchers:
            row.participants.append(TaskParticipant(user_id=person.id, role="watcher"))
        db.session.add(row)
        db.session.flush()
        return row

    tasks = {
        "own": task("Подготовить карту пути клиента", director, status="in_progress"),
        "done": task("Уже сделано", director, status="done"),
        "cancelled": task("Отменено", director, status="cancelled"),
        "co": task("Провести опрос", outsider, co=[director]),
        "controlled": task("Обновить паспорт центра", outsider, controller=director, due=-3),
        "foreign": task("Чужое поручение", outsider),
        "no_due": task("Постоянный контроль", director, due=None),
        "watched": task("Наблюдаю", outsider, watchers=[director]),
    }
    parent = task("Директорам ЦЗН: общий срок", None, controller=director)
    child = task("Директорам ЦЗН: общий срок", outsider, controller=director)
    child.parent_id = parent.id
    tasks.update(parent=parent, child=child)
    db.session.commit()
    return {
        "chair": chair,
        "secretary": secretary,
        "director": director,
        "outsider": outsider,
        "meeting": meeting,
        "draft": draft,
        "old": old,
        "foreign": foreign,
        "tasks": tasks,
    }


def _issue(user) -> str:
    _, plain = ical.issue(user)
    db.session.commit()
    return plain


def _feed(client, plain, **kwargs):
    return client.get(f"/ical/feed/{plain}.ics", **kwargs)


def _calendar(response) -> Calendar:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return Calendar.from_ical(response.data)


# ---- the page ------------------------------------------------------------------------------


def test_calendar_page_requires_login(client):
    response = client.get("/ical/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.get("/ical/", headers={"HX-Request": "true"})
    assert "/login" in response.headers["HX-Redirect"]
    assert client.post("/ical/link").status_code == 302
    assert db.session.scalar(select(IcalFeedToken)) is None


def test_link_is_created_on_demand_and_shown_in_full_once(app, client, login, world):
    director = world["director"]
    login(director)
    page = client.get("/ical/").get_data(as_text=True)
    assert "Ссылки пока нет" in page and "Создать ссылку" in page and "/ical/feed/" not in page
    assert "Outlook" in page and "Яндекс" in page and "Google" in page

    response = client.post("/ical/link")
    assert response.status_code == 200
    base = re.escape(app.config["PUBLIC_BASE_URL"].rstrip("/"))
    found = re.search(base + r"/ical/feed/([\w-]+)\.ics", response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)
    plain = found.group(1)
    token = db.session.scalar(select(IcalFeedToken).where(IcalFeedToken.user_id == director.id))
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest() and plain not in token.token_hash

    page = client.get("/ical/").get_data(as_text=True)
    assert plain not in page
    assert f"/ical/feed/{token.prefix}…" in page and "Создать новую ссылку" in page and "ещё ни разу" in page
    assert "заседаний: 1, сроков поручений: 4" in page  # the scheduled meeting; own, co, controlled, child


def test_new_link_revokes_the_old_one(client, login, world):
    login(world["director"])
    first = re.search(r"/ical/feed/([\w-]+)\.ics", client.post("/ical/link").get_data(as_text=True)).group(1)
    second = re.search(r"/ical/feed/([\w-]+)\.ics", client.post("/ical/link").get_data(as_text=True)).group(1)
    assert first != second
    anonymous = client.application.test_client()
    assert _feed(anonymous, first).status_code == 404
    assert _feed(anonymous, second).status_code == 200
    tokens = db.session.scalars(select(IcalFeedToken).order_by(IcalFeedToken.id)).all()
    assert [t.revoked_at is not None for t in tokens] == [True, False]

    response = client.post("/ical/link/revoke")
    assert response.status_code == 303
    assert _feed(anonymous, second).status_code == 404
    assert "Ссылки пока нет" in client.get("/ical/").get_data(as_text=True)


def test_unknown_revoked_or_deactivated_links_are_404(client, world):
    plain = _issue(world["director"])
    assert _feed(client, "no-such-token").status_code == 404
    assert _feed(client, "x" * 500).status_code == 404
    assert client.get(f"/ical/feed/{plain}").status_code == 404  # the .ics is part of the address
    assert _feed(client, plain).status_code == 200
    world["director"].active = False
    db.session.commit()
    assert _feed(client, plain).status_code == 404


# ---- the feed ------------------------------------------------------------------------------


def test_feed_holds_the_users_meetings_and_open_deadlines(app, client, world):
    director, meeting, tasks = world["director"], world["meeting"], world["tasks"]
    response = _feed(client, _issue(director))  # no session: the token is the only credential
    assert response.mimetype == "text/calendar" and response.mimetype_params.get("charset") == "utf-8"
    assert response.headers["Cache-Control"] == "private, no-cache"
    calendar = _calendar(response)
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")

    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Moscow"]
    timed = [e for e in calendar.events if isinstance(e.start, datetime)]
    all_day = [e for e in calendar.events if not isinstance(e.start, datetime)]

    assert len(timed) == 1  # not the draft, not last year's, not the other group's
    event = timed[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert event.start == meeting.starts_at.replace(tzinfo=MOSCOW) and event.start.hour == 10
    assert event.end - event.start == timedelta(minutes=75)  # the agenda's planned minutes
    assert str(event["SUMMARY"]) == f"Заседание № {meeting.number}: Рабочая группа по пилоту"
    assert str(event["LOCATION"]) == "г. Нижний Новгород, ул. Ленина, 5"
    assert str(event["URL"]) == f"{base}/meetings/{meeting.id}"
    text = str(event["DESCRIPTION"])
    assert "1. О дорожной карте (докладчики: Садулина А. М.; 30 мин)" in text
    assert "https://meet.example/abc" in text and "Председатель: Садулина Арина Михайловна" in text
    assert "ORGANIZER" not in event and "ATTENDEE" not in event  # no other people's addresses in a feed

    by_title = {str(e["SUMMARY"]): e for e in all_day}
    assert set(by_title) == {
        "Срок: Подготовить карту пути клиента",
        "Срок: Провести опрос",
        "Срок: Обновить паспорт центра — Посторонний П. П.",
        "Срок: Директорам ЦЗН: общий срок — Посторонний П. П.",  # the personal task, not the shared parent
    }
    own = by_title["Срок: Подготовить карту пути клиента"]
    assert own.start == tasks["own"].due_on and isinstance(own.start, date)
    assert own["DTSTART"].params.get("VALUE") == "DATE"
    assert own.end == tasks["own"].due_on + timedelta(days=1)
    assert str(own["TRANSP"]) == "TRANSPARENT"
    assert str(own["URL"]) == f"{base}/tasks/{tasks['own'].id}"
    assert "Ваша роль: Ответственный" in str(own["DESCRIPTION"])
    assert "Ваша роль: Соисполнитель" in str(by_title["Срок: Провести опрос"]["DESCRIPTION"])
    controlled = by_title["Срок: Обновить паспорт центра — Посторонний П. П."]
    assert "Ваша роль: Контролёр" in str(controlled["DESCRIPTION"])
    assert controlled.start == today() - timedelta(days=3)  # overdue deadlines stay on their day

    uids = [str(e["UID"]) for e in calendar.events]
    assert len(uids) == len(set(uids))
    assert db.session.scalar(select(IcalFeedToken.last_used_at)) is not None


def test_feed_shows_only_the_owners_items(client, world):
    calendar = _calendar(_feed(client, _issue(world["outsider"])))
    summaries = {str(e["SUMMARY"]) for e in calendar.events}
    assert summaries == {
        f"Заседание № {world['foreign'].number}: Другая группа",
        "Срок: Провести опрос",
        "Срок: Обновить паспорт центра",
        "Срок: Чужое поручение",
        "Срок: Директорам ЦЗН: общий срок",
        "Срок: Наблюдаю",
    }
    assert not any("Подготовить карту" in s or "пилоту" in s for s in summaries)


def test_closed_tasks_leave_the_feed(client, world):
    plain = _issue(world["director"])
    world["tasks"]["own"].status = "done"
    db.session.commit()
    summaries = {str(e["SUMMARY"]) for e in _calendar(_feed(client, plain)).events}
    assert "Срок: Подготовить карту пути клиента" not in summaries
    assert "Срок: Провести опрос" in summaries


def test_unchanged_feed_answers_304(client, world):
    plain = _issue(world["director"])
    first = _feed(client, plain)
    assert first.headers["ETag"]
    assert _feed(client, plain).headers["ETag"] == first.headers["ETag"]  # the text depends on the data only
    again = _feed(client, plain, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_feed_is_rate_limited_per_address(client, world):
    plain = _issue(world["director"])
    response = _feed(client, plain)
    assert response.headers["X-RateLimit-Limit"] == "60"
    assert "X-RateLimit-Remaining" in response.headers


@pytest.mark.parametrize("app", [{"ICAL_FEED_RATE_LIMIT": "2 per hour"}], indirect=True)
def test_feed_refuses_too_frequent_polling(client, world):
    plain, other = _issue(world["director"]), _issue(world["outsider"])
    assert [_feed(client, plain).status_code for _ in range(3)] == [200, 200, 429]
    assert _feed(client, other).status_code == 200  # another person's address has its own budget


# ---- invitations ---------------------------------------------------------------------------


def _outbox() -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _ics(message: OutboxMessage) -> Calendar:
    [attachment] = message.attachments
    method = Calendar.from_ical(attachment["content"])["METHOD"]
    assert attachment["content_type"] == f"text/calendar; method={method}" and attachment["filename"].endswith(".ics")
    return Calendar.from_ical(attachment["content"])


def test_invitations_go_to_every_invited_person_with_a_request_ics(world):
    meeting, secretary = world["meeting"], world["secretary"]
    earlier = len(_outbox())  # scheduling the meeting in the fixture already invited once
    messages = ical.invite(meeting, secretary)
    db.session.commit()
    assert [m.recipient for m in _outbox()[earlier:]] == [m.recipient for m in messages]
    assert sorted(m.recipient for m in messages) == sorted(
        u.email for u in (world["chair"], world["secretary"], world["director"])
    )
    message = next(m for m in _outbox() if m.recipient == world["director"].email)
    assert message.subject.startswith(f"Приглашение на заседание № {meeting.number}: Рабочая группа по пилоту, ")
    assert message.subject.endswith(", 10:00")
    assert "Здравствуйте, Елена Сергеевна!" in message.body
    assert "Продолжительность: 1 ч 15 мин" in message.body and "1. О дорожной карте" in message.body
    assert f"/meetings/{meeting.id}" in message.body

    calendar = _ics(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Moscow"]
    [event] = calendar.events
    assert event["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert event.start == meeting.starts_at.replace(tzinfo=MOSCOW)
    assert event.start.strftime("%H:%M") == "10:00" and event.end - event.start == timedelta(minutes=75)
    assert str(event["UID"]) == ical.meeting_uid(meeting)
    assert str(event["ORGANIZER"]) == f"mailto:{secretary.email}"
    assert event["ORGANIZER"].params["CN"] == secretary.full_name
    [attendee] = [event["ATTENDEE"]]
    assert str(attendee) == f"mailto:{world['director'].email}" and attendee.params["RSVP"] == "TRUE"
    assert str(event["LOCATION"]) == meeting.place and str(event["URL"]) == "https://meet.example/abc"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Повестка дня:" in str(event["DESCRIPTION"])
    assert int(event["SEQUENCE"]) >= 0


def test_a_later_invitation_replaces_the_event(world, monkeypatch):
    meeting, secretary = world["meeting"], world["secretary"]
    first = _ics(ical.invite(meeting, secretary)[0]).events[0]
    meetings.update(meeting, {"starts_at": meeting.starts_at + timedelta(hours=2)}, secretary)
    later = utcnow() + timedelta(minutes=5)
    monkeypatch.setattr(ical, "utcnow", lambda: later)
    second = _ics(ical.invite(meeting, secretary)[0]).events[0]
    assert str(second["UID"]) == str(first["UID"])
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
    assert second.start.hour == 12


def test_cancellation_removes_the_event(world):
    meeting = world["meeting"]
    messages = ical.cancel(meeting, world["secretary"])
    assert len(messages) == 3 and messages[0].subject.startswith("Отмена заседания № ")
    assert "отменено" in messages[0].body
    calendar = _ics(messages[0])
    assert str(calendar["METHOD"]) == "CANCEL"
    [event] = calendar.events
    assert str(event["STATUS"]) == "CANCELLED" and str(event["UID"]) == ical.meeting_uid(meeting)


def test_people_without_an_active_account_get_no_invitation(world):
    world["director"].active = False
    meeting = world["meeting"]
    meeting.attendance[0].user_id = None  # invited by name only
    db.session.flush()
    db.session.refresh(meeting)
    recipients = {m.recipient for m in ical.invite(meeting, world["secretary"])}
    assert world["director"].email not in recipients
    assert world["chair"].email in recipients  # the chair is invited as chair
    assert recipients == {world["chair"].email, world["secretary"].email}


def test_meeting_without_agenda_lasts_an_hour_and_organizer_falls_back_to_the_chair(world):
    draft = world["draft"]
    draft.secretary_id = None
    db.session.flush()
    db.session.refresh(draft)
    [event] = Calendar.from_ical(ical.invitation(draft, world["director"])).events
    assert event.end - event.start == timedelta(hours=1)
    assert str(event["ORGANIZER"]) == f"mailto:{world['chair'].email}"
    assert str(event["URL"]).endswith(f"/meetings/{draft.id}")  # no conference link: the meeting's page


def test_invitation_is_delivered_by_smtp_as_a_calendar_attachment(app, world, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message.as_bytes())

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    message = ical.invite(world["meeting"], world["secretary"])[0]
    mail.deliver_now(message)
    parsed = message_from_bytes(sent[0])
    [part] = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "invite.ics"
    assert str(Calendar.from_ical(part.get_payload(decode=True))["METHOD"]) == "REQUEST"
