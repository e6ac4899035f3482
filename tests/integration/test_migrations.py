"""The migrations build exactly the schema the models describe, on the test run's database kind."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, make_url, text

from app.extensions import db
from tests.conftest import make_test_app


@pytest.fixture
def empty_database(tmp_path):
    """A new empty database: a SQLite file, or a fresh PostgreSQL database beside DATABASE_URL's."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    base = make_url(url).set(drivername="postgresql+psycopg")
    name = f"cxm_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_matches_models_and_downgrade_undoes_it(empty_database):
    app = make_test_app(SQLALCHEMY_DATABASE_URI=empty_database)  # the test run's Redis, queue and limits
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == []
        downgrade(revision="base")
        with db.engine.connect() as connection:
            tables = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()
