"""Public survey pages: a questionnaire step by step for a client who came by a link, a QR code or to the
kiosk of a centre's digital zone, and the staff preview. A response is stored only at the end, committed
first; integrity checks and the recalculation request follow and may fail without losing it."""

import logging
import secrets
import time
from typing import NamedTuple

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from app.blueprints.public import bp, drafts
from app.extensions import db, limiter
from app.models.surveys import Question, Survey
from app.services import surveys
from app.services.policy import get_or_404, permission_required

log = logging.getLogger(__name__)

BODY_LIMIT = 64 * 1024  # a whole questionnaire with every free text filled is far below this
HONEYPOT = "homepage"  # a field people never see: a bot that fills it gets thanked and ignored
DEVICE_COOKIE = "cxm_device"
DEVICE_COOKIE_AGE = 2 * 365 * 24 * 3600
TEXT_COOKIES = {"link": "cxm_large_text", "kiosk": "cxm_kiosk_large_text"}
KIOSK_IDLE_SECONDS = 180
KIOSK_THANKS_SECONDS = 10
EMAIL_MAX = 320


def _now() -> float:
    return time.time()


class Step(NamedTuple):
    title: str
    questions: list[Question]


def steps_of(survey: Survey) -> list[Step]:
    """The survey's sections in order, one step each; a survey without sections is one step."""
    steps: list[Step] = []
    for question in survey.questions:
        if not steps or question.section != steps[-1].title:
            steps.append(Step(question.section, []))
        steps[-1].questions.append(question)
    return steps


# --- layout, limits and errors ---------------------------------------------------------------------


def _mode() -> str:
    return "kiosk" if request.path.startswith("/k/") else "link"


def _large_text(mode: str) -> bool:
    value = request.cookies.get(TEXT_COOKIES[mode])
    return mode == "kiosk" if value not in ("0", "1") else value == "1"


@bp.context_processor
def _layout():
    mode = _mode()
    return {"mode": mode, "large_text": _large_text(mode), "text_cookie": TEXT_COOKIES[mode]}


@bp.url_value_preprocessor
def _limit_body(endpoint, values):
    """Refuse an oversized POST before anything (CSRF, the rate limiter) parses it."""
    if request.method == "POST":
        request.max_content_length = BODY_LIMIT
        if (request.content_length or 0) > BODY_LIMIT:
            abort(413)


@bp.after_request
def _device_cookie(response):
    """A random long-lived id: many answers from one device are an anomaly signal (stored only as a hash)."""
    if request.endpoint in ("public.survey", "public.kiosk") and DEVICE_COOKIE not in request.cookies:
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def _error(code: int, title: str, text: str, back: bool = True):
    back_url = request.full_path.rstrip("?") if back and request.method == "POST" else None
    return render_template("public/error.html", code=code, title=title, text=text, back_url=back_url), code


@bp.errorhandler(413)
def _too_large(error):
    return _error(413, "Ответ слишком большой", "Сократите, пожалуйста, текстовые ответы и отправьте анкету снова.")


@bp.errorhandler(429)
def _too_many(error):
    return _error(
        429,
        "Слишком много ответов",
        "Из этой сети пришло слишком много ответов. Пожалуйста, попробуйте ещё раз позже.",
    )


@bp.errorhandler(CSRFError)
def _stale(error):
    return _error(400, "Страница устарела", "Вернитесь к анкете и отправьте ответы ещё раз — сохранённые не пропали.")


@bp.errorhandler(404)
def _not_found(error):
    return _error(404, "Страница не найдена", "Такой страницы нет.", back=False)


# --- answers between steps -------------------------------------------------------------------------


def _take(state: dict, step: Step, form) -> None:
    """Copy one step's fields from the form into the draft (a blank field clears an earlier answer)."""
    for question in step.questions:
        state["values"][surveys.field_name(question)] = form.getlist(surveys.field_name(question))[:50]
        if any(option.free_text for option in question.options):
            state["values"][surveys.other_field_name(question)] = [form.get(surveys.other_field_name(question), "")]


def values_by_code(survey: Survey, raw: dict) -> dict:
    """Form values (by field name) as the question macro takes them (by question code)."""
    values = {}
    for question in survey.questions:
        values[question.code] = raw.get(surveys.field_name(question), [])
        other = raw.get(surveys.other_field_name(question))
        if other:
            values[question.code + ":other"] = other[0]
    return values


def _chosen(survey: Survey, raw: dict) -> dict[str, set[str]]:
    return {q.code: set(raw.get(surveys.field_name(q), [])) for q in survey.questions if q.kind != "text"}


def _shown(step: Step, raw: dict, survey: Survey, show_all: bool = False) -> list[Question]:
    """The step's questions; one whose condition lies on another step shows only if that answer says so
    (a condition on this step is left to the page: public.js, or a note without JS). A preview shows all."""
    if show_all:
        return list(step.questions)
    here = {q.code for q in step.questions}
    chosen = _chosen(survey, raw)
    return [q for q in step.questions if not q.show_if or q.show_if["question"] in here or surveys.visible(q, chosen)]


