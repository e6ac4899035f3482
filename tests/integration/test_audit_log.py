"""Audit trail as people see it: history panel and audit log in Russian, personal data masked
by the viewer's rights on each event, the panel only for "audit.view", CSV without formula
injection, Moscow dates in the filter, an accessible pager."""

import csv
import io
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.blueprints.admin.routes_system import csv_cell
from app.extensions import db
from app.models.audit import AuditEvent
from app.services import audit, org
from tests.conftest import PASSWORD

ANNA = "Смирнова Анна Сергеевна"
ANNA_MASKED = "Смирнова А. С."


def panel(page: str) -> str:
    """The history panel of a record page ('' when it is not rendered)."""
    start = page.find('class="history-panel')
    return page[start : page.index("</section>", start)] if start >= 0 else ""


def rename_anna(make, centre, admin):
    person = make.user(
        ("employee", centre), full_name="Смирнова Анна Петровна", email="anna.old@mail.ru", phone="+7 900 111-22-33"
    )
    org.save(person, {"full_name": ANNA, "email": "anna.smirnova@mail.ru", "phone": "+7 912 345-67-89"}, actor=admin)
    db.session.commit()
    return person


def test_history_panel_masks_personal_values_and_speaks_russian(make, login, client):
    centre = make.centre()
    admin = make.user(("admin", None))
    person = rename_anna(make, centre, admin)
    login(make.user(("federal_coordinator", None)))  # audit.view everywhere, no personal.view

    history = panel(client.get(f"/admin/users/{person.id}").get_data(as_text=True))
    assert "История изменений" in history
    for secret in (
        ANNA,
        "Смирнова Анна Петровна",
        "anna.smirnova@mail.ru",
        "anna.old@mail.ru",
        "345-67-89",
        "111-22-33",
    ):
        assert secret not in history
    assert ANNA_MASKED in history and "Смирнова А. П." in history
    assert "a***@mail.ru" in history and "*** ** 89" in history and "*** ** 33" in history
    assert "ФИО" in history and "Электронная почта" in history and "Телефон" in history
    assert "Данные сотрудника изменены" in history
    for raw in (">full_name<", ">email<", ">phone<", "<code>"):
        assert raw not in history


def signed_in(app, user):
    """A separate browser signed in as `user`."""
    db.session.commit()
    browser = app.test_client()
    assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 303
    return browser


def test_history_panel_unmasked_for_personal_view_and_for_oneself(app, make):
    centre = make.centre()
    admin = make.user(("admin", None))
    person = rename_anna(make, centre, admin)
    history = panel(signed_in(app, admin).get(f"/admin/users/{person.id}").get_data(as_text=True))
    assert ANNA in history and "anna.smirnova@mail.ru" in history and "+7 912 345-67-89" in history

    coordinator = make.user(("federal_coordinator", None), full_name="Координаторов Пётр Ильич")
    org.save(coordinator, {"phone": "+7 901 555-44-33"}, actor=admin)
    browser = signed_in(app, coordinator)
    own = panel(browser.get(f"/admin/users/{coordinator.id}").get_data(as_text=True))
    assert "+7 901 555-44-33" in own  # one's own data is never masked
    assert ANNA not in panel(browser.get(f"/admin/users/{person.id}").get_data(as_text=True))


def test_history_of_a_bare_event_list_needs_audit_view_on_every_event(make):
    centre, other = make.centre(), make.centre()
    director = make.user(("director", centre), centre=centre)
    own = audit.record("centre.update", centre, actor=director, after={"name": "x"})
    foreign = audit.record("centre.update", other, actor=director, after={"name": "y"})
    db.session.flush()
    assert audit.may_view_history(director, [own])
    assert not audit.may_view_history(director, [own, foreign])
    assert not audit.may_view_history(director, [])
    assert audit.may_view_history(director, audit.history(centre))
    assert not audit.may_view_history(director, audit.history(other))


def test_contact_person_name_is_masked_on_centre_page_and_in_audit_log(make, login, client):
    centre = make.centre()
    admin = make.user(("admin", None))
    first = make.user(("responsible_employee", centre), full_name="Контактова Мария Ивановна", centre=centre)
    second = make.user(("responsible_employee", centre), full_name="Связной Олег Павлович", centre=centre)
    org.set_contact(centre, first, date(2026, 1, 10), actor=admin)
    org.set_contact(centre, second, date(2026, 3, 1), actor=admin)
    db.session.commit()
    login(make.user(("federal_coordinator", None)))

    history = panel(client.get(f"/admin/centres/{centre.id}").get_data(as_text=True))
    assert "Ответственное лицо" in history and "Назначено ответственное лицо" in history
    assert "Контактова М. И." in history and "Связной О. П." in history
    assert "Контактова Мария Ивановна" not in history and "Связной Олег Павлович" not in history
    assert ">contact<" not in history

    log = client.get("/admin/audit?action=centre.contact").get_data(as_text=True)
    assert "Связной О. П." in log and "Связной Олег Павлович" not in log


