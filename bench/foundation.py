"""Timings of the foundation's hot paths on a seeded database (SQLite file or DATABASE_URL).

Measures: scoped user list page for a regional director, the same list through htmx (partial),
the API centre list, policy visibility for a region with many centres, and a sign-in.
"""

import os
import tempfile
import time

from app import create_app
from app.extensions import db
from app.models.org import Centre, Department, Region, RoleAssignment, User

PASSWORD = "Бенчмарк-пароль-1"
REGIONS, CENTRES_PER_REGION, USERS_PER_CENTRE = 20, 25, 8


def seed() -> User:
    regions = [Region(name=f"Регион {r}", aliases=[]) for r in range(REGIONS)]
    db.session.add_all(regions)
    db.session.flush()
    users = []
    for region in regions:
        for c in range(CENTRES_PER_REGION):
            centre = Centre(region=region, name=f"ЦЗН {region.id}-{c}", aliases=[])
            db.session.add(centre)
            db.session.flush()
            db.session.add(Department(centre=centre, region_id=region.id, name="Отдел"))
            for u in range(USERS_PER_CENTRE):
                users.append(
                    User(
                        full_name=f"Сотрудник {centre.id}-{u} Иванович",
                        email=f"u{centre.id}-{u}@b.ru",
                        position="Специалист",
                        phone="+7 900 000-00-00",
                        region_id=region.id,
                        centre_id=centre.id,
                        password_hash="x",
                    )
                )
    db.session.add_all(users)
    director = User(
        full_name="Директор Регионов", email="director@b.ru", position="Руководитель", phone="", region_id=regions[0].id
    )
    director.set_password(PASSWORD)
    director.roles.append(RoleAssignment(role="director", region_id=regions[0].id))
    db.session.add(director)
    db.session.commit()
    return director


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def run() -> tuple[list[tuple], str]:
    """Time the foundation cases; returns (rows, data description)."""
    tmp = tempfile.mkdtemp(prefix="cxm-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite")
    app = create_app({"ENV": "testing", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    rows = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        director = seed()
        from app.services import api_tokens

        _, token = api_tokens.issue(director, "bench")
        db.session.commit()
        email = director.email
    # Requests run outside the seeding context: each gets its own app context and session.
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    auth = {"Authorization": f"Bearer {token}"}

    def check(response, status=200):
        assert response.status_code == status, response.status_code

    cases = [
        (
            "sign-in (scrypt hash check)",
            lambda: check(app.test_client().post("/login", data={"email": email, "password": PASSWORD}), 303),
            10,
        ),
        ("user list page, 200 visible of 4000", lambda: check(client.get("/admin/users")), 30),
        (
            "user list search, htmx partial",
            lambda: check(client.get("/admin/users?q=сотрудник", headers={"HX-Request": "true"})),
            30,
        ),
        ("centre list page, 25 of 500", lambda: check(client.get("/admin/centres")), 30),
        ("API /centres?per_page=100", lambda: check(client.get("/api/v1/centres?per_page=100", headers=auth)), 30),
    ]
    for name, fn, repeat in cases:
        fn()  # warm up
        samples = timed(fn, repeat)
        rows.append((name, repeat, samples))
    with app.app_context():
        backend = db.engine.url.get_backend_name()
        db.drop_all()
    return rows, (
        f"{REGIONS} regions, {REGIONS * CENTRES_PER_REGION} centres, "
        f"{REGIONS * CENTRES_PER_REGION * USERS_PER_CENTRE} users; database {backend}"
    )
