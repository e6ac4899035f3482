"""Reading JSON request bodies of API v1: types and formats, each error naming its field.

Only the shape of the input is checked here; the rules (who may do what, which status may
follow which) stay in the services.
"""

import re
from datetime import date

from flask import request

from app.blueprints.api.routes import ApiError
from app.blueprints.listing import MAX_ID
from app.models.base import FIRST_YEAR, LAST_YEAR

MAX_PEOPLE = 100  # co-executors or watchers in one request
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MISSING = object()


def body(allowed: set[str], hints: dict[str, str] | None = None) -> dict:
    """The request's JSON object; a field outside `allowed` is refused (a typo must not pass silently).

    `hints` explain known fields that belong elsewhere, e.g. a status in an update.
    """
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "Тело запроса должно быть объектом JSON (заголовок Content-Type: application/json).")
    for name in data:
        if hints and name in hints:
            raise ApiError(400, f"Поле {name}: {hints[name]}", name)
        if name not in allowed:
            raise ApiError(400, f"Неизвестное поле {name}. Допустимые поля: {', '.join(sorted(allowed))}.", name)
    return data


def bad(name: str, text: str) -> ApiError:
    """A 400 naming the field; a service's message («Не удалось …») reads on after the colon."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return ApiError(400, f"Поле {name}: {text}", name)


def text(data: dict, name: str, max_length: int, required: bool = False, blank: bool = True, one_line: bool = False):
    """A string field, stripped (whitespace runs collapsed if `one_line`); MISSING if absent.

    `required`: the field must be present; `blank`: it may be empty (null counts as empty).
    """
    if name not in data:
        if required:
            raise bad(name, "обязательное поле.")
        return MISSING
    value = "" if data[name] is None else data[name]
    if not isinstance(value, str):
        raise bad(name, "ожидается строка.")
    if "\x00" in value:  # JSON allows \u0000; no database text column does
        raise bad(name, "содержит недопустимый символ NUL (\\u0000).")
    value = " ".join(value.split()) if one_line else value.strip()
    if not value and not blank:
        raise bad(name, "не может быть пустым.")
    if len(value) > max_length:
        raise bad(name, f"не длиннее {max_length} символов.")
    return value


def record_id(data: dict, name: str, nullable: bool = False, required: bool = False):
    """A record id (positive integer) or, if `nullable`, null; MISSING if absent."""
    if name not in data:
        if required:
            raise bad(name, "обязательное поле.")
        return MISSING
    value = data[name]
    if value is None:
        if nullable:
            return None
        raise bad(name, "ожидается идентификатор (целое положительное число).")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise bad(name, "ожидается идентификатор (целое положительное число).")
    return value


def record_ids(data: dict, name: str):
    """A list of record ids without repeats, order kept; MISSING if absent."""
    if name not in data:
        return MISSING
    value = data[name]
    if value is None:
        return []
    if not isinstance(value, list) or any(
        isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_ID for v in value
    ):
        raise bad(name, "ожидается список идентификаторов (целых положительных чисел).")
    if len(value) > MAX_PEOPLE:
        raise bad(name, f"не больше {MAX_PEOPLE} человек.")
    return list(dict.fromkeys(value))


def boolean(data: dict, name: str):
    if name not in data:
        return MISSING
    if not isinstance(data[name], bool):
        raise bad(name, "ожидается true или false.")
    return data[name]


def iso_date(data: dict, name: str, nullable: bool = True):
    """A date as ГГГГ-ММ-ДД with a year FIRST_YEAR–LAST_YEAR, or null if `nullable`; MISSING if absent."""
    if name not in data:
        return MISSING
    value = data[name]
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise bad(name, "дата в формате ГГГГ-ММ-ДД, например 2026-03-05.")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise bad(name, f"такой даты нет: {value}.") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise bad(name, f"год — от {FIRST_YEAR} до {LAST_YEAR}.")
    return day


def choice(data: dict, name: str, options, nullable: bool = False):
    """One of `options` (a dict's keys or a sequence); MISSING if absent."""
    if name not in data:
        return MISSING
    value = data[name]
    if value is None and nullable:
        return None
    if not isinstance(value, str) or value not in options:
        raise bad(name, f"одно из значений: {', '.join(options)}.")
    return value


def whole_number(data: dict, name: str, low: int, high: int, nullable: bool = True):
    if name not in data:
        return MISSING
    value = data[name]
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad(name, f"целое число от {low} до {high}.")
    return value