def test_audit_log_masks_by_each_events_scope(make, login, client):
    mine, theirs = make.centre(), make.centre()
    admin = make.user(("admin", None))
    near = make.user(("employee", mine), full_name="Ближнева Ольга Юрьевна", email="near@mail.ru", centre=mine)
    far = make.user(("employee", theirs), full_name="Дальнев Юрий Львович", email="far@mail.ru", centre=theirs)
    org.save(near, {"email": "near.new@mail.ru"}, actor=admin)
    org.save(far, {"email": "far.new@mail.ru"}, actor=admin)
    db.session.commit()
    viewer = make.user(("federal_coordinator", None), ("director", mine), centre=mine)
    login(viewer)

    log = client.get("/admin/audit?object_type=User").get_data(as_text=True)
    assert "Ближнева Ольга Юрьевна" in log and "near.new@mail.ru" in log  # personal.view on this scope
    assert "Дальнев Юрий Львович" not in log and "far.new@mail.ru" not in log and "far@mail.ru" not in log
    assert "Дальнев Ю. Л." in log and "f***@mail.ru" in log
    assert "Данные сотрудника изменены" in log and "Электронная почта" in log and "Сотрудник №" in log
    assert '"email"' not in log  # no raw JSON


def test_csv_cell_neutralises_formulas():
    for dangerous in ("=1+1", "+7 900", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(dangerous) == "'" + dangerous
    assert csv_cell("Курская область") == "Курская область"
    assert csv_cell(12) == "12" and csv_cell(None) == ""


def test_csv_export_is_safe_from_formula_injection_and_masked(make, login, client):
    centre = make.centre()
    admin = make.user(("admin", None))
    evil = make.user(
        ("employee", centre),
        full_name='=HYPERLINK("http://evil.example","жми")',
        email="evil@mail.ru",
        phone="+7 900 000-00-00",
        centre=centre,
    )
    org.save(evil, {"phone": "+7 900 000-00-01", "position": "@SUM(1+1)"}, actor=admin)
    region = make.region(name="-Регион")
    audit.record("region.update", region, actor=admin, before={"name": "=1+1"}, after={"name": "-Регион"})
    db.session.commit()
    login(admin)

    response = client.get("/admin/audit/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert '\'=HYPERLINK("http://evil.example","жми")' in cells
    assert "'-Регион" in cells
    user_row = next(r for r in rows if r[2] == "user.update")
    assert "+7 900 000-00-01" in user_row[7] and "@SUM(1+1)" in user_row[7]  # JSON, unmasked for the admin


def test_date_filter_uses_moscow_days(make, login, client):
    admin = make.user(("admin", None))
    for label, at in (
        ("до-полуночи-4-марта", datetime(2026, 3, 4, 20, 59)),  # 23:59 MSK, 4 March
        ("начало-5-марта", datetime(2026, 3, 4, 21, 0)),  # 00:00 MSK, 5 March
        ("конец-5-марта", datetime(2026, 3, 5, 20, 59, 59, 900000)),  # 23:59:59.9 MSK, 5 March
        ("начало-6-марта", datetime(2026, 3, 5, 21, 0)),  # 00:00 MSK, 6 March
    ):
        db.session.add(AuditEvent(action="test.event", object_type="system", object_label=label, at=at))
    db.session.commit()

    found = db.session.scalars(audit.search(admin, first=date(2026, 3, 5), last=date(2026, 3, 5))).all()
    assert sorted(e.object_label for e in found) == ["конец-5-марта", "начало-5-марта"]
    assert audit.utc_bounds(date(2026, 3, 5), date(2026, 3, 5)) == (datetime(2026, 3, 4, 21), datetime(2026, 3, 5, 21))

    login(admin)
    page = client.get("/admin/audit?date_from=2026-03-05&date_to=2026-03-05").get_data(as_text=True)
    assert "начало-5-марта" in page and "конец-5-марта" in page
    assert "до-полуночи-4-марта" not in page and "начало-6-марта" not in page


def test_bad_filter_dates_are_reported_next_to_the_field_not_flashed(make, login, client):
    login(make.user(("admin", None)))
    response = client.get("/admin/audit?date_from=вчера&date_to=2026-13-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="date_from-error"' in page and 'id="date_to-error"' in page
    assert page.count("Дата должна быть в формате ГГГГ-ММ-ДД.") == 2
    assert 'aria-invalid="true"' in page
    with client.session_transaction() as session:
        assert not session.get("_flashes")

    page = client.get("/admin/audit?date_from=2026-03-05&date_to=2026-03-01").get_data(as_text=True)
    assert "не может быть раньше" in page

    extreme = client.get("/admin/audit?date_from=0001-01-01&date_to=9999-12-31")
    assert extreme.status_code == 200 and "Дата должна быть" not in extreme.get_data(as_text=True)

    assert client.get("/admin/audit/export.csv?date_from=вчера").status_code == 400
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.export")) is None


@pytest.mark.parametrize(("page_no", "disabled", "enabled"), [(1, "Назад", "Вперёд"), (2, "Вперёд", "Назад")])
def test_pager_disabled_steps_are_spans(make, login, client, page_no, disabled, enabled):
    login(make.user(("admin", None)))
    db.session.add_all(AuditEvent(action="test.event", object_type="system", object_label=f"e{i}") for i in range(60))
    db.session.commit()
    page = client.get(f"/admin/audit?action=test.&page={page_no}").get_data(as_text=True)
    assert f'<span class="page-link">{disabled}</span>' in page
    assert f">{enabled}</a>" in page
    assert 'href="#"' not in page and 'aria-disabled="true"' not in page
    assert f'<span class="page-link" aria-current="page">{page_no}</span>' in page
