"""The builder of local surveys: questions of standard kinds, conditions, warnings, preview."""

from flask import Blueprint

bp = Blueprint("survey_builder", __name__, url_prefix="/surveys/local")

from app.blueprints.survey_builder import routes  # noqa: E402,F401
