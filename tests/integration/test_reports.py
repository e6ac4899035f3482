"""The pilot report through the routes: §1 from the roadmap in DOCX and XLSX, §2/§3 rows, the
attachment list, the package ZIP built by the RQ job, download rights, and the submission loop
with ФЦК (submit → return with a request → resubmit → accept), isolated between regions."""

import io
import re
import zipfile
from datetime import date, datetime

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.documents import Document
from app.models.jobs import JobRun
from app.models.meetings import WorkingGroup
from app.models.reports import PilotReport, ReportRow, Submission, SubmissionEvent
from app.models.roadmap import RoadmapEvidence
from app.services import artefacts, documents, files, meetings, roadmap
from app.services import reports as reports_service

# The Nizhny Novgorod roadmap of seed 000 (§2.5): 5 + 12 items.
BLOCK_ONE = [
    ("1.1", "Участие в вебинарах ФЦК СЗ о пилотировании", "whole_period", None),
    ("1.2", "Участие в итоговом вебинаре о результатах пилотной апробации", "until", date(2021, 10, 22)),
    ("1.3", "Формирование состава рабочей группы", "until", date(2021, 8, 16)),
    ("1.4", "Обеспечение доступа к информационным панелям", "whole_period", None),
    # 1.5 is added last, after block 2: §1 still lists it fifth (roadmap order, not creation order)
]
ITEM_1_5 = ("1.5", "Делегирование руководителю кросс-функциональной команды возможностей", "whole_period", None)
BLOCK_TWO = [
    ("2.1", "Определение целевой аудитории", date(2021, 8, 16)),
    ("2.2", "Выявление клиентских показателей эффективности", date(2021, 8, 27)),
    ("2.3", "Проведение совещания №1 участников кросс-функциональной команды", date(2021, 8, 27)),
    ("2.4", "Составление портрета клиента", date(2021, 9, 10)),
    ("2.5", "Составление пути клиента", date(2021, 9, 24)),
    ("2.6", "Проведение совещания №2", date(2021, 9, 30)),
    ("2.7", "Проведение замеров качества клиентского опыта в точках контакта", date(2021, 10, 1)),
    ("2.8", "Составление карты решений", date(2021, 10, 8)),
    ("2.9", "Проведение совещания №3", date(2021, 10, 14)),
    ("2.10", "Реализация инструментов (минимум одного)", date(2021, 10, 22)),
    ("2.11", "Мониторинг реализации инструмента(ов), анализ эффективности", date(2021, 11, 1)),
    ("2.12", "Проведение совещания №4", date(2021, 11, 1)),
]
NUMBERS = ["1.1", "1.2", "1.3", "1.4", "1.5"] + [n for n, _, _ in BLOCK_TWO]
PROTOCOL_1 = "Сл-523-452756/21"
PROTOCOL_2 = "Сл-523-514749/21"
ORDER_NUMBER = "523-246/21П/од"


@pytest.fixture
def w(make):
    centre = make.centre(make.region("Нижегородская область"), "ГКУ ЦЗН города Нижнего Новгорода")
    region = centre.region
    chair = make.user(("director", region), region=region, full_name="Садулина Арина Михайловна")
    secretary = make.user(("secretary", region), region=region, full_name="Напалкова Ирина Викторовна")
    reader = make.user(("employee", region), region=region, full_name="Читателев Пётр Ильич")
    federal = make.user(("federal_coordinator", None), full_name="Федералова Ольга Николаевна")
    foreign_region = make.region("Чужая область")
    outsider = make.user(("director", foreign_region), region=foreign_region, full_name="Чужаков Олег Петрович")
    group = WorkingGroup(name="Рабочая группа по пилотной апробации", region_id=region.id)
    db.session.add(group)
    db.session.flush()
    for user, role in ((chair, "head"), (secretary, "secretary")):
        meetings.set_member(group, user, role, "Должность", date(2021, 7, 30), "", None)
    db.session.commit()
    return {
        "region": region,
        "centre": centre,
        "chair": chair,
        "secretary": secretary,
        "reader": reader,
        "federal": federal,
        "foreign_region": foreign_region,
        "outsider": outsider,
        "group": group,
    }


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def switch(client, login, user):
    client.post("/logout")
    login(user)


