"""API v1 for the measurement core: methodology versions, computed indicator values and the index,
questionnaires, and submitting a client's answers through a survey link.

Results are scoped like the results pages: a centre's values to those who see the centre under
results.view, a region's to those who see the region or one of its centres, a network type's to
those who see a region of that type, the federation's to everyone with results.view. Submitting
answers needs response.enter in the link's centre; a foreign or disabled link is a 404.
"""

import hashlib

from flask import current_app, jsonify, request, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.blueprints.api import bp
from app.blueprints.api.inputs import MISSING, boolean, text, whole_number
from app.blueprints.api.inputs import body as read_body
from app.blueprints.api.routes import (
    NOT_FOUND,
    ApiError,
    _caller,
    _choice_arg,
    _page,
    _page_json,
)
from app.extensions import db, limiter
from app.models.indices import NETWORKS, SCOPE_KINDS, IndexValue, IndicatorValue
from app.models.methodology import (
    CLIENT_TYPES,
    LEVELS,
    MEASURED_BY,
    METHODOLOGY_STATUSES,
    SCORING_RULES,
    IndicatorGroup,
    Methodology,
    MethodologyParam,
)
from app.models.org import Centre, Region
from app.models.surveys import QUESTION_KINDS, SURVEY_CLIENT_TYPES, SURVEY_STATUSES, Question, Survey
from app.services import methodology as methodology_service
from app.services import methodology_edit, periods, scoring, surveys
from app.services.policy import can, scope_filter, visibility

RESULT_CLIENT_TYPES = {"all": "Все клиенты", "jobseeker": "Соискатели", "employer": "Работодатели"}
MAX_ANSWERS = 500
LINK_NOT_FOUND = "Ссылка на анкету не найдена, отключена или вне вашей области."
NOT_IN_SURVEY = "Такого вопроса в анкете нет."
BAD_VALUE = "Ожидается значение (строка или число) или список значений."


# ---- methodology ----------------------------------------------------------------------------


def _ref(obj, name: str = "name") -> dict | None:
    return None if obj is None else {"id": obj.id, "name": getattr(obj, name)}


def _param(p: MethodologyParam) -> dict:
    return {
        "key": p.key,
        "label": p.label,
        "value": p.value,
        "defined": p.defined,
        "rationale": p.rationale,
        "source": p.source,
    }


def _version(v: Methodology, in_use: bool) -> dict:
    return {
        "id": v.id,
        "code": v.code,
        "name": v.name,
        "effective_from": v.effective_from.isoformat(),
        "status": v.status,
        "status_label": v.status_label,
        "based_on": _ref(v.based_on),
        "integral_index": v.integral_index,
        "network_split": v.network_split,
        "in_use": in_use,
    }


def _version_detail(v: Methodology, in_use: bool) -> dict:
    params = methodology_edit.params_by_indicator(v)
    groups = []
    for group in v.groups:
        groups.append(
            {
                "id": group.id,
                "code": group.code,
                "name": group.name,
                "weight": group.weight,
                "position": group.position,
                "indicators": [
                    {
                        "id": ind.id,
                        "code": ind.code,
                        "name": ind.name,
                        "client_type": ind.client_type,
                        "client_type_label": CLIENT_TYPES.get(ind.client_type, ind.client_type),
                        "measured_by": ind.measured_by,
                        "measured_by_label": MEASURED_BY.get(ind.measured_by, ind.measured_by),
                        "level": ind.level,
                        "level_label": LEVELS.get(ind.level, ind.level),
                        "scoring_rule": ind.scoring_rule,
                        "scoring_rule_label": SCORING_RULES.get(ind.scoring_rule, ind.scoring_rule),
                        "max_score": ind.max_score,
                        "unit": ind.unit,
                        "weight": ind.weight,
                        "direction": ind.direction,
                        "suspended": ind.suspended,
                        "note": ind.note,
                        "source": ind.source,
                        "params": [_param(p) for p in params.get(ind.id, [])],
                    }
                    for ind in group.indicators
                ],
            }
        )
    return {
        **_version(v, in_use),
        "description": v.description,
        "source": v.source,
        "params": [_param(p) for p in params.get(None, [])],
        "groups": groups,
        "undefined_count": sum(1 for p in v.params if not p.defined),
    }


@bp.get("/methodologies")
def methodology_list():
    """The methodology versions, latest first; drafts only to those who may manage the methodology."""
    user = _caller("methodology.view")
    status = _choice_arg("status", METHODOLOGY_STATUSES)
    stmt = methodology_edit.versions(user, request.args.get("q"), status).options(selectinload(Methodology.based_on))
    page = _page(stmt.order_by(Methodology.effective_from.desc(), Methodology.id.desc()))
    in_use = methodology_edit.in_use_ids(v.id for v in page.items)
    return _page_json(page, [_version(v, v.id in in_use) for v in page.items])


