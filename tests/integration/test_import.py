"""CSV import (bulk provisioning) through the Flask client against the real database."""

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.mail import OutboxMessage
from app.models.org import Centre, ContactAssignment, Department, Region, RoleAssignment, User
from app.services import org, provisioning

REGIONS = """Регион;Другие названия;Орган СЗН;Тип сети;Управляющий ЦЗН
Тверская область;Тверская обл.;Министерство социальной защиты;централизованная;ЦЗН г. Твери
Ямало-Ненецкий автономный округ;"ЯНАО; Ямало-Ненецкий АО";Департамент занятости;децентрализованная;
"""
CENTRES = """Регион;Центр;Другие названия;Адрес;Головной центр;Часы работы;Пилотный;Кадровый центр;Флагманский
Тверская обл.;ЦЗН г. Твери;ЦЗН Твери;г. Тверь, ул. Советская, 1;;пн–пт 9–18;да;да;нет
тверская область;Филиал в Торжке;;г. Торжок;цзн твери;;нет;;
янао;ЦЗН Салехарда;;г. Салехард;;;да;;
"""
DEPARTMENTS = """Регион;Центр;Отдел
Тверская область;ЦЗН г. Твери;Отдел трудоустройства
Тверская область;ЦЗН г. Твери;Отдел обучения
ЯНАО;ЦЗН Салехарда;Отдел трудоустройства
"""
USERS = """ФИО;Должность;E-mail;Телефон;Регион;Центр;Отдел;Роли;Активен
Иванова Анна Сергеевна;Директор;Ivanova@Tver.ru;+7 900 111-22-33;Тверская область;ЦЗН г. Твери;;"director; employee";да
Петров Пётр Петрович;Специалист;petrov@tver.ru;;Тверская область;ЦЗН г. Твери;Отдел обучения;employee;
Сидорова Ольга;;sidorova@yanao.ru;;ЯНАО;ЦЗН Салехарда;Отдел трудоустройства;"руководитель команды; сотрудник@centre"
Кузнецов Игорь Олегович;Консультант ФЦК;kuznetsov@fck.ru;;;;;"federal_coordinator; admin@federation";
"""


def upload(client, kind, text, *, encoding="utf-8-sig", invite=True, filename=None):
    data = {
        "kind": kind,
        "file": (io.BytesIO(text.encode(encoding) if isinstance(text, str) else text), filename or f"{kind}.csv"),
    }
    if invite:
        data["invite"] = "y"
    return client.post("/admin/import", data=data, content_type="multipart/form-data")


def confirm(client, preview, *, invite=True):
    page = preview.get_data(as_text=True)
    token = re.search(r'id="token"[^>]*value="([^"]+)"', page).group(1)
    kind = re.search(r'id="kind"[^>]*value="([^"]+)"', page).group(1)
    data = {"token": token, "kind": kind}
    if invite:
        data["invite"] = "y"
    return client.post("/admin/import/apply", data=data, follow_redirects=True)


def run(client, kind, text, **kw):
    preview = upload(client, kind, text, **kw)
    assert preview.status_code == 200 and 'id="token"' in preview.get_data(as_text=True), preview.get_data(as_text=True)
    done = confirm(client, preview, invite=kw.get("invite", True))
    assert "Импорт выполнен" in done.get_data(as_text=True)
    return done.get_data(as_text=True)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def creates() -> int:
    return count(AuditEvent, AuditEvent.action.like("%.create"))


