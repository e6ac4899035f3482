"""Anonymisation of expired client data: only clients' rows, and the RQ job commits its work."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.models.org import Consent
from app.services import personal_data

OLD = timedelta(days=400)


def consent(**kw) -> Consent:
    row = Consent(purpose="contact_email", text_version="2026-01", given_at=utcnow() - OLD, **kw)
    db.session.add(row)
    return row


def test_staff_consents_are_never_anonymised(make):
    employee = make.user(("employee", make.centre()))
    staff = consent(user_id=employee.id, client_name="Служебная пометка", client_email="staff@mail.ru")
    bare_staff = consent(user_id=employee.id)
    client = consent(client_name="Клиентов Пётр", client_email="petr@mail.ru", client_phone="+79001112233")
    personal_data.set_retention_days(365)
    db.session.flush()

    assert personal_data.anonymise_expired() == 1
    assert (client.client_name, client.client_email, client.client_phone) == ("(обезличено)",) * 3
    assert client.anonymised_at is not None
    assert (staff.client_name, staff.client_email, staff.anonymised_at) == ("Служебная пометка", "staff@mail.ru", None)
    assert bare_staff.anonymised_at is None
    assert employee.full_name and employee.email  # the employee's own record is untouched


def test_service_leaves_the_commit_to_its_caller(app):
    client = consent(client_name="Клиентов Пётр", client_email="petr@mail.ru")
    personal_data.set_retention_days(365)
    db.session.commit()
    assert personal_data.anonymise_expired() == 1
    db.session.rollback()
    assert db.session.get(Consent, client.id).client_email == "petr@mail.ru"


def test_job_commits_its_own_work(app, make, run_jobs):
    employee = make.user(("employee", make.centre()))
    staff = consent(user_id=employee.id, client_email="staff@mail.ru")
    client = consent(client_name="Клиентов Пётр", client_email="petr@mail.ru")
    personal_data.set_retention_days(365)
    db.session.commit()
    client_id, staff_id = client.id, staff.id

    from app.jobs import get_queue
    from app.jobs.personal_data import anonymise_expired_client_data

    get_queue().enqueue(anonymise_expired_client_data)
    run_jobs()

    db.session.remove()  # read back through a new session: only committed work is visible
    assert db.session.get(Consent, client_id).client_email == "(обезличено)"
    assert db.session.get(Consent, staff_id).client_email == "staff@mail.ru"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "personal.anonymise")).one()
    assert event.after["rows"] == 1

    get_queue().enqueue(anonymise_expired_client_data)  # running again changes nothing
    run_jobs()
    db.session.remove()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "personal.anonymise")).all()
    assert len(events) == 1
