"""Task hub pages on PostgreSQL at scale: 2,000 users, 100,000 tasks, 500 meetings.

Each page is measured beside a floor: a minimal authenticated page doing one indexed query
(the glossary: the signed-in user loaded by id, the menu, static text), its requests alternating with the page's, so the
ratio says what the page itself costs. The database is BENCH_DATABASE_URL, default a `cxm_bench` database on the
local PostgreSQL (created if missing, emptied before and after).
"""

import os
import random
import time
from datetime import datetime, timedelta

import psycopg
from sqlalchemy import insert, select

from app import create_app
from app.extensions import db
from app.models.base import normalise, today
from app.models.meetings import Meeting, WorkingGroup
from app.models.org import Centre, Department, Region, RoleAssignment, User
from app.models.tasks import Task, TaskParticipant

PASSWORD = "Бенчмарк-пароль-1"
CENTRES, USERS, TASKS, MEETINGS = 50, 2_000, 100_000, 500
STATUSES = ["new", "in_progress", "review", "done", "cancelled"]
DEFAULT_URL = "postgresql://postgres@127.0.0.1/cxm_bench"


def _database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
            conn.execute(f'create database "{name}"')
    return url


def _chunks(rows: list[dict], size: int = 5_000):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def seed() -> dict:
    """One region of 50 centres; users spread over them; tasks over users; meetings over groups."""
    rnd = random.Random(7)
    region = Region(name="Регион бенчмарка", aliases=[])
    db.session.add(region)
    db.session.flush()
    centres = [Centre(region=region, name=f"ЦЗН {n}", aliases=[]) for n in range(CENTRES)]
    db.session.add_all(centres)
    db.session.flush()
    departments = [Department(centre=c, region_id=region.id, name="Отдел обслуживания") for c in centres]
    db.session.add_all(departments)
    db.session.flush()
    users = [
        {
            "full_name": f"Сотрудник {n} Иванович",
            "email": f"u{n}@bench.ru",
            "position": "Специалист",
            "phone": "",
            "region_id": region.id,
            "centre_id": centres[n % CENTRES].id,
            "department_id": departments[n % CENTRES].id,
            "password_hash": "x",
            "active": True,
            "search_text": normalise(f"Сотрудник {n} Иванович Специалист"),
        }
        for n in range(USERS)
    ]
    for chunk in _chunks(users):
        db.session.execute(insert(User), chunk)
    user_rows = db.session.execute(select(User.id, User.centre_id)).all()
    lead = User(
        full_name="Руководитель Команды",
        email="lead@bench.ru",
        position="Начальник отдела",
        phone="",
        region_id=region.id,
        centre_id=centres[0].id,
    )
    lead.set_password(PASSWORD)
    lead.roles.append(RoleAssignment(role="team_lead", region_id=region.id, centre_id=centres[0].id))
    director = User(
        full_name="Директор СЗН", email="director@bench.ru", position="Директор", phone="", region_id=region.id
    )
    director.set_password(PASSWORD)
    director.roles.append(RoleAssignment(role="director", region_id=region.id))
    db.session.add_all([lead, director])
    db.session.flush()
    start = today()
    tasks = []
    for n in range(TASKS):
        responsible_id, centre_id = user_rows[rnd.randrange(len(user_rows))]
        if n % 2_000 == 0:
            responsible_id, centre_id = lead.id, centres[0].id  # the lead's own 50 tasks
        title = f"Поручение {n}: устранить барьер на этапе {n % 7 + 1}"
        tasks.append(
            {
                "title": title,
                "description": "",
                "source_type": rnd.choice(["decision", "manual", "solution", "feedback"]),
                "responsible_id": responsible_id,
                "controller_id": director.id,
                "created_by_id": director.id,
                "region_id": region.id,
                "centre_id": centre_id,
                "due_on": start + timedelta(days=rnd.randint(-60, 90)),
                "status": rnd.choice(STATUSES),
                "priority": "normal",
                "search_text": normalise(title),
                "deadline_text": "",
            }
        )
    for chunk in _chunks(tasks):
        db.session.execute(insert(Task), chunk)
    lead_task_ids = db.session.scalars(select(Task.id).limit(200)).all()
    db.session.execute(
        insert(TaskParticipant), [{"task_id": i, "user_id": lead.id, "role": "watcher"} for i in lead_task_ids]
    )
    groups = [WorkingGroup(name=f"Рабочая группа {c.name}", region_id=region.id, centre_id=c.id) for c in centres]
    db.session.add_all(groups)
    db.session.flush()
    first = datetime(2024, 1, 15, 10, 0)
    db.session.execute(
        insert(Meeting),
        [
            {
                "group_id": groups[n % CENTRES].id,
                "region_id": region.id,
                "centre_id": centres[n % CENTRES].id,
                "number": n // CENTRES + 1,
                "year": 2024,
                "starts_at": first + timedelta(days=n // CENTRES),
                "status": "signed",
            }
            for n in range(MEETINGS)
        ],
    )
    db.session.commit()
    return {"lead": lead.email, "director": director.email, "centre": centres[0].id}


def _timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def run() -> tuple[list[tuple], str]:
    url = _database_url()
    os.environ["DATABASE_URL"] = url
    app = create_app({"ENV": "testing", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        seeded = seed()
        db.session.execute(db.text("analyze"))
        db.session.commit()

    def client_for(email):
        client = app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 303
        return client

    lead, director = client_for(seeded["lead"]), client_for(seeded["director"])
    floor_path = "/glossary"

    def get(client, path, headers=None):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)

    due_to = (today() + timedelta(days=30)).isoformat()
    cases = [
        ("floor (glossary), team lead", lambda: get(lead, floor_path), None),
        ("Мои задачи, team lead", lambda: get(lead, "/tasks/"), "floor (glossary), team lead"),
        ("board, team lead (centre)", lambda: get(lead, "/tasks/board"), "floor (glossary), team lead"),
        (
            "team view, team lead, open + overdue",
            lambda: get(lead, "/tasks/team?status=open&overdue=1"),
            "floor (glossary), team lead",
        ),
        ("floor (glossary), director", lambda: get(director, floor_path), None),
        (
            "team view, regional director, 100k in scope, filters",
            lambda: get(director, f"/tasks/team?status=open&centre={seeded['centre']}&due_to={due_to}&sort=deadline"),
            "floor (glossary), director",
        ),
        (
            "team view, regional director, search",
            lambda: get(director, "/tasks/team?q=барьер этапе 3", {"HX-Request": "true"}),
            "floor (glossary), director",
        ),
        ("board, regional director", lambda: get(director, "/tasks/board"), "floor (glossary), director"),
        ("meetings list, regional director", lambda: get(director, "/meetings/"), "floor (glossary), director"),
    ]
    # each page's requests alternate with its floor's, so a drift of the machine's speed weighs on both alike;
    # a floor's row pools the samples taken beside all its pages
    floors = {name: fn for name, fn, floor in cases if floor is None}
    pooled = {name: [] for name in floors}
    measured = []
    for name, fn, floor in cases:
        if floor is None:
            measured.append((name, pooled[name]))
            continue
        fn()  # warm up
        floors[floor]()
        samples = []
        for _ in range(30):
            pooled[floor] += _timed(floors[floor], 1)
            samples += _timed(fn, 1)
        measured.append((name, samples, floor))
    rows = [(name, len(samples), samples, *floor) for name, samples, *floor in measured]
    with app.app_context():
        db.drop_all()
    return rows, f"{USERS} users, {TASKS} tasks, {MEETINGS} meetings, {CENTRES} centres; PostgreSQL"
