"""The director's one screen: panels of figures, each a link to the records behind it."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/director")

from app.blueprints.dashboard import routes  # noqa: E402,F401
