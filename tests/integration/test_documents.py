"""The document register through the Flask client: registering, editing and signing documents, what
they approve, distribution and acknowledgement, the pilot order from seed 003's template and its DOCX,
scope (404 for foreign documents on every route) and input that changes nothing."""

import io
import itertools
import re
from collections import Counter
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from docx import Document as WordDocument
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.base import today
from app.models.documents import Approval, Document, DocumentRecipient
from app.models.mail import OutboxMessage
from app.models.meetings import WorkingGroup
from app.models.notifications import Notification
from app.models.roadmap import Roadmap
from app.services import artefacts, documents, meetings, roadmap
from app.services.order_docx import region_genitive

NUMBER = "523-246/21П/од"


@pytest.fixture
def w(make):
    """A region with a pilot centre and another centre; a director and a secretary of the region (both keep
    the register), a regional reader, a centre director and a centre employee (outside a regional document's
    scope), and a director of another region."""
    region = make.region(
        "Нижегородская область", authority_name="Управление по труду и занятости населения Нижегородской области"
    )
    pilot = make.centre(region, "ЦЗН Канавинского района", address="г. Нижний Новгород, ул. Совнаркомовская, д. 13")
    pilot.is_pilot = True
    other_centre = make.centre(region, "ЦЗН Сормовского района", address="г. Нижний Новгород, ул. Коминтерна, д. 39")
    foreign_region = make.region("Владимирская область")
    foreign_centre = make.centre(foreign_region, "ЦЗН города Владимира", address="г. Владимир, ул. Гагарина, д. 1")
    director = make.user(
        ("director", region),
        region=region,
        full_name="Садулина Арина Михайловна",
        position="Руководитель управления",
        phone="+7 831 428-00-01",
        email="sadulina@nn.test",
    )
    secretary = make.user(
        ("secretary", region),
        region=region,
        full_name="Напалкова Ирина Викторовна",
        position="Начальник отдела анализа рынка труда",
        phone="+7 831 428-00-02",
        email="napalkova@nn.test",
    )
    reader = make.user(("employee", region), region=region, full_name="Читателев Пётр Ильич")
    centre_director = make.user(
        ("director", pilot),
        centre=pilot,
        full_name="Гусева Елена Сергеевна",
        position="Директор ЦЗН",
        phone="+7 831 273-00-03",
        email="guseva@nn.test",
    )
    centre_employee = make.user(("employee", pilot), centre=pilot, full_name="Сотрудникова Ольга Ивановна")
    foreigner = make.user(("director", foreign_region), region=foreign_region, full_name="Владимиров Игорь Олегович")
    db.session.commit()
    return {
        "region": region,
        "pilot": pilot,
        "other_centre": other_centre,
        "foreign_region": foreign_region,
        "foreign_centre": foreign_centre,
        "director": director,
        "secretary": secretary,
        "reader": reader,
        "centre_director": centre_director,
        "centre_employee": centre_employee,
        "foreigner": foreigner,
    }


def html(response) -> str:
    return response.get_data(as_text=True)


def text_of(response) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html(response)).split())


def switch(client, login, user):
    client.post("/logout")
    login(user)


def register(client, region, **data) -> Document:
    values = {
        "kind": "order",
        "registration_number": "",
        "signed_on": "",
        "title": "О проведении пилотной апробации",
        "issuer": "Управление по труду и занятости населения Нижегородской области",
        "signatory": "Руководитель управления А.М.Садулина",
        "appendices": "",
        "scope": f"region:{region.id}",
        **data,
    }
    response = client.post("/documents/new", data=values)
    assert response.status_code == 303, text_of(response)[:2000]
    return db.session.scalars(select(Document).order_by(Document.id.desc())).first()


def draft(w, actor=None, **values) -> Document:
    """A document registered through the service (for tests about other routes)."""
    document = documents.save(
        None,
        {
            "kind": "order",
            "title": "О проведении пилотной апробации",
            "registration_number": "",
            "signed_on": None,
            "region_id": w["region"].id,
            **values,
        },
        actor or w["director"],
    )
    db.session.commit()
    return document


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def events(document, action) -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.object_type == "Document", AuditEvent.object_id == document.id, AuditEvent.action == action
        )
    )


def sign(client, document, confirm=True):
    data = {"confirm": "1"} if confirm else {}
    return client.post(f"/documents/{document.id}/sign", data=data, follow_redirects=True)


# ---- register, edit, sign --------------------------------------------------------------------


