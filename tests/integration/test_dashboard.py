"""The director's screen through the Flask client: figures equal direct queries, each drills down to the same records,
scopes (region, centre with branches, federal with a region choice), and the team view's «Ответственный» filter."""

import csv
import io
from datetime import timedelta

import pytest
from flask import url_for
from lxml import html as lxml_html
from sqlalchemy import and_, event, func, or_, select

from app.extensions import db
from app.models.base import today
from app.models.org import Centre, Region, RoleAssignment, User
from app.models.roadmap import Roadmap, RoadmapBlock, RoadmapItem
from app.models.tasks import Task
from app.services import roadmap, tasks

OPEN = ("new", "in_progress", "review")


def _template_roadmap(actor, title, starts_on, **scope) -> Roadmap:
    return roadmap.from_template("typical", {"title": title, "starts_on": starts_on, **scope}, actor)


def _task(actor, title, responsible, due, **values) -> Task:
    return tasks.create({"title": title, "responsible_id": responsible.id, "due_on": due, **values}, actor)


@pytest.fixture
def w(make):
    """A region with centre A (and its branch) and centre B; a second region far away; roadmaps and tasks in each."""
    region, far = make.region("Нижегородская область"), make.region("Удмуртская Республика")
    a = make.centre(region, "ЦЗН Канавинский")
    branch = make.centre(region, "Филиал Канавинского ЦЗН", parent=a)
    b = make.centre(region, "ЦЗН Сормовский")
    c = make.centre(far, "ЦЗН Ижевский")
    people = {
        "director": make.user(("director", region), region=region, full_name="Садулина Арина Михайловна"),
        "director_a": make.user(("director", a), centre=a, full_name="Гусева Елена Сергеевна"),
        "executor": make.user(("employee", a), centre=a, full_name="Исполнителев Пётр Ильич"),
        "branch_worker": make.user(("employee", branch), centre=branch, full_name="Филиалов Олег Павлович"),
        "worker_b": make.user(("employee", b), centre=b, full_name="Сормовская Анна Ивановна"),
        "worker_far": make.user(("employee", c), centre=c, full_name="Ижевский Фёдор Львович"),
        "federal": make.user(("federal_coordinator", None), full_name="Меркулова Елена Андреевна"),
        "admin": make.user(("admin", None), full_name="Админова Ольга Петровна"),
    }
    boss, t = people["director"], today()
    start = t - timedelta(days=40)  # the typical template's items fall due 0, 7, 11, 29, 42, 49 and 90 days in

    # the region's roadmap, approved at the start: 1 on time, 2 three days late, 3 replanned, 4 not done
    rm_region = _template_roadmap(boss, "Дорожная карта Нижегородской области", start, region_id=region.id)
    roadmap.approve(rm_region, start, boss)
    items = {i.number: i for i in rm_region.items}
    roadmap.record_fact(items["1"], {"result": "Вебинар проведён", "done_on": items["1"].due_on}, boss)
    roadmap.record_fact(items["2"], {"result": "Сделано", "done_on": items["2"].due_on + timedelta(days=3)}, boss)
    roadmap.record_fact(items["4"], {"not_done_reason": "Замеры перенесены решением ФЦК"}, boss)
    three = items["3"]
    roadmap.save_item(
        three.block, three, {"title": three.title, "deadline_kind": "until", "due_on": t + timedelta(5)}, boss
    )
    # centre A's draft with four items overdue; centre B's starting later; the far region's, approved and overdue
    rm_a = _template_roadmap(boss, "Дорожная карта ЦЗН Канавинский", start, region_id=region.id, centre_id=a.id)
    rm_b = _template_roadmap(
        boss, "Дорожная карта ЦЗН Сормовский", t + timedelta(days=100), region_id=region.id, centre_id=b.id
    )
    rm_far = _template_roadmap(boss, "Дорожная карта Удмуртии", start, region_id=far.id)
    roadmap.approve(rm_far, start, boss)

    e = people["executor"]
    _task(boss, "Просрочено один", e, t - timedelta(days=3))
    _task(boss, "Просрочено два", e, t - timedelta(days=1))
    _task(boss, "Срок сегодня", e, t)
    _task(boss, "Срок впереди", e, t + timedelta(days=5))
    closed = _task(boss, "Выполнено после срока", e, t - timedelta(days=5))
    closed.status = "done"
    parent = tasks.create(
        {
            "title": "Директорам ЦЗН: обновить стенды",
            "due_on": t - timedelta(days=6),
            "centre_id": a.id,
            "region_id": region.id,
        },
        boss,
        group=True,
    )
    _task(boss, "Директорам ЦЗН: обновить стенды", e, t - timedelta(days=6), parent_id=parent.id)
    _task(boss, "Просрочено в филиале", people["branch_worker"], t - timedelta(days=2))
    _task(boss, "Просрочено в Сормовском", people["worker_b"], t - timedelta(days=4))
    _task(boss, "Просрочено в Удмуртии", people["worker_far"], t - timedelta(days=2))
    # a task of the far region given to the executor (a region's meeting sets its scope outright)
    _task(boss, "Поручение Удмуртии исполнителю", e, t - timedelta(days=7), region_id=far.id, centre_id=c.id)
    db.session.commit()
    return {
        **people,
        "region": region,
        "far": far,
        "a": a,
        "branch": branch,
        "b": b,
        "c": c,
        "rm_region": rm_region,
        "rm_a": rm_a,
        "rm_b": rm_b,
        "rm_far": rm_far,
        "items": items,
        "parent": parent,
    }


