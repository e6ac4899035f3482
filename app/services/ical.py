"""Calendars: meeting invitations by e-mail (.ics) and each user's secret iCal feed of meetings and deadlines.

Meeting times are naive Moscow wall-clock times, as the secretary entered them; they go out with
TZID=Europe/Moscow and a VTIMEZONE, so every client shows the time that was meant. Task deadlines
are dates and go out as all-day events («Срок: …»), which Outlook, Google and Yandex all show on the
day itself (a VTODO is hidden or ignored by most of them).

The feed address carries a secret token; like API tokens, only its SHA-256 is stored, and the full
address is shown once, right after it is created.
"""

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from babel.dates import format_date
from flask import current_app, render_template
from icalendar import Calendar, Event, vCalAddress, vDuration
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.base import MOSCOW, utcnow
from app.models.ical import IcalFeedToken
from app.models.mail import OutboxMessage
from app.models.meetings import Attendance, Meeting
from app.models.org import User
from app.models.tasks import OPEN_STATUSES, PARTICIPANT_ROLES, Task, TaskParticipant
from app.services import audit, mail, tasks

PRODID = "-//cxm//Заседания и сроки поручений//RU"
FEED_NAME = "cxm: заседания и сроки поручений"
FEED_REFRESH = timedelta(hours=1)
FEED_STATUSES = ("scheduled", "held", "circulated", "signed")  # a draft is not in anyone's calendar yet
FEED_PAST_DAYS = 365  # older meetings are left out of the feed
FEED_MEETING_LIMIT = 500
FEED_TASK_LIMIT = 1000
DEFAULT_MINUTES = 60  # a meeting whose agenda plans no time
TOKEN_MAX_LENGTH = 100
# Moscow has kept UTC+3 without daylight saving since 26.10.2014: from 2015 the VTIMEZONE is one
# fixed rule, which every client (Outlook included) reads correctly.
TIMEZONE_FROM = date(2015, 1, 1)
TASK_ROLES = {
    "responsible": "Ответственный",
    "co_executor": PARTICIPANT_ROLES["co_executor"],
    "controller": "Контролёр",
}

for _table, _entries in (
    (
        audit.ACTION_LABELS,
        {
            "ical.create": "Создана ссылка на личный календарь",
            "ical.revoke": "Ссылка на личный календарь отключена",
            "meeting.invite": "Разосланы приглашения на заседание",
            "meeting.invite_cancel": "Разослана отмена заседания",
        },
    ),
    (audit.FIELD_LABELS, {"link": "Ссылка (начало)", "recipients": "Получателей"}),
):
    for _key, _label in _entries.items():
        _table.setdefault(_key, _label)


# ---- feed tokens ---------------------------------------------------------------------------


