"""Writing and reading the audit trail."""

from datetime import date, datetime

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEvent


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return str(value)


def snapshot(obj, fields) -> dict:
    """The named attributes of `obj` as JSON-safe values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    action: str, obj=None, *, before=None, after=None, actor=None, object_type=None, object_id=None, label=None
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else "system"),
        object_id=object_id if object_id is not None else getattr(obj, "id", None),
        object_label=(label or (str(obj) if obj is not None else ""))[:300],
        region_id=getattr(obj, "region_id", None),
        centre_id=getattr(obj, "centre_id", None),
        before=_plain(before) if before else None,
        after=_plain(after) if after else None,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def history(obj, limit: int = 50) -> list[AuditEvent]:
    """Events about one record, newest first."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.object_type == type(obj).__name__, AuditEvent.object_id == obj.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
