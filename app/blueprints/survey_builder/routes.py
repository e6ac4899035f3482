"""The builder of local surveys: the list, a survey's settings and questions, publish, archive, copy.

Every route needs «survey.manage»; a survey of another scope is a 404, a methodology's (federal) one a 403.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.blueprints.htmx import render
from app.blueprints.listing import paginate
from app.blueprints.scopes import scope_choices, scope_of, scope_value
from app.blueprints.survey_builder import bp
from app.blueprints.survey_builder.forms import QuestionForm, SurveyFilters, SurveyForm
from app.extensions import db
from app.models.org import User
from app.models.surveys import SURVEY_CLIENT_TYPES, Question, Survey
from app.services import audit, org
from app.services import survey_builder as builder
from app.services.policy import can, permission_required, scoped

PERMISSION = "survey.manage"
SORTS = {"title": Survey.title, "updated": Survey.updated_at, "created": Survey.id}


def _me() -> User:
    return current_user._get_current_object()


def _survey(survey_id: int) -> Survey:
    """A local survey the user manages; a federal one is 403, a missing or foreign one 404."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    if survey.locked or survey.region_id is None:
        abort(403)
    if not can(current_user, PERMISSION, survey):
        abort(404)
    return survey


def _question(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        abort(404)
    _survey(question.survey_id)
    return question


def _preview_url(survey: Survey) -> str:
    return url_for("public.preview", survey_id=survey.id)


def _back(survey: Survey, question: Question | None = None):
    anchor = f"question-{question.id}" if question is not None else None
    return redirect(url_for("survey_builder.survey", survey_id=survey.id, _anchor=anchor), 303)


# ---- list -----------------------------------------------------------------------------------------


@bp.route("/")
@permission_required(PERMISSION)
def index():
    form = SurveyFilters(formdata=request.args)
    form.validate()
    stmt = builder.local(scoped(select(Survey), Survey, current_user, PERMISSION))
    stmt = builder.search(stmt, form.q.data if not form.q.errors else None)
    if form.status.data and not form.status.errors:
        stmt = stmt.where(Survey.status == form.status.data)
    stmt, sort = org.sort(stmt, SORTS, request.args.get("sort"), "-updated")
    page = paginate(stmt.options(selectinload(Survey.region), selectinload(Survey.centre)))
    args = {k: v for k, v in (("q", form.q.data), ("status", form.status.data)) if v}
    return render(
        "survey_builder/index.html",
        "survey_builder/_list.html",
        page=page,
        form=form,
        sort=sort,
        args=args,
        counts=builder.question_counts(s.id for s in page.items),
        client_types=SURVEY_CLIENT_TYPES,
    )


# ---- a survey's settings --------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:survey_id>/edit", methods=["GET", "POST"])
@permission_required(PERMISSION)
def edit(survey_id: int | None = None):
    survey = _survey(survey_id) if survey_id else None
    if survey is not None and (refusal := builder.edit_refusal(survey)):
        flash(refusal, "warning")
        return _back(survey)
    form = SurveyForm(obj=survey)
    form.scope.choices = scope_choices(current_user, PERMISSION)
    if request.method == "GET" and survey is not None:
        form.scope.data = scope_value(survey)
    if form.validate_on_submit():
        scope = scope_of(form.scope.data)
        if scope is None or not can(current_user, PERMISSION, scope):
            form.scope.errors.append("Выберите регион или центр из списка.")
        else:
            values = {
                "title": form.title.data,
                "client_type": form.client_type.data,
                "intro": form.intro.data,
                "outro": form.outro.data,
                "region_id": scope.region_id,
                "centre_id": scope.centre_id,
            }
            try:
                saved = builder.save_survey(survey, values, _me())
            except builder.BuilderError as error:
                db.session.rollback()
                form.scope.errors.append(str(error))
            else:
                db.session.commit()
                flash("Анкета сохранена." if survey else "Черновик анкеты создан. Добавьте вопросы.", "success")
                return _back(saved)
    status = 422 if request.method == "POST" else 200
    return render_template("survey_builder/survey_form.html", form=form, survey=survey), status


# ---- a survey -------------------------------------------------------------------------------------


def _survey_page(survey: Survey, error: str | None = None, status: int = 200):
    questions = survey.questions
    return (
        render_template(
            "survey_builder/survey.html",
            survey=survey,
            questions=questions,
            presets=builder.PRESETS,
            preset_of=builder.preset_of,
            warnings=builder.warnings(questions),
            problems=builder.problems(questions),
            duration=builder.duration_label(builder.duration_seconds(questions)),
            answers=builder.answer_count(survey),
            results_period=builder.latest_period(survey),
            refusal=builder.edit_refusal(survey),
            preview_url=_preview_url(survey),
            history=audit.history(survey),
            client_types=SURVEY_CLIENT_TYPES,
            error=error,
        ),
        status,
    )


@bp.route("/<int:survey_id>", endpoint="survey")
@permission_required(PERMISSION)
def survey_page(survey_id: int):
    survey = _survey(survey_id)
    db.session.scalars(
        select(Question).where(Question.survey_id == survey.id).options(selectinload(Question.options))
    ).all()
    return _survey_page(survey)


# ---- questions ------------------------------------------------------------------------------------


def _condition_groups(questions, before_position: int | None, picked: list[str]) -> list:
    """[(question, [(«code:value», option text, checked)])] for the condition checkboxes."""
    earlier = builder.earlier_choices(questions, before_position)
    chosen = set(picked or [])
    return [
        (q, [(f"{q.code}:{value}", text, f"{q.code}:{value}" in chosen) for value, text in earlier[q.code].items()])
        for q in questions
        if q.code in earlier
    ]


def _question_form_page(form, survey, question, preset, status=200):
    picked = form.show_if.data or []
    position = question.position if question is not None else None
    return (
        render_template(
            "survey_builder/question_form.html",
            form=form,
            survey=survey,
            question=question,
            preset=builder.PRESETS[preset],
            pair_member=question is not None and bool(question.pair),
            groups=_condition_groups(survey.questions, position, picked),
        ),
        status,
    )


def _apply_errors(form, errors: dict) -> None:
    for name, message in errors.items():
        getattr(form, name, form.text).errors.append(message)


@bp.route("/<int:survey_id>/questions/new", methods=["GET", "POST"])
@permission_required(PERMISSION)
def question_new(survey_id: int):
    survey = _survey(survey_id)
    if refusal := builder.edit_refusal(survey):
        flash(refusal, "warning")
        return _back(survey)
    preset = request.args.get("preset", "")
    if preset not in builder.PRESETS:
        abort(404)
    form = QuestionForm()
    form.preset.data = preset
    if request.method == "GET":
        p = builder.PRESETS[preset]
        form.text.data = p.text
        form.required.data = builder.default_required(preset)
        labels = dict(p.labels)
        if p.ends_editable:
            form.low_label.data, form.high_label.data = labels.get(p.scale[0], ""), labels.get(p.scale[1], "")
        return _question_form_page(form, survey, None, preset)
    if form.validate_on_submit():
        earlier = builder.earlier_choices(survey.questions)
        spec, errors = builder.spec_from(preset, form.data_for_spec(), earlier)
        if spec is not None:
            try:
                made = builder.add_question(survey, spec, _me())
            except builder.BuilderError as error:
                db.session.rollback()
                errors = {"text": str(error)}
            else:
                db.session.commit()
                flash("Вопросы добавлены." if len(made) > 1 else "Вопрос добавлен.", "success")
                return _back(survey, made[0])
        _apply_errors(form, errors)
    return _question_form_page(form, survey, None, preset, 422)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@permission_required(PERMISSION)
def question_edit(question_id: int):
    question = _question(question_id)
    survey = question.survey
    if refusal := builder.edit_refusal(survey):
        flash(refusal, "warning")
        return _back(survey, question)
    current = builder.preset_of(question)
    form = QuestionForm(obj=None if request.method == "POST" else question)
    if request.method == "GET":
        form.preset.data = current
        low, high = question.scale_min, question.scale_max
        form.low_label.data = question.scale_labels.get(str(low), "") if low is not None else ""
        form.high_label.data = question.scale_labels.get(str(high), "") if high is not None else ""
        form.options.data = "\n".join(o.text for o in question.options if not o.free_text)
        form.other.data = any(o.free_text for o in question.options)
        cond = question.show_if or {}
        form.show_if.data = [f"{cond['question']}:{v}" for v in cond.get("values", [])] if cond else []
        return _question_form_page(form, survey, question, current)
    preset = "csi" if question.pair else form.preset.data
    if preset not in builder.EDIT_PRESETS and not question.pair:
        preset = current
        form.preset.errors.append("Выберите тип вопроса из списка.")
    elif form.validate_on_submit():
        chosen = builder.PRESETS[preset]
        if preset != current and chosen.ends_editable and not (form.low_label.data or form.high_label.data):
            labels = dict(chosen.labels)  # the fields of the new kind were not on the page yet
            form.low_label.data, form.high_label.data = labels[chosen.scale[0]], labels[chosen.scale[1]]
        earlier = builder.earlier_choices(survey.questions, question.position)
        spec, errors = builder.spec_from(preset, form.data_for_spec(), earlier, pair_member=bool(question.pair))
        if spec is not None:
            try:
                builder.update_question(question, spec, _me())
            except builder.BuilderError as error:
                db.session.rollback()
                errors = {"preset" if preset != current else "text": str(error)}
            else:
                db.session.commit()
                flash("Вопрос сохранён.", "success")
                return _back(survey, question)
        _apply_errors(form, errors)
    return _question_form_page(form, survey, question, preset, 422)


@bp.route("/questions/<int:question_id>/move", methods=["POST"])
@permission_required(PERMISSION)
def question_move(question_id: int):
    question = _question(question_id)
    survey = question.survey
    direction = request.form.get("direction", "")
    if direction not in ("up", "down"):
        abort(400)
    try:
        moved = builder.move_question(question, direction, _me())
    except builder.BuilderError as error:
        db.session.rollback()
        return _survey_page(survey, error=str(error), status=409)
    db.session.commit()
    if moved:
        flash(f"Вопрос перемещён на место {question.number}.", "success")
    return _back(survey, question)


@bp.route("/questions/<int:question_id>/delete", methods=["GET", "POST"])
@permission_required(PERMISSION)
def question_delete(question_id: int):
    question = _question(question_id)
    survey = question.survey
    doomed = builder.removal_set(question)
    error = builder.edit_refusal(survey) or (builder.ANSWERED if builder.has_answers(survey) else None)
    if request.method == "POST" and error is None:
        try:
            count = builder.delete_question(question, _me())
        except builder.BuilderError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            db.session.commit()
            flash("Вопросы удалены." if count > 1 else "Вопрос удалён.", "success")
            return _back(survey)
    status = 409 if request.method == "POST" else 200
    return render_template(
        "survey_builder/question_delete.html", survey=survey, question=question, doomed=doomed, error=error
    ), status


# ---- publish, archive, copy -----------------------------------------------------------------------


@bp.route("/<int:survey_id>/publish", methods=["GET", "POST"])
@permission_required(PERMISSION)
def publish(survey_id: int):
    survey = _survey(survey_id)
    error = None
    if request.method == "POST":
        try:
            builder.publish(survey, _me())
        except builder.BuilderError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            db.session.commit()
            flash("Анкета опубликована: теперь для неё можно выпускать ссылки и QR-коды.", "success")
            return _back(survey)
    questions = survey.questions
    return render_template(
        "survey_builder/publish.html",
        survey=survey,
        warnings=builder.warnings(questions),
        problems=builder.problems(questions),
        refusal=builder.edit_refusal(survey) or (None if survey.status == "draft" else "Анкета уже опубликована."),
        duration=builder.duration_label(builder.duration_seconds(questions)),
        preview_url=_preview_url(survey),
        error=error,
    ), (409 if error else 200)


@bp.route("/<int:survey_id>/archive", methods=["GET", "POST"])
@permission_required(PERMISSION)
def archive(survey_id: int):
    survey = _survey(survey_id)
    refusal = builder.edit_refusal(survey)
    if request.method == "POST" and refusal is None:
        builder.archive(survey, _me())
        db.session.commit()
        flash("Анкета перенесена в архив: ответы по ней больше не принимаются, собранные сохранены.", "success")
        return _back(survey)
    status = 409 if request.method == "POST" else 200
    return render_template(
        "survey_builder/archive.html", survey=survey, refusal=refusal, answers=builder.answer_count(survey)
    ), status


@bp.route("/<int:survey_id>/copy", methods=["POST"])
@permission_required(PERMISSION)
def copy(survey_id: int):
    survey = _survey(survey_id)
    twin = builder.copy(survey, _me())
    db.session.commit()
    flash("Копия создана как черновик: её можно изменять.", "success")
    return _back(twin)
