"""Demo measurement data: the seeded methodology and questionnaires, touch points and public links for
the Nizhny Novgorod pilot centres, and demonstration answers for the last three quarters, recalculated.

The answers are generated (a fixed random seed) to show the pages working; they are not the pilot's
data, which seed 003 does not give per centre. Idempotent: nothing is added twice.
"""

import random

from sqlalchemy import func, select

from app.extensions import db
from app.models.base import today
from app.models.journeys import TouchPoint
from app.models.org import Centre, Region
from app.models.surveys import Response, Survey, SurveyLink
from app.services import indices, integrity, methodology, periods, surveys

TOUCH_POINTS = [("Зал приёма", "office"), ("Цифровая зона", "office")]
ANSWERS_PER_QUARTER = {"fcc-jobseeker": 24, "fcc-employer": 6}
QUARTERS = 3


def install() -> None:
    """The methodology versions and federal questionnaires every installation needs; the caller commits."""
    methodology.install_templates()
    surveys.install_templates()


def load(region: Region) -> None:
    """Touch points, links and answers for the region's pilot centres, then a full recalculation."""
    install()
    forms = {s.code: s for s in db.session.scalars(select(Survey).where(Survey.code.in_(ANSWERS_PER_QUARTER)))}
    centres = db.session.scalars(
        select(Centre).where(Centre.region_id == region.id, Centre.is_pilot.is_(True)).order_by(Centre.id)
    ).all()
    rnd = random.Random(2026)
    for centre in centres:
        points = _touch_points(centre)
        for survey in forms.values():
            if not db.session.scalar(
                select(SurveyLink.id).where(SurveyLink.survey_id == survey.id, SurveyLink.centre_id == centre.id)
            ):
                surveys.new_link(survey, centre, touch_point=points[0])
        if db.session.scalar(select(func.count()).select_from(Response).where(Response.centre_id == centre.id)):
            continue
        for period in periods.recent(periods.period_of(today()), QUARTERS):
            for code, count in ANSWERS_PER_QUARTER.items():
                for _ in range(count):
                    _answer(forms[code], centre, rnd.choice(points), period, rnd)
    db.session.commit()
    indices.recalculate_all()
    db.session.commit()


def _touch_points(centre: Centre) -> list[TouchPoint]:
    existing = {p.name: p for p in db.session.scalars(select(TouchPoint).where(TouchPoint.centre_id == centre.id))}
    for name, channel in TOUCH_POINTS:
        if name not in existing:
            existing[name] = TouchPoint(region_id=centre.region_id, centre_id=centre.id, name=name, channel=channel)
            db.session.add(existing[name])
    db.session.flush()
    return [existing[name] for name, _ in TOUCH_POINTS]


def _answer(survey: Survey, centre: Centre, point: TouchPoint, period: str, rnd: random.Random) -> None:
    """One plausible complete response, stored as a client's answer through a link."""
    form, chosen = {}, {}
    for question in survey.questions:
        if question.show_if and chosen.get(question.show_if["question"]) not in question.show_if["values"]:
            continue
        name = surveys.field_name(question)
        if question.kind == "scale":
            form[name] = str(min(10, max(1, round(rnd.gauss(8.2, 1.8)))))
        elif question.kind in ("yes_no", "single"):
            option = rnd.choice(question.options)
            chosen[question.code] = option.value
            form[name] = option.value
            if option.free_text:
                form[surveys.other_field_name(question)] = "Электронная почта"
        elif question.kind == "multiple":
            form[name] = [rnd.choice(question.options).value]
    draft = surveys.read_answers(survey, form)
    response = surveys.store(
        survey,
        draft,
        centre_id=centre.id,
        region_id=centre.region_id,
        touch_point_id=point.id,
        source=rnd.choice(["link", "qr"]),
        period=period,
    )
    response.status = "accepted"  # demonstration answers are generated in a burst: no anomaly checks
    integrity.set_counted(response)
    db.session.commit()
