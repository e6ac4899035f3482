"""Methodology versions: groups, indicators, parameters; cloning and editing a draft."""

from flask import Blueprint

bp = Blueprint("methodology", __name__, url_prefix="/methodology")

from app.blueprints.methodology import routes  # noqa: E402,F401
