"""Shared fixtures: an app on a real database (SQLite file, or PostgreSQL from DATABASE_URL)
and a real Redis (database 15, flushed per test), factories, and a login helper."""

import os
import tempfile
from pathlib import Path

import pytest
from flask import g
from redis import Redis
from sqlalchemy import make_url

from app import create_app
from app.extensions import db
from app.models.org import Centre, Department, Region, RoleAssignment, User

PASSWORD = "Пароль-тест-2026"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RUN_TAG = f"cxmtest{os.getpid()}"  # queue and rate-limit keys of this run only: parallel runs stay apart
_TMP = Path(tempfile.mkdtemp(prefix="cxm-tests-"))


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{_TMP / 'test.sqlite'}"
    if not url.startswith("sqlite") and "test" not in (make_url(url).database or ""):
        raise RuntimeError("Tests wipe the database: DATABASE_URL must name a database containing 'test'.")
    return url


def make_test_app(**overrides):
    os.environ["DATABASE_URL"] = _database_url()
    os.environ["REDIS_URL"] = TEST_REDIS_URL
    os.environ["RQ_QUEUE"] = RUN_TAG
    os.environ["RATELIMIT_KEY_PREFIX"] = RUN_TAG
    os.environ["FILE_STORAGE_DIR"] = str(_TMP / "files")  # a worker process started by a test stores files there too
    config = {"ENV": "testing", "WTF_CSRF_ENABLED": False, "SERVER_NAME": "localhost"}
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def _schema():
    app = make_test_app()
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _clean(app) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
    redis = Redis.from_url(TEST_REDIS_URL)
    keys = list(redis.scan_iter(match=f"*{RUN_TAG}*", count=1000))
    if keys:
        redis.delete(*keys)


@pytest.fixture
def app(_schema, request):
    overrides = getattr(request, "param", {}) or {}
    application = make_test_app(**overrides)
    _clean(application)

    @application.before_request
    def _like_a_fresh_app_context():
        """Requests share the test's app context: forget per-request state as a new one would."""
        for key in ("_login_user", "_visibility", "_centres_of", "_regions_of"):
            g.pop(key, None)
        db.session.expire_all()

    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()  # each test builds an app and so an engine: close its pooled connections


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def run_jobs(app):
    """Run every queued job in-process with a real RQ worker on the real Redis."""
    from rq import SimpleWorker

    from app.jobs import get_queue

    def _run():
        queue = get_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)

    return _run


class Factory:
    """Builds organisation records for tests."""

    def __init__(self):
        self.counter = 0

    def _n(self) -> int:
        self.counter += 1
        return self.counter

    def region(self, name=None, **kw) -> Region:
        region = Region(name=name or f"Регион {self._n()}", aliases=kw.pop("aliases", []), **kw)
        db.session.add(region)
        db.session.flush()
        return region

    def centre(self, region=None, name=None, **kw) -> Centre:
        region = region or self.region()
        centre = Centre(region=region, name=name or f"ЦЗН {self._n()}", aliases=kw.pop("aliases", []), **kw)
        db.session.add(centre)
        db.session.flush()
        return centre

    def department(self, centre, name=None) -> Department:
        department = Department(centre=centre, region_id=centre.region_id, name=name or f"Отдел {self._n()}")
        db.session.add(department)
        db.session.flush()
        return department

    def user(self, *roles, full_name=None, email=None, centre=None, region=None, **kw) -> User:
        """`roles` are (role, scope) pairs; scope is a Region, a Centre or None (federation)."""
        n = self._n()
        region = region or (centre.region if centre else None)
        user = User(
            full_name=full_name or f"Сотрудников Иван Петрович {n}",
            email=email or f"user{n}@test.ru",
            position=kw.pop("position", "Специалист"),
            phone=kw.pop("phone", f"+7 900 000-00-{n:02d}"),
            region=region,
            centre=centre,
            **kw,
        )
        user.set_password(PASSWORD)
        for role, scope in roles:
            user.roles.append(
                RoleAssignment(
                    role=role,
                    region_id=scope.id if isinstance(scope, Region) else None,
                    centre_id=scope.id if isinstance(scope, Centre) else None,
                )
            )
        db.session.add(user)
        db.session.flush()
        return user


@pytest.fixture
def make(app):
    return Factory()


@pytest.fixture
def login(client):
    def _login(user, password=PASSWORD):
        db.session.commit()
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return response

    return _login
