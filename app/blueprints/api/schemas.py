"""JSON serialisers of API v1: plain functions from models to dicts.

Personal fields pass through `personal_data.shown`, so they are masked unless the caller
may see them; the field lists here are mirrored by the schemas in `openapi.py`.
"""

from app.models.org import Centre, Region, RoleAssignment, User
from app.services.personal_data import shown

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


def ref(obj) -> dict | None:
    """A short reference to a related record: id and name, or None."""
    return None if obj is None else {"id": obj.id, "name": obj.name}


def region(obj: Region) -> dict:
    return {
        "id": obj.id,
        "name": obj.name,
        "aliases": list(obj.aliases or []),
        "authority_name": obj.authority_name,
        "network_type": obj.network_type,
        "network_label": obj.network_label,
        "managing_centre": ref(obj.managing_centre),
    }


def centre(obj: Centre) -> dict:
    return {
        "id": obj.id,
        "name": obj.name,
        "aliases": list(obj.aliases or []),
        "region": ref(obj.region),
        "parent": ref(obj.parent),
        "address": obj.address,
        "working_hours": obj.working_hours,
        "is_pilot": obj.is_pilot,
        "is_modernised": obj.is_modernised,
        "is_flagship": obj.is_flagship,
    }


def role(assignment: RoleAssignment) -> dict:
    return {
        "role": assignment.role,
        "label": assignment.role_label,
        "scope": assignment.scope_label,
        "region_id": assignment.region_id,
        "centre_id": assignment.centre_id,
    }


def user(obj: User, viewer: User) -> dict:
    """A staff member as `viewer` may see them (personal fields masked otherwise)."""
    return {
        "id": obj.id,
        "full_name": shown(obj, "full_name", viewer),
        "position": obj.position,
        "email": shown(obj, "email", viewer),
        "phone": shown(obj, "phone", viewer),
        "active": obj.active,
        "region": ref(obj.region),
        "centre": ref(obj.centre),
        "department": ref(obj.department),
        "roles": [role(r) for r in obj.roles],
    }
