"""Admin screens for the organisation: validation, search, roles, contacts, passwords, audit."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.mail import OutboxMessage
from app.models.org import Centre, ContactAssignment, Region, RoleAssignment, User


def test_region_create_validates_and_audits(make, login, client):
    login(make.user(("admin", None)))
    page = client.post("/admin/regions/new", data={"name": "", "network_type": "centralised"}).get_data(as_text=True)
    assert "Обязательное поле" in page and db.session.scalar(select(Region)) is None
    response = client.post(
        "/admin/regions/new",
        data={
            "name": "Ямало-Ненецкий автономный округ",
            "aliases": "ЯНАО; Ямало-Ненецкий АО",
            "authority_name": "Департамент занятости",
            "network_type": "centralised",
        },
    )
    assert response.status_code == 303
    region = db.session.scalar(select(Region))
    assert region.aliases == ["ЯНАО", "Ямало-Ненецкий АО"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "region.create"))
    assert event.after["name"] == "Ямало-Ненецкий автономный округ"
    page = client.post(
        "/admin/regions/new", data={"name": "Ямало-Ненецкий автономный округ", "network_type": "centralised"}
    ).get_data(as_text=True)
    assert "уже есть" in page and db.session.query(Region).count() == 1


def test_regional_admin_cannot_create_regions(make, login, client):
    login(make.user(("admin", make.region())))
    assert client.post("/admin/regions/new", data={"name": "Новая", "network_type": "centralised"}).status_code == 403


def test_search_ignores_case_and_yo(make, login, client):
    region = make.region("Орловская область")
    make.centre(region, "ЦЗН Семёновского района", aliases=["Семеновский ЦЗН"])
    make.centre(region, "ЦЗН Ливен")
    login(make.user(("admin", None)))
    for q in ["семеновск", "СЕМЁНОВСК", "семёновский цзн"]:
        page = client.get(f"/admin/centres?q={q}").get_data(as_text=True)
        assert "ЦЗН Семёновского района" in page and "ЦЗН Ливен" not in page, q
    page = client.get("/admin/regions?q=ОРЛОВ").get_data(as_text=True)
    assert "Орловская область" in page


def test_list_partial_for_htmx_and_pagination(make, login, client):
    region = make.region()
    for i in range(30):
        make.centre(region, f"Центр {i:02d}")
    login(make.user(("admin", None)))
    partial = client.get("/admin/centres?q=центр", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in partial and 'id="results"' in partial and "Всего: 30" in partial
    page2 = client.get("/admin/centres?page=2&sort=-name").get_data(as_text=True)
    assert "Центр 04" in page2 and "Центр 29" not in page2


def test_centre_branch_must_be_in_same_region(make, login, client):
    a, b = make.region(), make.region()
    parent = make.centre(b)
    login(make.user(("admin", None)))
    page = client.post(
        "/admin/centres/new", data={"name": "Филиал", "region_id": a.id, "parent_id": parent.id}
    ).get_data(as_text=True)
    assert "того же региона" in page and db.session.query(Centre).count() == 1


def test_user_create_invites_and_rejects_duplicates(make, login, client):
    centre = make.centre()
    department = make.department(centre, "Отдел трудоустройства")
    login(make.user(("admin", None), email="boss@test.ru"))
    data = {
        "full_name": "  Петрова   Мария Ивановна ",
        "position": "Инспектор",
        "email": "Petrova@Test.ru",
        "phone": "+7 (831) 000-11-22",
        "department_id": department.id,
        "active": "y",
        "invite": "y",
    }
    assert client.post("/admin/users/new", data=data).status_code == 303
    user = db.session.scalar(select(User).where(User.email == "petrova@test.ru"))
    assert user.full_name == "Петрова Мария Ивановна" and user.centre_id == centre.id
    assert user.region_id == centre.region_id and user.password_hash is None
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "petrova@test.ru"))
    assert mail.subject == "Приглашение в cxm" and "/reset/" in mail.body
    page = client.post("/admin/users/new", data={**data, "email": "PETROVA@test.ru"}).get_data(as_text=True)
    assert "уже есть" in page
    page = client.post("/admin/users/new", data={**data, "email": "не-почта", "phone": "звоните"}).get_data(
        as_text=True
    )
    assert "Неверный адрес электронной почты" in page and "Телефон: цифры" in page
    assert db.session.query(User).count() == 2


def test_invitation_link_sets_password_once(make, login, client):
    login(make.user(("admin", None)))
    client.post(
        "/admin/users/new", data={"full_name": "Новиков Олег", "email": "novikov@test.ru", "invite": "y", "active": "y"}
    )
    client.post("/logout")
    link = re.search(r"/reset/\S+", db.session.scalar(select(OutboxMessage)).body).group(0)
    page = client.post(link, data={"password": "короткий", "confirm": "короткий"}).get_data(as_text=True)
    assert "не короче 10" in page
    assert client.post(link, data={"password": "Надёжный-пароль-1", "confirm": "Надёжный-пароль-1"}).status_code == 303
    assert client.get(link).status_code == 404  # used once
    response = client.post("/login", data={"email": "novikov@test.ru", "password": "Надёжный-пароль-1"})
    assert response.status_code == 303


def test_roles_granted_within_scope_only(make, login, client):
    region, other = make.region(), make.region()
    centre, foreign_centre = make.centre(region), make.centre(other)
    person = make.user(("employee", centre), centre=centre)
    login(make.user(("admin", region), region=region))
    client.post(f"/admin/users/{person.id}/roles", data={"role": "director", "scope": f"centre:{centre.id}"})
    client.post(f"/admin/users/{person.id}/roles", data={"role": "director", "scope": f"centre:{centre.id}"})
    client.post(f"/admin/users/{person.id}/roles", data={"role": "admin", "scope": "federation"})
    client.post(f"/admin/users/{person.id}/roles", data={"role": "admin", "scope": f"centre:{foreign_centre.id}"})
    db.session.expire_all()
    assert sorted(r.role for r in person.roles) == ["director", "employee"]
    director = next(r for r in person.roles if r.role == "director")
    client.post(f"/admin/users/{person.id}/roles/{director.id}/delete")
    db.session.expire_all()
    assert [r.role for r in person.roles] == ["employee"]
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("role.grant") == 1 and actions.count("role.revoke") == 1


def test_replacing_contact_person_keeps_history(make, login, client):
    centre = make.centre()
    first = make.user(("responsible_employee", centre), centre=centre)
    second = make.user(("responsible_employee", centre), centre=centre)
    login(make.user(("admin", None)))
    client.post(f"/admin/centres/{centre.id}/contact", data={"user_id": first.id, "valid_from": "2026-01-10"})
    client.post(f"/admin/centres/{centre.id}/contact", data={"user_id": second.id, "valid_from": "2026-03-01"})
    rows = db.session.scalars(select(ContactAssignment).order_by(ContactAssignment.id)).all()
    assert [(r.user_id, str(r.valid_to)) for r in rows] == [(first.id, "2026-03-01"), (second.id, "None")]
    page = client.get(f"/admin/centres/{centre.id}").get_data(as_text=True)
    assert "Прежние ответственные" in page and "История изменений" in page


def test_department_add_rejects_duplicates(make, login, client):
    centre = make.centre()
    login(make.user(("admin", None)))
    client.post(f"/admin/centres/{centre.id}/departments", data={"name": "Отдел кадров"})
    client.post(f"/admin/centres/{centre.id}/departments", data={"name": "отдел кадров"})
    client.post(f"/admin/centres/{centre.id}/departments", data={"name": ""})
    db.session.expire_all()
    assert [d.name for d in centre.departments] == ["Отдел кадров"]


def test_admin_issued_reset_and_password_change(make, login, client):
    centre = make.centre()
    person = make.user(("employee", centre), centre=centre)
    login(make.user(("admin", None)))
    client.post(f"/admin/users/{person.id}/reset")
    message = db.session.scalar(select(OutboxMessage))
    assert "Сброс пароля" in message.subject
    client.post("/logout")
    link = re.search(r"http://[^/]+(/reset/\S+)", message.body).group(1)
    data = {"password": "Сброшенный-2026", "confirm": "Сброшенный-2026"}
    assert client.post(link, data=data).status_code == 303
    login(person, "Сброшенный-2026")
    page = client.post(
        "/account/password",
        data={"current": "неверный", "password": "Новый-пароль-2026", "confirm": "Новый-пароль-2026"},
    ).get_data(as_text=True)
    assert "Текущий пароль введён неверно" in page
    response = client.post(
        "/account/password",
        data={"current": "Сброшенный-2026", "password": "Новый-пароль-2026", "confirm": "Новый-пароль-2026"},
    )
    assert response.status_code == 303
    db.session.refresh(person)
    assert person.check_password("Новый-пароль-2026")


def test_audit_log_export_and_history_panel(make, login, client):
    admin = make.user(("admin", None))
    login(admin)
    client.post("/admin/regions/new", data={"name": "Курская область", "network_type": "decentralised"})
    region = db.session.scalar(select(Region))
    client.post(f"/admin/regions/{region.id}/edit", data={"name": "Курская обл.", "network_type": "decentralised"})
    page = client.get(f"/admin/regions/{region.id}").get_data(as_text=True)
    assert "Курская область" in page and "Курская обл." in page  # before → after in the history panel
    response = client.get("/admin/audit/export.csv?action=region.")
    body = response.data.decode("utf-8-sig")
    assert response.mimetype == "text/csv" and "region.create" in body and "region.update" in body
    assert "auth.login" not in body
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.export"))
    assert "Дата должна быть" in client.get("/admin/audit?date_from=вчера").get_data(as_text=True)


def test_demo_load_is_idempotent(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = [db.session.query(m).count() for m in (Region, Centre, User, RoleAssignment)]
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert [db.session.query(m).count() for m in (Region, Centre, User, RoleAssignment)] == counts
    assert counts[:2] == [13, 26]
    unnamed = db.session.scalars(select(Centre).where(Centre.name_unknown_in_source.is_(True))).all()
    assert len(unnamed) == 1 and unnamed[0].region.name == "Нижегородская область"
    nizhny = db.session.scalar(select(Region).where(Region.name == "Нижегородская область"))
    assert {c.name for c in nizhny.centres} >= {
        "ГКУ ЦЗН города Нижнего Новгорода",
        "ГКУ ЦЗН Павловского района",
        "ГКУ ЦЗН Сергачского района",
    }
    assert "director@demo.cxm" in first.output


def test_email_search_only_for_those_who_may_see_emails(make, login, client):
    centre = make.centre()
    make.user(("employee", centre), full_name="Искомый Сотрудник", email="secret.person@mail.ru", centre=centre)
    login(make.user(("employee", centre), centre=centre))
    assert "Искомый" not in client.get("/admin/users?q=secret.person@").get_data(as_text=True)
    client.post("/logout")
    login(make.user(("hr", centre), centre=centre))
    assert "Искомый" in client.get("/admin/users?q=SECRET.person@").get_data(as_text=True)