def switch(client, login, user):
    client.post("/logout")
    login(user)


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:1000]
    return lxml_html.fromstring(response.get_data(as_text=True))


def text(node) -> str:
    return " ".join(node.text_content().split())


def number(node) -> int:
    return int(text(node).split()[0])


# ---- independent counts ---------------------------------------------------------------------


def centres_of(region) -> list[int]:
    return list(db.session.scalars(select(Centre.id).where(Centre.region_id == region.id)))


def overdue_sql(responsible, centre_ids) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Task)
        .where(
            Task.responsible_id == responsible.id,
            Task.status.in_(OPEN),
            Task.due_on < today(),
            Task.centre_id.in_(centre_ids),
        )
    )


def item_count(rm, *where) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RoadmapItem)
        .join(Roadmap, RoadmapItem.roadmap_id == Roadmap.id)
        .join(RoadmapBlock, RoadmapItem.block_id == RoadmapBlock.id)
        .where(RoadmapItem.roadmap_id == rm.id, *where)
    )


WHOLE = RoadmapItem.deadline_kind == "whole_period"
PERIOD_OVER = func.coalesce(Roadmap.ends_on, RoadmapBlock.ends_on) < today()  # a whole-period item is judged after it
NO_REASON = RoadmapItem.not_done_reason == ""


def done_sql(rm) -> int:
    return item_count(rm, RoadmapItem.done_on.is_not(None), NO_REASON, or_(~WHOLE, PERIOD_OVER))


def late_sql(rm) -> int:
    return item_count(rm, ~WHOLE, NO_REASON, RoadmapItem.done_on > RoadmapItem.due_on)


def overdue_items_sql(rm) -> int:
    return item_count(
        rm,
        RoadmapItem.done_on.is_(None),
        NO_REASON,
        or_(and_(~WHOLE, RoadmapItem.due_on < today()), and_(WHOLE, PERIOD_OVER)),
    )


def next_sql(rm) -> list[int]:
    return list(
        db.session.scalars(
            select(RoadmapItem.id)
            .where(
                RoadmapItem.roadmap_id == rm.id,
                RoadmapItem.done_on.is_(None),
                RoadmapItem.not_done_reason == "",
                RoadmapItem.due_on >= today(),
                RoadmapItem.due_on <= today() + timedelta(days=14),
            )
            .order_by(RoadmapItem.due_on)
        )
    )


