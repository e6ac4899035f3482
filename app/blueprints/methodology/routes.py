"""Routes of the methodology blueprint (being built)."""

from app.blueprints.methodology import bp  # noqa: F401
