"""JSON API v1, authenticated by personal bearer tokens, under the same policy as the UI."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.blueprints.api import (  # noqa: E402,F401
    routes,
    routes_documents,
    routes_measurement,
    routes_meetings,
    routes_roadmap,
    routes_tasks,
)
