"""Administration: organisation, users and roles, import, audit, outbox, settings."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.blueprints.admin import routes_calendar, routes_import, routes_org, routes_system  # noqa: E402,F401
