"""API v1: working groups, meetings, agenda and decisions — read only.

No route here changes a group, a meeting or a protocol: every address answers GET alone, so
PUT, PATCH, POST or DELETE get a 405 and a signed protocol cannot be changed through the API.
Changes go through the UI, where a signed protocol is revised only with a reason.
"""

from flask import jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.blueprints.api import bp, schemas
from app.blueprints.api.routes import (
    ApiError,
    _bool_arg,
    _caller,
    _choice_arg,
    _date_arg,
    _id_arg,
    _int_arg,
    _one,
    _page,
    _page_json,
    _visible,
)
from app.extensions import db
from app.models.base import today
from app.models.meetings import (
    DECISION_VERBS,
    GROUP_KINDS,
    MEETING_STATUSES,
    AgendaItem,
    Attendance,
    Decision,
    GroupMember,
    Meeting,
    ProtocolRevision,
    WorkingGroup,
)
from app.models.org import User
from app.models.tasks import Task
from app.services import meetings, org, tasks

PERMISSION = "meeting.view"
MIN_YEAR, MAX_YEAR = 1990, 2100


# ---- working groups -------------------------------------------------------------------------


@bp.get("/groups")
def groups():
    user = _caller(PERMISSION)
    stmt = org.search(_visible(WorkingGroup, user, PERMISSION), WorkingGroup, request.args.get("q"))
    kind, active = _choice_arg("kind", GROUP_KINDS), _bool_arg("active")
    if kind is not None:
        stmt = stmt.where(WorkingGroup.kind == kind)
    if active is not None:
        stmt = stmt.where(WorkingGroup.active.is_(active))
    stmt = stmt.options(selectinload(WorkingGroup.region), selectinload(WorkingGroup.centre))
    page = _page(stmt.order_by(WorkingGroup.active.desc(), WorkingGroup.name, WorkingGroup.id))
    return _page_json(page, [schemas.group(group) for group in page.items])


@bp.get("/groups/<int:group_id>")
def group_detail(group_id: int):
    """A group with its composition on a day (`on`, today by default)."""
    user = _caller(PERMISSION)
    on = _date_arg("on") or today()
    group = _one(
        WorkingGroup,
        group_id,
        user,
        PERMISSION,
        options=(selectinload(WorkingGroup.members).selectinload(GroupMember.user),),
    )
    return jsonify(schemas.group_detail(group, meetings.members_on(group, on), user))


# ---- meetings -------------------------------------------------------------------------------


def _meeting_people():
    return (
        selectinload(Meeting.group),
        selectinload(Meeting.chair),
        selectinload(Meeting.secretary),
    )


@bp.get("/meetings")
def meeting_list():
    user = _caller(PERMISSION)
    stmt = _visible(Meeting, user, PERMISSION)
    group_id, status = _id_arg("group_id"), _choice_arg("status", MEETING_STATUSES)
    year = _int_arg("year", f"Параметр year должен быть годом от {MIN_YEAR} до {MAX_YEAR}.", high=MAX_YEAR)
    if year is not None and year < MIN_YEAR:
        raise ApiError(400, f"Параметр year должен быть годом от {MIN_YEAR} до {MAX_YEAR}.")
    if group_id is not None:
        stmt = stmt.where(Meeting.group_id == group_id)
    if status is not None:
        stmt = stmt.where(Meeting.status == status)
    if year is not None:
        stmt = stmt.where(Meeting.year == year)
    page = _page(stmt.options(*_meeting_people()).order_by(Meeting.starts_at.desc(), Meeting.id.desc()))
    return _page_json(page, [schemas.meeting(m, user) for m in page.items])


@bp.get("/meetings/<int:meeting_id>")
def meeting_detail(meeting_id: int):
    """A meeting with attendance, agenda, decisions and the revisions of its protocol."""
    user = _caller(PERMISSION)
    meeting = _one(
        Meeting,
        meeting_id,
        user,
        PERMISSION,
        options=(
            *_meeting_people(),
            selectinload(Meeting.attendance).selectinload(Attendance.user),
            selectinload(Meeting.items).selectinload(AgendaItem.decisions),
            selectinload(Meeting.revisions).selectinload(ProtocolRevision.signed_by),
        ),
    )
    decisions = [d for item in meeting.items for d in item.decisions]
    people, task_ids = _decision_context(decisions, user)
    return jsonify(schemas.meeting_detail(meeting, user, people, task_ids))


@bp.get("/meetings/<int:meeting_id>/decisions")
def meeting_decisions(meeting_id: int):
    """The meeting's decisions in protocol order (1.1, 1.2, 2.1 …)."""
    user = _caller(PERMISSION)
    meeting = _one(Meeting, meeting_id, user, PERMISSION)
    stmt = select(Decision).join(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
    verb = _choice_arg("verb", DECISION_VERBS)
    if verb is not None:
        stmt = stmt.where(Decision.verb == verb)
    stmt = stmt.options(selectinload(Decision.item)).order_by(AgendaItem.position, Decision.position, Decision.id)
    page = _page(stmt)
    people, task_ids = _decision_context(page.items, user)
    return _page_json(page, [schemas.decision(d, user, people, task_ids) for d in page.items])


def _decision_context(decisions: list[Decision], user) -> tuple[dict[int, User], dict[int, list[int]]]:
    """The assignees of these decisions, and the tasks they created that `user` may view: two queries."""
    user_ids = {i for d in decisions for i in d.assignee_ids}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    task_ids: dict[int, list[int]] = {}
    if decisions:
        stmt = (
            tasks.viewable(user)
            .where(Task.source_type == "decision", Task.source_id.in_([d.id for d in decisions]))
            .with_only_columns(Task.id, Task.source_id)
            .order_by(Task.id)
        )
        for task_id, decision_id in db.session.execute(stmt):
            task_ids.setdefault(decision_id, []).append(task_id)
    return people, task_ids