def nizhny_roadmap(w):
    """17 items in two blocks through the roadmap service; 1.5 is created last."""
    actor = w["secretary"]
    plan = roadmap.save_roadmap(
        None,
        {
            "title": "Дорожная карта пилотной апробации «Совершенствование пути клиента»",
            "starts_on": date(2021, 7, 27),
            "ends_on": date(2021, 11, 1),
            "region_id": w["region"].id,
            "centre_id": None,
        },
        actor,
    )
    one = roadmap.save_block(plan, None, {"title": "Подготовительные и организационные мероприятия"}, actor)
    two = roadmap.save_block(plan, None, {"title": "Мероприятия по пилотной апробации"}, actor)
    specs = [(one, *spec) for spec in BLOCK_ONE] + [(two, n, t, "until", d) for n, t, d in BLOCK_TWO]
    for block, number, title, kind, due in [*specs, (one, *ITEM_1_5)]:
        roadmap.save_item(block, None, {"number": number, "title": title, "deadline_kind": kind, "due_on": due}, actor)
        db.session.commit()  # one item per request, as the roadmap page saves them
    return plan


def item(plan, number):
    return next(i for i in plan.items if i.number == number)


def signed_meeting(w, day: date, registration: str, decide=None):
    """A protocol of the group on `day`, signed by the chair; `decide(agenda_item)` adds decisions."""
    meeting = meetings.create(
        w["group"], datetime.combine(day, datetime.min.time()).replace(hour=10), "г. Нижний Новгород", "", w["chair"]
    )
    meeting.registration_number = registration
    agenda = meetings.add_item(meeting, "О пилотной апробации", "", None, w["secretary"])
    meetings.update_item(agenda, {"heard": "Антонову Т.К. о ходе пилота", "discussion": ""}, w["secretary"])
    if decide:
        decide(agenda)
    else:
        meetings.add_decision(agenda, "note", "информацию о ходе пилотной апробации", w["secretary"])
    for target in ("scheduled", "held", "circulated"):
        meetings.move(meeting, target, w["secretary"])
    meetings.move(meeting, "signed", w["chair"], on=day)
    db.session.commit()
    return meeting


def signed_order(w, with_scan=True):
    order = documents.save(
        None,
        {
            "kind": "order",
            "title": "О проведении пилотной апробации элементов системы управления клиентским опытом",
            "registration_number": ORDER_NUMBER,
            "signed_on": date(2021, 7, 30),
            "region_id": w["region"].id,
        },
        w["chair"],
    )
    documents.sign(order, w["chair"])
    if with_scan:
        scan = FileStorage(io.BytesIO(b"%PDF-1.4\n% scan of the order\n%%EOF\n"), filename="Приказ 523-246.pdf")
        files.attach_file(order, scan, w["chair"], "скан подписанного приказа")
    db.session.commit()
    return order


def nizhny_with_facts(w):
    """The roadmap approved by the 05.08 protocol; facts and evidence as the real report has them."""
    plan = nizhny_roadmap(w)

    def approve(agenda):
        meetings.add_decision(
            agenda, "approve", "дорожную карту", w["secretary"], artefact_ref=artefacts.Ref("roadmap", plan.id)
        )

    first = signed_meeting(w, date(2021, 8, 5), PROTOCOL_1, approve)
    second = signed_meeting(w, date(2021, 9, 3), PROTOCOL_2)
    order = signed_order(w)
    actor = w["secretary"]
    facts = {
        "1.1": ("В вебинаре приняли участие все участники рабочей группы", date(2021, 7, 27), "", []),
        "1.3": ("Рабочая группа сформирована", date(2021, 7, 27), "", [("document", order.id)]),
        "2.1": ("Определены соискатели по категории инвалиды", date(2021, 8, 5), "", [("protocol", first.id)]),
        "2.2": ("Определены 4 измеримых КПЭ", date(2021, 9, 3), "", [("protocol", second.id)]),
        "2.3": ("Совещание проведено", date(2021, 8, 5), "", [("protocol", first.id)]),
        "2.4": ("Составлен портрет", date(2021, 9, 3), "Портрет инвалида", [("protocol", second.id)]),
    }
    for number, (result, done_on, note, evidence) in facts.items():
        target = item(plan, number)
        roadmap.record_fact(target, {"result": result, "done_on": done_on, "note": note}, actor)
        for kind, artefact_id in evidence:
            roadmap.add_evidence(target, kind, artefact_id, actor)
    db.session.commit()
    db.session.expire_all()
    return plan, first, second, order


