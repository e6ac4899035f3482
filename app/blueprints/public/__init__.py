"""Public survey pages for clients: a link or QR code bound to a centre and touch point (/s/…), a kiosk (/k/…)."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from app.blueprints.public import routes  # noqa: E402,F401
