"""Routes of the reports area."""

from app.blueprints.reports import bp  # noqa: F401
