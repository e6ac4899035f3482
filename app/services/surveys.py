"""Surveys: installing the seeded questionnaires, public links, reading a client's answers, and storing
a response — committed before anything else happens (integrity checks and recalculation follow)."""

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models.base import today
from app.models.methodology import Methodology
from app.models.surveys import Answer, Option, Question, Quota, Response, Survey, SurveyLink
from app.services import indices, integrity, periods
from app.services.survey_templates import SURVEYS

TEXT_LIMIT = 2000
OTHER_LIMIT = 500


def install_templates() -> list[Survey]:
    """Create the seeded questionnaires that do not exist yet (matched by code), published; the caller commits."""
    existing = set(db.session.scalars(select(Survey.code).where(Survey.code.is_not(None))))
    versions = {m.code: m for m in db.session.scalars(select(Methodology))}
    created = []
    for template in SURVEYS:
        if template.code in existing:
            continue
        survey = Survey(
            code=template.code,
            title=template.title,
            client_type=template.client_type,
            intro=template.intro,
            outro=template.outro,
            methodology=versions.get(template.methodology) if template.methodology else None,
            status="published",
            source=template.source,
        )
        for position, q in enumerate(template.questions, 1):
            question = Question(
                position=position,
                code=q.code,
                number=q.number,
                text=q.text,
                kind=q.kind,
                required=q.required,
                help_text=q.help_text,
                scale_min=q.scale_min,
                scale_max=q.scale_max,
                scale_labels={str(point): text for point, text in q.scale_labels},
                show_if={"question": q.show_if.question, "values": list(q.show_if.values)} if q.show_if else None,
                in_office_only=q.in_office_only,
                indicator_code=q.indicator,
                section=q.section,
                source=q.source,
            )
            for number, o in enumerate(q.options, 1):
                question.options.append(
                    Option(position=number, value=o.value, text=o.text, points=o.points, free_text=o.free_text)
                )
            survey.questions.append(question)
        db.session.add(survey)
        created.append(survey)
    db.session.flush()
    return created


