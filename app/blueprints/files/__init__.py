"""Attachments: upload, download, preview and delete evidence on any record."""

from flask import Blueprint

bp = Blueprint("files", __name__, url_prefix="/files")

from app.blueprints.files import routes  # noqa: E402,F401
