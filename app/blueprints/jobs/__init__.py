"""Background job runs: list, start the demonstration job, and the polling progress box."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

from app.blueprints.jobs import routes  # noqa: E402,F401
