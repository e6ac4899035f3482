"""Collecting answers, staff pages: questionnaires, public links and QR codes, touch points, paper and oral
entry, quotas with live counters, and the review of quarantined responses."""

import logging
from datetime import date

from flask import Response as HttpResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.blueprints.htmx import render
from app.blueprints.listing import arg_id, paginate
from app.blueprints.surveys import bp
from app.blueprints.surveys.forms import (
    ENTRY_SOURCES,
    QUOTA_CLIENT_TYPES,
    DecisionForm,
    EntryForm,
    LinkForm,
    PeriodFilter,
    QuotaForm,
    ReviewFilters,
    SurveyFilters,
    TouchPointForm,
)
from app.extensions import db
from app.forms import choices
from app.models.base import FIRST_YEAR, LAST_YEAR, utcnow
from app.models.journeys import TouchPoint
from app.models.org import Centre, User
from app.models.surveys import QUESTION_KINDS, SURVEY_CLIENT_TYPES, WORDINGS, Question, Response, Survey, SurveyLink
from app.services import collection, integrity, org, periods, qr, surveys
from app.services.policy import Scope, can, get_or_404, permission_required, scoped

log = logging.getLogger(__name__)

SURVEY_SORTS = {"title": Survey.title, "created": Survey.id, "status": Survey.status}


def _me() -> User:
    return current_user._get_current_object()


def public_url(endpoint: str, token: str, **values) -> str:
    """The absolute URL a client opens (a QR code carries it)."""
    return url_for(endpoint, token=token, _external=True, **values)


@bp.context_processor
def _helpers():
    return {
        "scope_label": collection.scope_label,
        "kind_label": lambda kind: QUESTION_KINDS.get(kind, kind),
        "wording_label": lambda code: WORDINGS.get(code, code),
        "client_type_label": lambda code: SURVEY_CLIENT_TYPES.get(code, code),
        "period_label": periods.label,
        "flag_labels": collection.flag_labels,
        "now": utcnow,
    }


def _centre(permission: str, centre_id) -> Centre | None:
    """A centre where the current user holds `permission`, or None."""
    centre = db.session.get(Centre, centre_id) if isinstance(centre_id, int) else None
    if centre is None or not can(current_user, permission, Scope(centre.region_id, centre.id)):
        return None
    return centre


def _touch_point_of(centre: Centre | None, raw) -> tuple[TouchPoint | None, str | None]:
    """The active touch point a form names for `centre` (none is fine), or an error message."""
    if not raw:
        return None, None
    point = db.session.get(TouchPoint, int(raw)) if str(raw).isdigit() and len(str(raw)) < 10 else None
    if point is None or centre is None or point.centre_id != centre.id or not point.active:
        return None, "Выберите точку контакта выбранного центра."
    return point, None


def _touch_point_choices(points) -> list:
    return choices([("", "— без точки контакта —")] + [(str(p.id), f"{p.centre.name} — {p.name}") for p in points])


# ---- questionnaires ---------------------------------------------------------------------------------


@bp.route("/")
@permission_required("survey.view")
def index():
    form = SurveyFilters(formdata=request.args)
    form.validate()
    stmt = collection.visible_surveys(current_user)
    stmt = collection.search_title(stmt, form.q.data if not form.q.errors else None)
    if form.client_type.data and not form.client_type.errors:
        stmt = stmt.where(Survey.client_type == form.client_type.data)
    if form.status.data and not form.status.errors:
        stmt = stmt.where(Survey.status == form.status.data)
    stmt, sort = org.sort(stmt, SURVEY_SORTS, request.args.get("sort"), "title")
    page = paginate(
        stmt.options(selectinload(Survey.methodology), selectinload(Survey.region), selectinload(Survey.centre))
    )
    ids = [s.id for s in page.items]
    counts = dict(
        db.session.execute(
            select(Question.survey_id, func.count()).where(Question.survey_id.in_(ids)).group_by(Question.survey_id)
        ).all()
    )
    args = {k: v for k in ("q", "client_type", "status") if (v := getattr(form, k).data)}
    return render(
        "surveys/index.html",
        "surveys/_list.html",
        page=page,
        form=form,
        sort=sort,
        args=args,
        counts=counts,
        manage=can(current_user, "survey.manage"),
    )