def slip_sql(region) -> dict[int, int]:
    """Items of the region's approved roadmaps reached (done, else today) after their baseline: id → days."""
    rows = db.session.execute(
        select(RoadmapItem.id, RoadmapItem.baseline_due_on, RoadmapItem.done_on)
        .join(Roadmap, RoadmapItem.roadmap_id == Roadmap.id)
        .where(
            Roadmap.status == "approved",
            Roadmap.region_id == region.id,
            RoadmapItem.baseline_due_on.is_not(None),
            RoadmapItem.not_done_reason == "",
        )
    ).all()
    days = {i: ((done or today()) - base).days for i, base, done in rows}
    return {i: d for i, d in days.items() if d > 0}


# ---- the screen -----------------------------------------------------------------------------


def roadmap_rows(doc) -> dict[int, object]:
    return {
        int(tr.get("data-roadmap")): tr for tr in doc.xpath('//section[@aria-labelledby="panel-roadmaps"]//tbody/tr')
    }


def person_rows(doc) -> dict[int, object]:
    return {
        int(tr.get("data-responsible")): tr
        for tr in doc.xpath('//section[@aria-labelledby="panel-overdue_tasks"]//tbody/tr')
    }


def slip_rows(doc) -> list[tuple[int, str]]:
    rows = doc.xpath('//section[@aria-labelledby="panel-baseline_slip"]//tbody/tr')
    return [(int(tr.get("data-item")), text(tr.xpath('.//td[@data-figure="days"]')[0])) for tr in rows]


def test_regional_director_figures_equal_direct_queries(client, login, w):
    login(w["director"])
    doc = page(client, "/director/")
    assert "Экран руководителя" in text(doc.xpath("//h1")[0])
    assert [text(h) for h in doc.xpath("//main//h2")] == [
        "Дорожные карты",
        "Просроченные поручения по ответственным",
        "Отставание от базового плана",
        "Индекс клиентоцентричности",
    ]
    assert "Нижегородская область" in text(doc.xpath('//div[@id="panels"]/p')[0])
    assert not doc.xpath('//select[@name="region"]')  # one region: nothing to choose

    # roadmaps: the region's and its centres', red first, each count as the items say
    rows = roadmap_rows(doc)
    assert list(rows) == [w["rm_a"].id, w["rm_region"].id, w["rm_b"].id]
    for rm in (w["rm_region"], w["rm_a"], w["rm_b"]):
        row = rows[rm.id]
        assert number(row.xpath('.//td[@data-figure="done"]')[0]) == done_sql(rm)
        assert f"из {item_count(rm)}" in text(row.xpath('.//td[@data-figure="done"]')[0])
        assert number(row.xpath('.//td[@data-figure="late"]')[0]) == late_sql(rm)
        assert number(row.xpath('.//td[@data-figure="overdue"]')[0]) == overdue_items_sql(rm)
        shown = [int(li.get("data-item")) for li in row.xpath('.//td[@data-figure="next"]//li')]
        assert shown == next_sql(rm)
    assert (done_sql(w["rm_region"]), late_sql(w["rm_region"]), overdue_items_sql(w["rm_a"])) == (2, 1, 4)
    rag = {rm_id: row.xpath('.//td[@data-figure="rag"]')[0] for rm_id, row in rows.items()}
    assert rag[w["rm_a"].id].get("data-rag") == "red" and "есть просроченные мероприятия" in text(rag[w["rm_a"].id])
    assert rag[w["rm_region"].id].get("data-rag") == "amber" and "Жёлтый есть риски" in text(rag[w["rm_region"].id])
    assert rag[w["rm_b"].id].get("data-rag") == "green" and "Зелёный по плану" in text(rag[w["rm_b"].id])
    items = w["items"]
    assert next_sql(w["rm_region"]) == [items["5"].id, items["3"].id, items["6"].id]  # the replanned 3 in between

    # overdue tasks per responsible person: the region's, group parents and closed or future ones aside
    people = person_rows(doc)
    region_centres = centres_of(w["region"])
    expected = {p.id: overdue_sql(p, region_centres) for p in (w["executor"], w["branch_worker"], w["worker_b"])}
    assert expected == {w["executor"].id: 3, w["branch_worker"].id: 1, w["worker_b"].id: 1}
    assert {i: number(tr.xpath('.//td[@data-figure="count"]')[0]) for i, tr in people.items()} == expected
    assert list(people)[0] == w["executor"].id  # most first
    total = db.session.scalar(
        select(func.count())
        .select_from(Task)
        .where(Task.status.in_(OPEN), Task.due_on < today(), Task.responsible_id.is_not(None))
        .where(Task.centre_id.in_(region_centres))
    )
    assert number(doc.xpath('//p[@data-figure="overdue-total"]/a')[0]) == total == 5
    assert "Исполнителев Пётр Ильич" in text(people[w["executor"].id])

    # late against the baseline: the region's approved roadmap only, most days first
    expected_slip = slip_sql(w["region"])
    assert expected_slip == {items["3"].id: 29, items["2"].id: 3}
    assert slip_rows(doc) == [(items["3"].id, "29 дней"), (items["2"].id, "3 дня")]
    assert "Мероприятий утверждённых дорожных карт, отстающих от базового плана: 2" in text(
        doc.xpath('//p[@data-figure="slip-total"]')[0]
    )
    row = doc.xpath(f'//tr[@data-item="{items["3"].id}"]')[0]
    base = items["3"].baseline_due_on
    assert f"до {(today() + timedelta(days=5)):%d.%m.%Y}" in text(row) and f"{base:%d.%m.%Y}" in text(row)
    assert "не исполнено" in text(row)

    body = lxml_html.tostring(doc, encoding="unicode")
    for foreign in ("Дорожная карта Удмуртии", "Ижевский Фёдор Львович"):
        assert foreign not in body