def test_register_edit_and_sign_a_document(w, client, login):
    login(w["director"])
    assert client.get("/documents/new").status_code == 200
    document = register(
        client,
        w["region"],
        appendices="Приложение № 1. Состав рабочей группы\n\n  Приложение № 2. Перечень центров  \n",
    )
    assert document.status == "draft" and document.region_id == w["region"].id and document.centre_id is None
    assert document.appendices == ["Приложение № 1. Состав рабочей группы", "Приложение № 2. Перечень центров"]
    assert document.created_by_id == w["director"].id

    page = text_of(client.get(f"/documents/{document.id}"))
    assert "О проведении пилотной апробации" in page and "Проект" in page
    assert "Приложение № 2. Перечень центров" in page

    form = client.get(f"/documents/{document.id}/edit")
    assert form.status_code == 200 and "Приложение № 1. Состав рабочей группы" in html(form)
    response = client.post(
        f"/documents/{document.id}/edit",
        data={
            "kind": "order",
            "registration_number": NUMBER,
            "signed_on": "30.07.2021",
            "title": "О проведении пилотной апробации элементов системы управления клиентским опытом",
            "issuer": "Управление по труду и занятости населения Нижегородской области",
            "signatory": "Руководитель управления А.М.Садулина",
            "appendices": "Приложение № 1. Состав рабочей группы",
            "scope": f"centre:{w['pilot'].id}",
        },
    )
    assert response.status_code == 303
    document = fresh(Document, document.id)
    assert document.registration_number == NUMBER and document.signed_on == date(2021, 7, 30)
    assert document.centre_id == w["pilot"].id and str(document) == f"Приказ от 30.07.2021 № {NUMBER}"

    confirm = client.post(f"/documents/{document.id}/sign")  # the first step only asks
    assert confirm.status_code == 200 and "Подтвердите действие" in html(confirm)
    assert 'name="confirm" value="1"' in html(confirm)
    assert fresh(Document, document.id).status == "draft"

    page = text_of(sign(client, document))
    assert "Документ подписан" in page
    document = fresh(Document, document.id)
    assert document.status == "signed"
    assert [events(document, a) for a in ("document.create", "document.update", "document.sign")] == [1, 1, 1]
    assert "Изменить" not in text_of(client.get(f"/documents/{document.id}"))


def test_signing_is_refused_without_number_and_date(w, client, login):
    login(w["director"])
    document = register(client, w["region"])
    page = text_of(sign(client, document))
    assert "Чтобы отметить документ подписанным, укажите номер и дату." in page
    document = fresh(Document, document.id)
    assert document.status == "draft" and events(document, "document.sign") == 0

    client.post(
        f"/documents/{document.id}/edit",
        data={
            "kind": "order",
            "registration_number": "12",
            "title": document.title,
            "scope": f"region:{w['region'].id}",
        },
    )
    assert "укажите дату." in text_of(sign(client, document))
    assert fresh(Document, document.id).status == "draft"


def test_a_registration_number_is_unique_per_kind_in_a_region(w, client, login):
    login(w["director"])
    register(client, w["region"], registration_number=NUMBER)
    response = client.post(
        "/documents/new",
        data={
            "kind": "order",
            "registration_number": NUMBER,
            "title": "Другой приказ",
            "scope": f"region:{w['region'].id}",
        },
    )
    assert response.status_code == 200
    assert f"Приказ с номером {NUMBER} уже зарегистрирован." in text_of(response)
    assert 'aria-invalid="true"' in html(response)
    assert db.session.scalar(select(func.count(Document.id))) == 1

    # another kind, or another region, may carry the same number
    register(client, w["region"], kind="directive", registration_number=NUMBER)
    switch(client, login, w["foreigner"])
    register(client, w["foreign_region"], registration_number=NUMBER)
    assert db.session.scalar(select(func.count(Document.id))) == 3


def test_a_signed_document_is_changed_by_no_route(w, client, login):
    rm = roadmap.save_roadmap(None, {"title": "Дорожная карта", "region_id": w["region"].id}, w["director"])
    other = roadmap.save_roadmap(None, {"title": "Вторая карта", "region_id": w["region"].id}, w["director"])
    document = draft(w, registration_number=NUMBER, signed_on=date(2021, 7, 30))
    approval = documents.attach_artefact(document, "roadmap", rm.id, "approve", w["director"])
    documents.sign(document, w["director"])
    db.session.commit()
    login(w["director"])

    edit = client.get(f"/documents/{document.id}/edit", follow_redirects=True)
    assert "Документ подписан и не изменяется." in text_of(edit)
    response = client.post(
        f"/documents/{document.id}/edit",
        data={
            "kind": "letter",
            "registration_number": "1",
            "title": "Подменённый",
            "scope": f"region:{w['region'].id}",
        },
    )
    assert response.status_code == 303
    assert "Документ подписан и не изменяется." in text_of(sign(client, document))
    client.post(f"/documents/{document.id}/approvals", data={"artefact_ref": f"roadmap:{other.id}", "verb": "agree"})
    client.post(f"/documents/{document.id}/approvals/{approval.id}/remove", data={"confirm": "1"})

    document = fresh(Document, document.id)
    assert (document.kind, document.title, document.registration_number) == (
        "order",
        "О проведении пилотной апробации",
        NUMBER,
    )
    assert [(a.artefact_kind, a.artefact_id) for a in documents.approvals_by(document)] == [("roadmap", rm.id)]
    assert events(document, "document.sign") == 1 and events(document, "document.update") == 0