@bp.route("/<int:survey_id>")
@permission_required("survey.view")
def detail(survey_id: int):
    survey = get_or_404(Survey, survey_id, "survey.view")
    by_code = {q.code: q for q in survey.questions}
    questions = [(q, collection.condition_label(q, by_code)) for q in survey.questions]
    return render_template(
        "surveys/detail.html",
        survey=survey,
        questions=questions,
        manage=can(current_user, "survey.manage"),
        enter=can(current_user, "response.enter") and survey.status == "published",
    )


# ---- links and QR codes -----------------------------------------------------------------------------


def _link_or_404(link_id: int) -> SurveyLink:
    return get_or_404(SurveyLink, link_id, "survey.manage")


@bp.route("/<int:survey_id>/links", methods=["GET", "POST"])
@permission_required("survey.manage")
def links(survey_id: int):
    survey = get_or_404(Survey, survey_id, "survey.view")
    centres = [c for c in collection.centres_for(current_user, "survey.manage") if collection.fits(survey, c)]
    form = LinkForm()
    form.centre.choices = choices((c.id, c.name) for c in centres)
    points = [p for p in collection.touch_points_for(current_user, "survey.manage") if p.centre_id]
    form.touch_point.choices = _touch_point_choices(points)
    status = 200
    if request.method == "POST":
        valid = form.validate_on_submit()
        centre = _centre("survey.manage", form.centre.data)
        if centre is None or not collection.fits(survey, centre):
            form.centre.errors = ["Выберите центр из списка."]
        point, problem = _touch_point_of(centre, form.touch_point.data)
        if problem:
            form.touch_point.errors = [*form.touch_point.errors, problem]
        if survey.status == "archived":
            form.centre.errors = [*form.centre.errors, "Анкета в архиве: новые ссылки на неё не создаются."]
        if valid and not form.centre.errors and not form.touch_point.errors:
            link = collection.create_link(survey, centre, point, _me(), kiosk=form.kiosk.data)
            db.session.commit()
            flash("Ссылка создана. Скачайте QR-код или распечатайте плакат.", "success")
            return redirect(url_for("surveys.links", survey_id=survey.id, _anchor=f"link-{link.id}"), 303)
        status = 400
    stmt = (
        scoped(select(SurveyLink), SurveyLink, current_user, "survey.manage")
        .where(SurveyLink.survey_id == survey.id)
        .order_by(SurveyLink.active.desc(), SurveyLink.id.desc())
        .options(selectinload(SurveyLink.centre), selectinload(SurveyLink.touch_point))
    )
    page = paginate(stmt)
    urls = {
        link.id: (
            public_url("public.survey", link.token),
            public_url("public.kiosk", link.token) if link.kiosk else None,
        )
        for link in page.items
    }
    return (
        render_template(
            "surveys/links.html",
            survey=survey,
            form=form,
            page=page,
            urls=urls,
            answers=collection.answers_by_link([link.id for link in page.items]),
            can_create=bool(centres),
        ),
        status,
    )


