"""`flask demo load`: the seed 000 roadmap approved by the first protocol, its facts as the report gives
them, the order and the protocols in the register, and the pilot report's §2 and §3."""

import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.documents import Approval, Document
from app.models.meetings import Decision, Meeting
from app.models.org import User
from app.models.reports import PilotReport, ReportRow
from app.models.roadmap import Roadmap, RoadmapBlock, RoadmapEvidence, RoadmapItem, RoadmapItemPerson
from app.models.tasks import Task
from app.services import artefacts, demo_roadmap, documents, files, jobs, roadmap

TITLE = "«Дорожная карта» по направлению пилотной апробации «Совершенствование пути клиента»"
AFTER_PILOT = date(2021, 11, 2)
PROTOCOLS = {
    date(2021, 8, 5): "Сл-523-452756/21",
    date(2021, 9, 3): "Сл-523-514749/21",
    date(2021, 10, 12): "Сл-523-602212/21",
}
DIRECTORS = ["Гусева Елена Сергеевна", "Егорова Людмила Германовна", "Кириличева Елена Михайловна"]


@pytest.fixture
def loaded(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return db.session.scalar(select(Roadmap).where(Roadmap.title == TITLE))


def _items(plan: Roadmap) -> dict[str, RoadmapItem]:
    return {item.number: item for item in plan.items}


def _protocol(day: date) -> Meeting:
    return db.session.scalar(select(Meeting).where(Meeting.registration_number == PROTOCOLS[day]))


def test_two_blocks_seventeen_items_with_the_seed_plan(loaded):
    assert db.session.scalar(select(func.count(Roadmap.id))) == 1
    assert loaded.region.name == "Нижегородская область" and loaded.centre_id is None
    assert (loaded.starts_on, loaded.ends_on) == (date(2021, 7, 27), date(2021, 11, 1))
    first, second = loaded.blocks
    assert first.title.startswith("Подготовительные и организационные мероприятия по пилотной апробации")
    assert second.title.startswith("Мероприятия по пилотной апробации") and second.title.endswith(
        "«Совершенствование пути клиента»"
    )
    assert [i.number for i in first.items] == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    assert [i.number for i in second.items] == [f"2.{n}" for n in range(1, 13)]
    assert [i.position for i in loaded.items] == list(range(1, 18))
    items = _items(loaded)
    assert {n: i.deadline_kind for n, i in items.items() if i.deadline_kind != "until"} == {
        "1.1": "whole_period",
        "1.4": "whole_period",
        "1.5": "whole_period",
        "2.11": "until_and_whole_period",
    }
    assert roadmap.deadline_label(items["2.11"]) == "до 01.11.2021 и на протяжении всего периода реализации"
    assert roadmap.deadline_label(items["2.5"]) == "до 24.09.2021"
    assert items["1.1"].due_on is None and items["2.12"].due_on == date(2021, 11, 1)

    def people(number):
        return [p.user.full_name for p in items[number].people]

    assert people("1.1") == [
        "Садулина Арина Михайловна",
        "Антонова Татьяна Константиновна",
        "Напалкова Ирина Викторовна",
        *DIRECTORS,
    ]
    assert people("2.5") == DIRECTORS
    assert people("2.9") == ["Антонова Татьяна Константиновна", "Напалкова Ирина Викторовна"]
    assert items["1.4"].expected_result == "" and items["2.3"].expected_result == "протокол совещания"


def test_deliverables_name_the_order_and_the_protocols(loaded):
    items = _items(loaded)
    order = db.session.scalar(select(Document).where(Document.kind == "order"))
    assert (items["1.3"].deliverable_kind, items["1.3"].deliverable_id) == ("document", order.id)
    for number, day in (("2.3", date(2021, 8, 5)), ("2.6", date(2021, 9, 3)), ("2.9", date(2021, 10, 12))):
        assert (items[number].deliverable_kind, items[number].deliverable_id) == ("protocol", _protocol(day).id)
    assert (items["2.12"].deliverable_kind, items["2.12"].deliverable_id) == ("protocol", None)
    assert {n: items[n].deliverable_kind for n in ("2.2", "2.4", "2.5", "2.7", "2.8")} == {
        "2.2": "kpi_set",
        "2.4": "portrait",
        "2.5": "journey",
        "2.7": "measurement",
        "2.8": "solution_map",
    }


def test_approved_by_the_first_protocol_with_the_baseline_frozen(loaded):
    assert loaded.status == "approved" and loaded.approved_on == date(2021, 8, 5)
    (approval,) = documents.approvals_of("roadmap", loaded.id)
    assert approval.approved_on == date(2021, 8, 5) and approval.verb == "approve" and approval.document_id is None
    decision = db.session.get(Decision, approval.decision_id)
    assert decision.number == "2.2" and decision.item.meeting.registration_number == "Сл-523-452756/21"
    assert (decision.artefact_kind, decision.artefact_id) == ("roadmap", loaded.id)
    assert documents.approval_source(approval)[0] == (
        "Протокол заседания рабочей группы от 05.08.2021 № Сл-523-452756/21"
    )
    assert all(item.baseline_due_on == item.due_on for item in loaded.items)
    items = _items(loaded)
    assert {n: roadmap.baseline_slip(items[n], AFTER_PILOT) for n in ("2.2", "2.5", "2.7", "1.2")} == {
        "2.2": 7,
        "2.5": 6,
        "2.7": 0,
        "1.2": 11,  # not done: late against the baseline until today
    }


def test_statuses_after_the_pilot_as_the_report_gives_them(loaded):
    items = _items(loaded)

    def status(number):
        return roadmap.status_of(items[number], AFTER_PILOT)

    assert (status("2.2").code, status("2.2").days, status("2.2").label) == (
        "done_late",
        7,
        "выполнено с опозданием на 7 дней",
    )
    assert (status("2.5").code, status("2.5").days) == ("done_late", 6)
    assert items["2.7"].done_on == items["2.7"].due_on == date(2021, 10, 1) and status("2.7").code == "done"
    on_time = ["1.1", "1.3", "2.1", "2.3", "2.4", "2.6", "2.7", "2.8", "2.9", "2.10"]
    assert {n: status(n).code for n in on_time} == dict.fromkeys(on_time, "done")
    # Not in the report: the «до» items are overdue since their day, the whole-period ones since the end.
    assert (status("1.2").code, status("1.2").days) == ("overdue", 11)
    assert {n: (status(n).code, status(n).days) for n in ("1.4", "1.5", "2.11", "2.12")} == dict.fromkeys(
        ("1.4", "1.5", "2.11", "2.12"), ("overdue", 1)
    )
    # during the pilot a whole-period item is in work, whatever its fact
    assert roadmap.status_of(items["1.1"], date(2021, 9, 1)).code == "in_progress"
    progress = roadmap.progress(loaded.items, AFTER_PILOT)
    assert (progress.total, progress.done, progress.late, progress.overdue, progress.rag) == (17, 12, 2, 5, "red")


def test_facts_word_for_word_with_their_evidence(loaded):
    items = _items(loaded)
    assert {n: i.done_on for n, i in items.items() if i.done_on} == {
        "1.1": date(2021, 7, 27),
        "1.3": date(2021, 7, 27),
        "2.1": date(2021, 8, 5),
        "2.2": date(2021, 9, 3),
        "2.3": date(2021, 8, 5),
        "2.4": date(2021, 9, 3),
        "2.5": date(2021, 9, 30),
        "2.6": date(2021, 9, 3),
        "2.7": date(2021, 10, 1),
        "2.8": date(2021, 10, 7),
        "2.9": date(2021, 10, 12),
        "2.10": date(2021, 10, 18),
    }
    # the signature filled 2.3, 2.6 and 2.9 with the protocol's title; the secretary's wording stands
    assert {items[n].result for n in ("2.3", "2.6", "2.9")} == {"Совещание проведено"}
    assert items["2.5"].result == (
        "Путь клиента инвалида в рамках оказания услуги «Содействие гражданам в поиске подходящей работы» "
        "составлен из 7 этапов"
    )
    assert items["2.7"].result.endswith("получился 2,6 (максимально предусмотрен был 3).")
    assert items["2.7"].result.count("\n") == 5
    assert items["2.10"].result.startswith("Проведен цикл психологических тренингов")
    assert items["2.4"].note == "Портрет инвалида, зарегистрированного в центре занятости"
    assert all(not items[n].result for n in ("1.2", "1.4", "1.5", "2.11", "2.12"))

    def evidence(number):
        return [artefacts.title(e.artefact_kind, e.artefact_id) for e in items[number].evidence]

    order = "Приказ от 30.07.2021 № 523-246/21П/од"
    first, second, third = (
        f"Протокол заседания рабочей группы от {day:%d.%m.%Y} № {number}" for day, number in PROTOCOLS.items()
    )
    assert {n: evidence(n) for n in items if items[n].evidence} == {
        "1.3": [order],
        "2.1": [first],
        "2.2": [second],
        "2.3": [first],
        "2.4": [second],
        "2.6": [second],
        "2.9": [third],
    }
    # typed through the service, audited; 2.3 was first filled by the signature of its protocol
    facts = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roadmap.fact").order_by(AuditEvent.id))
    meeting_one = [e.after["result"] for e in facts if e.after["item"] == "2.3"]
    assert meeting_one == [first, "Совещание проведено"]


def test_the_journey_map_has_two_deadlines(loaded):
    conflicts = roadmap.deadline_conflicts(loaded)
    items = _items(loaded)
    assert set(conflicts) == {items["2.5"].id}
    (conflict,) = conflicts[items["2.5"].id]
    assert conflict.due_on == date(2021, 9, 15) and conflict.decision.number == "3.2"
    assert conflict.text == (
        "Срок расходится: в дорожной карте — 24.09.2021, в протоколе заседания рабочей группы от 03.09.2021 "
        "№ Сл-523-514749/21 (решение 3.2) — 15.09.2021."
    )


def test_the_order_and_three_protocols_in_the_register(loaded):
    order = db.session.scalar(select(Document).where(Document.kind == "order"))
    assert str(order) == "Приказ от 30.07.2021 № 523-246/21П/од"
    assert order.title == (
        "О проведении пилотной апробации элементов системы управления клиентским опытом по направлению "
        "«Совершенствование пути клиента»"
    )
    assert order.status == "signed" and order.signatory == "Руководитель управления А.М.Садулина"
    assert order.issuer == "Управление по труду и занятости населения Нижегородской области"
    assert [a.split(".")[0] for a in order.appendices] == ["Приложение № 1", "Приложение № 2"]
    assert order.appendices[0].startswith("Приложение № 1. Состав рабочей группы")
    assert order.appendices[1].startswith("Приложение № 2. Перечень центров занятости населения")
    assert order.region_id == db.session.scalar(select(Roadmap.region_id))
    protocols = db.session.scalars(select(Document).where(Document.kind == "protocol").order_by(Document.signed_on))
    assert [(d.signed_on, d.registration_number, d.status) for d in protocols] == [
        (day, number, "signed") for day, number in PROTOCOLS.items()
    ]
    assert all(d.meeting.registration_number == d.registration_number for d in protocols)
    assert db.session.scalar(select(func.count(Document.id))) == 4


def test_check_tasks_of_whole_period_items_closed_when_the_pilot_ended(loaded):
    items = _items(loaded)
    checks = db.session.scalars(select(Task).where(Task.source_type == "roadmap").order_by(Task.id)).all()
    assert sorted(t.source_id for t in checks) == sorted(items[n].id for n in ("1.1", "1.4", "1.5", "2.11"))
    assert {(t.status, t.completed_on, t.recurrence_days) for t in checks} == {("done", date(2021, 11, 1), None)}
    by_item = {t.source_id: t for t in checks}
    assert by_item[items["1.1"].id].responsible.full_name == "Садулина Арина Михайловна"
    assert by_item[items["1.4"].id].responsible.full_name == "Гусева Елена Сергеевна"
    assert by_item[items["2.11"].id].responsible.full_name == "Антонова Татьяна Константиновна"
    assert all(t.due_on == date(2021, 9, 6) for t in checks)  # 05.08 + 30 days, moved off a Saturday


def test_the_report_has_its_remarks_and_effects(loaded):
    (report,) = db.session.scalars(select(PilotReport)).all()
    assert report.roadmap_id == loaded.id and report.region_id == loaded.region_id
    assert report.title.startswith("Отчет о результатах пилотной апробации элементов системы управления")
    remarks, effects = report.section("remarks"), report.section("effects")
    assert [r.position for r in remarks] == [1, 2, 3] and [r.position for r in effects] == [1, 2, 3, 4]
    assert remarks[0].text == "Предусмотреть более длительный период на реализацию аналогичных проектов: 4-6 месяцев."
    assert remarks[1].text.startswith("При выявлении (уточнении) клиентских показателей эффективности")
    assert remarks[2].text.startswith("Дополнить Прототип рекомендациями")
    assert effects[1].text == "Работники ЦЗН стали увлечены своей работой и более внимательными к клиентам."
    assert effects[3].text.startswith("Появилась новая форма работы в ЦЗН – комиссия индивидуального собеседования")


def test_loading_twice_changes_nothing(loaded, runner):
    models = (
        Roadmap,
        RoadmapBlock,
        RoadmapItem,
        RoadmapItemPerson,
        RoadmapEvidence,
        Document,
        Approval,
        PilotReport,
        ReportRow,
        Task,
        AuditEvent,
    )

    def state():
        db.session.expire_all()
        return (
            [db.session.scalar(select(func.count()).select_from(m)) for m in models],
            sorted(db.session.execute(select(RoadmapItem.id, RoadmapItem.result, RoadmapItem.done_on)).all()),
            sorted(db.session.execute(select(Task.id, Task.status, Task.completed_on)).all()),
        )

    before = state()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert state() == before
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert state() == before


def test_the_report_package_builds(loaded, run_jobs):
    """The package job of the reports area zips the demo report with the roadmap and the protocols it cites."""
    report = db.session.scalar(select(PilotReport))
    head = db.session.scalar(select(User).where(User.email == "group_head@demo.cxm"))
    run = jobs.start("report_package", user=head, params={"report_id": report.id}, region_id=report.region_id)
    db.session.commit()
    run_jobs()
    db.session.expire_all()
    assert run.status == "finished", run.error
    with files.storage().open(run.result["key"]) as stream, zipfile.ZipFile(stream) as archive:
        names = archive.namelist()
    for registration in PROTOCOLS.values():
        assert any(registration.replace("/", "-") in name for name in names), registration
    assert any(name.startswith("00 ") and name.endswith(".docx") for name in names)


def test_a_demo_loaded_before_the_roadmap_existed_gets_it_on_the_next_load(runner, monkeypatch):
    """Protocols signed without naming the roadmap: the next load drafts it, links them and approves it."""
    real = demo_roadmap.load_plan
    monkeypatch.setattr(demo_roadmap, "load_plan", lambda region, people, actor: (None, False))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert db.session.scalar(select(func.count(Roadmap.id))) == 0
    monkeypatch.setattr(demo_roadmap, "load_plan", real)
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    plan = db.session.scalar(select(Roadmap).where(Roadmap.title == TITLE))
    items = _items(plan)
    assert plan.approved_on == date(2021, 8, 5) and all(i.baseline_due_on == i.due_on for i in plan.items)
    assert items["2.9"].deliverable_id == _protocol(date(2021, 10, 12)).id
    assert roadmap.status_of(items["2.2"], AFTER_PILOT).days == 7
    assert {t.status for t in db.session.scalars(select(Task).where(Task.source_type == "roadmap"))} == {"done"}
    assert db.session.scalar(select(func.count(PilotReport.id))) == 1
