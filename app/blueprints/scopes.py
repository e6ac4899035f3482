"""Choosing where a new record belongs: a region or a centre the user may act on, as one select."""

from sqlalchemy import select

from app.extensions import db
from app.forms import choices
from app.models.org import Centre, Region, User
from app.services.personal_data import shown
from app.services.policy import Scope, scoped


def scope_choices(user, permission: str) -> list:
    """«region:ID» and «centre:ID» options for the regions and centres where `user` holds `permission`."""
    regions = scoped(select(Region), Region, user, permission).order_by(Region.name)
    centres = scoped(select(Centre), Centre, user, permission).order_by(Centre.name)
    return choices(
        [(f"region:{r.id}", r.name) for r in db.session.scalars(regions)]
        + [(f"centre:{c.id}", f"{c.name} ({c.region.name})") for c in db.session.scalars(centres)]
    )


def scope_of(value: str | None) -> Scope | None:
    """The scope an option names, or None for a malformed or missing one (the caller still checks `can`)."""
    kind, _, raw = (value or "").partition(":")
    if not raw.isdigit() or len(raw) > 10:
        return None
    if kind == "region" and (region := db.session.get(Region, int(raw))):
        return Scope(region.id, None)
    if kind == "centre" and (centre := db.session.get(Centre, int(raw))):
        return Scope(centre.region_id, centre.id)
    return None


def scope_value(record) -> str:
    """The option naming a record's own scope ("" for a federal one)."""
    if record.centre_id:
        return f"centre:{record.centre_id}"
    return f"region:{record.region_id}" if record.region_id else ""


def staff_options(user, region_id: int | None, also=()) -> list[tuple[int, str]]:
    """«ФИО, должность» options: active staff `user` may see, of the region when one is given, plus the
    people in `also` (already named on the record, whoever they are now), in alphabetical order."""
    stmt = scoped(select(User), User, user, "user.view").where(User.active.is_(True))
    if region_id:
        stmt = stmt.where(User.region_id == region_id)
    people = {u.id: u for u in db.session.scalars(stmt)}
    missing = set(also) - people.keys()
    if missing:
        people.update({u.id: u for u in db.session.scalars(select(User).where(User.id.in_(missing)))})
    options = []
    for person in people.values():
        name = shown(person, "full_name")
        options.append((person.id, f"{name}, {person.position}" if person.position else name))
    return sorted(options, key=lambda option: option[1].lower())
