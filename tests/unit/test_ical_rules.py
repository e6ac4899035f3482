"""Pure parts of the calendar service: times, durations, labels."""

from datetime import datetime, timedelta

from app.models.base import MOSCOW
from app.models.meetings import AgendaItem, Meeting, WorkingGroup
from app.models.org import User
from app.services import ical


def _meeting(*minutes, number=3, starts_at=datetime(2026, 3, 5, 10, 0)) -> Meeting:
    meeting = Meeting(number=number, starts_at=starts_at, group=WorkingGroup(name="Рабочая группа"))
    for position, planned in enumerate(minutes, start=1):
        meeting.items.append(AgendaItem(position=position, title=f"Вопрос {position}", planned_minutes=planned))
    return meeting


def test_duration_is_the_planned_agenda_or_an_hour():
    assert ical.duration(_meeting()) == timedelta(minutes=60)
    assert ical.duration(_meeting(None, None)) == timedelta(minutes=60)
    assert ical.duration(_meeting(30, None, 45)) == timedelta(minutes=75)
    assert ical.duration_label(_meeting(30, 45)) == "1 ч 15 мин"
    assert ical.duration_label(_meeting(45)) == "45 мин"
    assert ical.duration_label(_meeting(60, 60)) == "2 ч"


def test_start_is_moscow_wall_clock_time_as_entered():
    start = ical.starts(_meeting())
    assert start.tzinfo == MOSCOW and (start.hour, start.minute) == (10, 0)
    assert start.utcoffset() == timedelta(hours=3)
    assert ical.when_label(_meeting()) == "5 марта 2026, 10:00"


def test_titles_and_agenda_lines():
    assert ical.title(_meeting()) == "Заседание № 3: Рабочая группа"
    assert ical.title(_meeting(number=None)) == "Заседание: Рабочая группа"
    meeting = _meeting(20)
    meeting.items[0].speakers = "Иванов И. И."
    assert ical.agenda_lines(meeting) == ["1. Вопрос 1 (докладчики: Иванов И. И.; 20 мин)"]
    assert ical.agenda_lines(_meeting(None)) == ["1. Вопрос 1"]


def test_greeting_uses_name_and_patronymic():
    assert ical._greeting(User(full_name="Гусева Елена Сергеевна")) == "Елена Сергеевна"
    assert ical._greeting(User(full_name="Гусева")) == "Гусева"


def test_sequence_grows_with_time_from_creation():
    meeting = _meeting()
    meeting.created_at = datetime(2026, 1, 1, 9, 0)
    assert ical._sequence(meeting, datetime(2026, 1, 1, 9, 0)) == 0
    assert ical._sequence(meeting, datetime(2026, 1, 1, 9, 1)) == 60
    assert ical._sequence(meeting, datetime(2025, 12, 31)) == 0


def test_a_meeting_at_the_end_of_the_calendar_ends_there_instead_of_overflowing():
    meeting = _meeting(600, 600, starts_at=datetime(9999, 12, 31, 23, 30))
    assert ical.starts(meeting).year == 9999
    end = ical.ends(meeting)
    assert end >= ical.starts(meeting) and (end.year, end.month, end.day, end.hour, end.minute) == (
        9999,
        12,
        31,
        23,
        59,
    )
    assert ical.ends(_meeting(30)) - ical.starts(_meeting(30)) == timedelta(minutes=30)