def create_report(client, plan) -> PilotReport:
    response = client.post("/reports/new", data={"roadmap_id": plan.id, "title": reports_service.DEFAULT_TITLE})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return db.session.scalars(select(PilotReport).order_by(PilotReport.id.desc())).first()


def docx_of(response) -> WordDocument:
    assert response.status_code == 200, response.status_code
    return WordDocument(io.BytesIO(response.data))


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


# ---- §1 -------------------------------------------------------------------------------------


def test_section_one_has_one_row_per_roadmap_item_in_roadmap_order_in_docx_and_xlsx(client, login, w):
    plan, first, second, order = nizhny_with_facts(w)
    assert len(plan.items) == 17
    login(w["chair"])
    report = create_report(client, plan)
    assert report.region_id == w["region"].id and report.roadmap_id == plan.id

    response = client.get(f"/reports/{report.id}/report.docx")
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii() and "filename*=UTF-8''" in disposition and disposition.endswith(".docx")
    document = docx_of(response)
    assert paragraphs(document)[0] == reports_service.DEFAULT_TITLE
    [table] = document.tables
    assert len(table.rows) == 2 + 17  # the header, the column numbers 1–5, then the items
    assert [c.text for c in table.rows[0].cells] == list(reports_service.SECTION_ONE_HEADERS)
    assert [c.text for c in table.rows[1].cells] == ["1", "2", "3", "4", "5"]
    body = [[c.text for c in row.cells] for row in table.rows[2:]]
    assert [row[0] for row in body] == NUMBERS  # 1.5 fifth although created last
    by_number = {row[0]: row for row in body}
    assert by_number["2.1"][1:4] == [
        "Определение целевой аудитории",
        "Определены соискатели по категории инвалиды",
        "05.08.2021",
    ]
    assert by_number["2.1"][4] == f"Протокол заседания рабочей группы от 05.08.2021 № {PROTOCOL_1}"
    assert by_number["2.4"][4] == f"Портрет инвалида\nПротокол заседания рабочей группы от 03.09.2021 № {PROTOCOL_2}"
    assert by_number["1.3"][4] == f"Приказ от 30.07.2021 № {ORDER_NUMBER}"
    assert by_number["1.2"][2:] == ["", "", ""]  # no fact: empty result, date and note

    response = client.get(f"/reports/{report.id}/report.xlsx")
    assert response.status_code == 200 and response.headers["Content-Disposition"].isascii()
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["1. Исполнение дорожной карты"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(reports_service.SECTION_ONE_HEADERS)
    assert len(rows) == 1 + 17 and [r[0] for r in rows[1:]] == NUMBERS
    assert rows[1 + NUMBERS.index("2.3")][1:4] == (
        "Проведение совещания №1 участников кросс-функциональной команды",
        "Совещание проведено",
        "05.08.2021",
    )
    assert book.sheetnames == [
        "1. Исполнение дорожной карты",
        "2. Замечания и предложения",
        "3. Эффекты",
        "Приложения",
    ]

    page = text(html(client.get(f"/reports/{report.id}")))
    assert "1. Отчет о результатах исполнения мероприятий в соответствии с дорожной картой" in page
    assert "Делегирование руководителю кросс-функциональной команды возможностей" in page


def test_an_empty_title_or_a_foreign_roadmap_creates_nothing(client, login, w):
    plan = nizhny_roadmap(w)
    foreign_plan = roadmap.save_roadmap(
        None, {"title": "Чужая карта", "region_id": w["foreign_region"].id, "centre_id": None}, w["outsider"]
    )
    db.session.commit()
    login(w["chair"])
    page = html(client.get(f"/reports/new?roadmap={plan.id}"))
    assert reports_service.DEFAULT_TITLE in page and "Чужая карта" not in page

    response = client.post("/reports/new", data={"roadmap_id": plan.id, "title": "  "})
    assert response.status_code == 400 and "Обязательное поле." in response.get_data(as_text=True)
    response = client.post("/reports/new", data={"roadmap_id": foreign_plan.id, "title": "Отчёт"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(PilotReport.id))) == 0

    switch(client, login, w["reader"])  # reads reports, does not make them
    assert client.get("/reports/new").status_code == 403
    assert client.post("/reports/new", data={"roadmap_id": plan.id, "title": "Отчёт"}).status_code == 403


# ---- §2 and §3 ------------------------------------------------------------------------------


def test_remarks_and_effects_rows_are_added_edited_and_deleted_with_confirmation(client, login, w):
    plan = nizhny_roadmap(w)
    login(w["chair"])
    report = create_report(client, plan)
    url = f"/reports/{report.id}"
    remark = "Предусмотреть более длительный период на реализацию аналогичных проектов: 4-6 месяцев"
    for section, value in (
        ("remarks", remark),
        ("remarks", "Дополнить Прототип рекомендациями по информационному сопровождению проекта"),
        ("remarks", '=HYPERLINK("http://evil")'),
        ("effects", "Сотрудники стали более внимательными к клиентам"),
    ):
        response = client.post(f"{url}/rows/{section}", data={f"{section}-text": value})
        assert response.status_code == 303, response.get_data(as_text=True)[:1000]

    # empty text: the page again with the message next to the field, nothing added
    response = client.post(f"{url}/rows/effects", data={"effects-text": "   "})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Впишите текст строки." in page
    assert 'aria-describedby="effects-text-error"' in page
    assert client.post(f"{url}/rows/nonsense", data={"nonsense-text": "x"}).status_code == 404
    db.session.expire_all()
    assert [(r.section, r.position) for r in report.rows] == [
        ("effects", 1),
        ("remarks", 1),
        ("remarks", 2),
        ("remarks", 3),
    ]

    second = report.section("remarks")[1]
    assert html(client.get(f"{url}/rows/{second.id}/edit"))
    response = client.post(f"{url}/rows/{second.id}/edit", data={"text": "Дополнить Прототип рекомендациями"})
    assert response.status_code == 303
    response = client.post(f"{url}/rows/{second.id}/edit", data={"text": ""})
    assert response.status_code == 400
    db.session.expire_all()
    assert second.text == "Дополнить Прототип рекомендациями"

    first = report.section("remarks")[0]
    confirm = html(client.get(f"{url}/rows/{first.id}/delete"))  # the question, nothing deleted yet
    assert "Удалить строку 1" in confirm and remark in confirm
    db.session.expire_all()
    assert db.session.get(ReportRow, first.id) is not None
    assert client.post(f"{url}/rows/{first.id}/delete").status_code == 303
    db.session.expire_all()
    assert [(r.position, r.text) for r in report.section("remarks")] == [
        (1, "Дополнить Прототип рекомендациями"),
        (2, '=HYPERLINK("http://evil")'),
    ]

    document = docx_of(client.get(f"{url}/report.docx"))
    lines = paragraphs(document)
    remarks_at = lines.index("2. Замечания/предложения/дополнения")
    effects_at = lines.index("3. Эффекты от реализации, бонусы")
    assert lines[remarks_at + 1 : remarks_at + 3] == [
        "1. Дополнить Прототип рекомендациями",
        '2. =HYPERLINK("http://evil")',
    ]
    assert lines[effects_at + 1] == "1. Сотрудники стали более внимательными к клиентам"
    book = load_workbook(io.BytesIO(client.get(f"{url}/report.xlsx").data))
    cell = book.worksheets[1]["B3"]
    assert cell.value == '=HYPERLINK("http://evil")' and cell.data_type == "s"  # text, never a formula

    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "PilotReport", AuditEvent.object_id == report.id)
    ).all()
    assert actions.count("report.create") == 1 and actions.count("report.update") == 6  # 4 added, 1 edited, 1 gone

    # someone who only reads sees the rows but cannot change them; another report's row is not this one's
    other = create_report(client, plan)
    assert client.get(f"/reports/{other.id}/rows/{second.id}/edit").status_code == 404
    switch(client, login, w["reader"])
    page = html(client.get(url))
    assert "Дополнить Прототип рекомендациями" in page and "Добавить строку" not in page
    assert client.post(f"{url}/rows/remarks", data={"remarks-text": "x"}).status_code == 403
    assert client.post(f"{url}/rows/{second.id}/delete").status_code == 403


