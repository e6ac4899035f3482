"""Reading list parameters from the query string within safe bounds."""

from flask import current_app, request
from sqlalchemy import func, select

from app.extensions import db

MAX_ID = 2**31 - 1  # the widest id a PostgreSQL integer column holds
MAX_PAGE = 100_000
COUNT_CAP = 1_000


def arg_id(name: str) -> int | None:
    """A positive record id from the query string, or None when absent or malformed."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def paginate(stmt, per_page: int | None = None):
    """One page of `stmt`; a malformed or absurd `page` falls back to the first page.

    Counting stops at COUNT_CAP rows (or at the current page, if further on): a region's whole
    list counted exactly costs more than the page itself. `total_label` says «более N» then.
    """
    number = request.args.get("page", 1, type=int)
    if not 0 < number <= MAX_PAGE:
        number = 1
    per_page = per_page or current_app.config["PER_PAGE"]
    page = db.paginate(stmt, page=number, per_page=per_page, error_out=False, count=False)
    limit = max(COUNT_CAP, page.page * per_page)
    counted = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).limit(limit + 1).subquery()))
    page.total = min(counted, limit)
    page.total_label = f"более {limit}" if counted > limit else str(counted)
    return page