def _answered(questions: list[Question], raw: dict) -> int:
    return sum(1 for q in questions if any(v.strip() for v in raw.get(surveys.field_name(q), [])))


def _step_number(steps: list[Step]) -> int:
    number = request.args.get("step", "1")
    number = int(number) if number.isdigit() and len(number) < 4 else 1
    return min(max(number, 1), max(len(steps), 1))


def _step_of(steps: list[Step], code: str) -> int:
    for number, step in enumerate(steps, 1):
        if any(q.code == code for q in step.questions):
            return number
    return len(steps)  # «email» is on the last step


def _page(survey, steps, number, raw, *, errors=None, remote=False, email="", action="", status=200, **extra):
    step = steps[number - 1] if steps else Step("", [])
    shown = _shown(step, raw, survey, show_all=extra.get("preview", False))
    errors = errors or {}
    context = dict(
        survey=survey,
        steps=steps,
        number=number,
        step=step,
        shown=shown,
        values=values_by_code(survey, raw),
        errors=errors,
        summary=[(q, errors[q.code]) for q in shown if q.code in errors],
        remote=remote,
        email=email,
        action=action,
        answered=_answered(shown, raw),
        honeypot=HONEYPOT,
        email_max=EMAIL_MAX,
    )
    context.update(extra)
    return render_template("public/survey.html", **context), status


# --- the client's flow -----------------------------------------------------------------------------


def _survey_limit() -> str:
    return current_app.config["PUBLIC_SURVEY_RATE_LIMIT"]


def _kiosk_limit() -> str:
    return current_app.config["PUBLIC_KIOSK_RATE_LIMIT"]


@bp.route("/s/<token>", methods=["GET", "POST"])
@limiter.limit(_survey_limit, methods=["POST"])
def survey(token: str):
    return _flow(token, "link")


@bp.route("/k/<token>", methods=["GET", "POST"])
@limiter.limit(_kiosk_limit, methods=["POST"])
def kiosk(token: str):
    return _flow(token, "kiosk")


def _urls(mode: str, token: str, src: str):
    endpoint = "public.kiosk" if mode == "kiosk" else "public.survey"
    extra = {"src": "qr"} if src == "qr" and mode == "link" else {}

    def step_url(number: int) -> str:
        return url_for(endpoint, token=token, step=number if number > 1 else None, **extra)

    thanks = url_for("public.kiosk_thanks" if mode == "kiosk" else "public.thanks", token=token)
    return step_url, thanks


def _flow(token: str, mode: str):
    link = surveys.link_by_token(token)
    if link is None or (mode == "kiosk" and not link.kiosk):  # kiosk mode only on the centre's own device
        return render_template("public/invalid.html"), 404
    survey = link.survey
    steps = steps_of(survey)
    key = f"{mode}:{token}"
    state = drafts.load(key)
    fresh = state is None
    if fresh:
        state = drafts.new_state("kiosk" if mode == "kiosk" else "link", _now())
    if mode == "link" and request.args.get("src") == "qr":
        state["src"] = "qr"
    step_url, thanks_url = _urls(mode, token, state["src"])
    number = _step_number(steps)
    page = dict(
        link=link,
        centre_name=link.centre.name,
        kiosk_reset=url_for("public.kiosk_reset", token=token) if mode == "kiosk" else None,
        idle_seconds=KIOSK_IDLE_SECONDS,
    )

    if not steps:  # a published survey without questions: nothing to answer
        return _page(survey, steps, 1, {}, **page)
    if request.method == "GET":
        if number > state["reached"]:
            return redirect(step_url(state["reached"]))
        if fresh:
            drafts.save(key, state, in_session=True)  # seconds_spent counts from the first page
        return _page(
            survey,
            steps,
            number,
            state["values"],
            remote=state["remote"],
            email=state["email"],
            action=step_url(number),
            **page,
        )

    if request.form.get(HONEYPOT):
        log.warning("survey link %s: honeypot filled, nothing stored", link.id)
        drafts.clear(key)
        return redirect(thanks_url, 303)
    number = min(number, state["reached"])
    _take(state, steps[number - 1], request.form)
    if number == 1:
        state["remote"] = request.form.get("remote") == "1"
    if number == len(steps) and mode != "kiosk":
        state["email"] = request.form.get("email", "").strip()[:EMAIL_MAX]
    if request.form.get("action") == "back" and number > 1:
        drafts.save(key, state)
        return redirect(step_url(number - 1), 303)

    draft = surveys.read_answers(survey, state["values"], remote=state["remote"])
    earlier = {q.code for step in steps[:number] for q in step.questions}
    email = surveys.read_email(state["email"], draft) if number == len(steps) and mode != "kiosk" else None
    first_error = next((c for c in draft.errors if c in earlier or c == "email"), None)
    if first_error is not None:
        drafts.save(key, state)
        at = _step_of(steps, first_error)
        return _page(
            survey,
            steps,
            at,
            state["values"],
            errors={c: m for c, m in draft.errors.items() if _step_of(steps, c) == at},
            remote=state["remote"],
            email=state["email"],
            action=step_url(at),
            status=422,
            **page,
        )
    if number < len(steps):
        state["reached"] = max(state["reached"], number + 1)
        drafts.save(key, state)
        return redirect(step_url(number + 1), 303)

    _store(link, survey, draft, state, email)
    drafts.clear(key)
    return redirect(thanks_url, 303)


