"""The pilot report package for ФЦК and the federal view of what each region has submitted."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from app.blueprints.reports import routes  # noqa: E402,F401
