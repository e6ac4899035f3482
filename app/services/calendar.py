"""Production calendar (производственный календарь) and deadlines (сроки) of decisions and tasks.

Working days come from the `holidays` library's Russia calendar, which knows public holidays
and the government's transfers of days off (a Saturday made a working day, a weekday made a
day off). `CalendarOverride` rows entered by admins win over it: a decree the installed
library does not know yet, or a regional holiday.

Counting follows the Civil Code (ГК РФ, ст. 191, 193): a term starts the day after its anchor
event, and a deadline that falls on a day off moves to the next working day.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select

from app.extensions import db
from app.models.calendar import CalendarOverride
from app.services import audit

MAX_DAYS = 365  # a relative deadline longer than a year is a typing error, not a decision
MAX_TEXT = 300  # a standing deadline's wording, an override's note


class CalendarError(ValueError):
    """A calendar input is invalid; the message is for the user."""


class DeadlineError(CalendarError):
    """A deadline could not be read or is invalid; the message is for the user."""


@lru_cache(maxsize=64)
def _library_days_off(year: int) -> frozenset[date]:
    """Days off of `year` by the library: weekends and holidays, minus transferred working days.

    Neighbour years are loaded too, so a transfer decreed in one year for a day of the next is seen.
    """
    library = holidays.Russia(years=range(max(year - 1, MINYEAR), min(year + 1, MAXYEAR) + 1))
    first = date(year, 1, 1)
    days = (date(year, 12, 31) - first).days + 1
    return frozenset(d for d in (first + timedelta(i) for i in range(days)) if not library.is_working_day(d))


def _load_overrides(year: int) -> dict[date, bool]:
    rows = db.session.execute(
        select(CalendarOverride.date, CalendarOverride.is_working).where(
            CalendarOverride.date.between(date(year, 1, 1), date(year, 12, 31))
        )
    )
    return dict(rows.all())


class ProductionCalendar:
    """The library calendar with admin overrides on top.

    A snapshot: overrides are read from the database once per year it touches, or given as a
    mapping (pure calculations, batch jobs). Make a new one to see later changes.
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None):
        self._given = overrides
        self._loaded: dict[int, dict[date, bool]] = {}

    def _overrides(self, year: int) -> Mapping[date, bool]:
        if self._given is not None:
            return self._given
        if year not in self._loaded:
            self._loaded[year] = _load_overrides(year)
        return self._loaded[year]

    def is_working_day(self, day: date) -> bool:
        override = self._overrides(day.year).get(day)
        if override is not None:
            return override
        return day not in _library_days_off(day.year)

    def next_working_day_on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The `n`-th working day after `start` («в течение n рабочих дней»); `start` is not counted."""
        if n < 1:
            raise ValueError("n must be positive")
        day = start
        for _ in range(n):
            day = self.next_working_day_on_or_after(day + timedelta(days=1))
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative when b is before a."""
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + timedelta(i)) for i in range(1, (b - a).days + 1))


def is_working_day(day: date) -> bool:
    return ProductionCalendar().is_working_day(day)


def shift_to_working_day(day: date) -> date:
    """A calendar-day deadline that falls on a day off moves to the next working day (ГК РФ, ст. 193)."""
    return ProductionCalendar().next_working_day_on_or_after(day)


def add_working_days(start: date, n: int) -> date:
    """The `n`-th working day after `start` («в течение n рабочих дней»); `start` is not counted."""
    return ProductionCalendar().add_working_days(start, n)


def working_days_between(a: date, b: date) -> int:
    """Working days in (a, b]; negative when b is before a (days of delay: deadline → today)."""
    return ProductionCalendar().working_days_between(a, b)


def set_override(day: date, is_working: bool, note: str = "", actor=None) -> CalendarOverride:
    """Make `day` a working day or a day off whatever the library says; audited."""
    note = note.strip()
    if len(note) > MAX_TEXT:
        raise CalendarError(f"Примечание — не длиннее {MAX_TEXT} символов.")
    override = db.session.scalar(select(CalendarOverride).where(CalendarOverride.date == day))
    is_new = override is None
    if is_new:
        override = CalendarOverride(date=day, created_by_id=getattr(actor, "id", None))
        db.session.add(override)
    before = None if is_new else audit.snapshot(override, ("is_working", "note"))
    override.is_working = bool(is_working)
    override.note = note
    db.session.flush()
    after = audit.snapshot(override, ("is_working", "note"))
    if before != after:
        audit.record("calendar.override", override, before=before, after=after, actor=actor)
    return override


