"""Flows people click: sign in and out, every home page, the admin screens, the demo job."""

import re

import pytest
from playwright.sync_api import expect

from app.models.org import ROLES
from app.services import demo
from tests.e2e.conftest import run_worker


def _sign_in(page, email, password=demo.DEMO_PASSWORD):
    page.goto("/login")
    page.axe.check()
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")
    page.axe.check()


def _sign_out(page):
    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("heading", name="Вход в cxm")).to_be_visible()
    expect(page.get_by_text("Вы вышли из системы.")).to_be_visible()


def test_sign_in_and_out_by_keyboard(app, page):
    demo.load()
    page.goto("/login")
    page.keyboard.type("admin@demo.cxm")  # the e-mail field has autofocus
    page.keyboard.press("Tab")
    page.keyboard.type(demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Администратор Демо")
    page.axe.check()
    _sign_out(page)
    page.axe.check()
    page.goto("/admin/users")
    expect(page).to_have_url(re.compile(r"/login\?next="))


@pytest.mark.parametrize("app", [{"LOGIN_RATE_LIMIT": "100 per minute"}], indirect=True)
def test_every_demo_role_lands_on_its_home(app, page):
    logins = demo.load()
    assert {role for role, _ in logins} == set(ROLES)
    for role, email in logins:
        _sign_in(page, email)
        expect(page.locator("#role-cards")).to_contain_text(ROLES[role])
        _sign_out(page)


def test_admin_screens_are_accessible_and_search_works(app, page):
    demo.load()
    _sign_in(page, "admin@demo.cxm")
    menu = page.get_by_role("navigation", name="Основное меню")

    def open_menu(group, link):
        """Open a page from the menu and wait for it: the boosted swap replaces the old page's heading."""
        heading = page.get_by_role("heading", level=1)
        before = heading.inner_text()
        menu.get_by_role("button", name=group).click()
        menu.get_by_role("link", name=link, exact=True).click()
        expect(heading).not_to_have_text(before)

    for link in ["Регионы", "Центры", "Сотрудники"]:
        open_menu("Организация", link)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.axe.check()
    menu.get_by_role("link", name="Глоссарий", exact=True).click()
    page.axe.check()
    for link in ["Импорт", "Журнал аудита", "Фоновые задачи", "Исходящая почта", "Настройки"]:
        open_menu("Администрирование", link)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.axe.check()
    open_menu("Организация", "Регионы")
    expect(page.get_by_role("heading", level=1)).to_have_text("Регионы (СЗН)")
    page.get_by_label("Поиск по названию").press_sequentially("янао", delay=50)
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Ямало-Ненецкий АО")
    expect(page).to_have_url(re.compile(r"q=%D1%8F%D0%BD%D0%B0%D0%BE|q=янао"))
    open_menu("Организация", "Центры")
    page.get_by_role("link", name="ГКУ ЦЗН Павловского района").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ГКУ ЦЗН Павловского района")
    page.axe.check()
    open_menu("Организация", "Сотрудники")
    page.get_by_role("link", name="Гусева Елена Сергеевна").click()
    expect(page.get_by_role("heading", name="Роли")).to_be_visible()
    page.axe.check()


def test_demo_job_runs_through_the_real_worker(app, page):
    demo.load()
    _sign_in(page, "admin@demo.cxm")
    page.goto("/jobs/")
    page.axe.check()
    page.get_by_role("button", name="Запустить демонстрационную задачу").click()
    expect(page.locator(".job-status")).to_have_text("В очереди")
    page.axe.check()
    run_worker()
    expect(page.locator(".job-status")).to_have_text("Готово", timeout=15000)
    expect(page.locator("progress")).to_have_attribute("value", "100")
    page.axe.check()
