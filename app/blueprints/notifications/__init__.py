"""Notifications (уведомления): the user's list, opening and marking read, reminder settings."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from app.blueprints.notifications import routes  # noqa: E402,F401