# ---- attachments ----------------------------------------------------------------------------


def test_attachments_are_the_roadmap_its_approval_and_the_evidence_each_once_numbered(client, login, w):
    plan, first, second, order = nizhny_with_facts(w)
    registered = db.session.scalar(select(Document).where(Document.meeting_id == second.id))
    roadmap.add_evidence(item(plan, "2.6"), "document", registered.id, w["secretary"])  # the same protocol
    db.session.commit()
    login(w["chair"])
    report = create_report(client, plan)
    listed = reports_service.attachments(report)
    assert [(a.number, a.kind, a.id) for a in listed] == [
        (1, "roadmap", plan.id),
        (2, "protocol", first.id),  # approved the roadmap
        (3, "document", order.id),  # first cited by 1.3
        (4, "protocol", second.id),  # cited by 2.2 and 2.4, listed once
    ]
    assert [a.registration_number for a in listed] == ["", PROTOCOL_1, ORDER_NUMBER, PROTOCOL_2]

    lines = paragraphs(docx_of(client.get(f"/reports/{report.id}/report.docx")))
    at = lines.index("Приложения:")
    assert lines[at + 1 :] == [
        f"1. {plan.title}, утверждена: Протокол заседания рабочей группы от 05.08.2021 № {PROTOCOL_1}",
        f"2. Протокол заседания рабочей группы от 05.08.2021 № {PROTOCOL_1}",
        f"3. Приказ от 30.07.2021 № {ORDER_NUMBER} «{order.title}»",
        f"4. Протокол заседания рабочей группы от 03.09.2021 № {PROTOCOL_2}",
    ]
    page = html(client.get(f"/reports/{report.id}"))
    assert f'<li value="3"><a href="/documents/{order.id}">' in page
    assert f'href="/meetings/{second.id}"' in page


