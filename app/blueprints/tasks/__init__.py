"""Tasks (поручения и корректирующие мероприятия): my tasks, the team view, the board, the task page."""

from flask import Blueprint

bp = Blueprint("tasks", __name__, url_prefix="/tasks")

from app.blueprints.tasks import routes  # noqa: E402,F401