def test_full_provisioning_is_previewed_applied_and_idempotent(make, login, client):
    admin = make.user(("admin", None))
    login(admin)
    preview = upload(client, "regions", REGIONS)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Ничего ещё не записано" in page and "Создать: <strong>2</strong>" in page
    assert "управляющий ЦЗН «ЦЗН г. Твери» пока не найден" in page
    assert count(Region) == 0 and creates() == 0

    assert "создано 2" in confirm(client, preview).get_data(as_text=True)
    assert "создано 3" in run(client, "centres", CENTRES)
    assert "создано 3" in run(client, "departments", DEPARTMENTS)
    assert "создано 4" in run(client, "users", USERS)
    assert "изменено 1" in run(client, "regions", REGIONS)  # the managing centre now exists

    tver = db.session.scalar(select(Region).where(Region.name == "Тверская область"))
    yanao = db.session.scalar(select(Region).where(Region.name == "Ямало-Ненецкий автономный округ"))
    assert tver.network_type == "centralised" and tver.aliases == ["Тверская обл."]
    assert tver.managing_centre.name == "ЦЗН г. Твери" and yanao.aliases == ["ЯНАО", "Ямало-Ненецкий АО"]
    branch = db.session.scalar(select(Centre).where(Centre.name == "Филиал в Торжке"))
    assert branch.parent.name == "ЦЗН г. Твери" and branch.region is tver and not branch.is_pilot
    main = branch.parent
    assert main.is_pilot and main.is_modernised and main.aliases == ["ЦЗН Твери"]
    assert [d.name for d in main.departments] == ["Отдел обучения", "Отдел трудоустройства"]

    ivanova = db.session.scalar(select(User).where(User.email == "ivanova@tver.ru"))
    assert ivanova.centre is main and ivanova.active
    assert {(r.role, r.centre_id, r.department_id) for r in ivanova.roles} == {
        ("director", main.id, None),
        ("employee", main.id, None),
    }
    petrov = db.session.scalar(select(User).where(User.email == "petrov@tver.ru"))
    assert petrov.department.name == "Отдел обучения" and petrov.centre is main
    assert [(r.role, r.department_id) for r in petrov.roles] == [("employee", petrov.department_id)]
    sidorova = db.session.scalar(select(User).where(User.email == "sidorova@yanao.ru"))
    assert {(r.role, r.department_id is None) for r in sidorova.roles} == {("team_lead", False), ("employee", True)}
    kuznetsov = db.session.scalar(select(User).where(User.email == "kuznetsov@fck.ru"))
    assert kuznetsov.region_id is None and {(r.role, r.region_id) for r in kuznetsov.roles} == {
        ("federal_coordinator", None),
        ("admin", None),
    }
    events = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.create", AuditEvent.object_id == ivanova.id)
    )
    assert events.after["email"] == "ivanova@tver.ru"

    totals = [count(m) for m in (Region, Centre, Department, User, RoleAssignment, AuditEvent)]
    before_creates = creates()
    for kind, text in (("regions", REGIONS), ("centres", CENTRES), ("departments", DEPARTMENTS), ("users", USERS)):
        page = upload(client, kind, text).get_data(as_text=True)
        assert "Изменений нет" in page and 'id="token"' not in page, kind
        plan = provisioning.plan(kind, text.encode(), admin)
        assert plan.counts["unchanged"] == len(plan.rows) and not plan.has_changes, kind
    assert creates() == before_creates
    assert [count(m) for m in (Region, Centre, Department, User, RoleAssignment, AuditEvent)] == totals


def test_row_errors_are_listed_and_nothing_is_written(make, login, client):
    region = make.region("Тверская область")
    make.centre(region, "ЦЗН г. Твери")
    login(make.user(("admin", None)))
    users_before, events_before = count(User), count(AuditEvent)
    text = """ФИО;E-mail;Регион;Центр;Роли
Без почты;;Тверская область;;employee
Иванов Иван;ivanov@tver.ru;Тверская обл.;ЦЗН г. Твери;employee
Петров Пётр;petrov@tver.ru;Тверская область;ЦЗН г. Твери;boss
Сидоров Олег;IVANOV@tver.ru;Тверская область;;
Козлов Кирилл;kozlov@tver.ru;Тверская область;ЦЗН г. Торжка;employee
Лебедев Лев;lebedev@tver.ru;Тверская область;;employee@department
"""
    response = upload(client, "users", text)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in (
        "Строка 2: не указан e-mail.",
        "Строка 3: регион «Тверская обл.» не найден.",
        "Строка 4: неизвестная роль «boss».",
        "Строка 5: e-mail повторяется в строке 3.",
        "Строка 6: центр «ЦЗН г. Торжка» в регионе «Тверская область» не найден.",
        "Строка 7: для роли «employee@department» не указан отдел сотрудника.",
    ):
        assert message in page, message
    assert "ничего не будет записано" in page and 'id="token"' not in page
    assert (count(User), count(AuditEvent)) == (users_before, events_before)

    forged = client.post("/admin/import/apply", data={"token": "x" * 43, "kind": "users"}, follow_redirects=True)
    assert "не найден или устарел" in forged.get_data(as_text=True)
    assert (count(User), count(AuditEvent)) == (users_before, events_before)


def test_confirmation_rechecks_the_file_and_works_once(make, login, client):
    centre = make.centre(make.region("Тверская область"), "ЦЗН г. Твери")
    department = make.department(centre, "Отдел обучения")
    login(make.user(("admin", None)))
    text = "ФИО;E-mail;Регион;Центр;Отдел\nИванов Иван;ivanov@tver.ru;Тверская область;ЦЗН г. Твери;Отдел обучения\n"
    preview = upload(client, "users", text)
    department.name = "Отдел кадров"
    db.session.commit()
    page = confirm(client, preview).get_data(as_text=True)
    assert "данные в cxm изменились" in page and "отдел «Отдел обучения» в центре «ЦЗН г. Твери» не найден" in page
    assert count(User, User.email == "ivanov@tver.ru") == 0

    preview = upload(client, "users", text.replace("Отдел обучения", "Отдел кадров"))
    assert "Импорт выполнен: создано 1" in confirm(client, preview).get_data(as_text=True)
    assert "не найден или устарел" in confirm(client, preview).get_data(as_text=True)
    assert count(User, User.email == "ivanov@tver.ru") == 1