def remove_override(day: date, actor=None) -> None:
    """Return `day` to the library calendar; audited. Nothing happens if it had no override."""
    override = db.session.scalar(select(CalendarOverride).where(CalendarOverride.date == day))
    if override is None:
        return
    audit.record(
        "calendar.override_remove", override, before=audit.snapshot(override, ("is_working", "note")), actor=actor
    )
    db.session.delete(override)
    db.session.flush()


# Deadlines

KINDS = ("date", "relative", "next_day", "standing")
_FIELDS = {"date": {"on", "text"}, "relative": {"days", "working", "text"}, "next_day": {"text"}, "standing": {"text"}}
ACCEPTED_FORMS = (
    "«16.08.2021», «до 16.08.2021», «Срок – 06.09.2021», «до 16 августа 2021 г.», "
    "«в течение 5 рабочих дней», «в течение 10 календарных дней», «10 дней», "
    "«не позднее следующего дня после утверждения», «постоянно», «на протяжении всего периода …»"
)


def _ru_date(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


@dataclass(frozen=True)
class Deadline:
    """Срок: as a decision states it.

    Kinds: `date` (a calendar date, «до 16.08.2021»), `relative` (`days` working or calendar
    days after the anchor event, e.g. approval of the protocol), `next_day` (the next working day
    after the anchor), `standing` (no date: «постоянно»).

    `text`, for any kind, is the wording as the protocol states it («до 16 августа 2021 г.»,
    «в течение 5 (пяти) рабочих дней»): the label prints it, so the protocol keeps its source's
    words; without it the label is generated from the kind.
    """

    kind: str
    on: date | None = None
    days: int | None = None
    working: bool = False
    text: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise DeadlineError(f"Неизвестный вид срока «{self.kind}».")
        used = _FIELDS[self.kind]
        defaults = {"on": None, "days": None, "working": False, "text": ""}
        stray = [name for name, default in defaults.items() if name not in used and getattr(self, name) != default]
        if stray:
            raise DeadlineError(f"Для срока вида «{self.kind}» не указываются поля: {', '.join(stray)}.")
        if self.kind == "date":
            if not isinstance(self.on, date) or isinstance(self.on, datetime):
                raise DeadlineError("Укажите дату срока.")
            first, last = holidays.Russia.start_year, holidays.Russia.end_year
            if not first <= self.on.year <= last:
                raise DeadlineError(f"Дата срока должна быть между {first} и {last} годом.")
        if self.kind == "relative":
            if isinstance(self.days, bool) or not isinstance(self.days, int) or not 1 <= self.days <= MAX_DAYS:
                raise DeadlineError(f"Число дней должно быть целым, от 1 до {MAX_DAYS}.")
            if not isinstance(self.working, bool):
                raise DeadlineError("Укажите, рабочие это дни или календарные.")
        if not isinstance(self.text, str) or len(self.text) > MAX_TEXT:
            raise DeadlineError(f"Описание срока — текст не длиннее {MAX_TEXT} символов.")

    def resolve(self, anchor: date | None, calendar: ProductionCalendar | None = None) -> date | None:
        """The due date; None for a standing deadline, or a relative one without its anchor date."""
        if self.kind == "standing" or (self.kind != "date" and anchor is None):
            return None
        calendar = calendar or ProductionCalendar()
        if self.kind == "date":
            return calendar.next_working_day_on_or_after(self.on)
        if self.kind == "next_day":
            return calendar.add_working_days(anchor, 1)
        if self.working:
            return calendar.add_working_days(anchor, self.days)
        return calendar.next_working_day_on_or_after(anchor + timedelta(days=self.days))

    def label(self) -> str:
        """The deadline as a protocol prints it: its wording when kept, else generated from the kind."""
        if self.text:
            return self.text
        if self.kind == "date":
            return f"до {_ru_date(self.on)}"
        if self.kind == "next_day":
            return "не позднее следующего рабочего дня после утверждения"
        if self.kind == "standing":
            return "постоянно"
        one = self.days % 10 == 1 and self.days % 100 != 11
        if self.working:
            unit = "рабочего дня" if one else "рабочих дней"
        else:
            unit = "календарного дня" if one else "календарных дней"
        return f"в течение {self.days} {unit}"

    def to_json(self) -> dict:
        data: dict = {"kind": self.kind}
        if self.kind == "date":
            data["on"] = self.on.isoformat()
        elif self.kind == "relative":
            data.update(days=self.days, working=self.working)
        if self.text or self.kind == "standing":
            data["text"] = self.text
        return data

    @classmethod
    def from_json(cls, data) -> "Deadline":
        if not isinstance(data, dict) or "kind" not in data:
            raise DeadlineError("Некорректные данные срока.")
        kind = data["kind"]
        if kind not in KINDS:
            raise DeadlineError(f"Неизвестный вид срока «{kind}».")
        extra = set(data) - _FIELDS[kind] - {"kind"}
        if extra:
            raise DeadlineError(f"Для срока вида «{kind}» не указываются поля: {', '.join(sorted(extra))}.")
        values = dict(data)
        if kind == "date":
            on = data.get("on")
            try:
                values["on"] = date.fromisoformat(on)
            except (TypeError, ValueError):
                raise DeadlineError(f"Некорректная дата срока «{on}».") from None
        return cls(**values)


_MONTH_NAMES = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
# Patterns match text after `_normalised`: lower case, е for ё, one kind of dash, single spaces.
_PREFIX = r"(?:срок\s*[-:]?\s*)?"
_ANCHOR = (
    r"(?:\s+(?:с|со|после|от)\s+(?:(?:даты|дня|момента)\s+)?(?:(?:ее|его|их)\s+)?"
    r"(?:утверждения|подписания)(?:\s+протокола)?)?"
)
_DATE = re.compile(
    _PREFIX
    + r"(?:в\s+срок\s+)?(?:до\s+|не\s+позднее\s+)?"
    + r"(?:(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"
    + rf"|(?P<dd>\d{{1,2}})\s+(?P<mm>{'|'.join(_MONTHS)})\s+(?P<yy>\d{{4}}))"
    + r"(?:\s*(?:г|года?)\.?)?"
)
_RELATIVE = re.compile(
    _PREFIX
    + r"(?:в\s+течение\s+)?(?P<days>\d{1,6})(?:\s*\([а-я\s-]+\))?"
    + r"\s+(?:(?P<unit>рабоч|календарн)[а-я]*\s+)?(?:день|дня|дней)"
    + _ANCHOR
)
_NEXT_DAY = re.compile(
    _PREFIX + r"(?:не\s+позднее\s+|на\s+)?следующ(?:его|ий)\s+(?:рабоч(?:его|ий)\s+)?дн(?:я|ь)" + _ANCHOR
)
_STANDING = re.compile(
    _PREFIX
    + r"(?:постоянно|на\s+постоянной\s+основе|(?:на\s+протяжении|в\s+течение)\s+всего\s+(?:периода|срока|года)\b.*)"
)


def _normalised(text: str) -> str:
    text = text.lower().replace("ё", "е").replace("\xa0", " ")
    text = re.sub(r"[‐‑‒–—−]", "-", text)
    return re.sub(r"\s+", " ", text).strip().rstrip(".;, ")


def parse_deadline(text: str) -> Deadline:
    """Read a deadline as a secretary types it; unknown wording raises `DeadlineError`."""
    cleaned = _normalised(text or "")
    if not cleaned:
        raise DeadlineError("Укажите срок.")
    if match := _DATE.fullmatch(cleaned):
        if match["d"]:
            day, month, year = int(match["d"]), int(match["m"]), int(match["y"])
        else:
            day, month, year = int(match["dd"]), _MONTHS[match["mm"]], int(match["yy"])
        try:
            return Deadline("date", on=date(year, month, day))
        except ValueError:
            raise DeadlineError(f"Такой даты нет: «{text.strip()}».") from None
    if match := _RELATIVE.fullmatch(cleaned):
        return Deadline("relative", days=int(match["days"]), working=match["unit"] == "рабоч")
    if _NEXT_DAY.fullmatch(cleaned):
        return Deadline("next_day")
    if _STANDING.fullmatch(cleaned):
        wording = re.sub(r"^срок\s*[-‐‑‒–—−:]?\s*", "", " ".join(text.split()), flags=re.IGNORECASE)
        return Deadline("standing", text=wording.rstrip(".;, "))
    raise DeadlineError(f"Не удалось распознать срок «{text.strip()[:100]}». Допустимые формы: {ACCEPTED_FORMS}.")
