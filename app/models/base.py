"""Shared column helpers: timestamps, scope columns, personal-data declaration, search text."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    """Naive UTC now; Flask-Babel renders naive datetimes as UTC in Europe/Moscow."""
    return datetime.now(UTC).replace(tzinfo=None)


MOSCOW = ZoneInfo("Europe/Moscow")
FIRST_YEAR, LAST_YEAR = 2000, 2100  # dates people type (meetings, deadlines) outside these years are typos


def year_problem(day: date | None) -> str | None:
    """A date people typed lies within FIRST_YEAR–LAST_YEAR: «20266» or «0202» is a typo."""
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        return f"Укажите дату с годом от {FIRST_YEAR} до {LAST_YEAR}."
    return None


def today() -> date:
    """Today's date in Moscow, the zone deadlines are counted in."""
    return datetime.now(MOSCOW).date()


def personal(*args, subject: str = "employee", **kwargs):
    """A column holding personal data (152-ФЗ) of an employee or a client.

    The declaration drives masking in lists, exports and the API, audit of views, and
    anonymisation of expired client data.
    """
    info = kwargs.pop("info", {})
    info["personal"] = subject
    return mapped_column(*args, info=info, **kwargs)


def personal_columns(model, subject: str | None = None) -> list[str]:
    """Names of the columns a model declares as personal data."""
    return [
        c.key
        for c in model.__table__.columns
        if c.info.get("personal") and (subject is None or c.info["personal"] == subject)
    ]


def normalise(text: str | None) -> str:
    """Case- and ё/е-insensitive form used for search."""
    return (text or "").lower().replace("ё", "е").strip()


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ScopedMixin:
    """A record that belongs to a region and optionally a centre (both empty = federation)."""

    @declared_attr
    def region_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("region.id"), index=True)

    @declared_attr
    def centre_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("centre.id"), index=True)


SEARCH_TEXT_LENGTH = 2000


class SearchableMixin:
    """Keeps `search_text` (normalised) in step with the fields named in `__search_fields__`."""

    __search_fields__: tuple[str, ...] = ()
    # only ever searched, never shown: not loaded with the record
    search_text: Mapped[str] = mapped_column(String(SEARCH_TEXT_LENGTH), default="", deferred=True)

    def refresh_search_text(self) -> None:
        parts = []
        for name in self.__search_fields__:
            value = getattr(self, name)
            parts.extend(value if isinstance(value, list) else [value])
        # a long description is searched by its beginning: the column is bounded on PostgreSQL
        self.search_text = normalise(" ".join(str(p) for p in parts if p))[:SEARCH_TEXT_LENGTH]


@event.listens_for(SearchableMixin, "before_insert", propagate=True)
@event.listens_for(SearchableMixin, "before_update", propagate=True)
def _refresh_search_text(mapper, connection, target) -> None:
    target.refresh_search_text()