def test_a_protocol_of_a_meeting_is_not_edited_here_and_links_to_its_meeting(w, client, login):
    group = WorkingGroup(name="Рабочая группа по пилоту", region_id=w["region"].id)
    db.session.add(group)
    db.session.flush()
    rm = roadmap.save_roadmap(None, {"title": "Дорожная карта пилота", "region_id": w["region"].id}, w["director"])
    meeting = meetings.create(group, datetime(2021, 8, 5, 10), "", "", w["director"], 1)
    meeting.registration_number = "Сл-523-452756/21"
    item = meetings.add_item(meeting, "Об утверждении дорожной карты", "", None, w["director"])
    meetings.add_decision(
        item, "approve", "дорожную карту", w["director"], artefact_ref=artefacts.Ref("roadmap", rm.id)
    )
    documents.protocol_signed(meeting, w["director"])
    db.session.commit()
    protocol = db.session.scalar(select(Document).where(Document.meeting_id == meeting.id))
    login(w["director"])
    page = html(client.get(f"/documents/{protocol.id}"))
    assert f'href="/meetings/{meeting.id}"' in page and "Сл-523-452756/21" in page
    assert f"/documents/{protocol.id}/edit" not in page and f"/documents/{protocol.id}/sign" not in page
    assert "Дорожная карта пилота" in page and "5 августа 2021" in page
    client.post(
        f"/documents/{protocol.id}/edit", data={"kind": "order", "title": "x", "scope": f"region:{w['region'].id}"}
    )
    assert fresh(Document, protocol.id).kind == "protocol"


# ---- approvals --------------------------------------------------------------------------------


def test_an_order_approving_a_roadmap_approves_it_when_signed_and_fills_the_item_it_delivers(w, client, login):
    rm = roadmap.from_template("typical", {"region_id": w["region"].id, "starts_on": date(2022, 4, 1)}, w["director"])
    foreign = roadmap.save_roadmap(None, {"title": "Чужая карта", "region_id": w["foreign_region"].id}, w["foreigner"])
    spare = roadmap.save_roadmap(None, {"title": "Запасная карта", "region_id": w["region"].id}, w["director"])
    db.session.commit()
    login(w["director"])
    document = register(client, w["region"], registration_number="523-85/22П/од", signed_on="06.04.2022")
    item = next(i for i in rm.items if i.deliverable_kind == "document")
    roadmap.save_item(
        item.block,
        item,
        {
            "number": item.number,
            "title": item.title,
            "deadline_kind": item.deadline_kind,
            "due_on": item.due_on,
            "deliverable_kind": "document",
            "deliverable_id": document.id,
        },
        w["director"],
    )
    db.session.commit()

    page = html(client.get(f"/documents/{document.id}"))
    assert f'value="roadmap:{rm.id}"' in page and f'value="roadmap:{foreign.id}"' not in page
    assert f'value="document:{document.id}"' not in page  # not itself
    assert 'value="journey"' not in page  # kinds without a record cannot be approved here

    refused = client.post(
        f"/documents/{document.id}/approvals", data={"artefact_ref": f"roadmap:{foreign.id}", "verb": "approve"}
    )
    assert refused.status_code == 200 and 'aria-invalid="true"' in html(refused)
    assert documents.approvals_by(document) == []

    for target in (rm, spare):
        response = client.post(
            f"/documents/{document.id}/approvals", data={"artefact_ref": f"roadmap:{target.id}", "verb": "approve"}
        )
        assert response.status_code == 303
    page = text_of(client.get(f"/documents/{document.id}"))
    assert f"Дорожная карта «{rm.title}»" in page and "при подписании" in page

    spare_approval = next(a for a in documents.approvals_by(document) if a.artefact_id == spare.id)
    ask = client.post(f"/documents/{document.id}/approvals/{spare_approval.id}/remove")
    assert ask.status_code == 200 and "Запасная карта" in text_of(ask)
    assert len(documents.approvals_by(document)) == 2
    client.post(f"/documents/{document.id}/approvals/{spare_approval.id}/remove", data={"confirm": "1"})
    assert [a.artefact_id for a in documents.approvals_by(fresh(Document, document.id))] == [rm.id]

    confirm = text_of(client.post(f"/documents/{document.id}/sign"))
    assert f"Утверждается: Дорожная карта «{rm.title}»." in confirm
    sign(client, document)

    rm = fresh(Roadmap, rm.id)
    assert rm.status == "approved" and rm.approved_on == date(2022, 4, 6)
    assert all(i.baseline_due_on == i.due_on for i in rm.items)
    assert fresh(Roadmap, spare.id).status == "draft"
    item = next(i for i in rm.items if i.deliverable_id == document.id)
    assert item.done_on == date(2022, 4, 6) and item.result.endswith(f"утверждено — {document}")
    [approval] = db.session.scalars(select(Approval).where(Approval.document_id == document.id)).all()
    assert approval.approved_on == date(2022, 4, 6)