# ---- the package ----------------------------------------------------------------------------


def test_the_package_job_zips_the_report_and_every_cited_artefact(client, login, w, run_jobs):
    plan, first, second, order = nizhny_with_facts(w)
    login(w["chair"])
    report = create_report(client, plan)
    response = client.post(f"/reports/{report.id}/package")
    assert response.status_code == 303
    run = db.session.scalars(select(JobRun)).one()
    assert (run.kind, run.params, run.region_id, run.status) == (
        "report_package",
        {"report_id": report.id},
        w["region"].id,
        "queued",
    )
    box = client.get(f"/reports/{report.id}/package/{run.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in box and 'hx-trigger="load delay:1s"' in box and "В очереди" in box

    run_jobs()
    db.session.expire_all()
    assert run.status == "finished", run.error
    assert run.result["key"] == f"packages/{report.id}/{run.id}.zip"
    assert run.result["filename"].startswith("Пакет отчета о пилотной апробации — Нижегородская область")

    box = client.get(f"/reports/{report.id}/package/{run.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hx-trigger" not in box and f"/reports/{report.id}/package/{run.id}.zip" in box
    assert "Скачать пакет (ZIP)" in html(client.get(f"/reports/{report.id}"))  # the page shows the last run
    assert "Скачать пакет (ZIP)" in html(client.get(f"/reports/{report.id}/package/{run.id}"))  # a plain link too

    response = client.get(f"/reports/{report.id}/package/{run.id}.zip", buffered=True)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].isascii()
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    title = reports_service.safe_name(reports_service.DEFAULT_TITLE, 100)
    assert f"00 {title}.docx" in names and f"00 {title}.xlsx" in names
    protocol_1 = f"02 Протокол заседания рабочей группы от 05.08.2021 № {PROTOCOL_1.replace('/', '-')}.docx"
    protocol_2 = f"04 Протокол заседания рабочей группы от 03.09.2021 № {PROTOCOL_2.replace('/', '-')}.docx"
    assert protocol_1 in names and protocol_2 in names
    roadmap_file = next(n for n in names if n.startswith("01 Дорожная карта"))
    assert roadmap_file.endswith(".xlsx")
    scan = next(n for n in names if n.startswith("03 ") and n.endswith("Приказ 523-246.pdf"))
    assert archive.read(scan).startswith(b"%PDF-1.4")
    assert "Состав пакета.txt" in names

    report_docx = WordDocument(io.BytesIO(archive.read(f"00 {title}.docx")))
    assert len(report_docx.tables[0].rows) == 2 + 17
    protocol_text = "\n".join(p.text for p in WordDocument(io.BytesIO(archive.read(protocol_1))).paragraphs)
    assert "ПРОТОКОЛ" in protocol_text and f"Рег. № {PROTOCOL_1}" in protocol_text and "РЕШИЛИ:" in protocol_text
    sheet = load_workbook(io.BytesIO(archive.read(roadmap_file))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["№", "Мероприятие", "Срок", "Ответственный", "Результат", "Дата исполнения", "Статус"]
    items = [r for r in rows[1:] if r[0]]
    assert [r[0] for r in items] == NUMBERS
    assert items[NUMBERS.index("2.1")][2] == "до 16.08.2021" and items[NUMBERS.index("2.1")][5] == "05.08.2021"
    assert items[NUMBERS.index("2.1")][6] == "выполнено"
    audited = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "report.package", AuditEvent.object_id == report.id
        )
    )
    assert audited == 1

    # safe to run twice: a finished run is left alone; a run cut short rebuilds the same file
    from app.jobs.reports import build_package

    assert build_package(run.id, report_id=report.id) is None
    run.status = "started"
    db.session.commit()
    result = build_package(run.id, report_id=report.id)
    assert result["key"] == f"packages/{report.id}/{run.id}.zip"
    with files.storage().open(result["key"]) as stream, zipfile.ZipFile(stream) as again:
        assert sorted(again.namelist()) == sorted(names)


