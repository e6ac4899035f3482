"""Shared by the measurement tests: the seeded methodology and questionnaires, a complete form, and an
answer stored as a client's (then checked) at a centre."""

from sqlalchemy import select

from app.extensions import db
from app.models.surveys import Response, Survey
from app.services import methodology, surveys

PERIOD = "2026-Q4"


def install() -> Survey:
    """The seeded versions and questionnaires; returns the job-seeker questionnaire."""
    methodology.install_templates()
    surveys.install_templates()
    db.session.commit()
    return db.session.scalar(select(Survey).where(Survey.code == "fcc-jobseeker"))


def answers(survey: Survey, rating: int, **overrides) -> dict:
    """A complete form: every scale answered with `rating`, every required choice with its first option."""
    form = {}
    for question in survey.questions:
        name = surveys.field_name(question)
        if question.kind == "scale":
            form[name] = str(rating)
        elif question.kind in ("yes_no", "single") and question.required:
            form[name] = question.options[0].value
        elif question.kind == "multiple" and question.required:
            form[name] = [question.options[0].value]
    form.update(overrides)
    return form


def submit(survey, centre, form, **kw) -> Response:
    """Store a form as a client's answer (committed), then run the checks as the public page does."""
    draft = surveys.read_answers(survey, form)
    assert not draft.errors, draft.errors
    kw.setdefault("source", "link")
    kw.setdefault("period", PERIOD)
    response = surveys.store(survey, draft, centre_id=centre.id, region_id=centre.region_id, **kw)
    surveys.after_store(response)
    return response
