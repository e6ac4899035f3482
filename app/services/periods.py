"""Measurement periods: calendar quarters keyed «2026-Q4» (the pilot compared quarters, seed 003 l. 799)."""

import re
from datetime import date

from app.models.base import FIRST_YEAR, LAST_YEAR, today

_KEY = re.compile(r"^([0-9]{4})-Q([1-4])$")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_of(day: date | None = None) -> str:
    """The quarter a day falls in (today in Moscow by default)."""
    day = day or today()
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def parse(key: str) -> tuple[int, int] | None:
    """(year, quarter) of a well-formed key of a year people mean (FIRST_YEAR–LAST_YEAR), else None."""
    match = _KEY.match(key or "")
    if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        return None
    return int(match[1]), int(match[2])


def bounds(key: str) -> tuple[date, date]:
    """First and last day of the quarter."""
    year, quarter = parse(key)
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def previous(key: str) -> str:
    year, quarter = parse(key)
    return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"


def recent(key: str, count: int) -> list[str]:
    """`count` periods ending with `key`, oldest first."""
    keys = [key]
    while len(keys) < count:
        keys.append(previous(keys[-1]))
    return keys[::-1]


def label(key: str) -> str:
    """«IV квартал 2026»."""
    parsed = parse(key)
    if parsed is None:
        return key
    return f"{_ROMAN[parsed[1]]} квартал {parsed[0]}"