def test_a_template_order_goes_into_the_package_as_docx(client, login, w, run_jobs):
    plan = nizhny_roadmap(w)
    order = documents.pilot_order(
        {
            "group": w["group"],
            "deadline": date(2021, 11, 1),
            "centres": [w["centre"]],
            "responsible": [w["secretary"]],
            "issuer": "Управление по труду и занятости населения Нижегородской области",
            "signatory": "Руководитель управления А.М.Садулина",
        },
        w["chair"],
    )
    documents.save(
        order,
        {"kind": "order", "title": order.title, "registration_number": ORDER_NUMBER, "signed_on": date(2021, 7, 30)},
        w["chair"],
    )
    documents.sign(order, w["chair"])
    roadmap.record_fact(item(plan, "1.3"), {"result": "Сформирована", "done_on": date(2021, 7, 30)}, w["chair"])
    roadmap.add_evidence(item(plan, "1.3"), "document", order.id, w["chair"])
    db.session.commit()
    login(w["chair"])
    report = create_report(client, plan)
    client.post(f"/reports/{report.id}/package")
    run_jobs()
    run = db.session.scalars(select(JobRun)).one()
    db.session.expire_all()
    assert run.status == "finished", run.error
    with files.storage().open(run.result["key"]) as stream, zipfile.ZipFile(stream) as archive:
        [order_file] = [n for n in archive.namelist() if n.startswith("02 Приказ от 30.07.2021")]
        body = "\n".join(p.text for p in WordDocument(io.BytesIO(archive.read(order_file))).paragraphs)
    assert "ПРИКАЗ" in body


