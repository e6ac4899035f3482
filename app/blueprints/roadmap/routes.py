"""Routes of the roadmap area."""

from app.blueprints.roadmap import bp  # noqa: F401