# ---- distribution and acknowledgement -------------------------------------------------------


def test_distribution_notifies_recipients_who_see_the_document_and_acknowledge_once(w, client, login):
    document = draft(w, registration_number=NUMBER, signed_on=date(2021, 7, 30))
    login(w["director"])
    page = html(client.get(f"/documents/{document.id}"))
    assert f'value="{w["centre_director"].id}"' in page and f'value="{w["foreigner"].id}"' not in page

    due = today() + timedelta(days=5)
    response = client.post(
        f"/documents/{document.id}/distribute",
        data={"user_ids": [w["centre_director"].id, w["secretary"].id], "due_on": due.isoformat()},
    )
    assert response.status_code == 303
    notes = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert {n.user_id for n in notes} == {w["centre_director"].id, w["secretary"].id}
    assert all(n.link == f"/documents/{document.id}" and NUMBER in n.text for n in notes)
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.recipient == "guseva@nn.test"))

    again = client.post(f"/documents/{document.id}/distribute", data={"user_ids": [w["centre_director"].id]})
    assert "уже направлялся" in text_of(client.get(again.headers["Location"]))
    assert db.session.scalar(select(func.count(DocumentRecipient.id))) == 2

    # a recipient outside the document's scope opens it and finds it in the register; a colleague does not
    switch(client, login, w["centre_director"])
    page = text_of(client.get(f"/documents/{document.id}"))
    assert "Документ направлен вам для ознакомления" in page and "Ознакомлен(а)" in page
    assert NUMBER in text_of(client.get("/documents/"))
    response = client.post(f"/documents/{document.id}/acknowledge")
    assert response.status_code == 303

    def acknowledged_at():
        db.session.expire_all()
        return db.session.scalar(
            select(DocumentRecipient.acknowledged_at).where(DocumentRecipient.user_id == w["centre_director"].id)
        )

    first = acknowledged_at()
    assert first is not None
    assert "уже подтвердили" in text_of(client.post(f"/documents/{document.id}/acknowledge", follow_redirects=True))
    assert acknowledged_at() == first
    assert events(document, "document.acknowledge") == 1

    # a centre's staff read their region's own documents, but confirm only what was sent to them
    switch(client, login, w["centre_employee"])
    assert client.get(f"/documents/{document.id}").status_code == 200
    refused = client.post(f"/documents/{document.id}/acknowledge", follow_redirects=True)
    assert "Этот документ вам не направлялся" in text_of(refused)
    assert events(document, "document.acknowledge") == 1
    switch(client, login, w["foreigner"])
    assert client.get(f"/documents/{document.id}").status_code == 404
    assert client.post(f"/documents/{document.id}/acknowledge").status_code == 404
    assert NUMBER not in text_of(client.get("/documents/"))

    switch(client, login, w["director"])
    page = text_of(client.get(f"/documents/{document.id}"))
    assert "ознакомлен(а)" in page and "Гусева Елена Сергеевна" in page


def test_an_overdue_acknowledgement_is_highlighted_and_a_foreign_person_is_refused(w, client, login):
    document = draft(w)
    documents.distribute(document, [w["reader"]], today() - timedelta(days=1), w["director"])
    db.session.commit()
    login(w["director"])
    page = html(client.get(f"/documents/{document.id}"))
    assert 'class="table-danger"' in page and "срок прошёл" in page

    response = client.post(f"/documents/{document.id}/distribute", data={"user_ids": [w["foreigner"].id]})
    assert response.status_code == 200 and 'aria-invalid="true"' in html(response)
    response = client.post(f"/documents/{document.id}/distribute", data={"due_on": "2021-08-20"})
    assert "Выберите, кому направить документ." in text_of(response)
    assert [r.user_id for r in fresh(Document, document.id).recipients] == [w["reader"].id]


