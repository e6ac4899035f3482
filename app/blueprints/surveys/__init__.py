"""Collecting answers: surveys, public links and QR codes, touch points, staff entry, quotas, quarantine."""

from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/surveys")

from app.blueprints.surveys import routes  # noqa: E402,F401
