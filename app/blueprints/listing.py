"""Reading list parameters from the query string within safe bounds."""

from flask import current_app, request

from app.extensions import db

MAX_ID = 2**31 - 1  # the widest id a PostgreSQL integer column holds
MAX_PAGE = 100_000


def arg_id(name: str) -> int | None:
    """A positive record id from the query string, or None when absent or malformed."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def paginate(stmt, per_page: int | None = None):
    """One page of `stmt`; a malformed or absurd `page` falls back to the first page."""
    page = request.args.get("page", 1, type=int)
    if not 0 < page <= MAX_PAGE:
        page = 1
    return db.paginate(stmt, page=page, per_page=per_page or current_app.config["PER_PAGE"], error_out=False)
