"""Organisation use cases: search, create and edit with audit, roles, contact persons."""

from datetime import date

from sqlalchemy import func, select, update

from app.extensions import db
from app.models.base import ScopedMixin, normalise
from app.models.org import ROLES, Centre, ContactAssignment, Department, Region, RoleAssignment, User
from app.services import audit, indices
from app.services.policy import Scope, can, scoped, with_branches

AUDITED_FIELDS = {
    Region: ("name", "aliases", "authority_name", "network_type", "managing_centre_id"),
    Centre: (
        "name",
        "aliases",
        "address",
        "parent_id",
        "region_id",
        "working_hours",
        "is_pilot",
        "is_modernised",
        "is_flagship",
    ),
    Department: ("name", "centre_id"),
    User: ("full_name", "position", "email", "phone", "active", "region_id", "centre_id", "department_id"),
}
FEDERAL_ONLY_ROLES = {"federal_coordinator"}


class OrgError(ValueError):
    """A rule of the organisation was broken; the message is for the user."""


def search(stmt, model, q: str | None):
    """Filter by the normalised search text (case- and ё/е-insensitive)."""
    needle = normalise(q)
    if not needle:
        return stmt
    for word in needle.split():
        stmt = stmt.where(model.search_text.contains(word, autoescape=True))
    return stmt


def search_users(stmt, q: str | None, viewer):
    """Search staff by name or position; by e-mail only among users whose e-mails the viewer may see."""
    if q and "@" in q and can(viewer, "personal.view"):
        stmt = scoped(stmt, User, viewer, "personal.view")
        return stmt.where(func.lower(User.email).contains(q.strip().lower(), autoescape=True))
    return search(stmt, User, q)


def sort(stmt, columns: dict, key: str | None, default: str):
    """Order by a whitelisted column; a leading '-' sorts descending."""
    key = key or default
    desc = key.startswith("-")
    column = columns.get(key.lstrip("-")) or columns[default.lstrip("-")]
    return stmt.order_by(column.desc() if desc else column.asc()), key


def save(obj, values: dict, actor=None, action: str | None = None):
    """Apply `values` to a new or existing record and audit what changed."""
    fields = AUDITED_FIELDS[type(obj)]
    is_new = obj.id is None
    before = {} if is_new else audit.snapshot(obj, fields)
    old_region_id = getattr(obj, "region_id", None)
    for name, value in values.items():
        setattr(obj, name, value)
    if isinstance(obj, Department) and obj.centre_id:
        obj.region_id = db.session.get(Centre, obj.centre_id).region_id
    if isinstance(obj, User):
        _place_user(obj)
    if is_new:
        db.session.add(obj)
    db.session.flush()
    if isinstance(obj, Centre) and not is_new and obj.region_id != old_region_id:
        _move_with_centre(obj)
        indices.schedule_moved(with_branches({obj.id}))
    if isinstance(obj, Region) and not is_new and before.get("network_type") != obj.network_type:
        indices.schedule_moved(db.session.scalars(select(Centre.id).where(Centre.region_id == obj.id)))
    after = audit.snapshot(obj, fields)
    old, new = changed = audit.changed(before, after)
    if is_new or any(changed):
        name = type(obj).__name__.lower()
        audit.record(
            action or f"{name}.{'create' if is_new else 'update'}", obj, before=old or None, after=new, actor=actor
        )
    return obj


def descends(centre, ancestor) -> bool:
    """Whether `ancestor` is `centre` itself or one of its head centres (planned records allowed)."""
    seen = set()
    while centre is not None and id(centre) not in seen:
        if centre is ancestor:
            return True
        seen.add(id(centre))
        centre = getattr(centre, "parent", None)
    return False


def parent_problem(centre: Centre | None, region_id: int, parent: Centre | None) -> str | None:
    """Why `parent` cannot be the head centre of `centre` in region `region_id`; None if it can."""
    if parent is None:
        return None
    if parent.region_id != region_id:
        return "Головной центр должен быть из того же региона."
    if centre is not None and descends(parent, centre):
        return "Головной центр не может быть самим центром или его филиалом."
    return None