@bp.get("/methodologies/<int:version_id>")
def methodology_detail(version_id: int):
    """One version with its groups, indicators and every parameter (with `defined` and its rationale)."""
    user = _caller("methodology.view")
    version = db.session.get(
        Methodology,
        version_id,
        options=[
            selectinload(Methodology.groups).selectinload(IndicatorGroup.indicators),
            selectinload(Methodology.params),
            selectinload(Methodology.based_on),
        ],
    )
    if version is None or not methodology_edit.visible_to(user, version):
        raise ApiError(404, NOT_FOUND)
    return jsonify(_version_detail(version, methodology_service.in_use(version)))


# ---- results --------------------------------------------------------------------------------


def _scope(user) -> tuple[str, str]:
    """The scope named by scope_kind and scope_key, checked against the caller's results.view; 404 if foreign."""
    kind = request.args.get("scope_kind", "")
    if not kind:
        raise ApiError(400, f"Укажите параметр scope_kind: одно из значений {', '.join(SCOPE_KINDS)}.")
    if kind not in SCOPE_KINDS:
        raise ApiError(400, f"Параметр scope_kind должен быть одним из значений: {', '.join(SCOPE_KINDS)}.")
    key = request.args.get("scope_key", "")
    vis = visibility(user, "results.view")
    if kind == "federation":
        if key not in ("", "all"):
            raise ApiError(400, "Для scope_kind=federation параметр scope_key — all или пусто.")
        return kind, "all"
    if kind == "network":
        if key not in NETWORKS:
            raise ApiError(400, f"Для scope_kind=network параметр scope_key — одно из значений: {', '.join(NETWORKS)}.")
        if not vis.everything:
            seen = _regions_seen(vis)
            types = set(db.session.scalars(select(Region.network_type).where(Region.id.in_(seen)))) if seen else set()
            if key not in types:
                raise ApiError(404, NOT_FOUND)
        return kind, key
    if not (key.isascii() and key.isdigit() and 0 < int(key) < 2**31):
        raise ApiError(400, f"Для scope_kind={kind} параметр scope_key — идентификатор (целое положительное число).")
    if kind == "centre":
        centre = db.session.get(Centre, int(key))
        if centre is None or not vis.covers(centre.region_id, centre.id):
            raise ApiError(404, NOT_FOUND)
    else:
        region = db.session.get(Region, int(key))
        if region is None or not (vis.everything or region.id in _regions_seen(vis)):
            raise ApiError(404, NOT_FOUND)
    return kind, str(int(key))


def _regions_seen(vis) -> set[int]:
    """Regions whose aggregate the caller may read: those they cover, and those of the centres they see."""
    regions = vis.region_ids | vis.region_own_ids
    if vis.centre_ids:
        regions |= set(db.session.scalars(select(Centre.region_id).where(Centre.id.in_(vis.centre_ids))))
    return regions


def _period(kind: str, key: str) -> str:
    """The period asked for, or the latest one with values for the scope (this quarter if none)."""
    raw = request.args.get("period", "")
    if raw:
        if periods.parse(raw) is None:
            raise ApiError(400, "Параметр period должен быть кварталом в формате ГГГГ-Qn, например 2026-Q4.")
        return raw
    latest = db.session.scalar(
        select(func.max(IndicatorValue.period)).where(
            IndicatorValue.scope_kind == kind, IndicatorValue.scope_key == key
        )
    )
    return latest or periods.period_of()


def _results_query():
    """Scope, period, client type and the version in force for the period, from the query string."""
    user = _caller("results.view")
    kind, key = _scope(user)
    period = _period(kind, key)
    client_type = _choice_arg("client_type", RESULT_CLIENT_TYPES) or "all"
    version = methodology_service.for_period(period)
    return kind, key, period, client_type, version


def _head(kind, key, period, client_type, version) -> dict:
    params = methodology_service.params_of(version) if version else {}
    return {
        "scope_kind": kind,
        "scope_key": key,
        "period": period,
        "period_label": periods.label(period),
        "client_type": client_type,
        "methodology": _ref(version),
        "caveats": [p.caveat for (ind, _), p in params.items() if ind is None and not p.defined],
    }


