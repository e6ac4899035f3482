"""Calendars: the personal iCal feed (secret address) and the page that hands it out."""

from flask import Blueprint

bp = Blueprint("ical", __name__, url_prefix="/ical")

from app.blueprints.ical import routes  # noqa: E402,F401
