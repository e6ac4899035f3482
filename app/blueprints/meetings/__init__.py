"""Working groups, meetings and protocols: composition, agenda, decisions, signing, revisions, DOCX."""

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

from app.blueprints.meetings import routes  # noqa: E402,F401
