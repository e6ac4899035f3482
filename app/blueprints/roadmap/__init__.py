"""Roadmaps (дорожные карты): list, one roadmap with blocks and items, plan and fact, templates."""

from flask import Blueprint

bp = Blueprint("roadmap", __name__, url_prefix="/roadmaps")

from app.blueprints.roadmap import routes  # noqa: E402,F401