def test_cp1251_with_semicolons_and_utf8_with_commas_are_accepted(make, login, client):
    login(make.user(("admin", None)))
    text = "Регион;Другие названия;Тип сети\nОрловская область;Орёл;централизованная\n"
    preview = upload(client, "regions", text, encoding="cp1251")
    assert "Орловская область" in preview.get_data(as_text=True)
    confirm(client, preview)
    region = db.session.scalar(select(Region))
    assert (region.name, region.aliases, region.network_type) == ("Орловская область", ["Орёл"], "centralised")

    comma = 'region,centre,address\nорловская область,ЦЗН г. Орла,"г. Орёл, ул. Ленина, 1"\n'
    run(client, "centres", comma, encoding="utf-8")
    assert db.session.scalar(select(Centre)).address == "г. Орёл, ул. Ленина, 1"


def test_names_match_ignoring_case_yo_and_by_alias(make, login, client):
    yanao = make.region("Ямало-Ненецкий автономный округ", aliases=["ЯНАО", "Ямало-Ненецкий АО"])
    make.centre(yanao, "ЦЗН Салехарда")
    orel = make.region("Орловская область")
    make.centre(orel, "ЦЗН Семёновского района", aliases=["Семёновский ЦЗН"])
    admin = make.user(("admin", None))
    login(admin)

    plan = provisioning.plan("regions", "Регион\nямало-ненецкий ао\nОРЛОВСКАЯ ОБЛАСТЬ\n".encode(), admin)
    assert [(r.action, r.record) for r in plan.rows] == [
        ("unchanged", "Ямало-Ненецкий автономный округ"),
        ("unchanged", "Орловская область"),
    ]
    text = (
        "Регион;Центр\nянао;цзн салехарда\nорловская область;ЦЗН СЕМЕНОВСКОГО РАЙОНА\n"
        "Орловская область;семеновский цзн\n"
    )
    page = upload(client, "centres", text).get_data(as_text=True)
    assert "Строка 4: центр повторяется в строке 3." in page and "изменить: <strong>0</strong>" in page
    assert count(Centre) == 2 and [r.name for r in db.session.scalars(select(Region).order_by(Region.id))] == [
        "Ямало-Ненецкий автономный округ",
        "Орловская область",
    ]


def test_replacing_the_contact_person_keeps_history(make, login, client):
    centre = make.centre(make.region("Тверская область"), "ЦЗН г. Твери")
    old, new = make.user(centre=centre, email="old@tver.ru"), make.user(centre=centre, email="new@tver.ru")
    org.set_contact(centre, old, date(2025, 1, 10))
    login(make.user(("admin", None)))
    text = "Регион;Центр;Ответственное лицо\nТверская область;ЦЗН г. Твери;NEW@tver.ru\n"
    assert "изменено 1" in run(client, "centres", text)
    history = db.session.scalars(select(ContactAssignment).order_by(ContactAssignment.id)).all()
    assert [(c.user_id, c.valid_to is not None) for c in history] == [(old.id, True), (new.id, False)]
    assert history[0].valid_to == history[1].valid_from
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "centre.contact")).object_id == centre.id
    assert "Изменений нет" in upload(client, "centres", text).get_data(as_text=True)

    missing = upload(client, "centres", text.replace("NEW@tver.ru", "nobody@tver.ru")).get_data(as_text=True)
    assert "Строка 2: сотрудник с e-mail «nobody@tver.ru» не найден." in missing


def test_invitations_go_to_new_users_only(make, login, client):
    centre = make.centre(make.region("Тверская область"), "ЦЗН г. Твери")
    make.user(centre=centre, email="old@tver.ru", position="Специалист")
    login(make.user(("admin", None)))
    text = """ФИО;Должность;E-mail;Регион;Центр
Старый Сотрудник;Ведущий специалист;old@tver.ru;Тверская область;ЦЗН г. Твери
Новая Сотрудница;Специалист;new1@tver.ru;Тверская область;ЦЗН г. Твери
Новый Сотрудник;Специалист;new2@tver.ru;Тверская область;ЦЗН г. Твери
"""
    page = run(client, "users", text)
    assert "создано 2, изменено 1" in page and "приглашений отправлено: 2" in page
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert sorted(m.recipient for m in messages) == ["new1@tver.ru", "new2@tver.ru"]
    assert all(m.subject == "Приглашение в cxm" and "/reset/" in m.body for m in messages)
    assert db.session.scalar(select(User).where(User.email == "old@tver.ru")).position == "Ведущий специалист"

    run(client, "users", "ФИО;E-mail\nЕщё Один;new3@tver.ru\n", invite=False)
    assert count(OutboxMessage) == 2 and count(User, User.email == "new3@tver.ru") == 1


