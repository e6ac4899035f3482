"""Admin overrides of the production calendar, stored in the database, change deadline arithmetic."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.calendar import CalendarOverride
from app.services import calendar
from app.services.calendar import Deadline


def test_overrides_make_a_weekday_off_and_a_saturday_working(app, make):
    admin = make.user(("admin", None))
    start = date(2025, 10, 30)
    assert calendar.add_working_days(start, 3) == date(2025, 11, 5)

    calendar.set_override(date(2025, 11, 5), False, "Региональный праздник", actor=admin)
    assert not calendar.is_working_day(date(2025, 11, 5))
    assert calendar.add_working_days(start, 3) == date(2025, 11, 6)

    calendar.set_override(date(2025, 10, 25), True, " Рабочая суббота ", actor=admin)
    assert calendar.is_working_day(date(2025, 10, 25))
    assert calendar.add_working_days(date(2025, 10, 24), 1) == date(2025, 10, 25)
    assert calendar.shift_to_working_day(date(2025, 10, 25)) == date(2025, 10, 25)
    assert calendar.working_days_between(date(2025, 10, 24), date(2025, 11, 6)) == 8
    assert Deadline("relative", days=3, working=True).resolve(start) == date(2025, 11, 6)

    saturday = db.session.scalar(select(CalendarOverride).where(CalendarOverride.date == date(2025, 10, 25)))
    assert (saturday.is_working, saturday.note, saturday.created_by_id) == (True, "Рабочая суббота", admin.id)


def test_changing_and_removing_an_override_is_audited(app, make):
    admin = make.user(("admin", None))
    day = date(2025, 11, 1)  # a working Saturday by the 2025 decree
    assert calendar.is_working_day(day)

    calendar.set_override(day, False, actor=admin)
    calendar.set_override(day, False, actor=admin)  # nothing changed: no event
    calendar.set_override(day, False, "Перенос отменён", actor=admin)
    with pytest.raises(calendar.CalendarError):
        calendar.set_override(day, True, "х" * 301, actor=admin)
    assert not calendar.is_working_day(day)
    assert db.session.scalar(select(db.func.count()).select_from(CalendarOverride)) == 1

    calendar.remove_override(day, actor=admin)
    calendar.remove_override(day, actor=admin)
    assert calendar.is_working_day(day)

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "CalendarOverride").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["calendar.override", "calendar.override", "calendar.override_remove"]
    assert events[1].before == {"is_working": False, "note": ""}
    assert events[1].after == {"is_working": False, "note": "Перенос отменён"}
    assert {e.actor_id for e in events} == {admin.id}
    assert events[0].object_label == "01.11.2025"
