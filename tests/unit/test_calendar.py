"""Production calendar and deadlines: pure calculations on the library calendar (no overrides)."""

from datetime import date

import pytest

from app.services.calendar import Deadline, DeadlineError, ProductionCalendar, parse_deadline


@pytest.fixture
def cal():
    return ProductionCalendar(overrides={})


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 10, 24), True),  # Friday
        (date(2025, 10, 25), False),  # Saturday
        (date(2025, 11, 1), True),  # Saturday made a working day (transfer to 3 November)
        (date(2025, 11, 3), False),  # Monday off, transferred from 1 November
        (date(2025, 11, 4), False),  # День народного единства
        (date(2025, 12, 31), False),  # Wednesday off, transferred from 5 January 2025
        (date(2026, 1, 9), False),  # Friday off, transferred from 3 January 2026
        (date(2026, 1, 12), True),  # first working day of 2026
    ],
)
def test_library_knows_holidays_and_transfers(cal, day, working):
    assert cal.is_working_day(day) is working


def test_new_year_holidays_2026(cal):
    assert not any(cal.is_working_day(date(2026, 1, d)) for d in range(1, 12))


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2025, 10, 30), 3, date(2025, 11, 5)),  # 31.10, Sat 01.11 (working), 05.11
        (date(2025, 12, 29), 5, date(2026, 1, 15)),  # 30.12, then 12, 13, 14, 15 January
        (date(2025, 10, 31), 1, date(2025, 11, 1)),  # the next working day is a transferred Saturday
        (date(2025, 10, 24), 1, date(2025, 10, 27)),  # over a weekend
    ],
)
def test_add_working_days(cal, start, n, due):
    assert cal.add_working_days(start, n) == due


def test_add_working_days_needs_a_positive_count(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(date(2025, 10, 30), 0)


def test_next_working_day_on_or_after(cal):
    assert cal.next_working_day_on_or_after(date(2025, 10, 25)) == date(2025, 10, 27)
    assert cal.next_working_day_on_or_after(date(2026, 1, 3)) == date(2026, 1, 12)
    assert cal.next_working_day_on_or_after(date(2025, 10, 27)) == date(2025, 10, 27)


def test_working_days_between(cal):
    assert cal.working_days_between(date(2025, 10, 30), date(2025, 11, 5)) == 3
    assert cal.working_days_between(date(2025, 11, 5), date(2025, 10, 30)) == -3
    assert cal.working_days_between(date(2025, 11, 5), date(2025, 11, 5)) == 0
    assert cal.working_days_between(date(2025, 12, 30), date(2026, 1, 12)) == 1  # 31.12 and 1–11.01 are off


def test_given_overrides_win_over_the_library():
    cal = ProductionCalendar(overrides={date(2025, 10, 31): False, date(2025, 10, 25): True})
    assert cal.is_working_day(date(2025, 10, 25))
    assert not cal.is_working_day(date(2025, 10, 31))
    assert cal.add_working_days(date(2025, 10, 24), 1) == date(2025, 10, 25)


def test_date_deadline_on_a_day_off_moves_to_the_next_working_day(cal):
    assert Deadline("date", on=date(2025, 10, 25)).resolve(None, cal) == date(2025, 10, 27)
    assert Deadline("date", on=date(2026, 1, 3)).resolve(None, cal) == date(2026, 1, 12)
    assert Deadline("date", on=date(2025, 10, 24)).resolve(date(2025, 1, 1), cal) == date(2025, 10, 24)


def test_relative_deadlines(cal):
    five_working = Deadline("relative", days=5, working=True)
    assert five_working.resolve(date(2025, 12, 29), cal) == date(2026, 1, 15)
    assert five_working.resolve(None, cal) is None
    ten_calendar = Deadline("relative", days=10)
    assert ten_calendar.resolve(date(2025, 10, 15), cal) == date(2025, 10, 27)  # Sat 25.10 → Mon 27.10
    assert ten_calendar.resolve(date(2025, 12, 22), cal) == date(2026, 1, 12)  # 01.01 → 12.01


def test_next_day_and_standing_deadlines(cal):
    assert Deadline("next_day").resolve(date(2021, 8, 5), cal) == date(2021, 8, 6)  # the pilot's roadmap
    assert Deadline("next_day").resolve(date(2025, 10, 31), cal) == date(2025, 11, 1)
    assert Deadline("next_day").resolve(None, cal) is None
    assert Deadline("standing", text="постоянно").resolve(date(2025, 10, 31), cal) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16.08.2021", Deadline("date", on=date(2021, 8, 16))),
        ("до 16.08.2021", Deadline("date", on=date(2021, 8, 16))),
        ("Срок – 06.09.2021", Deadline("date", on=date(2021, 9, 6))),
        ("Срок – до 16.08.2021.", Deadline("date", on=date(2021, 8, 16))),
        ("срок: 6.9.2021", Deadline("date", on=date(2021, 9, 6))),
        ("не позднее 29.10.2021", Deadline("date", on=date(2021, 10, 29))),
        ("в срок до 1 ноября 2021 г.", Deadline("date", on=date(2021, 11, 1))),
        ("в течение 5 рабочих дней", Deadline("relative", days=5, working=True)),
        ("В течение 3 (трёх) рабочих дней после утверждения протокола", Deadline("relative", days=3, working=True)),
        ("в течение 1 рабочего дня", Deadline("relative", days=1, working=True)),
        ("в течение 10 дней", Deadline("relative", days=10)),
        ("10 календарных дней", Deadline("relative", days=10)),
        ("в течение 10 календарных дней со дня подписания протокола", Deadline("relative", days=10)),
        ("не позднее следующего дня после утверждения", Deadline("next_day")),
        ("не позднее следующего дня после ее утверждения.", Deadline("next_day")),
        ("Не позднее следующего рабочего дня после утверждения протокола", Deadline("next_day")),
        ("постоянно", Deadline("standing", text="постоянно")),
        ("Срок – постоянно", Deadline("standing", text="постоянно")),
        (
            "На протяжении всего периода проведения пилотной апробации",
            Deadline("standing", text="На протяжении всего периода проведения пилотной апробации"),
        ),
    ],
)
def test_parse_deadline(text, expected):
    assert parse_deadline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "когда-нибудь",
        "31.02.2021",
        "16.08.21",
        "16.08.2201",
        "в течение 0 дней",
        "в течение 400 рабочих дней",
        "в течение 5 рабочих дней после получения отчёта",
        "в течение месяца",
    ],
)
def test_parse_deadline_rejects_what_it_cannot_read(text):
    with pytest.raises(DeadlineError):
        parse_deadline(text)