@bp.route("/links/<int:link_id>/qr", endpoint="qr")
@permission_required("survey.manage")
def qr_code(link_id: int):
    link = _link_or_404(link_id)
    url = public_url("public.survey", link.token, src="qr")
    kind = request.args.get("format", "png")
    if kind == "svg":
        body, mimetype = qr.svg_text(url, title="QR-код анкеты"), "image/svg+xml"
    elif kind == "png":
        body, mimetype = qr.png_bytes(url), "image/png"
    else:
        abort(404)
    response = HttpResponse(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="qr-{link.id}.{kind}"'
    return response


@bp.route("/links/<int:link_id>/poster")
@permission_required("survey.manage")
def poster(link_id: int):
    link = _link_or_404(link_id)
    url = public_url("public.survey", link.token, src="qr")
    return render_template(
        "surveys/poster.html",
        link=link,
        svg=qr.svg_text(url, title="QR-код: анкета об обслуживании", inline=True),
        short_url=public_url("public.survey", link.token),
    )


@bp.route("/poster.css")
@login_required
def poster_css():
    """The poster's print rules (@page A5): served here because the CSP forbids inline styles."""
    response = HttpResponse(render_template("surveys/poster.css"), mimetype="text/css")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/links/<int:link_id>/active", methods=["GET", "POST"])
@permission_required("survey.manage")
def link_active(link_id: int):
    link = _link_or_404(link_id)
    if request.method == "POST":  # the confirmation page posted (CSRF is checked for every POST)
        active = request.form.get("active") == "1"
        collection.set_link_active(link, active, _me())
        db.session.commit()
        flash("Ссылка снова работает." if active else "Ссылка отключена: по ней и по её QR-коду анкета не откроется.")
        return redirect(url_for("surveys.links", survey_id=link.survey_id, _anchor=f"link-{link.id}"), 303)
    return render_template("surveys/link_active.html", link=link, survey=link.survey)


# ---- touch points -----------------------------------------------------------------------------------


@bp.route("/touch-points")
@permission_required("survey.manage")
def touch_points():
    q = (request.args.get("q") or "").strip()[:200]
    centre_id = arg_id("centre")
    stmt = scoped(select(TouchPoint), TouchPoint, current_user, "survey.manage").where(
        TouchPoint.centre_id.is_not(None)
    )
    for word in q.split():
        variants = {word, word.lower(), word.capitalize()}
        stmt = stmt.where(or_(*(TouchPoint.name.contains(v, autoescape=True) for v in variants)))
    if centre_id:
        stmt = stmt.where(TouchPoint.centre_id == centre_id)
    stmt = stmt.join(Centre, Centre.id == TouchPoint.centre_id).order_by(
        TouchPoint.active.desc(), Centre.name, TouchPoint.name
    )
    page = paginate(stmt.options(selectinload(TouchPoint.centre)))
    args = {k: v for k, v in (("q", q), ("centre", centre_id)) if v}
    return render(
        "surveys/touch_points.html",
        "surveys/_touch_points.html",
        page=page,
        q=q,
        centre_id=centre_id,
        centres=collection.centres_for(current_user, "survey.manage"),
        args=args,
    )


@bp.route("/touch-points/new", methods=["GET", "POST"])
@bp.route("/touch-points/<int:point_id>/edit", methods=["GET", "POST"])
@permission_required("survey.manage")
def touch_point_edit(point_id: int | None = None):
    point = get_or_404(TouchPoint, point_id, "survey.manage") if point_id else None
    form = TouchPointForm(obj=point)
    form.centre.choices = choices((c.id, c.name) for c in collection.centres_for(current_user, "survey.manage"))
    if request.method == "GET":
        form.centre.data = point.centre_id if point else arg_id("centre")
    status = 200
    if request.method == "POST":
        valid = form.validate_on_submit()
        centre = _centre("survey.manage", form.centre.data)
        if centre is None:
            form.centre.errors = ["Выберите центр из списка."]
        if valid and centre is not None:
            values = {
                "name": form.name.data,
                "channel": form.channel.data,
                "description": form.description.data,
                "centre_id": centre.id,
            }
            collection.save_touch_point(point, values, _me())
            db.session.commit()
            flash("Точка контакта сохранена.", "success")
            return redirect(url_for("surveys.touch_points"), 303)
        status = 400
    return render_template("surveys/touch_point_form.html", form=form, point=point), status


@bp.route("/touch-points/<int:point_id>/active", methods=["GET", "POST"])
@permission_required("survey.manage")
def touch_point_active(point_id: int):
    point = get_or_404(TouchPoint, point_id, "survey.manage")
    if request.method == "POST":
        active = request.form.get("active") == "1"
        collection.set_touch_point_active(point, active, _me())
        db.session.commit()
        flash(f"Точка контакта «{point.name}» " + ("снова действует." if active else "выведена из работы."))
        return redirect(url_for("surveys.touch_points"), 303)
    links_count = db.session.scalar(
        select(func.count()).select_from(SurveyLink).where(SurveyLink.touch_point_id == point.id, SurveyLink.active)
    )
    return render_template("surveys/touch_point_active.html", point=point, links_count=links_count)


# ---- paper and oral answers -------------------------------------------------------------------------


def _enterable_surveys() -> list[Survey]:
    stmt = collection.visible_surveys(current_user).where(Survey.status == "published").order_by(Survey.title)
    return list(db.session.scalars(stmt.options(selectinload(Survey.methodology))))


def _answer_values(survey: Survey, form) -> dict:
    """What the form carried, per question code, to show again after an error."""
    values = {}
    for question in survey.questions:
        given = [v for v in form.getlist(surveys.field_name(question)) if v]
        if given:
            values[question.code] = given
        other = form.get(surveys.other_field_name(question), "")
        if other:
            values[f"{question.code}:other"] = other  # the key public/_questions.html reads
    return values


@bp.route("/enter", methods=["GET", "POST"])
@permission_required("response.enter")
def enter():
    available = _enterable_surveys()
    survey_id = arg_id("survey")
    if survey_id is None:
        return render_template("surveys/enter_pick.html", surveys=available)
    survey = next((s for s in available if s.id == survey_id), None)
    if survey is None:
        abort(404)
    centres = [c for c in collection.centres_for(current_user, "response.enter") if collection.fits(survey, c)]
    points = [p for p in collection.touch_points_for(current_user, "response.enter") if p.centre_id]
    form = EntryForm()
    form.centre.choices = choices((c.id, c.name) for c in centres)
    form.touch_point.choices = _touch_point_choices(points)
    values, errors, status = {}, {}, 200
    if request.method == "GET":
        form.centre.data = arg_id("centre") or (centres[0].id if len(centres) == 1 else None)
        form.touch_point.data = str(arg_id("touch_point") or "")
        form.source.data = request.args.get("source") if request.args.get("source") in ENTRY_SOURCES else "paper"
        form.answered_on.data = _date_arg("answered_on")
        form.remote.data = request.args.get("remote") == "1"
    else:
        valid = form.validate_on_submit()
        centre = _centre("response.enter", form.centre.data)
        if centre is None or not collection.fits(survey, centre):
            form.centre.errors = ["Выберите центр из списка."]
        point, problem = _touch_point_of(centre, form.touch_point.data)
        if problem:
            form.touch_point.errors = [*form.touch_point.errors, problem]
        if not form.answered_on.errors and (problem := collection.answer_date_problem(form.answered_on.data)):
            form.answered_on.errors = [*form.answered_on.errors, problem]
        draft = surveys.read_answers(survey, request.form, remote=bool(form.remote.data))
        header_ok = valid and not (form.centre.errors or form.touch_point.errors or form.answered_on.errors)
        if header_ok and not draft.errors:
            response = surveys.store(
                survey,
                draft,
                centre_id=centre.id,
                region_id=centre.region_id,
                source=form.source.data,
                touch_point_id=point.id if point else None,
                remote=bool(form.remote.data),
                entered_by=_me(),
                period=periods.period_of(form.answered_on.data),
            )  # committed: the answer is safe whatever happens next
            try:
                surveys.after_store(response)
            except Exception:
                db.session.rollback()
                log.exception("after_store failed for response %s; the nightly run will catch up", response.id)
            flash(f"Анкета сохранена (№ {response.id}). Можно вносить следующую.", "success")
            keep = {
                "survey": survey.id,
                "centre": centre.id,
                "touch_point": point.id if point else None,
                "source": form.source.data,
                "answered_on": form.answered_on.data.isoformat(),
                "remote": "1" if form.remote.data else None,
            }
            return redirect(url_for("surveys.enter", **{k: v for k, v in keep.items() if v}), 303)
        values, errors, status = _answer_values(survey, request.form), draft.errors, 400
    return (
        render_template(
            "surveys/enter.html",
            survey=survey,
            form=form,
            values=values,
            errors=errors,
            remote=bool(form.remote.data),
            earliest=collection.earliest_answer_date(),
        ),
        status,
    )


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


# ---- quotas -----------------------------------------------------------------------------------------


@bp.route("/quotas", methods=["GET", "POST"])
@permission_required("survey.view")
def quotas():
    centres = collection.centres_for(current_user, "survey.view")
    current = periods.period_of()
    period = request.args.get("period") or current
    period_problem = None
    parsed = periods.parse(period)
    if parsed is None or not FIRST_YEAR <= parsed[0] <= LAST_YEAR:
        period, period_problem = current, "Период указан неверно — показан текущий квартал."
    filters = PeriodFilter(formdata=None)
    filters.period.choices = choices(collection.period_choices(current, period))
    filters.period.data = period
    filters.centre.choices = choices([(0, "Все центры")] + [(c.id, c.name) for c in centres])
    centre_id = arg_id("centre") or (centres[0].id if len(centres) == 1 else None)
    filters.centre.data = centre_id or 0
    defaults = collection.quota_defaults(period)
    context = {"filters": filters, "period": period, "period_problem": period_problem, "defaults": defaults}
    if centre_id is None:
        return render("surveys/quotas.html", "surveys/_counters.html", centre=None, **context, **_overview(period))
    centre = next((c for c in centres if c.id == centre_id), None)
    if centre is None:
        abort(404)
    manage = can(current_user, "survey.manage", Scope(centre.region_id, centre.id))
    form = QuotaForm()
    status = 200
    if request.method == "POST":
        if not manage:
            abort(403)
        if form.validate_on_submit():
            collection.set_quota(centre, period, form.client_type.data, form.target.data, _me())
            db.session.commit()
            flash(
                f"Квота установлена: {QUOTA_CLIENT_TYPES[form.client_type.data].lower()} — {form.target.data} "
                f"анкет за {periods.label(period)}.",
                "success",
            )
            return redirect(url_for("surveys.quotas", centre=centre.id, period=period), 303)
        status = 400
    progress = surveys.quota_progress([centre.id], period, defaults.targets)[centre.id]
    return (
        render(
            "surveys/quotas.html",
            "surveys/_counters.html",
            centre=centre,
            form=form,
            manage=manage,
            progress=progress,
            own=collection.own_quotas(centre.id, period),
            days=collection.daily_counts(centre.id, period),
            sources=collection.source_counts(centre.id, period),
            **context,
        ),
        status,
    )


def _overview(period: str) -> dict:
    """Every centre in scope, a page at a time, with its progress per client type."""
    stmt = scoped(select(Centre), Centre, current_user, "survey.view").order_by(Centre.name)
    page = paginate(stmt)
    defaults = collection.quota_defaults(period).targets
    progress = surveys.quota_progress([c.id for c in page.items], period, defaults)
    rows = [(c, progress[c.id]) for c in page.items]
    return {"page": page, "rows": rows}


# ---- review of quarantined responses ----------------------------------------------------------------


@bp.route("/review")
@permission_required("response.review")
def review():
    form = ReviewFilters(formdata=request.args)
    centres = collection.centres_for(current_user, "response.review")
    form.centre.choices = choices([("", "Все")] + [(str(c.id), c.name) for c in centres])
    form.validate()
    status = form.status.data if not form.status.errors else "quarantined"
    centre_id = arg_id("centre")
    flag = form.flag.data if not form.flag.errors else None
    stmt = collection.review_stmt(current_user, status, centre_id, flag or None)
    page = paginate(
        stmt.options(selectinload(Response.centre), selectinload(Response.survey), selectinload(Response.entered_by))
    )
    args = {k: v for k, v in (("status", status), ("centre", centre_id), ("flag", flag)) if v}
    return render("surveys/review.html", "surveys/_review_list.html", page=page, form=form, status=status, args=args)


@bp.route("/review/<int:response_id>", methods=["GET", "POST"], endpoint="response")
@permission_required("response.review")
def response_page(response_id: int):
    answer = get_or_404(Response, response_id, "response.review")
    form = DecisionForm()
    status = 200
    if request.method == "POST":
        if problem := integrity.review_problem(answer, current_user):
            flash(problem, "warning")
            return redirect(url_for("surveys.response", response_id=answer.id), 303)
        if form.validate_on_submit():
            if form.confirmed.data != "1":
                return render_template(
                    "surveys/review_confirm.html", answer=answer, form=form, accept=form.decision.data == "accepted"
                )
            try:
                _decide(answer, form.decision.data, form.note.data)
            except integrity.ReviewError as error:
                db.session.rollback()
                flash(str(error), "warning")
                return redirect(url_for("surveys.response", response_id=answer.id), 303)
            word = "учтён" if form.decision.data == "accepted" else "отклонён"
            flash(f"Ответ № {answer.id} {word}.", "success")
            return redirect(url_for("surveys.review"), 303)
        status = 400
    return (
        render_template(
            "surveys/response.html",
            answer=answer,
            form=form,
            rows=collection.answer_rows(answer),
            similar=collection.similar(answer),
        ),
        status,
    )


def _decide(answer: Response, decision: str, note: str) -> None:
    """Record the decision; the centre-period's recalculation is enqueued when it commits."""
    integrity.review(answer, decision, note=note, actor=_me())
    db.session.commit()
