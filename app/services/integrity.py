"""Integrity of survey answers: anomaly flags, quarantine and review.

The pilot's documented failure was staff entering false answers (seed 003 l. 101–105). Every
response is stored first; then these checks flag it, and a flagged response is held in quarantine
— out of every result — until a reviewer releases or rejects it, with an audit event.
"""

from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models.base import utcnow
from app.models.surveys import STAFF_SOURCES, Response
from app.services import audit, indices


class Rule(NamedTuple):
    label: str
    limit: int  # how many (or what percentage) is still normal
    window: timedelta | None = None


RULES = {
    "burst": Rule("Много ответов за короткое время в одном ЦЗН", 15, timedelta(minutes=10)),
    "identical": Rule("Одинаковые ответы повторяются", 3, None),
    "device": Rule("Много ответов с одного устройства", 3, timedelta(days=1)),
    "address": Rule("Много ответов с одного адреса", 30, timedelta(days=1)),  # a centre's Wi-Fi is one address
    "staff_share": Rule("Высокая доля ответов, внесённых сотрудниками (%)", 30, None),
    "too_fast": Rule("Анкета заполнена слишком быстро", 0, None),  # limit: config INTEGRITY_MIN_SECONDS_PER_ANSWER
}
"""What counts as an anomaly. A kiosk is one device and one address by design, so the device and
address checks skip it; staff-entered answers are checked by their share in the centre-period."""
STAFF_SHARE_MIN_RESPONSES = 10  # the share is judged once a centre-period has this many responses
FLAG_LABELS = {code: rule.label for code, rule in RULES.items()}


def set_counted(response: Response) -> None:
    """Copy whether a response counts onto its answers (the results aggregate reads only answers)."""
    counted = response.status == "accepted"
    for answer in response.answers:
        answer.counted = counted


def flags_for(response: Response) -> list[str]:
    """The anomaly codes a freshly stored response raises (read-only)."""
    flags = []
    same_centre = (Response.centre_id == response.centre_id, Response.id != response.id)
    now = response.submitted_at or utcnow()

    def count(*conditions) -> int:
        return db.session.scalar(select(func.count()).select_from(Response).where(*same_centre, *conditions))

    burst = RULES["burst"]
    if count(Response.submitted_at >= now - burst.window) >= burst.limit:
        flags.append("burst")
    if (
        response.answers_key
        and count(Response.period == response.period, Response.answers_key == response.answers_key)
        >= RULES["identical"].limit - 1
    ):
        flags.append("identical")
    if response.source != "kiosk":
        for code, key, column in (
            ("device", response.device_key, Response.device_key),
            ("address", response.address_key, Response.address_key),
        ):
            rule = RULES[code]
            if key and count(column == key, Response.submitted_at >= now - rule.window) >= rule.limit:
                flags.append(code)
    if response.source in STAFF_SOURCES and _staff_share_high(response):
        flags.append("staff_share")
    answered = len(response.answers)
    fastest = current_app.config["INTEGRITY_MIN_SECONDS_PER_ANSWER"]
    if response.seconds_spent is not None and response.seconds_spent < fastest * answered:
        flags.append("too_fast")
    return flags


def _staff_share_high(response: Response) -> bool:
    total, by_staff = db.session.execute(
        select(func.count(), func.count().filter(Response.source.in_(STAFF_SOURCES))).where(
            Response.centre_id == response.centre_id, Response.period == response.period
        )
    ).one()
    return total >= STAFF_SHARE_MIN_RESPONSES and 100 * by_staff > RULES["staff_share"].limit * total


def check(response: Response) -> list[str]:
    """Accept a stored (pending) response, or hold it in quarantine when it raises flags. Returns the
    flags; the caller commits."""
    flags = flags_for(response)
    response.status = "quarantined" if flags else "accepted"
    set_counted(response)
    if flags:
        response.flags = flags
        audit.record(
            "response.quarantine",
            response,
            label=f"Ответ № {response.id}",
            after={"flags": [FLAG_LABELS[f] for f in flags]},
        )
    return flags


class ReviewError(ValueError):
    """A decision on a response that cannot be taken (the message says why, in Russian)."""


def review_problem(response: Response, actor) -> str | None:
    """Why `actor` may not decide on this response now, or None."""
    if response.status != "quarantined":
        return "Решение по этому ответу уже принято."
    if response.entered_by_id is not None and response.entered_by_id == actor.id:
        return "Вы внесли этот ответ сами: решение по нему принимает другой сотрудник."
    return None


def review(response: Response, decision: str, *, note: str, actor) -> None:
    """Release («учесть») or reject a quarantined response and schedule its centre-period's recalculation
    (enqueued when the caller commits). The row is locked, so two reviewers cannot both decide."""
    if decision not in ("accepted", "rejected"):
        raise ValueError(decision)
    locked = db.session.execute(
        select(Response.id).where(Response.id == response.id, Response.status == "quarantined").with_for_update()
    ).first()
    problem = "Решение по этому ответу уже принято." if locked is None else review_problem(response, actor)
    if problem:
        raise ReviewError(problem)
    before = response.status
    response.status = decision
    response.review_note = note
    response.reviewed_by_id = actor.id
    response.reviewed_at = utcnow()
    set_counted(response)
    audit.record(
        "response.review",
        response,
        label=f"Ответ № {response.id}",
        before={"status": before},
        after={"status": decision, "note": note},
        actor=actor,
    )
    indices.schedule(response.centre_id, response.period)
