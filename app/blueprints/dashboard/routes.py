"""The director's screen: one page of panels over the user's scope (see `app/services/dashboard.py`)."""

from flask import abort, request
from flask_login import current_user

from app.blueprints.dashboard import bp
from app.blueprints.htmx import render
from app.blueprints.listing import MAX_ID
from app.models.base import today
from app.services import dashboard, roadmap, tasks
from app.services.policy import permission_required


@bp.context_processor
def _helpers():
    return {
        "deadline_label": roadmap.deadline_label,
        "done_label": roadmap.done_label,
        "days_text": tasks.days_text,
        "plural": tasks.plural,
    }


def _region_id() -> int | None:
    """The region asked for with ?region= (empty or 0: the whole scope); a malformed one is not a region: 404."""
    raw = request.args.get("region", "").strip()
    if raw in ("", "0"):
        return None
    if not raw.isdigit() or len(raw) > 10 or not 0 < int(raw) <= MAX_ID:
        abort(404)
    return int(raw)


@bp.route("/")
@permission_required("dashboard.view")
def index():
    user = current_user._get_current_object()
    regions = dashboard.regions_to_choose(user)
    try:
        scope = dashboard.scope_for(user, _region_id(), regions)
    except dashboard.NotInScope:
        abort(404)  # a region outside the user's scope is as good as missing
    on = today()
    return render(
        "dashboard/index.html",
        "dashboard/_panels.html",
        scope=scope,
        regions=regions if len(regions) > 1 else [],  # a choice only among several
        panels=dashboard.panels(user, scope, on),
        on=on,
        next_days=dashboard.NEXT_DAYS,
    )