def test_unknown_wording_lists_accepted_forms():
    with pytest.raises(DeadlineError, match="Допустимые формы") as error:
        parse_deadline("когда-нибудь")
    assert "в течение 5 рабочих дней" in str(error.value)
    assert issubclass(DeadlineError, ValueError)


@pytest.mark.parametrize(
    ("deadline", "label"),
    [
        (Deadline("date", on=date(2021, 8, 16)), "до 16.08.2021"),
        (Deadline("relative", days=5, working=True), "в течение 5 рабочих дней"),
        (Deadline("relative", days=1, working=True), "в течение 1 рабочего дня"),
        (Deadline("relative", days=21, working=True), "в течение 21 рабочего дня"),
        (Deadline("relative", days=11, working=True), "в течение 11 рабочих дней"),
        (Deadline("relative", days=10), "в течение 10 календарных дней"),
        (Deadline("relative", days=31), "в течение 31 календарного дня"),
        (Deadline("next_day"), "не позднее следующего рабочего дня после утверждения"),
        (Deadline("standing", text="постоянно"), "постоянно"),
        (Deadline("standing"), "постоянно"),
        (Deadline("standing", text="на протяжении всего периода"), "на протяжении всего периода"),
    ],
)
def test_labels(deadline, label):
    assert deadline.label() == label


@pytest.mark.parametrize(
    "deadline",
    [
        Deadline("date", on=date(2021, 8, 16)),
        Deadline("relative", days=5, working=True),
        Deadline("relative", days=10),
        Deadline("next_day"),
        Deadline("standing", text="на протяжении всего периода"),
    ],
)
def test_json_round_trip(deadline):
    data = deadline.to_json()
    assert Deadline.from_json(data) == deadline
    assert data["kind"] == deadline.kind


def test_json_shape():
    assert Deadline("date", on=date(2021, 8, 16)).to_json() == {"kind": "date", "on": "2021-08-16"}
    assert Deadline("relative", days=5, working=True).to_json() == {"kind": "relative", "days": 5, "working": True}
    assert Deadline("next_day").to_json() == {"kind": "next_day"}


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        {"kind": "soon"},
        {"kind": "date"},
        {"kind": "date", "on": "16.08.2021"},
        {"kind": "date", "on": 20210816},
        {"kind": "date", "on": "0202-08-16"},
        {"kind": "relative", "days": 0, "working": True},
        {"kind": "relative", "days": -3, "working": True},
        {"kind": "relative", "days": 366, "working": False},
        {"kind": "relative", "days": "5", "working": True},
        {"kind": "relative", "days": True, "working": True},
        {"kind": "relative", "days": 5, "working": "да"},
        {"kind": "relative"},
        {"kind": "next_day", "days": 1},
        {"kind": "standing", "text": "постоянно", "on": "2021-08-16"},
        {"kind": "standing", "text": "х" * 301},
    ],
)
def test_from_json_rejects_bad_data(data):
    with pytest.raises(DeadlineError):
        Deadline.from_json(data)


def test_constructor_validates():
    with pytest.raises(DeadlineError, match="от 1 до 365"):
        Deadline("relative", days=0, working=True)
    with pytest.raises(DeadlineError, match="Неизвестный вид срока"):
        Deadline("someday")
    with pytest.raises(DeadlineError):
        Deadline("date", on=date(2021, 8, 16), days=3)


@pytest.mark.parametrize(
    ("deadline", "label"),
    [
        (Deadline("date", on=date(2021, 8, 16), text="до 16 августа 2021 г."), "до 16 августа 2021 г."),
        (
            Deadline("relative", days=5, working=True, text="в течение 5 (пяти) рабочих дней"),
            "в течение 5 (пяти) рабочих дней",
        ),
        (
            Deadline("next_day", text="не позднее следующего дня после ее утверждения"),
            "не позднее следующего дня после ее утверждения",
        ),
    ],
)
def test_a_kept_wording_is_what_the_label_prints(deadline, label):
    assert deadline.label() == label
    assert Deadline.from_json(deadline.to_json()) == deadline
    assert deadline.to_json()["text"] == label


def test_wording_does_not_change_the_due_date():
    cal = ProductionCalendar(overrides={})
    worded = Deadline("relative", days=3, working=True, text="в течение трёх рабочих дней")
    assert worded.resolve(date(2025, 10, 30), cal) == Deadline("relative", days=3, working=True).resolve(
        date(2025, 10, 30), cal
    )
    with pytest.raises(DeadlineError, match="не длиннее 300"):
        Deadline("date", on=date(2021, 8, 16), text="х" * 301)
