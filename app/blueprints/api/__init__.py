"""JSON API v1, authenticated by personal bearer tokens, under the same policy as the UI."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.blueprints.api import routes, routes_meetings, routes_tasks  # noqa: E402,F401
