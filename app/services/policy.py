"""Authorisation: the one place that answers `can(user, action, obj)` and scopes queries.

A user holds roles, each bound to a scope: the federation (no region), a region or a centre.
A region-level role covers every record of that region; a centre-level role covers the
centre and its branch offices. Actions are named permissions granted per role.
"""

from dataclasses import dataclass, field
from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import Integer, any_, false, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from app.extensions import db
from app.models.base import today
from app.models.documents import Document
from app.models.meetings import Meeting
from app.models.org import Centre, Region, User
from app.models.roadmap import RoadmapItem
from app.models.surveys import Survey
from app.models.tasks import Task

_READ = {
    "org.view",
    "user.view",
    "attachment.view",
    "meeting.view",
    "task.view",
    "roadmap.view",
    "document.view",
    "report.view",
    "survey.view",
    "results.view",
    "methodology.view",
}
_STAFF = _READ | {"attachment.manage"}
_TASKS = {"task.manage", "task.comment"}
_MEETINGS = {"meeting.manage"} | _TASKS
_PROGRAMME = {"roadmap.manage", "document.manage", "report.manage"}  # the pilot's plan, register and report
# Collecting answers: local surveys, links and QR codes, touch points, quotas; paper and oral answers.
_COLLECT = {"survey.manage", "response.enter"}
# A centre's staff read their region's own roadmaps, orders and reports, and a centre director's
# screen shows them: the centres carry them out.
READ_UP = {"roadmap.view", "document.view", "report.view", "dashboard.view", "survey.view", "results.view"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    "admin": _STAFF
    | {
        "org.manage",
        "user.manage",
        "role.grant",
        "personal.view",
        "audit.view",
        "audit.export",
        "job.view",
        "job.run",
        "outbox.view",
        "settings.manage",
        "import.run",
    }
    | _MEETINGS
    | _PROGRAMME
    | _COLLECT
    | {"report.review", "dashboard.view", "response.review", "methodology.manage"},
    "federal_coordinator": _READ
    | {"audit.view", "job.view", "job.run", "report.review", "dashboard.view", "response.review", "methodology.manage"},
    "expert": _READ | {"response.review"},
    "observer": _READ,
    "director": _STAFF
    | _MEETINGS
    | _PROGRAMME
    | _COLLECT
    | {"personal.view", "audit.view", "job.view", "job.run", "dashboard.view", "response.review"},
    "group_head": _STAFF | _MEETINGS | _PROGRAMME | {"job.view", "dashboard.view"},
    "secretary": _STAFF | _MEETINGS | _PROGRAMME | {"job.view"},
    "team_lead": _STAFF | _TASKS,
    "quality_officer": _STAFF | _TASKS | _COLLECT | {"response.review"},
    "responsible_employee": _STAFF | _COLLECT,
    "hr": _STAFF | {"user.manage", "personal.view"},
    "employee": _READ,
}


@dataclass(frozen=True)
class Scope:
    """A bare scope to ask the policy about when no record exists yet."""

    region_id: int | None = None
    centre_id: int | None = None


FEDERATION = Scope()


@dataclass
class Visibility:
    """Which records a user may act on for one permission."""

    everything: bool = False
    region_ids: set[int] = field(default_factory=set)
    centre_ids: set[int] = field(default_factory=set)
    region_own_ids: set[int] = field(default_factory=set)  # regions whose own records (no centre) are covered

    def covers(self, region_id: int | None, centre_id: int | None) -> bool:
        if self.everything:
            return True
        if centre_id is not None:
            return centre_id in self.centre_ids
        return region_id is not None and (region_id in self.region_ids or region_id in self.region_own_ids)


def with_branches(centre_ids: set[int]) -> set[int]:
    """The given centres and all their branch offices, however deep."""
    result, frontier = set(centre_ids), set(centre_ids)
    while frontier:
        frontier = set(db.session.scalars(select(Centre.id).where(Centre.parent_id.in_(frontier))))
        frontier -= result
        result |= frontier
    return result


