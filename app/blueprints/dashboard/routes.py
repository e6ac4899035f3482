"""Routes of the dashboard area."""

from app.blueprints.dashboard import bp  # noqa: F401
