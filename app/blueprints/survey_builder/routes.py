"""Routes of the survey_builder blueprint (being built)."""

from app.blueprints.survey_builder import bp  # noqa: F401
