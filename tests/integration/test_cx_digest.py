"""The alert to a centre's head when an indicator falls, and the weekly digest, through the real worker."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.indices import DigestLog, IndicatorAlert
from app.models.mail import OutboxMessage
from app.models.notifications import Notification
from app.services import cx_digest, indices, periods
from tests.measurement_helpers import answers, install, submit

PERIOD = periods.period_of()
BEFORE = periods.previous(PERIOD)


def collect(survey, centre, rating: int, period: str, count: int = cx_digest.ALERT_MIN_ANSWERS):
    """`count` accepted answers with Q1 «полезно» at `rating`, arriving an hour apart, the other answers varied
    (no burst, no identical vectors: the anomaly checks accept them)."""
    for n in range(count):
        form = answers(survey, rating, q_q9=str(1 + n % 10), q_q11=str(1 + n // 10))
        response = submit(survey, centre, form, period=period)
        assert response.status == "accepted", response.flags
        response.submitted_at -= timedelta(hours=count - n)
        db.session.commit()


@pytest.fixture
def seeded(app):
    return install()


@pytest.fixture
def fallen(seeded, make):
    """A centre whose answers went from all positive last quarter to all negative this quarter."""
    centre = make.centre()
    head = make.user(("director", centre), centre=centre, email="head@test.ru")
    collect(seeded, centre, 10, BEFORE)
    indices.recalculate_centre(centre.id, BEFORE)  # last quarter was computed in its time
    db.session.commit()
    collect(seeded, centre, 3, PERIOD)
    return centre, head


def test_a_fall_beyond_the_margin_alerts_the_head_once(fallen, run_jobs, seeded):
    centre, head = fallen
    run_jobs()
    db.session.expire_all()
    alerts = db.session.scalars(select(IndicatorAlert).where(IndicatorAlert.centre_id == centre.id)).all()
    q1 = [a for a in alerts if a.indicator.code == "2.1" and a.client_type == "all"]
    assert q1 and q1[0].previous == pytest.approx(1.0) and q1[0].value == pytest.approx(0.0)
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == head.id)).all()
    assert "Падение показателей" in note.text and note.link.startswith("/results/")
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "head@test.ru"))
    assert "2.1 Полезность обращения в ЦЗН" in mail.body and "100,0 % → 0,0 %" in mail.body

    submit(seeded, centre, answers(seeded, 3, q_q9="4", q_q11="7"), period=PERIOD)  # the next answer
    run_jobs()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(IndicatorAlert)) == len(alerts)
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_no_alert_from_a_handful_of_answers(seeded, make, run_jobs):
    """Fewer than ALERT_MIN_ANSWERS in a quarter: the share moves too much to alert on."""
    centre = make.centre()
    make.user(("director", centre), centre=centre)
    collect(seeded, centre, 10, BEFORE, count=3)
    indices.recalculate_centre(centre.id, BEFORE)
    db.session.commit()
    collect(seeded, centre, 3, PERIOD, count=3)
    run_jobs()
    assert db.session.scalar(select(func.count()).select_from(IndicatorAlert)) == 0


def test_the_weekly_digest_goes_once_to_the_centres_cx_people(fallen, make):
    centre, head = fallen
    officer = make.user(("quality_officer", centre), centre=centre, email="quality@test.ru")
    make.user(("employee", centre), centre=centre, email="employee@test.ru")  # not one of the CX roles
    indices.recalculate_all()
    db.session.commit()
    monday = date.fromisoformat(periods.bounds(PERIOD)[1].isoformat())
    monday = monday.fromordinal(monday.toordinal() - monday.weekday())  # a Monday inside the quarter
    assert cx_digest.send_weekly(monday) == 2
    db.session.commit()
    sent = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(sent) == {"head@test.ru", "quality@test.ru"}
    body = sent["quality@test.ru"].body
    assert centre.name in body and "Уровень клиентоцентричности" in body and "Самые низкие показатели" in body
    assert cx_digest.send_weekly(monday) == 0  # running it again the same week sends nothing
    assert db.session.scalar(select(func.count()).select_from(DigestLog)) == 2
    assert officer.id in {log.user_id for log in db.session.scalars(select(DigestLog))}