def _store(link, survey: Survey, draft, state: dict, email: str | None) -> None:
    device = request.cookies.get(DEVICE_COOKIE, "")[:64]
    response = surveys.store(
        survey,
        draft,
        centre_id=link.centre_id,
        region_id=link.region_id,
        source=state["src"],
        link=link,
        email=email,
        remote=state["remote"],
        device_key=surveys.key_of("device", device) if device else "",
        address_key=surveys.key_of("address", request.remote_addr or ""),
        seconds_spent=max(0, int(_now() - state["started"])),
    )
    response_id = response.id
    try:
        surveys.after_store(response)
    except Exception:  # the answer is committed: a failed check or enqueue must not lose it
        db.session.rollback()
        log.exception("response %s stored; integrity checks or the recalculation request failed", response_id)
    session.pop("_flashes", None)  # a staff notice about the job queue is not for the client


@bp.route("/s/<token>/thanks")
def thanks(token: str):
    link = surveys.link_by_token(token)
    if link is None:
        return render_template("public/invalid.html"), 404
    return render_template("public/thanks.html", survey=link.survey, centre_name=link.centre.name)


@bp.route("/k/<token>/thanks")
def kiosk_thanks(token: str):
    link = surveys.link_by_token(token)
    if link is None:
        return render_template("public/invalid.html"), 404
    return render_template(
        "public/thanks.html",
        survey=link.survey,
        centre_name=link.centre.name,
        next_url=url_for("public.kiosk_reset", token=token),
        return_seconds=KIOSK_THANKS_SECONDS,
    )


@bp.route("/k/<token>/reset")
def kiosk_reset(token: str):
    """Forget the kiosk's unfinished answers and start again (inactivity, «Следующий клиент»)."""
    drafts.clear(f"kiosk:{token}")
    return redirect(url_for("public.kiosk", token=token))


@bp.route("/s/text-size", methods=["POST"])
def text_size():
    """Large text on or off, remembered in a cookie (public.js does the same without a reload)."""
    mode = "kiosk" if request.form.get("mode") == "kiosk" else "link"
    target = request.form.get("next", "")
    if not (target.startswith(("/s/", "/k/")) and "//" not in target and "\\" not in target):
        target = "/"
    response = redirect(target, 303)
    response.set_cookie(
        TEXT_COOKIES[mode],
        "0" if _large_text(mode) else "1",
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


# --- staff preview ---------------------------------------------------------------------------------


@bp.route("/s/preview/<int:survey_id>", methods=["GET", "POST"])
@permission_required("survey.view")
def preview(survey_id: int):
    """The questionnaire exactly as clients see it; a POST checks the step's answers and stores nothing."""
    survey = get_or_404(Survey, survey_id, "survey.view")
    steps = steps_of(survey)
    number = _step_number(steps)
    action = url_for("public.preview", survey_id=survey.id, step=number if number > 1 else None)
    page = dict(preview=True, next_url=None, centre_name=None)
    if request.method == "GET" or not steps:
        return _page(survey, steps, number, {}, action=action, **page)
    if request.form.get("action") == "back" and number > 1:
        return redirect(url_for("public.preview", survey_id=survey.id, step=number - 1 if number > 2 else None), 303)
    state = drafts.new_state("link")
    _take(state, steps[number - 1], request.form)
    remote = request.form.get("remote") == "1"
    email = request.form.get("email", "").strip()[:EMAIL_MAX]
    draft = surveys.read_answers(survey, state["values"], remote=remote)
    if number == len(steps):
        surveys.read_email(email, draft)
    here = {q.code for q in steps[number - 1].questions} | ({"email"} if number == len(steps) else set())
    errors = {c: m for c, m in draft.errors.items() if c in here}
    if not errors:
        page["checked"] = True
        if number < len(steps):
            page["next_url"] = url_for("public.preview", survey_id=survey.id, step=number + 1)
    return _page(
        survey,
        steps,
        number,
        state["values"],
        errors=errors,
        remote=remote,
        email=email,
        action=action,
        status=422 if errors else 200,
        **page,
    )