def test_every_figure_drills_down_to_the_same_records(client, login, w):
    login(w["director"])
    doc = page(client, "/director/")

    for user_id, row in person_rows(doc).items():
        link = row.xpath('.//td[@data-figure="count"]/a')[0]
        assert link.get("href") == f"/tasks/team?overdue=1&responsible={user_id}"
        target = page(client, link.get("href"))
        assert f"Найдено поручений: {number(link)}" in text(target)
        titles = {text(a) for a in target.xpath('//div[@id="results"]//tbody//td[2]/a')}
        expected = set(
            db.session.scalars(
                select(Task.title).where(
                    Task.responsible_id == user_id,
                    Task.status.in_(OPEN),
                    Task.due_on < today(),
                    Task.centre_id.in_(centres_of(w["region"])),
                )
            )
        )
        assert titles == expected
    assert "Поручение Удмуртии исполнителю" not in text(
        page(client, f"/tasks/team?overdue=1&responsible={w['executor'].id}")
    )
    total = doc.xpath('//p[@data-figure="overdue-total"]/a')[0]
    assert total.get("href") == "/tasks/team?overdue=1"
    assert f"Найдено поручений: {number(total)}" in text(page(client, total.get("href")))

    with client.application.test_request_context():
        rows = roadmap_rows(doc)
        for rm in (w["rm_region"], w["rm_a"], w["rm_b"]):
            hrefs = {a.get("href") for a in rows[rm.id].xpath(".//td/a | .//th/a")}
            assert hrefs == {url_for("roadmap.roadmap", roadmap_id=rm.id)}
        for item_id in next_sql(w["rm_region"]):
            link = rows[w["rm_region"].id].xpath(f'.//li[@data-item="{item_id}"]/a')[0]
            assert link.get("href") == url_for(
                "roadmap.roadmap", roadmap_id=w["rm_region"].id, _anchor=f"item-{item_id}"
            )
        for item_id, _ in slip_rows(doc):
            link = doc.xpath(f'//tr[@data-item="{item_id}"]//a')[0]
            assert link.get("href") == url_for(
                "roadmap.roadmap", roadmap_id=w["rm_region"].id, _anchor=f"item-{item_id}"
            )
    item = w["items"]["3"]  # the roadmap page has the anchored item
    target = client.get(f"/roadmaps/{w['rm_region'].id}").get_data(as_text=True)
    assert f'id="item-{item.id}"' in target and w["rm_region"].title in target


