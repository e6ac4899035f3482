"""Routes of the documents area."""

from app.blueprints.documents import bp  # noqa: F401