def _centres_of(region_ids: set[int], direct_centres: set[int]) -> set[int]:
    """The centres of the regions plus the direct centres with their branches, asked once per request."""
    cache = g.setdefault("_centres_of", {})
    key = (frozenset(region_ids), frozenset(direct_centres))
    if key not in cache:
        centres = with_branches(direct_centres) if direct_centres else set()
        if region_ids:
            centres |= set(db.session.scalars(select(Centre.id).where(Centre.region_id.in_(region_ids))))
        cache[key] = frozenset(centres)
    return set(cache[key])


def _regions_of(centre_ids: set[int]) -> set[int]:
    """The regions of these centres, asked once per request."""
    cache = g.setdefault("_regions_of", {})
    key = frozenset(centre_ids)
    if key not in cache:
        cache[key] = frozenset(db.session.scalars(select(Centre.region_id).where(Centre.id.in_(centre_ids))))
    return set(cache[key])


def visibility(user, permission: str) -> Visibility:
    """Compute (once per request) the scope in which `user` holds `permission`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Visibility()
    cache = g.setdefault("_visibility", {})
    key = (user.id, permission)
    if key in cache:
        return cache[key]
    vis = Visibility()
    direct_centres: set[int] = set()
    for assignment in user.roles:
        if permission not in ROLE_PERMISSIONS.get(assignment.role, ()):
            continue
        if assignment.region_id is None and assignment.centre_id is None:
            vis.everything = True
        elif assignment.centre_id is not None:
            direct_centres.add(assignment.centre_id)
        else:
            vis.region_ids.add(assignment.region_id)
    if not vis.everything:
        vis.centre_ids = _centres_of(vis.region_ids, direct_centres)
        if permission in READ_UP and direct_centres:
            vis.region_own_ids = _regions_of(direct_centres)
    cache[key] = vis
    return vis


def can(user, action: str, obj=None) -> bool:
    """May `user` perform `action`, on `obj` if given (any scope otherwise)?"""
    vis = visibility(user, action)
    if obj is None:
        return vis.everything or bool(vis.region_ids or vis.centre_ids)
    grant = _OBJECT_GRANTS.get((action, type(obj)))
    if grant is not None and getattr(user, "is_authenticated", False) and user.is_active and grant(user, obj):
        return True
    if not vis.covers(getattr(obj, "region_id", None), getattr(obj, "centre_id", None)):
        return False
    rule = _OBJECT_RULES.get((action, type(obj)))
    return rule is None or rule(user, obj)


def _holds_no_wider_powers(actor, account: User) -> bool:
    """An account is managed only by someone whose powers cover every role it holds.

    Otherwise an HR officer could change a director's e-mail or reset their password and
    take over rights wider than their own.
    """
    own = {permission for a in actor.roles for permission in ROLE_PERMISSIONS.get(a.role, ())}
    return all(
        can(actor, "role.grant", assignment)
        or (can(actor, "user.manage", assignment) and ROLE_PERMISSIONS.get(assignment.role, set()) <= own)
        for assignment in account.roles
    )


def _task_people(task: Task) -> set[int]:
    return {task.responsible_id, task.controller_id, task.created_by_id} | {p.user_id for p in task.participants}


def _works_on(user, task: Task) -> bool:
    return user.id == task.responsible_id or any(
        p.user_id == user.id and p.role == "co_executor" for p in task.participants
    )


def _manages(user, task: Task) -> bool:
    return user.id in (task.controller_id, task.created_by_id)


def _meeting_people(meeting: Meeting) -> set[int]:
    """Chair, secretary, the invited, and the group's members today."""
    members = {m.user_id for m in meeting.group.members if m.valid_to is None or m.valid_to >= today()}
    return {meeting.chair_id, meeting.secretary_id} | {a.user_id for a in meeting.attendance} | members