def _hash(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def active_token(user: User) -> IcalFeedToken | None:
    """The user's current feed link, if any."""
    return db.session.scalar(
        select(IcalFeedToken)
        .where(IcalFeedToken.user_id == user.id, IcalFeedToken.revoked_at.is_(None))
        .order_by(IcalFeedToken.id.desc())
        .limit(1)
    )


def issue(user: User, actor=None) -> tuple[IcalFeedToken, str]:
    """A new feed link; the previous one stops working. The plain token is returned once, never stored."""
    revoke(user, actor=actor)
    plain = secrets.token_urlsafe(32)
    token = IcalFeedToken(user_id=user.id, token_hash=_hash(plain), prefix=plain[:6])
    db.session.add(token)
    db.session.flush()
    audit.record("ical.create", user, actor=actor or user, after={"link": token.prefix})
    return token, plain


def revoke(user: User, actor=None) -> int:
    """Switch off the user's feed link(s); returns how many were active."""
    tokens = db.session.scalars(
        select(IcalFeedToken).where(IcalFeedToken.user_id == user.id, IcalFeedToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = utcnow()
        audit.record("ical.revoke", user, actor=actor or user, before={"link": token.prefix})
    return len(tokens)


def user_for(plain: str | None) -> User | None:
    """The active owner of an unrevoked feed token; records when a calendar last fetched it."""
    if not plain or len(plain) > TOKEN_MAX_LENGTH:
        return None
    token = db.session.scalar(select(IcalFeedToken).where(IcalFeedToken.token_hash == _hash(plain)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user


# ---- addresses -----------------------------------------------------------------------------


def _path(endpoint: str, **values) -> str:
    """A path of the app, built without a request (jobs and CLI call this module too)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def feed_url(plain: str) -> str:
    return absolute(_path("ical.feed", token=plain))


def masked_feed_url(token: IcalFeedToken) -> str:
    """The address with only its first characters, to recognise the link without revealing it."""
    return feed_url(token.prefix).removesuffix(".ics") + "….ics"


def _domain() -> str:
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "cxm"


def meeting_uid(meeting: Meeting) -> str:
    """Stable per meeting, so a later invitation or a cancellation replaces the event in the calendar."""
    return f"cxm-meeting-{meeting.id}@{_domain()}"


def _utc(value: datetime) -> datetime:
    """Naive UTC (how timestamps are stored) → aware UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# ---- meetings as events --------------------------------------------------------------------


def starts(meeting: Meeting) -> datetime:
    """The start as an aware Moscow time (stored naive, as entered)."""
    value = meeting.starts_at
    return value.replace(tzinfo=MOSCOW) if value.tzinfo is None else value.astimezone(MOSCOW)


def duration(meeting: Meeting) -> timedelta:
    """The agenda's planned minutes, or an hour when the agenda plans none."""
    minutes = sum(item.planned_minutes or 0 for item in meeting.items)
    return timedelta(minutes=minutes if minutes > 0 else DEFAULT_MINUTES)


def ends(meeting: Meeting) -> datetime:
    """The start plus the planned duration; never past the last moment a calendar can hold (year 9999)."""
    begin = starts(meeting)
    try:
        return begin + duration(meeting)
    except OverflowError:
        return datetime.max.replace(microsecond=0, tzinfo=begin.tzinfo)


def duration_label(meeting: Meeting) -> str:
    hours, minutes = divmod(int(duration(meeting).total_seconds() // 60), 60)
    parts = ([f"{hours} ч"] if hours else []) + ([f"{minutes} мин"] if minutes else [])
    return " ".join(parts)


def when_label(meeting: Meeting) -> str:
    """«5 марта 2026, 10:00» — Moscow wall-clock time, as entered."""
    return f"{format_date(meeting.starts_at.date(), 'd MMMM y', locale='ru')}, {meeting.starts_at:%H:%M}"


def title(meeting: Meeting) -> str:
    number = f" № {meeting.number}" if meeting.number else ""
    return f"Заседание{number}: {meeting.group.name}"


def agenda_lines(meeting: Meeting) -> list[str]:
    lines = []
    for item in meeting.items:
        details = []
        if item.speakers:
            details.append(f"докладчики: {item.speakers}")
        if item.planned_minutes:
            details.append(f"{item.planned_minutes} мин")
        lines.append(f"{item.position}. {item.title}" + (f" ({'; '.join(details)})" if details else ""))
    return lines


def page_url(meeting: Meeting) -> str:
    return absolute(_path("meetings.meeting", meeting_id=meeting.id))


def description(meeting: Meeting) -> str:
    """The event text: who, where, the agenda and the way back to cxm."""
    lines = [f"Рабочая группа: {meeting.group.name}"]
    if meeting.chair:
        lines.append(f"Председатель: {meeting.chair.full_name}")
    if meeting.secretary:
        lines.append(f"Секретарь: {meeting.secretary.full_name}")
    if meeting.place:
        lines.append(f"Место: {meeting.place}")
    if meeting.link:
        lines.append(f"Подключение: {meeting.link}")
    agenda = agenda_lines(meeting)
    if agenda:
        lines += ["", "Повестка дня:", *agenda]
    lines += ["", f"Заседание в cxm: {page_url(meeting)}"]
    return "\n".join(lines)


def _sequence(meeting: Meeting, at: datetime) -> int:
    """SEQUENCE grows with time: seconds from the meeting's creation (fits 32 bits for 68 years)."""
    return max(0, int((at - meeting.created_at).total_seconds()))


def _meeting_event(meeting: Meeting, *, uid: str, url: str, stamp: datetime, sequence: int, status: str) -> Event:
    begin = starts(meeting)
    return Event.new(
        uid=uid,
        summary=title(meeting),
        start=begin,
        end=ends(meeting),
        location=meeting.place or meeting.link or None,
        url=url,
        description=description(meeting),
        status=status,
        sequence=sequence,
        stamp=_utc(stamp),
    )


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _finish(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones(first_date=TIMEZONE_FROM)
    return calendar.to_ical()


# ---- invitations ---------------------------------------------------------------------------


def recipients(meeting: Meeting) -> list[User]:
    """Invited people with an active account and an address, the chair included, each once."""
    people = [row.user for row in meeting.attendance if row.user is not None]
    if meeting.chair is not None:
        people.append(meeting.chair)
    seen, result = set(), []
    for person in people:
        if person.id in seen or not person.active or not person.email:
            continue
        seen.add(person.id)
        result.append(person)
    return result


def _organizer(meeting: Meeting, actor) -> tuple[vCalAddress, bool]:
    """The secretary (else the chair, else whoever sends); (address, is a person who can take replies)."""
    for person in (meeting.secretary, meeting.chair, actor):
        if isinstance(person, User) and person.email:
            return vCalAddress.new(person.email, cn=person.full_name), True
    return vCalAddress.new(current_app.config["MAIL_SENDER"], cn="cxm"), False


def invitation(meeting: Meeting, person: User, *, method: str = "REQUEST", actor=None, sequence: int | None = None):
    """The .ics text of an invitation (METHOD:REQUEST) or a cancellation (METHOD:CANCEL) for one person."""
    organizer, replies = _organizer(meeting, actor)
    event = _meeting_event(
        meeting,
        uid=meeting_uid(meeting),
        url=meeting.link or page_url(meeting),
        stamp=utcnow(),
        sequence=_sequence(meeting, utcnow()) if sequence is None else sequence,
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
    )
    event.organizer = organizer
    event.attendees = [
        vCalAddress.new(
            person.email,
            cn=person.full_name,
            role="CHAIR" if person.id == meeting.chair_id else "REQ-PARTICIPANT",
            partstat="NEEDS-ACTION",
            rsvp=replies and method == "REQUEST" and person.email != organizer.email,
        )
    ]
    calendar = _calendar(method)
    calendar.add_component(event)
    return _finish(calendar).decode()


def _greeting(person: User) -> str:
    parts = person.full_name.split()
    return " ".join(parts[1:3]) if len(parts) > 1 else person.full_name


def _send(meeting: Meeting, actor, method: str) -> list[OutboxMessage]:
    db.session.flush()
    sequence = _sequence(meeting, utcnow())
    cancelled = method == "CANCEL"
    template, filename = ("ical/cancellation.txt", "cancel.ics") if cancelled else ("ical/invitation.txt", "invite.ics")
    number = f" № {meeting.number}" if meeting.number else ""
    lead = "Отмена заседания" if cancelled else "Приглашение на заседание"
    subject = f"{lead}{number}: {meeting.group.name[:200]}, {when_label(meeting)}"
    messages = []
    for person in recipients(meeting):
        body = render_template(
            template,
            meeting=meeting,
            greeting=_greeting(person),
            when=when_label(meeting),
            length=duration_label(meeting),
            agenda=agenda_lines(meeting),
            url=page_url(meeting),
            filename=filename,
        )
        ics = invitation(meeting, person, method=method, actor=actor, sequence=sequence)
        attachment = {"filename": filename, "content_type": f"text/calendar; method={method}", "content": ics}
        messages.append(mail.send(person.email, subject, body, attachments=[attachment]))
    if messages:
        action = "meeting.invite_cancel" if cancelled else "meeting.invite"
        audit.record(action, meeting, actor=actor, after={"recipients": len(messages)})
    return messages


def invite(meeting: Meeting, actor) -> list[OutboxMessage]:
    """E-mail every invited person an invitation with a METHOD:REQUEST .ics.

    Call it whenever a meeting is scheduled or its time, place or agenda change: the UID is the
    same and SEQUENCE higher, so calendars update the event instead of adding another.
    """
    return _send(meeting, actor, "REQUEST")


def cancel(meeting: Meeting, actor) -> list[OutboxMessage]:
    """E-mail every invited person a METHOD:CANCEL .ics that removes the event from their calendar."""
    return _send(meeting, actor, "CANCEL")


# ---- the personal feed ---------------------------------------------------------------------


def feed_meetings(user: User) -> list[Meeting]:
    """Meetings the user is invited to, chairs or keeps the minutes of (drafts and old ones left out)."""
    invited = select(Attendance.meeting_id).where(Attendance.user_id == user.id)
    since = datetime.now(MOSCOW).replace(tzinfo=None) - timedelta(days=FEED_PAST_DAYS)
    stmt = (
        select(Meeting)
        .where(
            or_(Meeting.id.in_(invited), Meeting.chair_id == user.id, Meeting.secretary_id == user.id),
            Meeting.status.in_(FEED_STATUSES),
            Meeting.starts_at >= since,
        )
        .options(
            selectinload(Meeting.items),
            selectinload(Meeting.group),
            selectinload(Meeting.chair),
            selectinload(Meeting.secretary),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(FEED_MEETING_LIMIT)
    )
    return list(db.session.scalars(stmt))


def feed_tasks(user: User) -> list[tuple[Task, list[str]]]:
    """Open tasks with a deadline where the user is responsible, a co-executor or the controller, with the roles."""
    co_executing = select(TaskParticipant.task_id).where(
        TaskParticipant.user_id == user.id, TaskParticipant.role == "co_executor"
    )
    stmt = (
        select(Task)
        .where(
            Task.status.in_(OPEN_STATUSES),
            Task.due_on.is_not(None),
            or_(Task.responsible_id == user.id, Task.controller_id == user.id, Task.id.in_(co_executing)),
            # a group decision's shared parent only gathers the personal tasks, which are listed themselves
            tasks.not_group_parent(),
        )
        .options(selectinload(Task.participants), selectinload(Task.responsible))
        .order_by(Task.due_on, Task.id)
        .limit(FEED_TASK_LIMIT)
    )
    return [(task, [r for r in tasks.roles_of(user, task) if r != "watcher"]) for task in db.session.scalars(stmt)]


def _task_event(task: Task, roles: list[str]) -> Event:
    link = absolute(_path("tasks.task", task_id=task.id))
    summary = f"Срок: {task.title}"
    if roles == ["controller"] and task.responsible is not None:
        summary += f" — {task.responsible.short_name}"
    if len(summary) > 300:
        summary = summary[:299] + "…"
    lines = [f"Ваша роль: {', '.join(TASK_ROLES[r] for r in roles)}", f"Статус: {task.status_label}"]
    if task.responsible is not None and "responsible" not in roles:
        lines.append(f"Ответственный: {task.responsible.full_name}")
    if task.deadline_text:
        lines.append(f"Срок по документу: {task.deadline_text}")
    if task.description:
        text = task.description if len(task.description) <= 2000 else task.description[:1999] + "…"
        lines += ["", text]
    lines += ["", f"Поручение в cxm: {link}"]
    event = Event.new(
        uid=f"cxm-task-{task.id}@{_domain()}",
        summary=summary,
        start=task.due_on,
        end=task.due_on + timedelta(days=1),
        description="\n".join(lines),
        url=link,
        transparency="TRANSPARENT",  # a deadline does not make the day busy
        stamp=_utc(task.updated_at),
    )
    return event


def feed(user: User) -> bytes:
    """The user's calendar: their meetings as timed events and their open deadlines as all-day events.

    The text depends only on the data (DTSTAMP is the last change), so an unchanged feed keeps its ETag.
    """
    calendar = _calendar()
    calendar.add("name", FEED_NAME)
    calendar.add("x-wr-calname", FEED_NAME)
    calendar.add("x-wr-timezone", "Europe/Moscow")
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    for meeting in feed_meetings(user):
        calendar.add_component(
            _meeting_event(
                meeting,
                uid=f"cxm-feed-meeting-{meeting.id}@{_domain()}",
                url=page_url(meeting),
                stamp=meeting.updated_at,
                sequence=_sequence(meeting, meeting.updated_at),
                status="CONFIRMED",
            )
        )
    for task, roles in feed_tasks(user):
        calendar.add_component(_task_event(task, roles))
    return _finish(calendar)
