"""Masking of personal data per role, audit of views, consents, anonymisation of client data."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.base import personal_columns, utcnow
from app.models.org import Consent, User
from app.services import personal_data


def test_personal_fields_are_declared_on_models():
    assert set(personal_columns(User)) == {"full_name", "email", "phone"}
    assert set(personal_columns(Consent, "client")) == {"client_name", "client_email", "client_phone"}


@pytest.mark.parametrize(
    ("role", "unmasked"),
    [
        ("employee", False),
        ("observer", False),
        ("team_lead", False),
        ("expert", False),
        ("director", True),
        ("hr", True),
        ("admin", True),
    ],
)
def test_user_list_masks_unless_role_may_see(role, unmasked, make, login, client):
    centre = make.centre()
    colleague = make.user(
        ("employee", centre),
        full_name="Смирнова Анна Сергеевна",
        email="anna.smirnova@mail.ru",
        phone="+7 912 345-67-89",
        centre=centre,
    )
    viewer = make.user((role, centre), centre=centre)
    login(viewer)
    page = client.get("/admin/users").get_data(as_text=True)
    assert ("anna.smirnova@mail.ru" in page) is unmasked
    assert ("+7 912 345-67-89" in page) is unmasked
    if not unmasked:
        assert "a***@mail.ru" in page and "*** ** 89" in page and "Смирнова А. С." in page
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "personal.view")).all()
    assert bool(events) is unmasked
    if unmasked:
        assert colleague.id in events[-1].after["ids"] and events[-1].actor_id == viewer.id


def test_viewing_a_profile_with_personal_data_is_audited(make, login, client):
    centre = make.centre()
    person = make.user(("employee", centre), centre=centre)
    director = make.user(("director", centre), centre=centre)
    login(director)
    assert person.email in client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "personal.view", AuditEvent.object_id == person.id)
    ).one()
    assert event.actor_id == director.id and event.object_type == "User"


def test_own_profile_is_unmasked_and_not_audited(make, login, client):
    centre = make.centre()
    me = make.user(("employee", centre), centre=centre)
    login(me)
    assert me.email in client.get(f"/admin/users/{me.id}").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "personal.view")) is None


def test_mask_rules():
    assert personal_data.mask("email", "ivanov@mail.ru") == "i***@mail.ru"
    assert personal_data.mask("phone", "+7 (831) 123-45-67") == "*** ** 67"
    assert personal_data.mask("full_name", "Иванов Иван Иванович") == "Иванов И. И."
    assert personal_data.mask("email", None) == ""


def test_employee_consent_is_recorded_with_text_version_and_can_be_withdrawn(make, login, client):
    me = make.user(("employee", make.centre()))
    login(me)
    client.post("/account/consents", data={"purpose": "publish_photo"})
    consent = db.session.scalars(select(Consent)).one()
    assert consent.user_id == me.id and consent.text_version == "2026-01" and "фотографии" in consent.text
    client.post(f"/account/consents/{consent.id}/withdraw")
    db.session.refresh(consent)
    assert consent.withdrawn_at is not None
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert "consent.give" in actions and "consent.withdraw" in actions


def test_bad_consent_purpose_changes_nothing(make, login, client):
    login(make.user(("employee", make.centre())))
    client.post("/account/consents", data={"purpose": "sell_my_data"})
    assert db.session.scalars(select(Consent)).all() == []


def test_anonymisation_job_blanks_expired_client_data(app, run_jobs):
    old = Consent(
        purpose="contact_email",
        text_version="2026-01",
        client_name="Клиентов Пётр",
        client_email="petr@mail.ru",
        client_phone="+79001112233",
        given_at=utcnow() - timedelta(days=400),
    )
    fresh = Consent(
        purpose="contact_email",
        text_version="2026-01",
        client_name="Новиков Олег",
        client_email="oleg@mail.ru",
        given_at=utcnow(),
    )
    db.session.add_all([old, fresh])
    personal_data.set_retention_days(365)
    db.session.commit()

    from app.jobs import get_queue
    from app.jobs.personal_data import anonymise_expired_client_data

    get_queue().enqueue(anonymise_expired_client_data)
    run_jobs()
    db.session.expire_all()
    assert (old.client_name, old.client_email, old.client_phone) == ("(обезличено)",) * 3
    assert old.anonymised_at is not None
    assert fresh.client_email == "oleg@mail.ru"
    assert personal_data.anonymise_expired() == 0  # running again changes nothing


def test_retention_setting_validates(make, login, client):
    login(make.user(("admin", None)))
    page = client.post("/admin/settings", data={"retention_days": "5"}).get_data(as_text=True)
    assert "от 30 до 36500" in page
    assert personal_data.retention_days() == personal_data.DEFAULT_RETENTION_DAYS
    client.post("/admin/settings", data={"retention_days": "730"})
    assert personal_data.retention_days() == 730