@bp.get("/indicator-values")
def indicator_values():
    """The computed indicator values of one scope, period and client type under the version in force."""
    kind, key, period, client_type, version = _results_query()
    body = _head(kind, key, period, client_type, version)
    items = []
    if version is not None:
        params = methodology_service.params_of(version)
        rows = db.session.scalars(
            select(IndicatorValue)
            .where(
                IndicatorValue.methodology_id == version.id,
                IndicatorValue.scope_kind == kind,
                IndicatorValue.scope_key == key,
                IndicatorValue.period == period,
                IndicatorValue.client_type == client_type,
            )
            .options(selectinload(IndicatorValue.indicator))
        ).all()
        by_indicator = {}
        for row in rows:
            by_indicator.setdefault(row.indicator_id, []).append(row)
        for ind in version.indicators:
            for row in by_indicator.get(ind.id, []):
                items.append(
                    {
                        "indicator": {"id": ind.id, "code": ind.code, "name": ind.name},
                        "measure": row.measure,
                        "value": row.value,
                        "value_label": scoring.percent_label(row.value)
                        if row.measure == "survey"
                        else scoring.points_label(row.value, ind.max_score or 0),
                        "numerator": row.numerator,
                        "denominator": row.denominator,
                        "inputs": row.inputs,
                        "computed_at": row.computed_at.isoformat(),
                        "caveats": [
                            p.caveat for (ind_id, _), p in params.items() if ind_id == ind.id and not p.defined
                        ],
                    }
                )
        body["missing"] = [ind.code for ind in version.indicators if ind.id not in by_indicator and not ind.suspended]
    else:
        body["missing"] = []
    body["items"] = items
    return jsonify(body)


@bp.get("/index")
def index_value():
    """The client-centricity index of one scope, period and client type: level (0–100) and its relative change."""
    kind, key, period, client_type, version = _results_query()
    body = _head(kind, key, period, client_type, version)
    row = None
    if version is not None and version.integral_index:
        row = db.session.scalar(
            select(IndexValue).where(
                IndexValue.methodology_id == version.id,
                IndexValue.scope_kind == kind,
                IndexValue.scope_key == key,
                IndexValue.period == period,
                IndexValue.client_type == client_type,
            )
        )
    note = ""
    if version is None:
        note = "Для этого периода нет действующей версии методики."
    elif not version.integral_index:
        note = f"В версии методики «{version.name}» интегральный индекс не рассчитывается и рейтинг не составляется."
    elif row is None or row.level is None:
        note = scoring.NO_DATA
    body.update(
        integral_index=bool(version and version.integral_index),
        level=row.level if row else None,
        change=row.change if row else None,
        previous_period=periods.previous(period),
        missing=list(row.missing or []) if row else [],
        inputs=row.inputs if row else 0,
        computed_at=row.computed_at.isoformat() if row else None,
        note=note,
    )
    return jsonify(body)


# ---- surveys --------------------------------------------------------------------------------


def _visible_surveys(user):
    """Surveys in the caller's survey.view scope, and the federal questionnaires (every collector reads them)."""
    clause = scope_filter(Survey, user, "survey.view")
    stmt = select(Survey)
    return stmt if clause is None else stmt.where(or_(clause, Survey.region_id.is_(None)))


def _survey(s: Survey) -> dict:
    return {
        "id": s.id,
        "code": s.code,
        "title": s.title,
        "client_type": s.client_type,
        "client_type_label": SURVEY_CLIENT_TYPES.get(s.client_type, s.client_type),
        "status": s.status,
        "status_label": s.status_label,
        "locked": s.locked,
        "methodology": _ref(s.methodology),
        "region": _ref(s.region),
        "centre": _ref(s.centre),
    }


def _question(q: Question) -> dict:
    return {
        "id": q.id,
        "code": q.code,
        "number": q.number,
        "position": q.position,
        "section": q.section,
        "text": q.text,
        "kind": q.kind,
        "kind_label": QUESTION_KINDS.get(q.kind, q.kind),
        "required": q.required,
        "help_text": q.help_text,
        "scale_min": q.scale_min,
        "scale_max": q.scale_max,
        "scale_labels": q.scale_labels or {},
        "show_if": q.show_if,
        "in_office_only": q.in_office_only,
        "indicator_code": q.indicator_code,
        "wording": q.wording,
        "options": [
            {"value": o.value, "text": o.text, "points": o.points, "free_text": o.free_text} for o in q.options
        ],
    }


@bp.get("/surveys")
def survey_list():
    user = _caller("survey.view")
    stmt = _visible_surveys(user)
    status = _choice_arg("status", SURVEY_STATUSES)
    client_type = _choice_arg("client_type", SURVEY_CLIENT_TYPES)
    if status is not None:
        stmt = stmt.where(Survey.status == status)
    if client_type is not None:
        stmt = stmt.where(Survey.client_type == client_type)
    stmt = stmt.options(selectinload(Survey.methodology), selectinload(Survey.region), selectinload(Survey.centre))
    page = _page(stmt.order_by(Survey.region_id.is_not(None), Survey.title, Survey.id))
    return _page_json(page, [_survey(s) for s in page.items])