def test_regional_admin_stays_within_the_region(make, login, client):
    own, other = make.region("Тверская область"), make.region("Орловская область")
    make.centre(own, "ЦЗН г. Твери")
    make.centre(other, "ЦЗН г. Орла")
    foreign = make.user(region=other, email="orel@orel.ru")
    login(make.user(("admin", own)))
    users_before = count(User)
    text = """ФИО;E-mail;Регион;Центр;Роли
Свой Сотрудник;mine@tver.ru;Тверская область;ЦЗН г. Твери;director
Чужой Сотрудник;alien@orel.ru;Орловская область;ЦЗН г. Орла;employee
Перенесённый;orel@orel.ru;Тверская область;;
Федеральный;fed@tver.ru;Тверская область;;admin@federation
"""
    page = upload(client, "users", text).get_data(as_text=True)
    assert "Строка 3: нет прав на центр «ЦЗН г. Орла»." in page
    assert "Строка 4: нет прав на сотрудника «orel@orel.ru»." in page
    assert "Строка 5: нет прав назначать роль «Администратор» в области «Федеральный уровень»." in page
    assert count(User) == users_before and db.session.get(User, foreign.id).region_id == other.id

    page = upload(client, "regions", "Регион\nНовая область\nТверская область\n").get_data(as_text=True)
    assert "Строка 2: нет прав на создание региона «Новая область»" in page
    assert "Строка 3" not in page

    assert "создано 1" in run(client, "users", text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n")
    assert db.session.scalar(select(User).where(User.email == "mine@tver.ru")).role_names == {"director"}


def test_employee_gets_403(make, login, client):
    login(make.user(("employee", make.centre())))
    assert client.get("/admin/import").status_code == 403
    assert client.get("/admin/import/template/users.csv").status_code == 403
    assert upload(client, "regions", "Регион\nX\n").status_code == 403
    assert client.post("/admin/import/apply", data={"token": "x" * 43, "kind": "users"}).status_code == 403


def test_import_page_and_templates(make, login, client):
    login(make.user(("admin", None)))
    page = client.get("/admin/import").get_data(as_text=True)
    assert "Отправлять приглашения новым сотрудникам" in page and "Управляющий ЦЗН" in page
    assert "/admin/import/template/users.csv" in page and "<caption>" in page
    response = client.get("/admin/import/template/users.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode()) and response.data.decode("utf-8-sig").startswith(
        "ФИО;Должность;E-mail;Телефон;Регион;Центр;Отдел;Роли;Активен"
    )
    assert client.get("/admin/import/template/boss.csv").status_code == 404


@pytest.mark.parametrize(
    ("kind", "payload", "message"),
    [
        ("regions", None, "Выберите файл CSV."),
        ("regions", b"", "Файл пустой."),
        ("regions", b"   \r\n", "Файл пустой."),
        ("regions", "Регион\nТверская".encode("utf-16"), "Это не CSV-файл"),
        ("regions", b"PK\x03\x04rest-of-a-zip", "Это не CSV-файл"),
        ("regions", b"\x98\x98\x98", "кодировке UTF-8 или Windows-1251"),
        ("regions", b"Region;" + b"x" * (2 * 1024 * 1024), "Файл больше 2 МБ"),
        ("regions", "Регион;Босс\nТверь;x\n".encode(), "Неизвестный столбец «Босс»"),
        ("centres", "Регион\nТверь\n".encode(), "нет обязательного столбца «Центр»"),
        ("regions", "Регион\n".encode(), "только заголовок"),
        ("boss", "Регион\nТверь\n".encode(), "Выберите, что загружаем, из списка."),
    ],
)
def test_bad_input_gets_a_russian_message_and_writes_nothing(make, login, client, kind, payload, message):
    login(make.user(("admin", None)))
    events = count(AuditEvent)
    data = {"kind": kind}
    if payload is not None:
        data["file"] = FileStorage(io.BytesIO(payload), filename="file.csv")
    boundary, body = encode_multipart(data)  # in memory: the test client spools big bodies to unclosed files
    response = client.post("/admin/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert count(Region) == 0 and count(AuditEvent) == events


def test_too_many_rows_and_wrong_extension(make, login, client, monkeypatch):
    login(make.user(("admin", None)))
    monkeypatch.setattr(provisioning, "MAX_ROWS", 2)
    page = upload(client, "regions", "Регион\nА\nБ\nВ\n").get_data(as_text=True)
    assert "В файле больше 2 строк" in page
    page = upload(client, "regions", "Регион\nА\n", filename="regions.xlsx").get_data(as_text=True)
    assert "Загрузите файл CSV (.csv)" in page and count(Region) == 0
