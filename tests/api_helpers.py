"""Shared by the API tests: a bearer header for a user, and GET under the API's base path."""

import pytest
from werkzeug.security import generate_password_hash

from app.blueprints.api.openapi import BASE
from app.extensions import db
from app.models import org as org_models
from app.services import api_tokens

NOT_FOUND = "Не найдено."


def bearer(user) -> dict:
    """An Authorization header with a fresh token of `user`."""
    _, plain = api_tokens.issue(user, "Тест")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def get(client, path, headers=None, **query):
    return client.get(BASE + path, headers=headers or {}, query_string=query)


@pytest.fixture
def quick_passwords(monkeypatch):
    """For tests that authenticate by token only: hash the factory's passwords cheaply."""
    monkeypatch.setattr(org_models, "generate_password_hash", lambda p: generate_password_hash(p, "pbkdf2:sha256:1"))
