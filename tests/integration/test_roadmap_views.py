"""Roadmap pages: templates, plan and fact, approval by a protocol filling facts, scope and refusals."""

import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.meetings import WorkingGroup
from app.models.roadmap import Roadmap, RoadmapItem
from app.models.tasks import Task
from app.services import artefacts, meetings, roadmap
from app.services.calendar import parse_deadline


@pytest.fixture
def w(make):
    centre = make.centre()
    region = centre.region
    secretary = make.user(("secretary", region), region=region, full_name="Напалкова Ирина Викторовна")
    chair = make.user(("director", region), region=region, full_name="Садулина Арина Михайловна")
    director = make.user(("director", centre), centre=centre, full_name="Егорова Людмила Германовна")
    reader = make.user(("employee", region), region=region, full_name="Читателев Пётр Ильич")
    foreign = make.centre(make.region("Чужая область"))
    outsider = make.user(("secretary", foreign.region), region=foreign.region, full_name="Чужаков Олег Петрович")
    group = WorkingGroup(name="Рабочая группа по пилоту", region_id=region.id)
    db.session.add(group)
    db.session.flush()
    for user, role in ((chair, "head"), (secretary, "secretary"), (director, "member")):
        meetings.set_member(group, user, role, user.full_name.split()[0], date(2021, 7, 30), "", None)
    db.session.commit()
    return {
        "region": region,
        "centre": centre,
        "secretary": secretary,
        "chair": chair,
        "director": director,
        "reader": reader,
        "outsider": outsider,
        "group": group,
    }


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _from_template(client, w, key="typical", start="2022-04-01") -> Roadmap:
    response = client.post(
        "/roadmaps/from-template",
        data={"template": key, "title": "", "scope": f"region:{w['region'].id}", "starts_on": start},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return db.session.scalars(select(Roadmap).order_by(Roadmap.id.desc())).first()


def _item(plan: Roadmap, number: str) -> RoadmapItem:
    return next(i for i in plan.items if i.number == number)


def _signed_meeting(w, day: date, build) -> object:
    """A protocol of the group on `day`, its decisions made by `build(item)`, signed by the chair."""
    meeting = meetings.create(
        w["group"], datetime.combine(day, datetime.min.time()).replace(hour=10), "г. Н.", "", w["secretary"]
    )
    item = meetings.add_item(meeting, "О дорожной карте", "", None, w["secretary"])
    build(item)
    for target in ("scheduled", "held", "circulated"):
        meetings.move(meeting, target, w["secretary"])
    meetings.move(meeting, "signed", w["chair"], on=day)
    db.session.commit()
    return meeting


def test_a_roadmap_from_the_typical_template(client, login, w):
    login(w["secretary"])
    plan = _from_template(client, w, start="2023-03-01")
    assert plan.template == "typical" and plan.status == "draft"
    assert [b.title for b in plan.blocks] == ["Подготовительный этап", "Основной этап", "Заключительный этап"]
    assert [i.number for i in plan.items] == ["1", "2", "3", "4", "5", "6", "7"]
    # every date moved by the distance from 01.04.2022 to 01.03.2023 (334 days)
    assert plan.starts_on == date(2023, 3, 1) and _item(plan, "2").due_on == date(2023, 3, 8)
    assert (_item(plan, "7").due_from, _item(plan, "7").due_on) == (date(2023, 5, 20), date(2023, 5, 30))
    page = text(html(client.get(f"/roadmaps/{plan.id}")))
    assert (
        "Участие в установочном вебинаре" in page and "до 08.03.2023" in page and "с 20.05.2023 по 30.05.2023" in page
    )
    assert "ФЦК, пилотные регионы" in page
    listing = text(html(client.get("/roadmaps/")))
    assert plan.title[:40] in listing and "выполнено 0 из 7" in listing


def test_the_programme_template_has_whole_period_items(client, login, w):
    login(w["secretary"])
    plan = _from_template(client, w, key="programme")
    assert len(plan.items) == 12
    assert [i.deadline_kind for i in plan.items[-2:]] == ["whole_period", "whole_period"]
    assert "на протяжении всего периода реализации" in text(html(client.get(f"/roadmaps/{plan.id}")))


def test_plan_validation_changes_nothing(client, login, w):
    login(w["secretary"])
    plan = _from_template(client, w)
    item = _item(plan, "2")
    response = client.post(
        f"/roadmaps/items/{item.id}/edit",
        data={
            "block_id": item.block_id,
            "number": "2",
            "title": "Другое",
            "deadline_kind": "range",
            "due_on": "2022-04-10",
        },
    )
    page = text(html(response))
    assert "Для периода укажите обе даты" in page
    db.session.expire_all()
    assert item.title.startswith("Участие сотрудников") and item.deadline_kind == "until"
    response = client.post(
        f"/roadmaps/items/{item.id}/edit",
        data={"block_id": item.block_id, "number": "2", "title": "", "deadline_kind": "until", "due_on": "2022-04-10"},
    )
    assert "Опишите мероприятие" in text(html(response))


def test_plan_with_people_and_a_range(client, login, w):
    login(w["secretary"])
    plan = _from_template(client, w)
    item = _item(plan, "4")
    response = client.post(
        f"/roadmaps/items/{item.id}/edit",
        data={
            "block_id": item.block_id,
            "number": "4",
            "title": item.title,
            "deadline_kind": "range",
            "due_from": "2022-04-25",
            "due_on": "2022-04-29",
            "people": [w["director"].id, w["secretary"].id],
            "responsible_text": "",
            "deliverable": "measurement",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert [p.user_id for p in item.people] == [w["director"].id, w["secretary"].id]
    page = text(html(client.get(f"/roadmaps/{plan.id}")))
    assert "с 25.04.2022 по 29.04.2022" in page and re.search(r"Егорова Л\.\s?Г\., Напалкова И\.\s?В\.", page)
    assert "даёт: Результаты замеров" in page


def test_fact_late_and_not_done(client, login, w):
    login(w["secretary"])
    plan = _from_template(client, w)
    item = _item(plan, "3")  # до 12.04.2022
    response = client.post(f"/roadmaps/items/{item.id}/fact", data={"result": "Перечень согласован", "done_on": ""})
    assert "Укажите дату исполнения" in text(html(response))
    db.session.expire_all()
    assert item.result == "" and item.done_on is None
    response = client.post(
        f"/roadmaps/items/{item.id}/fact",
        data={"result": "Перечень согласован", "done_on": "2022-04-19", "done_text": "", "note": "письмо № 5"},
    )
    assert response.status_code == 303
    page = text(html(client.get(f"/roadmaps/{plan.id}")))
    assert "выполнено с опозданием на 7 дней" in page and "письмо № 5" in page
    other = _item(plan, "7")
    client.post(f"/roadmaps/items/{other.id}/fact", data={"not_done_reason": "Итоговый вебинар перенесён ФЦК"})
    assert "Не выполнено: Итоговый вебинар перенесён ФЦК" in text(html(client.get(f"/roadmaps/{plan.id}")))
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == plan.id)).all()
    assert actions.count("roadmap.fact") == 2


def test_a_protocol_approves_the_roadmap_and_fills_the_items_it_delivers(client, login, w):
    login(w["secretary"])
    plan = _from_template(client, w, key="programme", start="2021-08-02")
    approving = _item(plan, "3")  # «Формирование и утверждение «дорожной карты»»: delivers the roadmap
    assert approving.deliverable_kind == "roadmap"
    roadmap.save_item(
        approving.block,
        approving,
        {**{k: getattr(approving, k) for k in roadmap.ITEM_FIELDS}, "deliverable_id": plan.id},
        w["secretary"],
    )
    db.session.commit()

    def decide(item):
        meetings.add_decision(
            item,
            "approve",
            "дорожную карту пилотного проекта",
            w["secretary"],
            artefact_ref=artefacts.Ref("roadmap", plan.id),
        )

    meeting = _signed_meeting(w, date(2021, 8, 5), decide)
    db.session.expire_all()
    assert plan.status == "approved" and plan.approved_on == date(2021, 8, 5)
    assert all(i.baseline_due_on == i.due_on for i in plan.items)
    assert approving.done_on == date(2021, 8, 5) and "утверждено" in approving.result
    assert [(e.artefact_kind, e.artefact_id) for e in approving.evidence] == [("protocol", meeting.id)]
    # a monthly check task for each whole-period item
    checks = db.session.scalars(select(Task).where(Task.source_type == "roadmap")).all()
    assert sorted(t.source_id for t in checks) == sorted(i.id for i in plan.items if i.deadline_kind == "whole_period")
    assert all(t.recurrence_days == roadmap.CHECK_EVERY_DAYS for t in checks)
    client.post("/logout")
    login(w["chair"])  # the check tasks are the approver's: the items name no person
    source = html(client.get(f"/tasks/{checks[0].id}"))
    assert f'href="/roadmaps/{plan.id}#item-{checks[0].source_id}"' in source
    client.post("/logout")
    login(w["secretary"])
    assert f'href="/roadmaps/{plan.id}"' in html(client.get(f"/meetings/{meeting.id}"))  # the decision links it
    page = text(html(client.get(f"/roadmaps/{plan.id}")))
    assert "Утверждена 5 августа 2021" in page and "Утверждено: Протокол заседания рабочей группы от 05.08.2021" in page


def test_an_item_delivering_a_protocol_is_done_when_it_is_signed(client, login, w):
    login(w["secretary"])
    plan = _from_template(client, w, start="2021-08-02")
    meeting = meetings.create(w["group"], datetime(2021, 8, 20, 10), "г. Н.", "", w["secretary"])
    db.session.commit()
    item = _item(plan, "5")
    values = {k: getattr(item, k) for k in roadmap.ITEM_FIELDS}
    roadmap.save_item(
        item.block, item, {**values, "deliverable_kind": "protocol", "deliverable_id": meeting.id}, w["secretary"]
    )
    db.session.commit()
    agenda = meetings.add_item(meeting, "О ходе пилота", "", None, w["secretary"])
    meetings.add_decision(agenda, "note", "информацию", w["secretary"])
    for target in ("scheduled", "held", "circulated"):
        meetings.move(meeting, target, w["secretary"])
    meetings.move(meeting, "signed", w["chair"], on=date(2021, 8, 20))
    db.session.commit()
    db.session.expire_all()
    assert item.done_on == date(2021, 8, 20) and item.result.startswith(
        "Протокол заседания рабочей группы от 20.08.2021"
    )
    assert roadmap.status_of(item).code == "done"


def test_two_deadlines_for_one_deliverable_are_flagged(client, login, w):
    login(w["secretary"])
    plan = _from_template(client, w, start="2021-08-02")
    item = _item(plan, "4")
    roadmap.save_item(
        item.block,
        item,
        {**{k: getattr(item, k) for k in roadmap.ITEM_FIELDS}, "deliverable_kind": "journey"},
        w["secretary"],
    )
    db.session.commit()

    def decide(agenda):
        meetings.add_decision(
            agenda,
            "assign",
            "подготовить карту пути клиента",
            w["secretary"],
            assignee_ids=[w["director"].id],
            deadline=parse_deadline("Срок – 15.09.2021"),
            artefact_ref=artefacts.Ref("journey"),
        )

    _signed_meeting(w, date(2021, 9, 3), decide)
    page = text(html(client.get(f"/roadmaps/{plan.id}")))
    flag = f"Срок расходится: в дорожной карте — {item.due_on:%d.%m.%Y}, в протоколе заседания рабочей группы"
    assert f"{flag} от 03.09.2021" in page
    assert "— 15.09.2021." in page


def test_evidence_is_added_once_and_removed(client, login, w):
    login(w["secretary"])
    plan = _from_template(client, w, start="2021-08-02")
    meeting = _signed_meeting(
        w, date(2021, 8, 5), lambda item: meetings.add_decision(item, "note", "информацию", w["secretary"])
    )
    item = _item(plan, "1")
    page = html(client.get(f"/roadmaps/items/{item.id}/fact"))
    assert f'value="protocol:{meeting.id}"' in page
    for _ in range(2):
        client.post(f"/roadmaps/items/{item.id}/evidence", data={"evidence": f"protocol:{meeting.id}"})
    db.session.expire_all()
    assert len(item.evidence) == 1
    assert client.post(f"/roadmaps/items/{item.id}/evidence", data={"evidence": "protocol:999999"}).status_code == 303
    db.session.expire_all()
    assert len(item.evidence) == 1
    client.post(f"/roadmaps/evidence/{item.evidence[0].id}/delete")
    db.session.expire_all()
    assert item.evidence == []


def test_deleting_an_item_asks_first(client, login, w):
    login(w["secretary"])
    plan = _from_template(client, w)
    item = _item(plan, "6")
    assert "Удалить мероприятие 6?" in html(client.get(f"/roadmaps/items/{item.id}/delete"))
    assert db.session.get(RoadmapItem, item.id) is not None
    assert client.post(f"/roadmaps/items/{item.id}/delete").status_code == 303
    db.session.expire_all()
    assert db.session.get(RoadmapItem, item.id) is None and len(plan.items) == 6


def test_readers_read_and_foreigners_see_nothing(client, login, w):
    login(w["secretary"])
    plan = _from_template(client, w)
    item = _item(plan, "1")
    block = plan.blocks[0]
    client.post("/logout")
    login(w["reader"])
    assert client.get(f"/roadmaps/{plan.id}").status_code == 200
    for path in (f"/roadmaps/{plan.id}/edit", f"/roadmaps/items/{item.id}/fact", f"/roadmaps/blocks/{block.id}/edit"):
        assert client.get(path).status_code == 403, path
    client.post("/logout")
    login(w["director"])  # a centre's director reads the region's own roadmap (the centres carry it out)
    assert plan.title[:30] in html(client.get("/roadmaps/"))
    assert client.get(f"/roadmaps/{plan.id}").status_code == 200
    assert client.get(f"/roadmaps/items/{item.id}/fact").status_code == 404  # but keeps no region's roadmap
    client.post("/logout")
    login(w["outsider"])
    assert plan.title[:30] not in html(client.get("/roadmaps/"))
    for path in (
        f"/roadmaps/{plan.id}",
        f"/roadmaps/{plan.id}/edit",
        f"/roadmaps/items/{item.id}/edit",
        f"/roadmaps/items/{item.id}/fact",
        f"/roadmaps/items/{item.id}/delete",
        f"/roadmaps/blocks/{block.id}/edit",
        f"/roadmaps/{plan.id}/blocks/new",
        f"/roadmaps/blocks/{block.id}/items/new",
    ):
        assert client.get(path).status_code == 404, path
    before = db.session.scalar(select(func.count(RoadmapItem.id)))
    assert client.post(f"/roadmaps/items/{item.id}/delete").status_code == 404
    assert (
        client.post(f"/roadmaps/items/{item.id}/fact", data={"result": "x", "done_on": "2022-04-01"}).status_code == 404
    )
    assert db.session.scalar(select(func.count(RoadmapItem.id))) == before


def test_a_roadmap_cannot_be_made_for_a_foreign_scope(client, login, w):
    login(w["outsider"])
    response = client.post(
        "/roadmaps/from-template",
        data={"template": "typical", "scope": f"region:{w['region'].id}", "starts_on": "2022-04-01"},
    )
    assert response.status_code == 200  # the form again, with the scope refused
    assert db.session.scalar(select(func.count(Roadmap.id))) == 0


def test_a_roadmap_is_cited_by_its_title_without_saying_it_twice(w):
    named = roadmap.save_roadmap(None, {"title": "«Дорожная карта» по направлению «Путь клиента»"}, w["secretary"])
    plain = roadmap.save_roadmap(None, {"title": "План пилота"}, w["secretary"])
    assert artefacts.title("roadmap", named.id) == "«Дорожная карта» по направлению «Путь клиента»"
    assert artefacts.title("roadmap", plain.id) == "Дорожная карта «План пилота»"
