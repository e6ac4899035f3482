"""Production calendar: admin overrides of working days and days off."""

import datetime

from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class CalendarOverride(db.Model):
    """Исключение производственного календаря: a working day or a day off set by an admin.

    Wins over the library calendar for its date (a late government decree, a regional holiday).
    """

    __tablename__ = "calendar_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[datetime.date] = mapped_column(Date, unique=True)
    is_working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)

    created_by = relationship("User")

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}"
