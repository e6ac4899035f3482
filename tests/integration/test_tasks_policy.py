"""Tasks and scope: a person on a task sees it wherever they work; nobody reaches other tasks by id."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.base import today
from app.models.tasks import Task
from app.services import tasks

FOREIGN = "Секретноепоручение"


@pytest.fixture
def w(make):
    region_a, region_b = make.region("Своя область"), make.region("Чужая область")
    a1, a2, b = make.centre(region_a, "ЦЗН Свой"), make.centre(region_a, "ЦЗН Соседний"), make.centre(region_b)
    people = {
        "lead_a1": make.user(("team_lead", a1), centre=a1),
        "lead_a2": make.user(("team_lead", a2), centre=a2),
        "director_a": make.user(("director", region_a), region=region_a),
        "lead_b": make.user(("team_lead", b), centre=b),
        "worker_a1": make.user(("employee", a1), centre=a1),
        "worker_b": make.user(("employee", b), centre=b, full_name="Иногородний Фёдор Львович"),
    }
    due = today() + timedelta(days=5)
    shared = tasks.create(
        {"title": "Общее поручение двух регионов", "responsible_id": people["worker_a1"].id, "due_on": due},
        people["lead_a1"],
        watchers=[people["worker_b"].id],
    )
    secret = tasks.create(
        {"title": f"{FOREIGN} центра", "responsible_id": people["worker_a1"].id, "due_on": due}, people["lead_a1"]
    )
    db.session.commit()
    return {**people, "a1": a1, "a2": a2, "b": b, "shared": shared, "secret": secret}


def pages(w):
    s = w["secret"].id
    return [f"/tasks/{s}", f"/tasks/{s}/edit", f"/files/panel/Task/{s}"]


def posts(w):
    s = w["secret"].id
    return [
        (f"/tasks/{s}/move", {"target": "in_progress"}),
        (f"/tasks/{s}/move", {"target": "cancelled"}),
        (f"/tasks/{s}/comments", {"text": "Взлом"}),
        (f"/tasks/{s}/edit", {"title": "Взлом", "responsible_id": w["worker_b"].id}),
    ]


@pytest.mark.parametrize("who", ["worker_b", "lead_b", "lead_a2"])
def test_foreign_task_is_a_404_everywhere(client, login, w, who):
    login(w[who])
    for url in pages(w):
        assert client.get(url).status_code == 404, url
    for url, data in posts(w):
        assert client.post(url, data=data).status_code == 404, url
    for url in ("/tasks/", "/tasks/my?status=all", "/tasks/board", f"/tasks/my?q={FOREIGN}"):
        assert f"{FOREIGN} центра" not in client.get(url).get_data(as_text=True), url
    db.session.expire_all()
    secret = db.session.get(Task, w["secret"].id)
    assert (secret.status, secret.title, secret.comments) == ("new", f"{FOREIGN} центра", [])


@pytest.mark.parametrize("who", ["lead_b", "lead_a2"])
def test_foreign_manager_cannot_list_export_or_reassign(client, login, w, who):
    login(w[who])
    for url in ("/tasks/team?status=all", f"/tasks/team?centre={w['a1'].id}", "/tasks/team/export.csv?status=all"):
        body = client.get(url).get_data(as_text=True)
        assert FOREIGN not in body and "Общее поручение" not in body, url
    data = {"task_ids": [w["secret"].id], "responsible_id": w[who].id, "confirm": "1"}
    body = client.post("/tasks/team/reassign", data=data, follow_redirects=True).get_data(as_text=True)
    assert "не найдены или вам недоступны" in body and FOREIGN not in body
    db.session.expire_all()
    assert db.session.get(Task, w["secret"].id).responsible_id == w["worker_a1"].id


def test_participant_outside_the_scope_sees_their_own_task_only(client, login, w):
    login(w["worker_b"])
    page = client.get(f"/tasks/{w['shared'].id}").get_data(as_text=True)
    assert "Общее поручение двух регионов" in page
    assert "Взять в работу" not in page  # a watcher watches
    mine = client.get("/tasks/my?role=watcher").get_data(as_text=True)
    assert "Общее поручение двух регионов" in mine and FOREIGN not in mine
    client.post(f"/tasks/{w['shared'].id}/move", data={"target": "in_progress"})
    assert db.session.get(Task, w["shared"].id).status == "new"
    response = client.post(f"/tasks/{w['shared'].id}/comments", data={"text": "Вижу, слежу"})
    assert response.status_code == 303  # watchers may comment


def test_regional_director_manages_every_centre_of_the_region(client, login, w):
    login(w["director_a"])
    page = client.get("/tasks/team").get_data(as_text=True)
    assert FOREIGN in page and "Общее поручение" in page
    client.post(f"/tasks/{w['secret'].id}/move", data={"target": "cancelled"})
    assert db.session.get(Task, w["secret"].id).status == "cancelled"


def test_cannot_assign_to_someone_outside_ones_view(client, login, w):
    login(w["lead_a1"])
    page = client.post(
        "/tasks/new",
        data={
            "title": "Поручение чужому",
            "responsible_id": w["worker_b"].id,
            "due_on": (today() + timedelta(days=30)).isoformat(),
            "priority": "normal",
        },
    ).get_data(as_text=True)
    assert "is-invalid" in page
    assert db.session.scalar(select(Task).where(Task.title == "Поручение чужому")) is None


@pytest.mark.parametrize("who", ["worker_a1", "worker_b"])
def test_people_on_a_task_can_attach_evidence(client, login, w, who):
    task = w["shared"]
    if who == "worker_b":
        task.participants[0].role = "co_executor"
        db.session.commit()
    login(w[who])
    assert client.get(f"/files/panel/Task/{task.id}").status_code == 200
    response = client.post(f"/files/upload/Task/{task.id}", data={"url": "https://example.ru/foto"})
    assert response.status_code == 303
