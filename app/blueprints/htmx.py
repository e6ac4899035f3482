"""One endpoint, two renderings: the whole page, or its partial for an htmx request."""

from flask import render_template

from app.extensions import htmx


def wants_partial() -> bool:
    """A targeted htmx request wants the partial alone; boosted and history-restore ones get whole pages."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page_template: str, partial_template: str, **context):
    """Render the partial for non-boosted htmx requests, the whole page otherwise."""
    return render_template(partial_template if wants_partial() else page_template, **context)