def _move_with_centre(centre: Centre) -> None:
    """A centre moved to another region takes its branches and everything scoped to them along."""
    ids = with_branches({centre.id})
    scoped_models = [m.class_ for m in db.Model.registry.mappers if issubclass(m.class_, ScopedMixin)]
    for model in (Centre, Department, RoleAssignment, *scoped_models):
        column = model.id if model is Centre else model.centre_id
        db.session.execute(update(model).where(column.in_(ids)).values(region_id=centre.region_id))
    db.session.execute(
        update(Region)
        .where(Region.managing_centre_id.in_(ids), Region.id != centre.region_id)
        .values(managing_centre_id=None)
    )


def _place_user(user: User) -> None:
    """Keep a user's region and centre consistent with their department or centre."""
    if user.department_id:
        department = db.session.get(Department, user.department_id)
        user.centre_id = department.centre_id
    if user.centre_id:
        user.region_id = db.session.get(Centre, user.centre_id).region_id


def email_taken(email: str, except_id: int | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.email) == email.strip().lower())
    if except_id:
        stmt = stmt.where(User.id != except_id)
    return db.session.scalar(stmt) is not None


def assign_role(
    user: User, role: str, *, region_id=None, centre_id=None, department_id=None, actor=None
) -> RoleAssignment:
    """Grant `role` in a scope, if the actor may grant in that scope; duplicates are refused."""
    if role not in ROLES:
        raise OrgError(f"Неизвестная роль «{role}».")
    if department_id:
        department = db.session.get(Department, department_id)
        centre_id = department.centre_id
    if centre_id:
        region_id = db.session.get(Centre, centre_id).region_id
    if role in FEDERAL_ONLY_ROLES and (region_id or centre_id):
        raise OrgError("Роль «Координатор ФЦК» назначается только на федеральном уровне.")
    if actor is not None and not can(actor, "role.grant", Scope(region_id, centre_id)):
        raise OrgError("Вы не можете назначать роли в этой области.")
    for existing in user.roles:
        if (existing.role, existing.region_id, existing.centre_id, existing.department_id) == (
            role,
            region_id,
            centre_id,
            department_id,
        ):
            raise OrgError("Такая роль у сотрудника уже есть.")
    assignment = RoleAssignment(role=role, region_id=region_id, centre_id=centre_id, department_id=department_id)
    user.roles.append(assignment)
    db.session.flush()
    audit.record("role.grant", user, actor=actor, after={"role": role, "scope": assignment.scope_label})
    return assignment


def remove_role(assignment: RoleAssignment, actor=None) -> None:
    if actor is not None and not can(actor, "role.grant", assignment):
        raise OrgError("Вы не можете снимать роли в этой области.")
    audit.record(
        "role.revoke", assignment.user, actor=actor, before={"role": assignment.role, "scope": assignment.scope_label}
    )
    db.session.delete(assignment)


def current_contact(centre: Centre) -> ContactAssignment | None:
    return db.session.scalar(
        select(ContactAssignment).where(ContactAssignment.centre_id == centre.id, ContactAssignment.valid_to.is_(None))
    )


def set_contact(centre: Centre, user: User, on: date, actor=None) -> ContactAssignment | None:
    """Make `user` the centre's contact person from `on`; the previous one is closed, not lost."""
    previous = current_contact(centre)
    if previous is not None and previous.user_id == user.id:
        return None
    if previous is not None:
        previous.valid_to = on
    contact = ContactAssignment(centre_id=centre.id, user_id=user.id, valid_from=on)
    db.session.add(contact)
    audit.record(
        "centre.contact",
        centre,
        actor=actor,
        before={"contact": previous.user.full_name} if previous else None,
        after={"contact": user.full_name, "from": on},
    )
    return contact


def contact_history(centre: Centre) -> list[ContactAssignment]:
    return list(
        db.session.scalars(
            select(ContactAssignment)
            .where(ContactAssignment.centre_id == centre.id)
            .order_by(ContactAssignment.valid_from.desc(), ContactAssignment.id.desc())
        )
    )
