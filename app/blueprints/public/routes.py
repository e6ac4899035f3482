"""Routes of the public blueprint (being built)."""

from app.blueprints.public import bp  # noqa: F401