def new_link(survey: Survey, centre, *, touch_point=None, kiosk: bool = False, actor=None) -> SurveyLink:
    """A public link for one survey at one centre (and touch point); a kiosk link also opens in kiosk mode
    on the digital zone's shared device. The caller commits."""
    link = SurveyLink(
        token=secrets.token_urlsafe(12),
        survey=survey,
        kiosk=kiosk,
        region_id=centre.region_id,
        centre_id=centre.id,
        touch_point=touch_point,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(link)
    db.session.flush()
    return link


def link_by_token(token: str) -> SurveyLink | None:
    """An active link to a published survey, or None (an unknown, disabled or archived one looks the same)."""
    link = db.session.scalar(select(SurveyLink).where(SurveyLink.token == token))
    if link is None or not link.active or link.survey.status != "published":
        return None
    return link


# --- reading answers -------------------------------------------------------------------------------


@dataclass
class Draft:
    """What a client answered, checked, not yet stored."""

    values: dict[str, list] = field(default_factory=dict)  # question code → [(option, value, text)]
    errors: dict[str, str] = field(default_factory=dict)  # question code (or «email») → message


def field_name(question: Question) -> str:
    return f"q_{question.code}"


def other_field_name(question: Question) -> str:
    return f"q_{question.code}_other"


def visible(question: Question, chosen: Mapping[str, set[str]]) -> bool:
    """A question shows unless its condition names an earlier answer that was not given."""
    cond = question.show_if
    return not cond or bool(chosen.get(cond["question"], set()) & set(cond["values"]))


def read_answers(survey: Survey, form, *, remote: bool = False) -> Draft:
    """Check a form (a MultiDict or a mapping of lists) against the survey: Russian messages, nothing stored.

    Answers to questions hidden by their condition are dropped; in-office questions are optional
    for a remote client; a blank optional question is simply left out.
    """
    draft = Draft()
    chosen: dict[str, set[str]] = {}
    for question in survey.questions:
        raw = [v.strip() for v in _getlist(form, field_name(question)) if v and v.strip()]
        if not visible(question, chosen):
            continue
        required = question.required and not (remote and question.in_office_only)
        if not raw:
            if required:
                draft.errors[question.code] = "Ответьте, пожалуйста, на этот вопрос."
            continue
        values, error = _check(question, raw, _first(form, other_field_name(question)))
        if error:
            draft.errors[question.code] = error
            continue
        draft.values[question.code] = values
        chosen[question.code] = {option.value for option, _, _ in values if option is not None}
    return draft


def _getlist(form, name: str) -> list[str]:
    if hasattr(form, "getlist"):
        return form.getlist(name)
    value = form.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _first(form, name: str) -> str:
    values = _getlist(form, name)
    return values[0].strip() if values else ""


def _check(question: Question, raw: list[str], other: str) -> tuple[list, str | None]:
    """[(option, numeric value, text)] for one question, or an error message."""
    if question.kind == "scale":
        low, high = question.scale_min, question.scale_max
        try:
            number = int(raw[0])
        except ValueError:
            number = None
        if number is None or len(raw) > 1 or not low <= number <= high:
            return [], f"Выберите одно значение от {low} до {high}."
        return [(None, float(number), None)], None
    if question.kind == "text":
        if len(raw[0]) > TEXT_LIMIT:
            return [], f"Ответ длиннее {TEXT_LIMIT} знаков — сократите, пожалуйста."
        return [(None, None, raw[0])], None
    options = {option.value: option for option in question.options}
    if question.kind != "multiple" and len(raw) > 1:
        return [], "Выберите один вариант."
    if any(value not in options for value in raw):
        return [], "Выберите вариант из списка."
    if len(other) > OTHER_LIMIT:
        return [], f"Пояснение длиннее {OTHER_LIMIT} знаков — сократите, пожалуйста."
    picked = [options[value] for value in dict.fromkeys(raw)]
    return [(o, o.points, other if o.free_text and other else None) for o in picked], None


def read_email(raw: str, draft: Draft) -> str | None:
    """The optional e-mail, normalised; a malformed one is an error on the draft."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        draft.errors["email"] = "Проверьте адрес электронной почты или оставьте поле пустым."
        return None


# --- storing ---------------------------------------------------------------------------------------


def key_of(*parts) -> str:
    """A salted one-way key for a device or an address: anomalies are found without storing who it was."""
    salt = current_app.config["SECRET_KEY"]
    return hashlib.sha256("|".join([salt, *map(str, parts)]).encode()).hexdigest()[:32]


def store(
    survey: Survey,
    draft: Draft,
    *,
    centre_id: int,
    region_id: int,
    source: str,
    link: SurveyLink | None = None,
    touch_point_id: int | None = None,
    email: str | None = None,
    remote: bool = False,
    entered_by=None,
    device_key: str = "",
    address_key: str = "",
    seconds_spent: int | None = None,
    period: str | None = None,
) -> Response:
    """Store a checked draft as a response and COMMIT it: nothing after this may lose it."""
    assert not draft.errors, "store() takes a draft without errors"
    period = period or periods.period_of(today())
    response = Response(
        survey_id=survey.id,
        region_id=region_id,
        centre_id=centre_id,
        touch_point_id=touch_point_id if touch_point_id is not None else getattr(link, "touch_point_id", None),
        link_id=getattr(link, "id", None),
        client_type=survey.client_type,
        source=source,
        period=period,
        entered_by_id=getattr(entered_by, "id", None),
        email=email,
        remote=remote,
        device_key=device_key,
        address_key=address_key,
        answers_key=_vector_key(draft),
        seconds_spent=seconds_spent,
    )
    questions = {q.code: q for q in survey.questions}
    for code, values in draft.values.items():
        for option, value, text in values:
            response.answers.append(
                Answer(
                    question_id=questions[code].id,
                    option_id=getattr(option, "id", None),
                    value=value,
                    text=text,
                    centre_id=centre_id,
                    period=period,
                )
            )
    db.session.add(response)
    db.session.commit()
    return response


def _vector_key(draft: Draft) -> str:
    """The closed answers as one key: identical vectors from one centre are an anomaly signal."""
    closed = sorted(
        (code, getattr(option, "value", None) or value)
        for code, values in draft.values.items()
        for option, value, text in values
        if text is None
    )
    return hashlib.sha256(repr(closed).encode()).hexdigest()[:32] if closed else ""


def after_store(response: Response) -> None:
    """Anomaly checks, then a coalesced recalculation of the centre-period (enqueued on commit).

    Runs after the response is committed; if any of it fails the answer is kept, and the nightly
    recalculation or the sweeper catches up.
    """
    integrity.check(response)
    indices.schedule(response.centre_id, response.period)
    db.session.commit()


# --- quotas ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaProgress:
    client_type: str
    target: int
    collected: int

    @property
    def share(self) -> float:
        return min(1.0, self.collected / self.target) if self.target else 0.0


def quota_progress(centre_ids: list[int], period: str, defaults: Mapping[str, int]) -> dict[int, list[QuotaProgress]]:
    """Per centre, collected answers against the target per client type (the centre's own target, else the
    version's default): two queries however many centres."""
    targets = {centre_id: dict(defaults) for centre_id in centre_ids}
    for quota in db.session.scalars(select(Quota).where(Quota.centre_id.in_(centre_ids), Quota.period == period)):
        targets[quota.centre_id][quota.client_type] = quota.target
    counts = {
        (centre_id, kind): n
        for centre_id, kind, n in db.session.execute(
            select(Response.centre_id, Response.client_type, func.count())
            .where(Response.centre_id.in_(centre_ids), Response.period == period, Response.status == "accepted")
            .group_by(Response.centre_id, Response.client_type)
        )
    }
    return {
        centre_id: [QuotaProgress(kind, target, counts.get((centre_id, kind), 0)) for kind, target in wanted.items()]
        for centre_id, wanted in targets.items()
    }
