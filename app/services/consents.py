"""Consents of employees and clients, each with the text version agreed to."""

from app.extensions import db
from app.models.base import utcnow
from app.models.org import CONSENT_PURPOSES, Consent
from app.services import audit

CONSENT_TEXTS = {
    "processing": (
        "2026-01",
        "Я даю согласие на обработку моих персональных данных в соответствии "
        "с Федеральным законом № 152-ФЗ «О персональных данных».",
    ),
    "contact_email": ("2026-01", "Я согласен(на) получать сообщения по электронной почте."),
    "contact_sms": ("2026-01", "Я согласен(на) получать SMS-сообщения."),
    "publish_name": (
        "2026-01",
        "Я согласен(на) на публикацию моих фамилии, имени и должности на доске почёта и во внутренних материалах.",
    ),
    "publish_photo": ("2026-01", "Я согласен(на) на публикацию моей фотографии на доске почёта."),
}
assert CONSENT_TEXTS.keys() == CONSENT_PURPOSES.keys()


def give_for_user(user, purpose: str) -> Consent:
    """Record an employee's consent with the current text version."""
    version, text = CONSENT_TEXTS[purpose]
    consent = Consent(
        user_id=user.id,
        purpose=purpose,
        text_version=version,
        text=text,
        region_id=user.region_id,
        centre_id=user.centre_id,
    )
    db.session.add(consent)
    db.session.flush()
    audit.record("consent.give", user, actor=user, after={"purpose": purpose, "version": version})
    return consent


def withdraw(consent: Consent, actor) -> None:
    if consent.withdrawn_at is None:
        consent.withdrawn_at = utcnow()
        audit.record(
            "consent.withdraw",
            consent.user,
            actor=actor,
            after={"purpose": consent.purpose, "version": consent.text_version},
        )


def active_for_user(user) -> list[Consent]:
    return [
        c
        for c in db.session.query(Consent)
        .filter_by(user_id=user.id, withdrawn_at=None)
        .order_by(Consent.given_at.desc())
    ]