def test_a_reader_sees_but_does_not_manage(w, client, login):
    document = draft(w)
    login(w["reader"])
    page = html(client.get(f"/documents/{document.id}"))
    assert f"/documents/{document.id}/edit" not in page and "Направить для ознакомления" not in page
    assert client.get("/documents/new").status_code == 403
    assert client.get("/documents/pilot-order").status_code == 403
    assert client.post(f"/documents/{document.id}/sign", data={"confirm": "1"}).status_code == 403
    assert client.post(f"/documents/{document.id}/distribute", data={"user_ids": [w["reader"].id]}).status_code == 403
    assert "Зарегистрировать документ" not in text_of(client.get("/documents/"))
    assert fresh(Document, document.id).recipients == []


# ---- the pilot order from the template -------------------------------------------------------


@pytest.fixture
def group(w):
    group = WorkingGroup(name="Рабочая группа по пилотной апробации", region_id=w["region"].id)
    db.session.add(group)
    db.session.flush()
    on = date(2022, 3, 1)
    meetings.set_member(group, w["director"], "head", "Руководитель управления", on, "", None)
    meetings.set_member(group, w["secretary"], "secretary", "", on, "", None)
    meetings.set_member(group, w["centre_director"], "member", "Директор ГКУ ЦЗН Канавинского района", on, "", None)
    db.session.commit()
    return group