# Extra conditions on top of the scope.
_OBJECT_RULES = {
    ("user.manage", User): _holds_no_wider_powers,
    # evidence on a protocol changes only with the protocol, by those who run the meeting
    ("attachment.manage", Meeting): lambda user, meeting: (
        not meeting.is_signed and can(user, "meeting.manage", meeting)
    ),
    # evidence on a task changes only while it is open, by those who manage tasks
    ("attachment.manage", Task): lambda user, task: task.is_open and can(user, "task.manage", task),
    # a document's scan and an item's evidence, by those who keep the register and the roadmap
    ("attachment.manage", Document): lambda user, document: can(user, "document.manage", document),
    ("attachment.manage", RoadmapItem): lambda user, item: can(user, "roadmap.manage", item),
}

# Rights a person has on a record because of their part in it, whatever their role's scope:
# everyone on a task sees and discusses it; its responsible and co-executors work on it (and add
# evidence while it is open); its controller and author manage it; the people of a meeting see it.
_OBJECT_GRANTS = {
    ("task.view", Task): lambda user, task: user.id in _task_people(task),
    ("task.comment", Task): lambda user, task: user.id in _task_people(task),
    ("task.work", Task): _works_on,
    ("task.manage", Task): _manages,
    ("attachment.view", Task): lambda user, task: user.id in _task_people(task),
    ("attachment.manage", Task): lambda user, task: task.is_open and (_works_on(user, task) or _manages(user, task)),
    ("meeting.view", Meeting): lambda user, meeting: user.id in _meeting_people(meeting),
    ("attachment.view", Meeting): lambda user, meeting: user.id in _meeting_people(meeting),
    # a document sent to someone for acknowledgement is theirs to read
    ("document.view", Document): lambda user, document: any(r.user_id == user.id for r in document.recipients),
    ("attachment.view", Document): lambda user, document: any(r.user_id == user.id for r in document.recipients),
    # the federal questionnaires belong to a methodology version: every collector reads them
    ("survey.view", Survey): lambda user, survey: survey.region_id is None and can(user, "survey.view"),
}


def _among(column, ids: set[int]):
    """`column IN ids`; on PostgreSQL several ids as one array parameter (`= ANY`): a region's fifty centres
    sent as fifty parameters cost the planner ten times more, in every scoped query (the task board has
    eight). One id stays an equality, which an index can also read in order (a centre's list by deadline)."""
    if len(ids) > 1 and db.session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(sorted(ids), ARRAY(Integer)))
    return column.in_(ids)


def scope_filter(model, user, permission: str):
    """A WHERE clause limiting `model` rows to those `user` may see under `permission`."""
    vis = visibility(user, permission)
    if vis.everything:
        return None
    if model is Region:
        return Region.id.in_(vis.region_ids) if vis.region_ids else false()
    region_col = model.region_id
    centre_col = Centre.id if model is Centre else model.centre_id
    clauses = []
    if vis.centre_ids:
        clauses.append(_among(centre_col, vis.centre_ids))
    if vis.region_ids or vis.region_own_ids:
        clauses.append(region_col.in_(vis.region_ids | vis.region_own_ids) & centre_col.is_(None))
    return or_(*clauses) if clauses else false()


def region_filter(model, region_id: int):
    """Rows of `model` in one region: its centres' rows and the region's own (no centre), as scopes count them."""
    return or_(
        model.centre_id.in_(select(Centre.id).where(Centre.region_id == region_id)),
        (model.region_id == region_id) & model.centre_id.is_(None),
    )


def scoped(stmt, model, user, permission: str):
    """Apply `scope_filter` to a select statement."""
    clause = scope_filter(model, user, permission)
    return stmt if clause is None else stmt.where(clause)


def permission_required(permission: str):
    """Route guard: signed in and holding `permission` in some scope, else 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def get_or_404(model, object_id: int, permission: str):
    """Load a record the current user may act on; a foreign or missing one is a 404."""
    obj = db.session.get(model, object_id)
    if obj is None or not can(current_user, permission, obj):
        abort(404)
    return obj