def test_centre_director_sees_the_centre_and_its_branches_only(client, login, w):
    login(w["director_a"])
    doc = page(client, "/director/")
    assert "ЦЗН Канавинский с филиалами" in text(doc.xpath('//div[@id="panels"]/p')[0])
    # the centre's own and the region's own (the centres carry it out), not centre B's
    assert set(roadmap_rows(doc)) == {w["rm_a"].id, w["rm_region"].id}
    centre_ids = [w["a"].id, w["branch"].id]
    people = person_rows(doc)
    assert {i: number(tr.xpath('.//td[@data-figure="count"]')[0]) for i, tr in people.items()} == {
        w["executor"].id: overdue_sql(w["executor"], centre_ids),
        w["branch_worker"].id: overdue_sql(w["branch_worker"], centre_ids),
    }
    body = lxml_html.tostring(doc, encoding="unicode")
    assert "Сормовская" not in body and "Дорожная карта ЦЗН Сормовский" not in body
    for row in people.values():
        link = row.xpath('.//td[@data-figure="count"]/a')[0]
        target = text(page(client, link.get("href")))
        assert f"Найдено поручений: {number(link)}" in target and "Просрочено в Сормовском" not in target
    # only the region's approved roadmap has a baseline: the centre's draft adds nothing late against it
    region_items = {i.id for i in w["rm_region"].items}
    assert slip_rows(doc) and all(item_id in region_items for item_id, _ in slip_rows(doc))
    page(client, f"/director/?region={w['region'].id}", 404)  # a centre is not its region


def test_only_dashboard_holders_open_the_screen(client, login, w):
    assert client.get("/director/").status_code in (302, 303)
    login(w["executor"])
    assert client.get("/director/").status_code == 403
    assert client.get(f"/director/?region={w['region'].id}").status_code == 403


