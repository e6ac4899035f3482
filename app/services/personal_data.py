"""Personal data (152-ФЗ): masking by role, audit of views and exports, anonymisation."""

from datetime import timedelta

from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.base import personal_columns, utcnow
from app.models.org import Consent, Setting
from app.models.surveys import Response
from app.services import audit
from app.services.policy import can

DEFAULT_RETENTION_DAYS = 1095
RETENTION_KEY = "client_data_retention_days"
ANONYMISED = "(обезличено)"


EVENT_PERSONAL_KEYS = {"contact": "full_name"}
"""Keys of audit before/after values that hold personal data though no column declares them
(a centre's contact person is written by name), with the field whose masking rule applies."""


def _subject(obj) -> tuple[str, int | None]:
    """The kind and id of the record whose personal data is at stake; an audit event stands
    for the record it describes."""
    if isinstance(obj, AuditEvent):
        return obj.object_type, obj.object_id
    return type(obj).__name__, getattr(obj, "id", None)


def may_see(user, obj) -> bool:
    """Whether `user` sees `obj`'s personal data unmasked: their own, or with the right.

    `obj` may be an audit event: it is judged as the record it describes, in the scope
    recorded with the event.
    """
    kind, ident = _subject(obj)
    own = kind == "User" and ident is not None and ident == getattr(user, "id", None)
    return own or can(user, "personal.view", obj)


def mask(field: str, value: str | None) -> str:
    """A masked rendering that keeps a value recognisable but not readable."""
    if not value:
        return ""
    if "email" in field:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if "phone" in field:
        digits = [c for c in value if c.isdigit()]
        return "*** ** " + "".join(digits[-2:]) if digits else "***"
    if "name" in field:
        parts = value.split()
        return " ".join([parts[0]] + [p[0] + "." for p in parts[1:3]]) if parts else ""
    return "***"


def shown(obj, field: str, user=None) -> str:
    """The value of a personal field as `user` may see it."""
    user = user or current_user
    value = getattr(obj, field)
    if field not in personal_columns(type(obj)) or may_see(user, obj):
        return value or ""
    return mask(field, value)


def _model_named(name: str):
    for mapper in db.Model.registry.mappers:
        if mapper.class_.__name__ == name:
            return mapper.class_
    return None


def event_personal_keys(event) -> dict[str, str]:
    """Keys of an audit event's before/after values holding personal data, each with the
    field whose masking rule applies: the personal columns of the event's model, plus
    `EVENT_PERSONAL_KEYS`."""
    model = _model_named(event.object_type)
    keys = {name: name for name in personal_columns(model)} if model is not None else {}
    keys.update(EVENT_PERSONAL_KEYS)
    return keys


def shown_change(event, key: str, value, user=None):
    """A before/after value of an audit event as `user` may see it."""
    field = event_personal_keys(event).get(key)
    if field is None or value in (None, "") or may_see(user or current_user, event):
        return value
    return mask(field, str(value))


def shown_label(event, user=None) -> str:
    """An event's object label as `user` may see it: for a record with personal data the
    label is its `str()`, a person's name, masked like one."""
    label = event.object_label or ""
    model = _model_named(event.object_type)
    if not label or event.object_id is None or model is None or not personal_columns(model):
        return label
    return label if may_see(user or current_user, event) else mask("full_name", label)


def record_access(objs, purpose: str = "view", user=None) -> None:
    """Write one audit event when unmasked personal data was shown or exported."""
    user = user or current_user
    seen = [o for o in objs if personal_columns(type(o)) and may_see(user, o) and o.id != user.id]
    if not seen:
        return
    first = seen[0]
    audit.record(
        f"personal.{purpose}",
        first if len(seen) == 1 else None,
        object_type=type(first).__name__,
        object_id=first.id if len(seen) == 1 else None,
        label=str(first) if len(seen) == 1 else f"{len(seen)} записей",
        after={"ids": [o.id for o in seen], "fields": personal_columns(type(first))},
        actor=user,
    )


def retention_days() -> int:
    value = db.session.get(Setting, RETENTION_KEY)
    return int(value.value) if value else DEFAULT_RETENTION_DAYS


def set_retention_days(days: int, actor=None) -> None:
    setting = db.session.get(Setting, RETENTION_KEY)
    before = {"days": retention_days()}
    if setting is None:
        setting = Setting(key=RETENTION_KEY, value=str(days))
        db.session.add(setting)
    setting.value = str(days)
    audit.record(
        "settings.update",
        object_type="Setting",
        label="Срок хранения данных клиентов",
        before=before,
        after={"days": days},
        actor=actor,
    )


CLIENT_DATA = [
    (Consent, "given_at", lambda: Consent.user_id.is_(None)),
    (Response, "submitted_at", lambda: Response.email.is_not(None)),  # the optional e-mail of a survey answer
]
"""Models holding client personal data, with the column from which retention counts and the
condition that picks clients' rows (an employee's consent has a user and is kept)."""


def anonymise_expired(now=None) -> int:
    """Blank client personal data older than the retention period; returns rows changed.

    Staff rows are never touched. The caller commits.
    """
    cutoff = (now or utcnow()) - timedelta(days=retention_days())
    count = 0
    for model, age_column, is_client in CLIENT_DATA:
        fields = personal_columns(model, "client")
        stmt = select(model).where(is_client(), getattr(model, age_column) < cutoff, model.anonymised_at.is_(None))
        for row in db.session.scalars(stmt):
            for name in fields:
                if getattr(row, name):
                    setattr(row, name, ANONYMISED)
            row.anonymised_at = utcnow()
            count += 1
    if count:
        audit.record(
            "personal.anonymise", object_type="system", label="Обезличивание", after={"rows": count, "cutoff": cutoff}
        )
    return count
