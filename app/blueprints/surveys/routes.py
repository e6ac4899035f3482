"""Routes of the surveys blueprint (being built)."""

from app.blueprints.surveys import bp  # noqa: F401