def test_federal_coordinator_chooses_a_region_of_their_scope(client, login, w):
    login(w["federal"])
    doc = page(client, "/director/")
    options = {o.get("value"): text(o) for o in doc.xpath('//select[@name="region"]/option')}
    assert options == {
        "0": "Все регионы",
        str(w["region"].id): "Нижегородская область",
        str(w["far"].id): "Удмуртская Республика",
    }
    assert set(roadmap_rows(doc)) == {w["rm_region"].id, w["rm_a"].id, w["rm_b"].id, w["rm_far"].id}

    doc = page(client, f"/director/?region={w['far'].id}")
    assert list(roadmap_rows(doc)) == [w["rm_far"].id]
    assert doc.xpath(f'//option[@value="{w["far"].id}"]')[0].get("selected") is not None
    people = person_rows(doc)
    far_centres = centres_of(w["far"])
    assert {i: number(tr.xpath('.//td[@data-figure="count"]')[0]) for i, tr in people.items()} == {
        w["worker_far"].id: overdue_sql(w["worker_far"], far_centres),
        w["executor"].id: overdue_sql(w["executor"], far_centres),
    }
    assert not doc.xpath('//section[@aria-labelledby="panel-overdue_tasks"]//a')  # no team view to link to
    assert "здесь показано только число" in text(doc)
    assert {i for i, _ in slip_rows(doc)} == set(slip_sql(w["far"])) and slip_sql(w["far"])

    partial = client.get(f"/director/?region={w['region'].id}", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.get_data(as_text=True)
    assert set(roadmap_rows(lxml_html.fromstring(partial.get_data(as_text=True)))) == {
        w["rm_region"].id,
        w["rm_a"].id,
        w["rm_b"].id,
    }
    for bad in ("999999", "abc", "-1", "99999999999999999999"):
        page(client, f"/director/?region={bad}", 404)
    assert client.get("/director/?region=0").status_code == 200


def test_regional_director_cannot_look_at_another_region(client, login, w):
    login(w["director"])
    page(client, f"/director/?region={w['far'].id}", 404)
    doc = page(client, f"/director/?region={w['region'].id}")  # their own: the same screen
    assert set(roadmap_rows(doc)) == {w["rm_region"].id, w["rm_a"].id, w["rm_b"].id}


def test_admin_drill_down_keeps_the_chosen_region(client, login, w):
    login(w["admin"])
    e = w["executor"]
    everywhere = person_rows(page(client, "/director/"))[e.id].xpath('.//td[@data-figure="count"]/a')[0]
    assert number(everywhere) == 4  # three in the region, one of the far region's
    assert "Найдено поручений: 4" in text(page(client, everywhere.get("href")))

    doc = page(client, f"/director/?region={w['region'].id}")
    link = person_rows(doc)[e.id].xpath('.//td[@data-figure="count"]/a')[0]
    assert number(link) == overdue_sql(e, centres_of(w["region"])) == 3
    assert link.get("href") == f"/tasks/team?overdue=1&responsible={e.id}&region={w['region'].id}"
    target = page(client, link.get("href"))
    assert "Найдено поручений: 3" in text(target) and "Поручение Удмуртии исполнителю" not in text(target)
    total = doc.xpath('//p[@data-figure="overdue-total"]/a')[0]
    assert f"Найдено поручений: {number(total)}" in text(page(client, total.get("href")))


def test_empty_screen_says_so(client, login, make):
    region = make.region("Пустая область")
    login(make.user(("director", region), region=region))
    body = text(page(client, "/director/"))
    for message in (
        "Дорожных карт в этой области пока нет.",
        "Просроченных поручений нет.",
        "Мероприятий, отстающих от базового плана, нет.",
    ):
        assert message in body


def test_the_screen_reads_a_constant_number_of_queries(client, login, w):
    login(w["director"])

    def queries() -> int:
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/director/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    few = queries()
    boss = w["director"]
    for n in range(4):
        rm = _template_roadmap(boss, f"Ещё карта {n}", today() - timedelta(days=20), region_id=w["region"].id)
        roadmap.approve(rm, today() - timedelta(days=20), boss)
        _task(boss, f"Ещё просроченное {n}", w["worker_b"], today() - timedelta(days=n + 1))
    db.session.commit()
    assert queries() == few


# ---- the team view's «Ответственный» filter -------------------------------------------------


def test_responsible_filter_is_validated_against_people_in_view(client, login, w, make):
    e = w["executor"]
    login(w["director_a"])
    doc = page(client, f"/tasks/team?responsible={e.id}&status=all")
    titles = {text(a) for a in doc.xpath('//div[@id="results"]//tbody//td[2]/a')}
    assert titles == set(
        db.session.scalars(
            select(Task.title).where(Task.responsible_id == e.id, Task.centre_id.in_([w["a"].id, w["branch"].id]))
        )
    )
    assert doc.xpath(f'//select[@name="responsible"]/option[@value="{e.id}"]')[0].get("selected") is not None

    # someone the director may not see (another centre) is reported, and the list is not narrowed to them
    for bad in (w["worker_b"].id, w["worker_far"].id, "abc", "-3", "99999999999"):
        doc = page(client, f"/tasks/team?responsible={bad}")
        assert "Проверьте фильтры: поля с ошибками не применены." in text(doc), bad
        assert doc.xpath('//select[@name="responsible"][@aria-invalid="true"]'), bad
        assert "Просрочено один" in text(doc) and "Просрочено в филиале" in text(doc), bad
    assert "Выберите ответственного из списка." in text(page(client, f"/tasks/team?responsible={w['worker_b'].id}"))
    assert client.get(f"/tasks/team/export.csv?responsible={w['worker_b'].id}").status_code == 400

    # a person who has left still has their tasks found
    e.active = False
    db.session.commit()
    doc = page(client, f"/tasks/team?responsible={e.id}&overdue=1")
    assert f"Найдено поручений: {overdue_sql(e, [w['a'].id, w['branch'].id])}" in text(doc)
    assert not doc.xpath('//select[@name="responsible"][@aria-invalid="true"]')

    # the filter travels into the export, sort and page links
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/tasks/team/export.csv?responsible={e.id}&overdue=1").get_data(as_text=True)),
            delimiter=";",
        )
    )
    assert len(rows) - 1 == 3
    sort_links = doc.xpath("//th[@aria-sort or .//a]/a/@href")
    assert sort_links and all(f"responsible={e.id}" in href for href in sort_links)