def test_package_rights_only_within_the_report(client, login, w, run_jobs):
    plan, *_ = nizhny_with_facts(w)
    foreign_order = documents.save(
        None,
        {
            "kind": "order",
            "title": "Чужой приказ",
            "registration_number": "77",
            "signed_on": date(2021, 7, 1),
            "region_id": w["foreign_region"].id,
        },
        w["outsider"],
    )
    documents.sign(foreign_order, w["outsider"])
    scan = FileStorage(io.BytesIO(b"%PDF-1.4\n% foreign\n%%EOF\n"), filename="Чужой скан.pdf")
    files.attach_file(foreign_order, scan, w["outsider"])
    with pytest.raises(roadmap.RoadmapError):  # the roadmap service refuses another region's document …
        roadmap.add_evidence(item(plan, "1.2"), "document", foreign_order.id, w["secretary"])
    # … and the package would not carry one cited anyway (written straight into the table here)
    item(plan, "1.2").evidence.append(RoadmapEvidence(artefact_kind="document", artefact_id=foreign_order.id))
    db.session.commit()
    login(w["chair"])
    report = create_report(client, plan)
    other = create_report(client, plan)
    client.post(f"/reports/{report.id}/package")
    run_jobs()
    run = db.session.scalars(select(JobRun)).one()
    zip_url = f"/reports/{report.id}/package/{run.id}.zip"
    with files.storage().open(run.result["key"]) as stream, zipfile.ZipFile(stream) as archive:
        assert not any("Чужой скан" in name for name in archive.namelist())  # the builder may not see it
        manifest = archive.read("Состав пакета.txt").decode()
    assert "не включено: у собравшего пакет нет доступа к этой записи" in manifest

    # a run of another report is not this report's package
    assert client.get(f"/reports/{other.id}/package/{run.id}.zip").status_code == 404
    assert client.get(f"/reports/{other.id}/package/{run.id}").status_code == 404

    # a reader of the region downloads it, but does not start a build
    switch(client, login, w["reader"])
    assert client.get(zip_url, buffered=True).status_code == 200
    assert client.get(f"/reports/{report.id}/report.docx").status_code == 200
    assert client.post(f"/reports/{report.id}/package").status_code == 404
    assert db.session.scalar(select(func.count(JobRun.id))) == 1

    # another region sees none of it
    switch(client, login, w["outsider"])
    for url in (
        f"/reports/{report.id}",
        zip_url,
        f"/reports/{report.id}/report.docx",
        f"/reports/{report.id}/report.xlsx",
        f"/reports/{report.id}/package/{run.id}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/reports/{report.id}/package").status_code == 404
    assert f"/reports/{report.id}" not in html(client.get("/reports/"))

    # ФЦК reviews: it may open and build the package of a region's report
    switch(client, login, w["federal"])
    assert client.get(zip_url, buffered=True).status_code == 200
    assert client.post(f"/reports/{report.id}/package").status_code == 303


# ---- submissions ----------------------------------------------------------------------------


