"""The roadmap, register, report and director's pages as their users reach them, each checked with axe."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models.documents import Document
from app.models.roadmap import Roadmap
from app.services import demo
from tests.e2e.test_sign_in import _sign_in, _sign_out


def test_programme_pages_are_accessible(app, page):
    demo.load()
    plan = db.session.scalar(select(Roadmap))
    order = db.session.scalar(select(Document).where(Document.kind == "order"))
    item = plan.items[0]
    _sign_in(page, "secretary@demo.cxm")
    menu = page.get_by_role("navigation", name="Основное меню")
    menu.get_by_role("button", name="Пилотный проект").click()
    menu.get_by_role("link", name="Дорожные карты").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Дорожные карты")
    page.get_by_role("link", name=re.compile("Совершенствование пути клиента")).click()
    expect(page.get_by_role("cell", name="выполнено с опозданием на 7 дней")).to_be_visible()
    page.axe.check()
    for path in (
        f"/roadmaps/items/{item.id}/edit",
        f"/roadmaps/items/{item.id}/fact",
        "/roadmaps/from-template",
        "/documents/",
        f"/documents/{order.id}",
        "/documents/pilot-order",
        "/reports/",
        "/reports/submissions",
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.axe.check()
    _sign_out(page)
    _sign_in(page, "director@demo.cxm")
    page.get_by_role("link", name="Экран руководителя").click()
    expect(page.get_by_role("heading", name="Отставание от базового плана")).to_be_visible()
    page.axe.check()
    _sign_out(page)
    _sign_in(page, "federal_coordinator@demo.cxm")
    page.goto("/reports/federal")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.axe.check()
    page.goto("/director/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Экран руководителя")
    page.axe.check()