def _docx_text(data: bytes) -> str:
    doc = WordDocument(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def test_the_pilot_order_from_the_template_and_its_docx(w, group, client, login):
    login(w["director"])
    form = html(client.get("/documents/pilot-order"))  # the only group is chosen at once
    assert f'name="group_id" value="{group.id}"' in form
    assert re.search(rf'<option selected value="{w["pilot"].id}"|<option value="{w["pilot"].id}" selected', form)
    assert not re.search(rf'<option selected value="{w["other_centre"].id}"', form)
    assert "Управление по труду и занятости населения Нижегородской области" in form
    assert "Руководитель управления А.М.Садулина" in form

    response = client.post(
        "/documents/pilot-order",
        data={
            "group_id": group.id,
            "deadline": "30.04.2022",
            "responsible_ids": [w["secretary"].id],
            "centre_ids": [w["pilot"].id, w["other_centre"].id],
            "issuer": "Управление по труду и занятости населения Нижегородской области",
            "signatory": "Руководитель управления А.М.Садулина",
        },
    )
    assert response.status_code == 303
    document = db.session.scalars(select(Document)).one()
    assert response.headers["Location"].endswith(f"/documents/{document.id}")
    assert document.template == "pilot_order" and document.status == "draft"
    assert [m["name"] for m in document.content["roster"]] == [
        "Садулина Арина Михайловна",
        "Напалкова Ирина Викторовна",
        "Гусева Елена Сергеевна",
    ]

    page = text_of(client.get(f"/documents/{document.id}"))
    assert "Провести до 30 апреля 2022 г. в центрах занятости населения Нижегородской области" in page
    assert "+7 831 273-00-03" in page and "guseva@nn.test" in page  # the director may see personal data
    assert "ул. Коминтерна, д. 39" in page

    response = client.get(f"/documents/{document.id}/order.docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    disposition.encode("latin-1")  # no raw Cyrillic in a header
    text = _docx_text(response.data)
    for expected in (
        "Проект",
        "Управление по труду и занятости населения Нижегородской области",
        "ПРИКАЗ",
        "__________________\t№ ________________",
        "О проведении пилотной апробации элементов методики измерения показателей клиентоцентричности",
        "п р и к а з ы в а ю:",
        "1. Провести до 30 апреля 2022 г. в центрах занятости населения Нижегородской области",
        "2.2 Назначить ответственных лиц",
        "– Напалкова Ирина Викторовна, Начальник отдела анализа рынка труда.",
        "2.3 Утвердить прилагаемый перечень центров занятости населения Нижегородской области",
        "4. Контроль за исполнением настоящего приказа оставляю за собой.",
        "Руководитель управления\tА.М.Садулина",
        "Приложение № 1",
        "№ | ФИО | ДОЛЖНОСТЬ | КОНТАКТНЫЙ ТЕЛЕФОН | ЭЛЕКТРОННАЯ ПОЧТА",
        "1 | Садулина Арина Михайловна | Руководитель управления | +7 831 428-00-01 | sadulina@nn.test",
        "2 | Напалкова Ирина Викторовна | Начальник отдела анализа рынка труда | +7 831 428-00-02 | napalkova@nn.test",
        "3 | Гусева Елена Сергеевна | Директор ГКУ ЦЗН Канавинского района | +7 831 273-00-03 | guseva@nn.test",
        "Приложение № 2",
        "№ п/п | Наименование центра занятости населения | Адрес центра занятости населения",
        "1 | ЦЗН Канавинского района | г. Нижний Новгород, ул. Совнаркомовская, д. 13",
        "2 | ЦЗН Сормовского района | г. Нижний Новгород, ул. Коминтерна, д. 39",
    ):
        assert expected in text, expected

    # numbered and signed: the blanks are filled and «Проект» goes; the template's kind and region stay
    edit = html(client.get(f"/documents/{document.id}/edit"))
    assert 'name="kind"' not in edit and 'name="scope"' not in edit
    response = client.post(
        f"/documents/{document.id}/edit",
        data={
            "registration_number": "523-85/22П/од",
            "signed_on": "2022-04-06",
            "title": document.title,
            "issuer": document.issuer,
            "signatory": document.signatory,
            "appendices": "\n".join(document.appendices),
            "kind": "letter",
            "scope": f"region:{w['foreign_region'].id}",
        },
    )
    assert response.status_code == 303
    document = fresh(Document, document.id)
    assert (document.kind, document.region_id) == ("order", w["region"].id)
    assert sign(client, document).status_code == 200 and fresh(Document, document.id).is_signed
    text = _docx_text(client.get(f"/documents/{document.id}/order.docx").data)
    assert "06.04.2022\t№ 523-85/22П/од" in text and "от 06.04.2022 № 523-85/22П/од" in text
    assert not text.startswith("Проект")

    # the secretary keeps the register but sees no personal data on the page; a reader gets no DOCX
    switch(client, login, w["secretary"])
    page = text_of(client.get(f"/documents/{document.id}"))
    assert "Садулина Арина Михайловна" in page and "+7 831 273-00-03" not in page and "guseva@nn.test" not in page
    assert client.get(f"/documents/{document.id}/order.docx").status_code == 200
    switch(client, login, w["reader"])
    assert client.get(f"/documents/{document.id}/order.docx").status_code == 403


def test_the_pilot_order_refuses_bad_input_and_creates_nothing(w, group, client, login):
    foreign_group = WorkingGroup(name="Чужая группа", region_id=w["foreign_region"].id)
    db.session.add(foreign_group)
    db.session.commit()
    login(w["director"])
    base = {"group_id": group.id, "deadline": "30.04.2022", "centre_ids": [w["pilot"].id]}
    cases = [
        ({**base, "centre_ids": []}, "Выберите хотя бы один центр занятости."),
        ({**base, "deadline": ""}, "Укажите, до какой даты провести апробацию."),
        ({**base, "deadline": "31.02.2022"}, "Дата должна быть в формате"),
        ({**base, "centre_ids": [w["foreign_centre"].id]}, 'aria-invalid="true"'),
        ({**base, "responsible_ids": [w["foreigner"].id]}, 'aria-invalid="true"'),
        ({**base, "group_id": foreign_group.id}, "Выберите рабочую группу из списка."),
    ]
    for data, message in cases:
        response = client.post("/documents/pilot-order", data=data)
        assert response.status_code == 200, data
        assert message in html(response), data
    assert db.session.scalar(select(func.count(Document.id))) == 0
    assert client.get(f"/documents/pilot-order?group_id={foreign_group.id}").status_code == 200
    assert "Выберите рабочую группу из списка." in html(
        client.get(f"/documents/pilot-order?group_id={foreign_group.id}")
    )


def test_a_document_not_made_from_the_template_has_no_docx(w, client, login):
    document = draft(w)
    login(w["director"])
    assert client.get(f"/documents/{document.id}/order.docx").status_code == 404


# ---- scope, CSRF, invalid input --------------------------------------------------------------


def test_a_foreign_regions_document_is_404_on_every_route(w, group, client, login):
    rm = roadmap.save_roadmap(None, {"title": "Дорожная карта", "region_id": w["region"].id}, w["director"])
    document = documents.pilot_order(
        {"group": group, "deadline": date(2022, 4, 30), "responsible": [], "centres": [w["pilot"]]}, w["director"]
    )
    approval = documents.attach_artefact(document, "roadmap", rm.id, "approve", w["director"])
    db.session.commit()
    login(w["foreigner"])
    n = document.id
    for method, url, data in (
        ("get", f"/documents/{n}", None),
        ("get", f"/documents/{n}/edit", None),
        ("post", f"/documents/{n}/edit", {"kind": "letter", "title": "x", "scope": f"region:{w['foreign_region'].id}"}),
        ("post", f"/documents/{n}/sign", {"confirm": "1"}),
        ("post", f"/documents/{n}/approvals", {"artefact_ref": f"roadmap:{rm.id}", "verb": "approve"}),
        ("post", f"/documents/{n}/approvals/{approval.id}/remove", {"confirm": "1"}),
        ("post", f"/documents/{n}/distribute", {"user_ids": [w["foreigner"].id]}),
        ("post", f"/documents/{n}/acknowledge", {}),
        ("get", f"/documents/{n}/order.docx", None),
    ):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, (method, url)
    assert "О проведении пилотной апробации" not in text_of(client.get("/documents/"))
    document = fresh(Document, n)
    assert (document.status, document.kind, document.recipients) == ("draft", "order", [])
    assert len(documents.approvals_by(document)) == 1


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_posts_without_a_csrf_token_change_nothing(w, client, login, app):
    rm = roadmap.save_roadmap(None, {"title": "Дорожная карта", "region_id": w["region"].id}, w["director"])
    document = draft(w, registration_number=NUMBER, signed_on=date(2021, 7, 30))
    db.session.commit()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html(page)).group(1)
    response = client.post(
        "/login", data={"email": w["director"].email, "password": "Пароль-тест-2026", "csrf_token": token}
    )
    assert response.status_code == 303
    n = document.id
    for url, data in (
        ("/documents/new", {"kind": "order", "title": "Новый", "scope": f"region:{w['region'].id}"}),
        (f"/documents/{n}/edit", {"kind": "letter", "title": "x", "scope": f"region:{w['region'].id}"}),
        (f"/documents/{n}/sign", {"confirm": "1"}),
        (f"/documents/{n}/approvals", {"artefact_ref": f"roadmap:{rm.id}", "verb": "approve"}),
        (f"/documents/{n}/distribute", {"user_ids": [w["reader"].id]}),
        ("/documents/pilot-order", {"deadline": "30.04.2022"}),
    ):
        assert client.post(url, data=data).status_code == 400, url
    document = fresh(Document, n)
    assert (document.status, document.kind, document.title) == ("draft", "order", "О проведении пилотной апробации")
    assert db.session.scalar(select(func.count(Document.id))) == 1
    assert documents.approvals_by(document) == [] and document.recipients == []


def test_invalid_registration_input_is_shown_next_to_the_field_and_saves_nothing(w, client, login):
    login(w["director"])
    scope = f"region:{w['region'].id}"
    cases = [
        ({"kind": "order", "title": "", "scope": scope}, "Укажите заголовок документа."),
        ({"kind": "order", "title": "Приказ", "signed_on": "31.02.2021", "scope": scope}, "Дата должна быть в формате"),
        (
            {"kind": "order", "title": "Приказ", "signed_on": "30.07.20210", "scope": scope},
            "Дата должна быть в формате",
        ),
        ({"kind": "order", "title": "Приказ", "signed_on": "30.07.1921", "scope": scope}, "Укажите дату с годом от"),
        ({"kind": "decree", "title": "Приказ", "scope": scope}, 'aria-invalid="true"'),
        ({"kind": "order", "title": "Приказ", "scope": f"region:{w['foreign_region'].id}"}, 'aria-invalid="true"'),
        ({"kind": "order", "title": "Приказ", "scope": "region:abc"}, 'aria-invalid="true"'),
        ({"kind": "order", "title": "Приказ", "registration_number": "1" * 101, "scope": scope}, 'aria-invalid="true"'),
    ]
    for data, message in cases:
        response = client.post("/documents/new", data=data)
        assert response.status_code == 200, data
        assert message in html(response), data
    assert db.session.scalar(select(func.count(Document.id))) == 0


# ---- the register list -----------------------------------------------------------------------


def test_the_register_searches_filters_sorts_and_pages(w, client, login):
    login(w["director"])
    empty = text_of(client.get("/documents/"))
    assert "В реестре пока нет документов." in empty and "Приказ по шаблону" in empty
    draft(w, title="О составе рабочей группы", registration_number="523-246/21П/од", signed_on=date(2021, 7, 30))
    draft(
        w,
        kind="directive",
        title="Об утверждении дорожной карты",
        registration_number="16",
        signed_on=date(2022, 3, 29),
    )
    draft(w, kind="letter", title="О направлении отчёта ФЦК", signatory="Заместитель руководителя Т.К.Антонова")
    signed = draft(w, title="О перечне показателей", registration_number="111", signed_on=date(2022, 4, 11))
    documents.sign(signed, w["director"])
    db.session.commit()

    def titles(query="") -> list[str]:
        page = html(client.get(f"/documents/{query}"))
        return re.findall(r'<a href="/documents/\d+">([^<]+)</a>', page)

    assert titles() == [  # newest date first, undated last
        "О перечне показателей",
        "Об утверждении дорожной карты",
        "О составе рабочей группы",
        "О направлении отчёта ФЦК",
    ]
    assert titles("?q=523-246") == ["О составе рабочей группы"]
    assert titles("?q=антонова") == ["О направлении отчёта ФЦК"]
    assert titles("?kind=directive") == ["Об утверждении дорожной карты"]
    assert titles("?status=signed") == ["О перечне показателей"]
    assert titles("?year=2022") == ["О перечне показателей", "Об утверждении дорожной карты"]
    assert titles("?sort=number")[:3] == [
        "О перечне показателей",
        "Об утверждении дорожной карты",
        "О составе рабочей группы",
    ]
    assert titles("?sort=date")[0] == "О составе рабочей группы"

    bad = client.get("/documents/?year=abc&kind=decree")
    assert bad.status_code == 200 and "Проверьте фильтры" in html(bad) and len(titles("?year=abc&kind=decree")) == 4
    assert "По этим условиям документов нет." in text_of(client.get("/documents/?q=несуществующий"))

    partial = client.get("/documents/?kind=letter", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in html(partial) and 'id="results"' in html(partial)

    for n in range(30):
        draft(w, title=f"Письмо {n:02d}", kind="letter")
    page = html(client.get("/documents/?kind=letter&page=2"))
    assert "Всего: 31" in page and 'href="/documents/?page=1&amp;kind=letter' in page


class _Markup(HTMLParser):
    """Ids, labels, form controls, headings and table captions of a page's main part."""

    def __init__(self):
        super().__init__()
        self.ids, self.labels, self.controls, self.headings = Counter(), set(), [], []
        self.tables = self.captions = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] += 1
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("select", "textarea") or (tag == "input" and attrs.get("type") not in ("hidden", "submit")):
            self.controls.append(attrs.get("id"))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        self.tables += tag == "table"
        self.captions += tag == "caption"


def _markup(page: str) -> _Markup:
    parser = _Markup()
    parser.feed(page[page.find("<main") : page.find("</main>")])
    return parser


def test_the_pages_are_labelled_with_unique_ids_and_ordered_headings(w, group, client, login):
    rm = roadmap.save_roadmap(None, {"title": "Дорожная карта", "region_id": w["region"].id}, w["director"])
    document = documents.pilot_order(
        {"group": group, "deadline": date(2022, 4, 30), "responsible": [w["secretary"]], "centres": [w["pilot"]]},
        w["director"],
    )
    documents.attach_artefact(document, "roadmap", rm.id, "approve", w["director"])
    documents.distribute(document, [w["reader"], w["director"]], today(), w["director"])
    db.session.commit()
    login(w["director"])
    for url in (
        f"/documents/{document.id}",
        f"/documents/{document.id}/edit",
        "/documents/",
        "/documents/?year=abc",
        "/documents/new",
        "/documents/pilot-order",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        markup = _markup(html(page))
        assert [i for i, n in markup.ids.items() if n > 1] == [], url
        assert all(c and c in markup.labels for c in markup.controls), (url, markup.controls, markup.labels)
        assert markup.headings[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(markup.headings)), url
        assert markup.tables == markup.captions, url
    assert "Выберите год из списка." in html(client.get("/documents/?year=abc"))


@pytest.mark.parametrize(
    ("name", "genitive"),
    [
        ("Нижегородская область", "Нижегородской области"),
        ("Приморский край", "Приморского края"),
        ("Ямало-Ненецкий автономный округ", "Ямало-Ненецкого автономного округа"),
        ("Республика Татарстан", "Республики Татарстан"),
        ("Республика Северная Осетия — Алания", "Республики Северная Осетия — Алания"),
        ("Удмуртская Республика", "Удмуртской Республики"),
        ("Еврейская автономная область", "Еврейской автономной области"),
        ("Кемеровская область — Кузбасс", "Кемеровской области — Кузбасс"),
        ("г. Москва", "г. Москвы"),
        ("Санкт-Петербург", "Санкт-Петербурга"),
        ("ЯНАО", "ЯНАО"),
        ("", "(указать субъект Российской Федерации)"),
    ],
)
def test_the_region_is_named_in_the_genitive(name, genitive):
    assert region_genitive(name) == genitive