@bp.get("/surveys/<int:survey_id>")
def survey_detail(survey_id: int):
    """A questionnaire with its questions, options and the conditions that show a question."""
    user = _caller("survey.view")
    survey = db.session.get(Survey, survey_id)
    if survey is None or not can(user, "survey.view", survey):
        raise ApiError(404, NOT_FOUND)
    questions = db.session.scalars(
        select(Question)
        .where(Question.survey_id == survey.id)
        .order_by(Question.position)
        .options(selectinload(Question.options))
    ).all()
    return jsonify(
        {
            **_survey(survey),
            "intro": survey.intro,
            "outro": survey.outro,
            "questions": [_question(q) for q in questions],
        }
    )


# ---- submitting answers ---------------------------------------------------------------------


def _token_key() -> str:
    """Rate-limit key of one API token (hashed: the secret never goes to Redis)."""
    token = request.headers.get("Authorization", "")
    return "api-responses:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def _address_key() -> str:
    return f"api-responses-address:{request.remote_addr}"


def _form(survey: Survey, answers, other) -> tuple[dict, dict]:
    """The body's answers as the form `surveys.read_answers` reads, and the errors of their shape."""
    codes = {q.code: q for q in survey.questions}
    form, errors = {}, {}
    for code, value in answers.items():
        if code not in codes:
            errors[code] = NOT_IN_SURVEY
            continue
        values = value if isinstance(value, list) else [value]
        if not values and isinstance(value, list):
            continue
        if any(isinstance(v, bool) or not isinstance(v, str | int | float) for v in values) or len(values) > 100:
            errors[code] = BAD_VALUE
            continue
        form[surveys.field_name(codes[code])] = [v if isinstance(v, str) else _number_text(v) for v in values]
    for code, value in other.items():
        if code not in codes:
            errors[code] = NOT_IN_SURVEY
        elif not isinstance(value, str):
            errors[code] = "Пояснение к варианту «другое» — строка."
        else:
            form[surveys.other_field_name(codes[code])] = [value]
    return form, errors


def _number_text(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@bp.post("/surveys/responses")
@limiter.limit(lambda: current_app.config["API_RESPONSE_RATE_LIMIT"], key_func=_token_key)
@limiter.limit(
    lambda: current_app.config["API_RESPONSE_ADDRESS_RATE_LIMIT"],
    key_func=_address_key,
)
def response_create():
    """A client's answers through a survey link: checked like the public form, stored (source «api»),
    then checked for anomalies and queued for recalculation."""
    user = _caller("response.enter")
    data = read_body({"token", "answers", "other", "remote", "email", "seconds_spent", "device"})
    token = text(data, "token", 100, required=True, blank=False)
    answers = data.get("answers", MISSING)
    if not isinstance(answers, dict):
        raise ApiError(400, "Поле answers: объект {код вопроса: значение или список значений}.", "answers")
    if len(answers) > MAX_ANSWERS:
        raise ApiError(400, f"Поле answers: не больше {MAX_ANSWERS} ответов.", "answers")
    other = data.get("other") or {}
    if not isinstance(other, dict):
        raise ApiError(400, "Поле other: объект {код вопроса: пояснение к варианту «другое»}.", "other")
    remote = boolean(data, "remote")
    remote = False if remote is MISSING else remote
    seconds = whole_number(data, "seconds_spent", 0, 86_400)
    email = text(data, "email", 254)
    device = text(data, "device", 200)
    link = surveys.link_by_token(token)
    if link is None or not can(user, "response.enter", link):
        raise ApiError(404, LINK_NOT_FOUND)
    survey = link.survey
    form, errors = _form(survey, answers, other)
    draft = surveys.read_answers(survey, form, remote=remote)
    email_value = surveys.read_email("" if email is MISSING else email, draft)
    draft.errors.update(errors)
    if draft.errors:
        db.session.rollback()
        return jsonify(error="Анкета заполнена с ошибками: ничего не сохранено.", errors=draft.errors), 422
    response = surveys.store(
        survey,
        draft,
        centre_id=link.centre_id,
        region_id=link.region_id,
        source="api",
        link=link,
        email=email_value,
        remote=remote,
        entered_by=user,
        device_key=surveys.key_of("device", device) if device not in (MISSING, "") else "",
        seconds_spent=None if seconds is MISSING else seconds,
    )
    try:
        surveys.after_store(response)
    except Exception:  # the answer is committed; the nightly recalculation catches up
        db.session.rollback()
        current_app.logger.exception("after_store failed for response %s", response.id)
    body = {"id": response.id, "status": response.status, "period": response.period, "flags": list(response.flags)}
    return jsonify(body), 201, {"Location": url_for("api.survey_detail", survey_id=survey.id)}
