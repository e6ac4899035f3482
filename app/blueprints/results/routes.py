"""Routes of the results blueprint (being built)."""

from app.blueprints.results import bp  # noqa: F401
