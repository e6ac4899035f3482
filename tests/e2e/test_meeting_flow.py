"""A secretary runs a meeting from draft to signed protocol; the поручение reaches its assignee."""

from datetime import date

from docx import Document
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models.base import today
from app.models.meetings import WorkingGroup
from app.models.org import Region, User
from app.services import demo, meetings
from app.services.calendar import add_working_days
from app.ui import ru_date
from tests.e2e.test_sign_in import _sign_in, _sign_out

TASK_TEXT = "подготовить карту пути клиента"


def _pilot_group() -> WorkingGroup:
    region = db.session.scalar(select(Region).where(Region.name == "Нижегородская область"))
    group = WorkingGroup(name="Тестовая рабочая группа", region_id=region.id)
    db.session.add(group)
    for email, role in (
        ("group_head@demo.cxm", "head"),
        ("secretary@demo.cxm", "secretary"),
        ("director@demo.cxm", "member"),
    ):
        user = db.session.scalar(select(User).where(User.email == email))
        meetings.set_member(group, user, role, user.position, date(2021, 7, 30), "", None)
    db.session.commit()
    return group


def _new_meeting(page, group, when: str):
    page.goto(f"/meetings/groups/{group.id}")
    page.get_by_role("link", name="Новое заседание").click()
    page.get_by_label("Дата и время").fill(when)
    page.get_by_label("Место").fill("г. Нижний Новгород")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#flashes")).to_contain_text("Заседание создано")


def test_secretary_signs_a_protocol_and_the_task_reaches_the_assignee(app, page):
    demo.load()
    group = _pilot_group()
    page.on("dialog", lambda dialog: dialog.accept())
    _sign_in(page, "secretary@demo.cxm")
    _new_meeting(page, group, "2025-10-30T10:00")

    page.get_by_label("Вопрос повестки").fill("О карте пути клиента")
    page.get_by_label("Докладчики").fill("И.В.Напалкова")
    page.get_by_role("button", name="Добавить вопрос").click()
    expect(page.get_by_role("heading", name="I. О карте пути клиента")).to_be_visible()

    page.get_by_text("Добавить решение по вопросу I").click()
    page.get_by_label("Решение", exact=True).select_option("assign")
    page.get_by_label("Текст решения").fill(TASK_TEXT)
    page.get_by_label("Ответственные (для «Поручить»)").select_option(label="Гусева Елена Сергеевна")
    page.get_by_label("Срок (для «Поручить»)").fill("в течение 3 рабочих дней")
    page.get_by_role("button", name="Добавить решение").click()
    expect(page.locator(".decisions")).to_contain_text("1.1. Поручить " + TASK_TEXT)
    page.get_by_label("СЛУШАЛИ").fill("Напалкову И.В. о подготовке карты пути клиента")
    page.get_by_role("button", name="Сохранить запись").click()
    expect(page.locator("#flashes")).to_contain_text("Записано.")  # the page has reloaded before the next click

    for button in (
        "Назначить заседание",
        "Отметить, что заседание проведено",
        "Разослать протокол на согласование",
        "Подписать протокол",
    ):
        page.get_by_role("button", name=button).click()
        expect(page.locator("#flashes")).to_contain_text("Статус:")
    expect(page.get_by_text("Протокол подписан", exact=True)).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать DOCX").click()
    text = "\n".join(p.text for p in Document(download.value.path()).paragraphs)
    for needle in ("ПРОТОКОЛ № 1", "СЛУШАЛИ:", "РЕШИЛИ:", "Напалкова Ирина Викторовна", "Гусева Елена Сергеевна"):
        assert needle in text, needle
    _sign_out(page)

    due = add_working_days(today(), 3)
    with app.test_request_context():
        due_label = ru_date(due)
    _sign_in(page, "director@demo.cxm")
    page.goto("/tasks/")
    task_row = page.locator("main").get_by_text(TASK_TEXT)
    expect(task_row.first).to_be_visible()
    expect(page.locator("main")).to_contain_text(due_label)
    _sign_out(page)

    _sign_in(page, "secretary@demo.cxm")
    _new_meeting(page, group, "2025-11-20T10:00")
    control = page.get_by_role("article").filter(has_text="Контроль исполнения ранее принятых решений")
    expect(control).to_contain_text(TASK_TEXT)
    expect(control).to_contain_text("Новая")
