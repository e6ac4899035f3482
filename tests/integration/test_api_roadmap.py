"""API v1, roadmaps and the document register: read only, scoped, statuses computed on a day."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.blueprints.api.openapi import BASE
from app.extensions import db
from app.models.audit import AuditEvent
from app.models.base import today
from app.models.documents import Document
from app.models.org import User
from app.models.roadmap import Roadmap, RoadmapItem
from app.services import documents, roadmap
from tests.api_helpers import NOT_FOUND, bearer, get, quick_passwords  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("quick_passwords")  # these tests authenticate by token only

NOT_ALLOWED = "Этот адрес не принимает такой запрос."
NO_TOKEN = "Требуется токен API: заголовок Authorization: Bearer <токен>."
AFTER = "2021-11-02"


def _plan(region, actor, title, items, starts_on=date(2021, 7, 27), ends_on=date(2021, 11, 1)):
    """A roadmap of one block, through the service; `items` are (number, kind, due_on, people)."""
    plan = roadmap.save_roadmap(
        None, {"title": title, "starts_on": starts_on, "ends_on": ends_on, "region_id": region.id}, actor
    )
    block = roadmap.save_block(plan, None, {"title": "Мероприятия по пилотной апробации"}, actor)
    made = {}
    for number, kind, due_on, people in items:
        db.session.expire(plan, ["items"])
        made[number] = roadmap.save_item(
            block,
            None,
            {"number": number, "title": f"Мероприятие {number}", "deadline_kind": kind, "due_on": due_on},
            actor,
            people=[p.id for p in people],
        )
    db.session.expire(plan, ["items"])
    return plan, made


@pytest.fixture
def world(make):
    """A region's roadmap approved by a signed order, a draft roadmap, and another region's records."""
    region = make.region(name="Нижегородская область")
    centre = make.centre(region, name="ГКУ ЦЗН Павловского района")
    director = make.user(("director", region), region=region, full_name="Садулина Арина Михайловна")
    secretary = make.user(("secretary", region), region=region, full_name="Напалкова Ирина Викторовна")
    guseva = make.user(("director", centre), centre=centre, full_name="Гусева Елена Сергеевна")
    employee = make.user(("employee", region), region=region, full_name="Томилина Ирина Андреевна")
    other = make.region(name="Брянская область")
    stranger = make.user(("director", other), region=other, full_name="Чужаков Пётр Сергеевич")
    reader = make.user(("employee", other), region=other, full_name="Читателев Олег Олегович")
    nobody = make.user(full_name="Безролев Иван Иванович")

    plan, items = _plan(
        region,
        secretary,
        "«Дорожная карта» по направлению «Совершенствование пути клиента»",
        [
            ("2.2", "until", date(2021, 8, 27), [guseva]),
            ("2.7", "until", date(2021, 10, 1), [guseva, director]),
            ("1.4", "whole_period", None, [guseva]),
            ("2.12", "until", date(2021, 11, 1), [secretary]),
        ],
    )
    order = documents.save(
        None,
        {
            "kind": "order",
            "registration_number": "523-246/21П/од",
            "signed_on": date(2021, 7, 30),
            "title": "О проведении пилотной апробации",
            "signatory": "Руководитель управления А.М.Садулина",
            "appendices": ["Приложение № 1. Состав рабочей группы"],
            "region_id": region.id,
        },
        secretary,
    )
    documents.attach_artefact(order, "roadmap", plan.id, "approve", secretary)
    documents.sign(order, secretary)  # approves the roadmap: baseline frozen on 30.07.2021
    roadmap.save_item(  # a deadline moved after approval: the baseline keeps the old one
        items["2.2"].block,
        items["2.2"],
        {
            "number": "2.2",
            "title": "Мероприятие 2.2",
            "deadline_kind": "until",
            "due_on": date(2021, 8, 31),
            "deliverable_kind": "document",
            "deliverable_id": order.id,
        },
        secretary,
        people=[],
    )
    roadmap.record_fact(items["2.2"], {"result": "Показатели определены", "done_on": date(2021, 9, 3)}, secretary)
    roadmap.add_evidence(items["2.2"], "document", order.id, secretary)
    roadmap.record_fact(items["2.7"], {"result": "Замеры проведены", "done_on": date(2021, 10, 1)}, secretary)
    documents.distribute(order, [employee, reader], date(2021, 8, 10), secretary)
    documents.acknowledge(order, employee)
    letter = documents.save(
        None, {"kind": "letter", "title": "Письмо в ФЦК о материалах", "region_id": region.id}, secretary
    )
    draft, _ = _plan(region, secretary, "Проект дорожной карты на 2022 год", [], date(2022, 4, 1), date(2022, 6, 30))
    foreign, _ = _plan(other, stranger, "Дорожная карта Брянской области", [("1", "until", date(2022, 4, 8), [])])
    foreign_order = documents.save(
        None, {"kind": "order", "title": "Приказ Брянской области", "region_id": other.id}, stranger
    )
    db.session.commit()
    return {
        "region": region,
        "plan": plan,
        "items": items,
        "draft": draft,
        "foreign": foreign,
        "order": order,
        "letter": letter,
        "foreign_order": foreign_order,
        "director": director,
        "secretary": secretary,
        "guseva": guseva,
        "employee": employee,
        "stranger": stranger,
        "reader": reader,
        "nobody": nobody,
    }


def ids(client, path, headers, **query) -> list[int]:
    response = get(client, path, headers, **query)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


# ---- authentication and scope ---------------------------------------------------------------


def test_no_token_is_401(client, world):
    for path in ("/roadmaps", f"/roadmaps/{world['plan'].id}", "/documents", f"/documents/{world['order'].id}"):
        response = get(client, path)
        assert response.status_code == 401 and response.get_json() == {"error": NO_TOKEN}, path


def test_roadmaps_are_scoped_and_foreign_ones_404(client, world):
    director, stranger = bearer(world["director"]), bearer(world["stranger"])
    plan, draft, foreign = world["plan"].id, world["draft"].id, world["foreign"].id
    assert ids(client, "/roadmaps", director) == [draft, plan]  # the later period first
    assert ids(client, "/roadmaps", stranger) == [foreign]
    assert ids(client, "/roadmaps", bearer(world["employee"])) == [draft, plan]
    # a centre's director reads her region's own roadmaps (the centres carry them out), not other regions'
    assert ids(client, "/roadmaps", bearer(world["guseva"])) == [draft, plan]
    for headers, other in ((director, foreign), (stranger, plan)):
        response = get(client, f"/roadmaps/{other}", headers)
        assert response.status_code == 404 and response.get_json() == {"error": NOT_FOUND}
    assert get(client, "/roadmaps/999999", director).status_code == 404
    nobody = get(client, "/roadmaps", bearer(world["nobody"]))
    assert nobody.status_code == 403 and nobody.get_json() == {"error": "У вас нет прав на это действие."}


def test_roadmap_filters_and_pagination(client, world):
    headers = bearer(world["director"])
    assert ids(client, "/roadmaps", headers, status="approved") == [world["plan"].id]
    assert ids(client, "/roadmaps", headers, status="draft") == [world["draft"].id]
    assert ids(client, "/roadmaps", headers, q="проект ДОРОЖНОЙ") == [world["draft"].id]
    page = get(client, "/roadmaps", headers, per_page=1, page=2).get_json()
    assert (page["page"], page["per_page"], page["total"], page["pages"]) == (2, 1, 2, 2)
    assert [r["id"] for r in page["items"]] == [world["plan"].id]


@pytest.mark.parametrize(
    ("path", "query", "message"),
    [
        ("/roadmaps", {"status": "closed"}, "Параметр status должен быть одним из значений: draft, approved."),
        ("/roadmaps", {"on": "02.11.2021"}, "Параметр on должен быть датой в формате ГГГГ-ММ-ДД."),
        ("/roadmaps/{id}", {"on": "2021-02-30"}, "Параметр on должен быть датой в формате ГГГГ-ММ-ДД."),
        ("/roadmaps", {"per_page": "500"}, "Параметр per_page должен быть числом от 1 до 100."),
        ("/documents", {"kind": "memo"}, None),
        ("/documents", {"status": "archived"}, "Параметр status должен быть одним из значений: draft, signed."),
    ],
)
def test_bad_parameters_are_400(client, world, path, query, message):
    response = get(client, path.format(id=world["plan"].id), bearer(world["director"]), **query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error == message if message else error.startswith("Параметр kind должен быть одним из значений: order")


# ---- the roadmap ----------------------------------------------------------------------------


def test_list_item_has_the_roll_up_on_the_day_asked(client, world):
    headers = bearer(world["director"])
    body = get(client, "/roadmaps", headers, on=AFTER, status="approved").get_json()
    (summary,) = body["items"]
    assert summary["title"] == "«Дорожная карта» по направлению «Совершенствование пути клиента»"
    assert (summary["status"], summary["status_label"], summary["approved_on"]) == (
        "approved",
        "Утверждена",
        "2021-07-30",
    )
    assert summary["region"] == {"id": world["region"].id, "name": "Нижегородская область"}
    assert summary["status_on"] == AFTER and (summary["starts_on"], summary["ends_on"]) == ("2021-07-27", "2021-11-01")
    assert summary["progress"] == {
        "total": 4,
        "done": 2,
        "late": 1,
        "overdue": 2,
        "not_done": 0,
        "soon": 0,
        "percent": 50,
        "rag": "red",
        "rag_label": "есть просроченные мероприятия",
    }
    during = get(client, "/roadmaps", headers, on="2021-10-28", status="approved").get_json()["items"][0]
    assert during["status_on"] == "2021-10-28"
    assert (during["progress"]["soon"], during["progress"]["overdue"], during["progress"]["rag"]) == (1, 0, "amber")


def test_detail_has_blocks_items_and_computed_status(client, world):
    plan, items, order = world["plan"], world["items"], world["order"]
    body = get(client, f"/roadmaps/{plan.id}", bearer(world["director"]), on=AFTER).get_json()
    assert body["id"] == plan.id and body["status_on"] == AFTER
    (block,) = body["blocks"]
    assert block["title"] == "Мероприятия по пилотной апробации" and block["progress"]["total"] == 4
    by_number = {item["number"]: item for item in block["items"]}
    assert list(by_number) == ["2.2", "2.7", "1.4", "2.12"]
    late = by_number["2.2"]
    assert late["status"] == {"code": "done_late", "label": "выполнено с опозданием на 3 дня", "days": 3}
    assert (late["due_on"], late["baseline_due_on"], late["baseline_slip_days"]) == (
        "2021-08-31",
        "2021-08-27",
        7,
    )
    assert (late["deadline_kind"], late["deadline_kind_label"], late["deadline_label"]) == (
        "until",
        "До даты",
        "до 31.08.2021",
    )
    assert (late["result"], late["done_on"], late["done_label"]) == (
        "Показатели определены",
        "2021-09-03",
        "03.09.2021",
    )
    citation = "Приказ от 30.07.2021 № 523-246/21П/од"
    assert late["deliverable"] == {"kind": "document", "kind_label": "Документ", "id": order.id, "title": citation}
    assert late["evidence"] == [{"kind": "document", "kind_label": "Документ", "id": order.id, "title": citation}]
    assert late["responsible"] == [] and late["deadline_conflicts"] == []
    on_time = by_number["2.7"]
    assert on_time["status"] == {"code": "done", "label": "выполнено", "days": 0}
    assert [p["name"] for p in on_time["responsible"]] == ["Гусева Елена Сергеевна", "Садулина Арина Михайловна"]
    assert on_time["deliverable"] is None and on_time["id"] == items["2.7"].id
    whole = by_number["1.4"]
    assert (whole["deadline_label"], whole["due_on"], whole["status"]["code"], whole["status"]["days"]) == (
        "на протяжении всего периода реализации",
        None,
        "overdue",
        1,
    )
    assert by_number["2.12"]["status"] == {"code": "overdue", "label": "просрочено на 1 день", "days": 1}
    (approval,) = body["approvals"]
    assert approval["approved_on"] == "2021-07-30" and approval["verb"] == "approve"
    assert approval["source"] == {"kind": "document", "kind_label": "Документ", "id": order.id, "title": citation}
    assert approval["artefact"]["id"] == plan.id and approval["decision_id"] is None

    # the same roadmap read during the pilot: the whole-period item is in work, 2.12 not yet due
    during = get(client, f"/roadmaps/{plan.id}", bearer(world["director"]), on="2021-09-15").get_json()
    statuses = {i["number"]: i["status"]["code"] for i in during["blocks"][0]["items"]}
    assert statuses == {"2.2": "done_late", "2.7": "done", "1.4": "in_progress", "2.12": "in_progress"}


def test_status_defaults_to_today(client, world):
    body = get(client, f"/roadmaps/{world['draft'].id}", bearer(world["director"])).get_json()
    assert body["status_on"] == today().isoformat()
    assert body["blocks"][0]["items"] == [] and body["approvals"] == []
    assert body["progress"]["total"] == 0 and body["progress"]["rag"] == "green"


def test_employee_sees_names_masked(client, world):
    body = get(client, f"/roadmaps/{world['plan'].id}", bearer(world["employee"]), on=AFTER).get_json()
    names = [p["name"] for p in body["blocks"][0]["items"][1]["responsible"]]
    assert names and all(n != "Гусева Елена Сергеевна" for n in names)


def test_the_demo_roadmap_through_the_api(client, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    plan = db.session.scalar(select(Roadmap))
    head = db.session.scalar(select(User).where(User.email == "group_head@demo.cxm"))  # А.М.Садулина
    body = get(client, f"/roadmaps/{plan.id}", bearer(head), on=AFTER).get_json()
    assert [len(b["items"]) for b in body["blocks"]] == [5, 12]
    items = {i["number"]: i for b in body["blocks"] for i in b["items"]}
    assert items["2.2"]["status"]["label"] == "выполнено с опозданием на 7 дней"
    assert items["2.5"]["status"]["label"] == "выполнено с опозданием на 6 дней"
    assert items["2.7"]["status"]["label"] == "выполнено"
    assert items["2.11"]["deadline_label"] == "до 01.11.2021 и на протяжении всего периода реализации"
    (conflict,) = items["2.5"]["deadline_conflicts"]
    assert conflict["due_on"] == "2021-09-15" and conflict["decision_number"] == "3.2"
    assert conflict["text"].startswith("Срок расходится: в дорожной карте — 24.09.2021")
    assert items["2.3"]["deliverable"]["title"] == "Протокол заседания рабочей группы от 05.08.2021 № Сл-523-452756/21"
    assert [e["title"] for e in items["2.4"]["evidence"]] == [
        "Протокол заседания рабочей группы от 03.09.2021 № Сл-523-514749/21"
    ]
    (approval,) = body["approvals"]
    assert approval["source"]["kind"] == "protocol" and approval["decision_number"] == "2.2"
    assert approval["approved_on"] == "2021-08-05"
    assert body["progress"]["done"] == 12 and body["progress"]["late"] == 2

    register = get(client, "/documents", bearer(head), kind="protocol").get_json()
    assert [d["registration_number"] for d in register["items"]] == [
        "Сл-523-602212/21",
        "Сл-523-514749/21",
        "Сл-523-452756/21",
    ]
    first = register["items"][-1]
    detail = get(client, f"/documents/{first['id']}", bearer(head)).get_json()
    assert [(a["artefact"]["kind"], a["artefact"]["id"]) for a in detail["approves"]] == [("roadmap", plan.id)]


# ---- the register ---------------------------------------------------------------------------


def test_documents_are_scoped_and_a_recipient_sees_what_was_sent(client, world):
    order, letter, foreign = world["order"].id, world["letter"].id, world["foreign_order"].id
    assert ids(client, "/documents", bearer(world["director"])) == [order, letter]  # signed first, drafts last
    assert ids(client, "/documents", bearer(world["stranger"])) == [foreign]
    assert ids(client, "/documents", bearer(world["reader"])) == [order, foreign]  # the one sent, her region's
    assert ids(client, "/documents", bearer(world["nobody"])) == []
    response = get(client, f"/documents/{foreign}", bearer(world["director"]))
    assert response.status_code == 404 and response.get_json() == {"error": NOT_FOUND}
    assert get(client, f"/documents/{letter}", bearer(world["reader"])).status_code == 404
    assert get(client, f"/documents/{order}", bearer(world["reader"])).status_code == 200


def test_document_filters_and_search(client, world):
    headers = bearer(world["director"])
    assert ids(client, "/documents", headers, kind="letter") == [world["letter"].id]
    assert ids(client, "/documents", headers, status="signed") == [world["order"].id]
    assert ids(client, "/documents", headers, status="draft", kind="order") == []
    assert ids(client, "/documents", headers, q="523-246") == [world["order"].id]
    assert ids(client, "/documents", headers, q="садулина") == [world["order"].id]  # the signatory
    assert ids(client, "/documents", headers, q="фцк") == [world["letter"].id]


def test_document_detail_for_a_manager(client, world):
    order, plan = world["order"], world["plan"]
    body = get(client, f"/documents/{order.id}", bearer(world["secretary"])).get_json()
    assert body["citation"] == "Приказ от 30.07.2021 № 523-246/21П/од"
    assert (body["kind"], body["kind_label"], body["status"], body["status_label"]) == (
        "order",
        "Приказ",
        "signed",
        "Подписан",
    )
    assert body["signed_on"] == "2021-07-30" and body["signatory"] == "Руководитель управления А.М.Садулина"
    assert body["appendices"] == ["Приложение № 1. Состав рабочей группы"] and body["meeting_id"] is None
    (approval,) = body["approves"]
    assert approval["artefact"] == {
        "kind": "roadmap",
        "kind_label": "Дорожная карта",
        "id": plan.id,
        "title": "«Дорожная карта» по направлению «Совершенствование пути клиента»",
    }
    assert (approval["verb_label"], approval["approved_on"]) == ("Утверждено", "2021-07-30")
    assert body["approved_by"] == [] and body["may_manage"] is True
    # by id: the secretary may not see personal data, so the names come masked («Томилина И. А.»)
    recipients = {r["user"]["id"]: r for r in body["recipients"]}
    read, unread = recipients[world["employee"].id], recipients[world["reader"].id]
    assert set(recipients) == {world["employee"].id, world["reader"].id} and read["user"]["name"] == "Томилина И. А."
    assert read["acknowledged"] is True and read["acknowledged_at"]
    assert (unread["acknowledged"], unread["acknowledged_at"], unread["due_on"]) == (False, None, "2021-08-10")
    assert body["acknowledgement"] is None


def test_document_detail_for_a_reader_hides_the_distribution(client, world):
    body = get(client, f"/documents/{world['order'].id}", bearer(world["employee"])).get_json()
    assert body["may_manage"] is False and body["recipients"] is None
    assert body["acknowledgement"]["acknowledged"] is True
    foreign_reader = get(client, f"/documents/{world['order'].id}", bearer(world["reader"])).get_json()
    assert foreign_reader["recipients"] is None and foreign_reader["acknowledgement"]["acknowledged"] is False
    # the roadmap it approves is outside her scope: named by its kind alone
    assert foreign_reader["approves"][0]["artefact"] == {
        "kind": "roadmap",
        "kind_label": "Дорожная карта",
        "id": None,
        "title": "Дорожная карта",
    }


# ---- read only, documented ------------------------------------------------------------------


def _state() -> tuple:
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) for model in (Roadmap, RoadmapItem, Document)
    ) + (db.session.scalar(select(func.count()).select_from(AuditEvent)),)


@pytest.mark.parametrize("method", ["put", "patch", "post", "delete"])
def test_no_method_changes_roadmaps_or_documents(client, world, method):
    headers = bearer(world["director"])
    before = _state()
    for path in (
        "/roadmaps",
        f"/roadmaps/{world['plan'].id}",
        "/documents",
        f"/documents/{world['order'].id}",
    ):
        response = getattr(client, method)(BASE + path, headers=headers, json={"title": "Взлом", "status": "draft"})
        assert response.status_code == 405, (method, path)
        assert response.get_json() == {"error": NOT_ALLOWED}
    assert _state() == before


def test_openapi_lists_the_paths_and_schemas(client):
    doc = get(client, "/openapi.json").get_json()
    for path in ("/roadmaps", "/roadmaps/{roadmap_id}", "/documents", "/documents/{document_id}"):
        assert set(doc["paths"][path]) == {"get"}, path
    assert {"Roadmap", "RoadmapDetail", "RoadmapItem", "Document", "DocumentDetail", "Approval"} <= set(
        doc["components"]["schemas"]
    )
    roadmaps = doc["paths"]["/roadmaps"]["get"]
    assert {p["$ref"].rsplit("/", 1)[1] for p in roadmaps["parameters"]} == {
        "roadmap_q",
        "roadmap_status",
        "status_on",
        "page",
        "per_page",
    }
    assert set(roadmaps["responses"]) == {"200", "400", "401", "403"}
    assert set(doc["paths"]["/documents/{document_id}"]["get"]["responses"]) == {"200", "401", "404"}
    item = doc["components"]["schemas"]["RoadmapItem"]["properties"]
    assert item["status"] == {"$ref": "#/components/schemas/ItemStatus"}