def test_region_filter_appears_only_for_several_regions(client, login, w):
    login(w["director"])
    assert not page(client, "/tasks/team").xpath('//select[@name="region"]')
    switch(client, login, w["admin"])
    doc = page(client, f"/tasks/team?region={w['far'].id}&overdue=1")
    assert doc.xpath('//select[@name="region"]')
    far = {text(a) for a in doc.xpath('//div[@id="results"]//tbody//td[2]/a')}
    assert far == {"Просрочено в Удмуртии", "Поручение Удмуртии исполнителю"}
    assert "Проверьте фильтры" in text(page(client, "/tasks/team?region=abc"))


# ---- the demo region ------------------------------------------------------------------------


def test_the_demo_regions_screen_matches_direct_queries(client, login, runner):
    """`flask demo load`, then the screen of the head of the Nizhny Novgorod region: every figure as the database
    says, every person's figure drilling down to as many tasks."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    region = db.session.scalar(select(Region).where(Region.name == "Нижегородская область"))
    director = db.session.scalar(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role.in_(("director", "group_head")),  # А.М.Садулина heads the region's group
            RoleAssignment.region_id == region.id,
            RoleAssignment.centre_id.is_(None),
        )
    )
    login(director, "cxm-demo-2026")
    doc = page(client, "/director/")

    region_centres = centres_of(region)
    in_region = or_(
        Roadmap.centre_id.in_(region_centres), and_(Roadmap.region_id == region.id, Roadmap.centre_id.is_(None))
    )
    roadmaps = db.session.scalars(select(Roadmap).where(in_region)).all()
    rows = roadmap_rows(doc)
    assert set(rows) == {rm.id for rm in roadmaps}
    for rm in roadmaps:
        row = rows[rm.id]
        assert number(row.xpath('.//td[@data-figure="done"]')[0]) == done_sql(rm), rm.title
        assert number(row.xpath('.//td[@data-figure="late"]')[0]) == late_sql(rm), rm.title
        assert number(row.xpath('.//td[@data-figure="overdue"]')[0]) == overdue_items_sql(rm), rm.title

    responsible = db.session.scalars(
        select(Task.responsible_id)
        .where(Task.status.in_(OPEN), Task.due_on < today(), Task.responsible_id.is_not(None))
        .where(or_(Task.centre_id.in_(region_centres), and_(Task.region_id == region.id, Task.centre_id.is_(None))))
        .distinct()
    ).all()
    people = person_rows(doc)
    assert set(people) == set(responsible)
    for user_id, row in people.items():
        expected = db.session.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.responsible_id == user_id, Task.status.in_(OPEN), Task.due_on < today())
            .where(or_(Task.centre_id.in_(region_centres), and_(Task.region_id == region.id, Task.centre_id.is_(None))))
        )
        link = row.xpath('.//td[@data-figure="count"]/a')[0]
        assert number(link) == expected
        assert f"Найдено поручений: {expected}" in text(page(client, link.get("href")))

    slipped = {}
    for rm in roadmaps:
        if rm.status != "approved":
            continue
        for item_id, base, done, reason in db.session.execute(
            select(RoadmapItem.id, RoadmapItem.baseline_due_on, RoadmapItem.done_on, RoadmapItem.not_done_reason).where(
                RoadmapItem.roadmap_id == rm.id, RoadmapItem.baseline_due_on.is_not(None)
            )
        ):
            days = ((done or today()) - base).days
            if days > 0 and not reason:
                slipped[item_id] = days
    shown = slip_rows(doc)
    assert len(shown) == min(len(slipped), 20)
    assert [days for _, days in shown] == sorted(
        (tasks.days_text(slipped[i]) for i, _ in shown), key=lambda t: -int(t.split()[0])
    )
    assert all(tasks.days_text(slipped[i]) == days for i, days in shown)
