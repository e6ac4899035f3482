"""Flows an administrator clicks: CSV import with preview, and evidence on a centre page."""

import io

from PIL import Image
from playwright.sync_api import expect

from app.services import demo
from tests.e2e.test_sign_in import _sign_in

USERS_CSV = (
    "ФИО;Должность;E-mail;Телефон;Регион;Центр;Отдел;Роли;Активен\n"
    "Лебедева Ольга Петровна;Инспектор;lebedeva@demo.cxm;+7 831 000-00-01;Нижегородская область;"
    "ГКУ ЦЗН Павловского района;;employee;да\n"
)


def test_csv_import_preview_then_apply(app, page):
    demo.load()
    _sign_in(page, "admin@demo.cxm")
    page.goto("/admin/import")
    page.axe.check()
    page.get_by_label("Что загружаем").select_option("users")
    page.get_by_label("Файл CSV").set_input_files(
        files=[{"name": "сотрудники.csv", "mimeType": "text/csv", "buffer": USERS_CSV.encode("utf-8-sig")}]
    )
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Проверка файла")
    expect(page.locator("main")).to_contain_text("Лебедева Ольга Петровна")
    page.axe.check()
    page.get_by_role("button", name="Загрузить данные").click()
    expect(page.locator("#flashes")).to_contain_text("создано")
    page.goto("/admin/users?q=лебедева")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    page.axe.check()


def test_attach_a_photo_with_a_cyrillic_name_to_a_centre(app, page):
    demo.load()
    _sign_in(page, "admin@demo.cxm")
    page.goto("/admin/centres?q=павловск")
    page.get_by_role("link", name="ГКУ ЦЗН Павловского района").click()
    upload = page.get_by_role("button", name="Прикрепить")
    expect(upload).to_be_visible()
    page.axe.check()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "JPEG")
    page.get_by_label("Файл", exact=True).set_input_files(
        files=[{"name": "Зона ожидания.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}]
    )
    upload.click()
    expect(page.get_by_role("link", name="Зона ожидания.jpg", exact=True)).to_be_visible()
    expect(page.get_by_alt_text("Предпросмотр: Зона ожидания.jpg")).to_be_visible()
    page.axe.check()
    with page.expect_download() as download:
        page.get_by_role("link", name="Зона ожидания.jpg", exact=True).click()
    assert download.value.suggested_filename == "Зона ожидания.jpg"