def test_the_submission_loop_with_a_request_for_missing_data(client, login, w):
    plan, first, second, order = nizhny_with_facts(w)
    assert plan.is_approved
    draft = roadmap.save_roadmap(None, {"title": "Проект карты", "region_id": w["region"].id}, w["chair"])
    db.session.commit()
    region = w["region"]
    login(w["chair"])
    page = html(client.get("/reports/submissions"))  # one region: shown at once
    assert "Представление материалов в ФЦК: Нижегородская область" in page
    assert plan.title in page and "Проект карты" not in page  # only an approved roadmap is offered

    # a draft roadmap is refused, nothing recorded
    response = client.post(f"/reports/submissions/{region.id}/roadmap", data={"roadmap-artefact_id": draft.id})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Submission.id))) == 0

    response = client.post(
        f"/reports/submissions/{region.id}/roadmap",
        data={"roadmap-artefact_id": plan.id, "roadmap-comment": "Дорожная карта утверждена протоколом"},
    )
    assert response.status_code == 303
    submission = db.session.scalars(select(Submission)).one()
    assert (submission.region_id, submission.kind, submission.status, submission.artefact_id) == (
        region.id,
        "roadmap",
        "submitted",
        plan.id,
    )
    response = client.post(f"/reports/submissions/{region.id}/order", data={"order-artefact_id": order.id})
    assert response.status_code == 303
    # submitted twice: refused
    response = client.post(f"/reports/submissions/{region.id}/roadmap", data={"roadmap-artefact_id": plan.id})
    assert response.status_code == 400 and "уже представлены" in response.get_data(as_text=True)
    assert client.post(f"/reports/submission/{submission.id}/accept").status_code == 403  # a region does not review

    switch(client, login, w["federal"])
    page = html(client.get("/reports/federal"))
    assert "Нижегородская область" in page and "Чужая область" in page
    assert f'href="/reports/submission/{submission.id}"' in page
    counts = reports_service.status_counts(w["federal"])
    assert counts["roadmap"] == {"not_submitted": 1, "submitted": 1, "returned": 0, "accepted": 0}
    assert counts["report"]["not_submitted"] == 2
    assert 'data-kind="roadmap" data-status="submitted">1<' in page

    # returning needs the request text; without it nothing changes
    response = client.post(f"/reports/submission/{submission.id}/return", data={"return-comment": "  "})
    assert response.status_code == 400 and "Напишите, каких данных не хватает" in response.get_data(as_text=True)
    db.session.expire_all()
    assert submission.status == "submitted" and len(submission.events) == 1
    request_text = "Приложите лист согласования перечня показателей"
    response = client.post(f"/reports/submission/{submission.id}/return", data={"return-comment": request_text})
    assert response.status_code == 303
    db.session.expire_all()
    assert submission.status == "returned"
    response = client.post(f"/reports/submission/{submission.id}/accept")
    assert response.status_code == 400 and "Принять можно только представленные" in response.get_data(as_text=True)
    db.session.expire_all()
    assert submission.status == "returned"

    # the region sees the request and submits again
    switch(client, login, w["chair"])
    page = text(html(client.get("/reports/submissions")))
    assert "Запрос недостающих данных" in page and request_text in page
    assert request_text in text(html(client.get(f"/reports/submission/{submission.id}")))
    response = client.post(
        f"/reports/submissions/{region.id}/roadmap",
        data={"roadmap-artefact_id": plan.id, "roadmap-comment": "Лист согласования приложен"},
    )
    assert response.status_code == 303

    switch(client, login, w["federal"])
    assert client.post(f"/reports/submission/{submission.id}/accept", data={"accept-comment": ""}).status_code == 303
    db.session.expire_all()
    assert submission.status == "accepted"
    assert [(e.action, e.comment) for e in submission.events] == [
        ("submit", "Дорожная карта утверждена протоколом"),
        ("return", request_text),
        ("submit", "Лист согласования приложен"),
        ("accept", ""),
    ]
    assert [e.actor_id for e in submission.events] == [w["chair"].id, w["federal"].id, w["chair"].id, w["federal"].id]
    audited = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "Submission", AuditEvent.object_id == submission.id)
        .order_by(AuditEvent.id)
    ).all()
    assert audited == ["submission.submit", "submission.return", "submission.submit", "submission.accept"]
    page = text(html(client.get(f"/reports/submission/{submission.id}")))
    assert "Принято" in page and "Возвращено за данными" in page and "Вернуть за данными" not in page

    # accepted: the region cannot submit it again
    switch(client, login, w["chair"])
    response = client.post(f"/reports/submissions/{region.id}/roadmap", data={"roadmap-artefact_id": plan.id})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(SubmissionEvent.id))) == 5  # 4 + the order


def test_a_region_never_sees_another_regions_submissions(client, login, w):
    plan, first, second, order = nizhny_with_facts(w)
    region = w["region"]
    submission = reports_service.submit(region, "order", order.id, "", w["chair"])
    db.session.commit()

    login(w["outsider"])
    assert client.get(f"/reports/submission/{submission.id}").status_code == 404
    assert client.get(f"/reports/submissions?region={region.id}").status_code == 404
    page = html(client.get("/reports/submissions"))
    assert "Нижегородская область" not in page and "Чужая область" in page
    # submitting for another region, or the other region's record for one's own, is refused
    response = client.post(f"/reports/submissions/{region.id}/order", data={"order-artefact_id": order.id})
    assert response.status_code == 404
    foreign = w["foreign_region"]
    response = client.post(f"/reports/submissions/{foreign.id}/report", data={"report-artefact_id": 1})
    assert response.status_code == 400
    assert client.post(f"/reports/submission/{submission.id}/return", data={"return-comment": "x"}).status_code == 403
    assert client.get("/reports/federal").status_code == 403
    db.session.expire_all()
    assert submission.status == "submitted" and len(submission.events) == 1
    assert db.session.scalar(select(func.count(Submission.id))) == 1

    # a reader of the region itself neither submits nor follows the exchange
    switch(client, login, w["reader"])
    assert client.get("/reports/submissions").status_code == 403
    assert client.get(f"/reports/submission/{submission.id}").status_code == 404
