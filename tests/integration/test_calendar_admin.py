"""The administrator's exceptions to the production calendar change deadlines; others may not set them."""

from datetime import date

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.calendar import CalendarOverride
from app.services import calendar


def test_admin_makes_a_weekday_a_day_off_and_removes_it(make, login, client):
    login(make.user(("admin", None)))
    assert calendar.add_working_days(date(2025, 10, 27), 1) == date(2025, 10, 28)
    response = client.post(
        "/admin/calendar", data={"day": "2025-10-28", "is_working": "0", "note": "Региональный праздник"}
    )
    assert response.status_code == 303
    assert calendar.add_working_days(date(2025, 10, 27), 1) == date(2025, 10, 29)
    page = client.get("/admin/calendar?year=2025").get_data(as_text=True)
    assert "Региональный праздник" in page and "выходной" in page
    assert db.session.query(AuditEvent).filter_by(action="calendar.override").count() == 1
    assert client.post("/admin/calendar/2025-10-28/delete").status_code == 303
    assert db.session.query(CalendarOverride).count() == 0
    assert calendar.add_working_days(date(2025, 10, 27), 1) == date(2025, 10, 28)


def test_bad_input_and_foreign_admins(make, login, client):
    login(make.user(("admin", make.region())))
    assert client.get("/admin/calendar").status_code == 403
    assert client.post("/admin/calendar", data={"day": "2025-10-28", "is_working": "0"}).status_code == 403
    client.post("/logout")
    login(make.user(("admin", None)))
    page = client.post("/admin/calendar", data={"day": "не дата", "is_working": "0"}).get_data(as_text=True)
    assert "Not a valid date" not in page and db.session.query(CalendarOverride).count() == 0
    assert client.post("/admin/calendar/2025-13-45/delete").status_code == 404
    assert client.get("/admin/calendar?year=99999").status_code == 200
