"""Reading list parameters from the query string within safe bounds."""

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from app.extensions import db

MAX_ID = 2**31 - 1  # the widest id a PostgreSQL integer column holds
MAX_PAGE = 100_000
COUNT_CAP = 1_000


def arg_id(name: str) -> int | None:
    """A positive record id from the query string, or None when absent or malformed."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


class _Page(Pagination):
    """A page read with one query: ORM entities, or whatever `read` makes of the rows (plain values);
    with `counted` (a capped count as a scalar subquery), each row also carries the count."""

    counted: int | None = None

    def _query_items(self) -> list:
        stmt, read, counted = (self._query_args[name] for name in ("select", "read", "counted"))
        if counted is not None:
            stmt = stmt.add_columns(counted.label("page_total_"))
        result = db.session.execute(stmt.limit(self.per_page).offset(self._query_offset))
        if counted is None and read is None:
            return list(result.unique().scalars())
        rows = result.all()
        if counted is not None and rows:
            self.counted = rows[0]._mapping["page_total_"]
        return read(rows) if read is not None else [row[0] for row in rows]

    def _query_count(self) -> int:  # counted by `paginate`, capped
        raise NotImplementedError


def paginate(stmt, per_page: int | None = None, *, read=None, count=None):
    """One page of `stmt`; a malformed or absurd `page` falls back to the first page.

    Counting stops at COUNT_CAP rows (or at the current page, if further on): a region's whole
    list counted exactly costs more than the page itself. `total_label` says «более N» then.
    `read`: turns the page's rows into its items (default: the ORM entities of `stmt`);
    `count`: a cheaper statement selecting the same rows to count (just their ids, say), read with
    the page in the same query.
    """
    number = request.args.get("page", 1, type=int)
    if not 0 < number <= MAX_PAGE:
        number = 1
    per_page = per_page or current_app.config["PER_PAGE"]
    limit = max(COUNT_CAP, number * per_page)

    def capped(counted_stmt):
        return select(func.count()).select_from(counted_stmt.order_by(None).limit(limit + 1).subquery())

    page = _Page(
        select=stmt,
        read=read,
        counted=None if count is None else capped(count).scalar_subquery(),
        page=number,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        count=False,
    )
    counted = page.counted
    if counted is None:  # no count asked with the page, or no row to carry it (an empty page)
        counted = db.session.scalar(capped(stmt if count is None else count))
    page.total = min(counted, limit)
    page.total_label = f"более {limit}" if counted > limit else str(counted)
    return page
