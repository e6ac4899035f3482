"""Indicator values and the client-centricity index: scopes, trends, distributions, drill-down, export."""

from flask import Blueprint

bp = Blueprint("results", __name__, url_prefix="/results")

from app.blueprints.results import routes  # noqa: E402,F401
