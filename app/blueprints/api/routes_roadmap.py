"""API v1: roadmaps (дорожные карты) with their items, plan and fact, and the status computed from them — read only.

An item's status is never stored: it is computed by `roadmap.status_of` on a day, today unless the
`on` parameter names another (a report after the pilot reads the roadmap as of its end). Every
address answers GET alone: PUT, PATCH, POST and DELETE get a 405; roadmaps change in the UI.
"""

from flask import jsonify, request
from sqlalchemy.orm import selectinload

from app.blueprints.api import bp, schemas
from app.blueprints.api.routes import _caller, _choice_arg, _date_arg, _one, _page, _page_json, _visible
from app.models.base import today
from app.models.roadmap import (
    ROADMAP_STATUSES,
    Roadmap,
    RoadmapBlock,
    RoadmapItem,
    RoadmapItemDepartment,
    RoadmapItemPerson,
)
from app.services import documents, org, roadmap

PERMISSION = "roadmap.view"


@bp.get("/roadmaps")
def roadmap_list():
    """The roadmaps the caller may view, newest period first, each with its roll-up on `on`."""
    user = _caller(PERMISSION)
    on = _date_arg("on") or today()
    stmt = org.search(_visible(Roadmap, user, PERMISSION), Roadmap, request.args.get("q"))
    status = _choice_arg("status", ROADMAP_STATUSES)
    if status is not None:
        stmt = stmt.where(Roadmap.status == status)
    stmt = stmt.options(
        selectinload(Roadmap.region),
        selectinload(Roadmap.centre),
        selectinload(Roadmap.items).selectinload(RoadmapItem.block),
    )
    page = _page(stmt.order_by(Roadmap.starts_on.desc().nulls_last(), Roadmap.id.desc()))
    return _page_json(page, [schemas.roadmap_summary(r, r.items, on) for r in page.items])


@bp.get("/roadmaps/<int:roadmap_id>")
def roadmap_detail(roadmap_id: int):
    """A roadmap with blocks and items: plan, fact, status and baseline slip on `on`, evidence,
    the approvals that made it binding, and deadlines a protocol sets otherwise."""
    user = _caller(PERMISSION)
    on = _date_arg("on") or today()
    items = selectinload(Roadmap.blocks).selectinload(RoadmapBlock.items)
    plan = _one(
        Roadmap,
        roadmap_id,
        user,
        PERMISSION,
        options=(
            selectinload(Roadmap.region),
            selectinload(Roadmap.centre),
            items.selectinload(RoadmapItem.people).selectinload(RoadmapItemPerson.user),
            items.selectinload(RoadmapItem.departments).selectinload(RoadmapItemDepartment.department),
            items.selectinload(RoadmapItem.evidence),
        ),
    )
    approvals = documents.approvals_of("roadmap", plan.id)
    return jsonify(schemas.roadmap_detail(plan, user, on, approvals, roadmap.deadline_conflicts(plan)))
