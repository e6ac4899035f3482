"""A secretary builds the pilot report package for ФЦК: the ZIP holds the report and the three protocols."""

import io
import re
import zipfile
from pathlib import Path

from docx import Document
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models.jobs import JobRun
from app.models.roadmap import Roadmap
from app.services import demo
from tests.e2e.conftest import run_worker
from tests.e2e.test_sign_in import _sign_in

PROTOCOLS = ("Сл-523-452756-21", "Сл-523-514749-21", "Сл-523-602212-21")  # «/» cannot be in a file name


def test_secretary_builds_the_pilot_report_package(app, page):
    demo.load()
    plan = db.session.scalar(select(Roadmap).where(Roadmap.title.contains("Совершенствование пути клиента")))
    numbers = [item.number for item in plan.items]
    assert len(numbers) == 17
    _sign_in(page, "secretary@demo.cxm")

    page.get_by_role("button", name="Пилотный проект").click()
    page.get_by_role("link", name="Отчёты для ФЦК").click()
    page.axe.check()
    page.get_by_role("link", name=re.compile("Отчет о результатах пилотной апробации")).first.click()
    expect(page.get_by_role("heading", name="Пакет для ФЦК")).to_be_visible()
    page.axe.check()
    page.get_by_role("button", name="Собрать пакет (ZIP)").click()
    expect(page.locator(".job-status")).to_have_text("В очереди")

    run_worker()
    run = db.session.scalars(select(JobRun)).one()
    assert run.status == "finished", run.error
    expect(page.locator(".job-status")).to_have_text("Готово", timeout=15000)
    page.axe.check()
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать пакет (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    names = archive.namelist()

    [report_name] = [n for n in names if n.startswith("00 ") and n.endswith(".docx")]
    report = Document(io.BytesIO(archive.read(report_name)))
    table = report.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    body = [row for row in rows if re.fullmatch(r"\d\.\d+", row[0])]
    assert [row[0] for row in body] == numbers  # §1: one row per roadmap item, in the roadmap's order
    assert len(body) == 17
    by_number = {row[0]: row for row in body}
    assert by_number["2.2"][3] == "03.09.2021" and by_number["2.5"][3] == "30.09.2021"

    protocols = [n for n in names if "Протокол заседания рабочей группы" in n and n.endswith(".docx")]
    assert len(protocols) == 3
    for number in PROTOCOLS:
        [name] = [n for n in protocols if number in n]
        text = "\n".join(p.text for p in Document(io.BytesIO(archive.read(name))).paragraphs)
        assert "ПРОТОКОЛ" in text and "РЕШИЛИ" in text
