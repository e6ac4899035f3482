"""API v1, measurement core: methodology versions, indicator values and the index within the caller's
results scope, questionnaires, and answers submitted through a survey link (422, 201, rate limit)."""

import pytest
from sqlalchemy import func, select

from app.blueprints.api.openapi import BASE
from app.extensions import db
from app.models.indices import RecalcRequest
from app.models.methodology import Methodology
from app.models.surveys import Question, Response, Survey
from app.services import indices, integrity, methodology, surveys
from tests.api_helpers import NOT_FOUND, bearer, get, quick_passwords  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("quick_passwords")  # these tests authenticate by token only

PERIOD = "2026-Q4"


@pytest.fixture
def w(make):
    methodology.install_templates()
    surveys.install_templates()
    region = make.region("Нижегородская область", network_type="centralised")
    centre = make.centre(region, name="ЦЗН Павлово")
    sibling = make.centre(region, name="ЦЗН Богородск")
    other_region = make.region("Брянская область", network_type="decentralised")
    foreign = make.centre(other_region, name="ЦЗН Брянск")
    local = Survey(title="Местная анкета Брянска", region_id=other_region.id, centre_id=foreign.id, status="published")
    local.questions.append(Question(position=1, code="x1", text="Как вам?", kind="text"))
    db.session.add(local)
    people = {
        "coordinator": make.user(("federal_coordinator", None)),
        "collector": make.user(("responsible_employee", centre), centre=centre),
        "employee": make.user(("employee", centre), centre=centre),
        "stranger": make.user(("responsible_employee", foreign), centre=foreign),
        "nobody": make.user(),
    }
    db.session.commit()
    jobseeker = db.session.scalar(select(Survey).where(Survey.code == "fcc-jobseeker"))
    return {
        **people,
        "region": region,
        "centre": centre,
        "sibling": sibling,
        "other_region": other_region,
        "foreign": foreign,
        "local": local,
        "jobseeker": jobseeker,
        "post": db.session.scalar(select(Methodology).where(Methodology.code == "post-pilot")),
        "pilot": db.session.scalar(select(Methodology).where(Methodology.code == "pilot-2022")),
    }


def answers(survey: Survey, rating: int) -> dict:
    """A complete job-seeker answer set keyed by question code, as the API takes it."""
    body = {}
    for question in survey.questions:
        if question.kind == "scale":
            body[question.code] = rating
        elif question.kind in ("yes_no", "single") and question.required:
            body[question.code] = question.options[0].value
        elif question.kind == "multiple" and question.required:
            body[question.code] = [question.options[0].value]
    return body


def _seed_values(w):
    """Three answers at the centre and one at the foreign centre, recalculated."""
    survey = w["jobseeker"]
    for centre, rating in ((w["centre"], 9), (w["centre"], 10), (w["centre"], 3), (w["foreign"], 8)):
        form = {surveys.field_name(q): v for q in survey.questions if (v := answers(survey, rating).get(q.code))}
        form = {k: ([str(x) for x in v] if isinstance(v, list) else str(v)) for k, v in form.items()}
        draft = surveys.read_answers(survey, form)
        assert not draft.errors, draft.errors
        response = surveys.store(
            survey, draft, centre_id=centre.id, region_id=centre.region_id, source="link", period=PERIOD
        )
        integrity.check(response)
    db.session.commit()
    indices.recalculate_all()
    db.session.commit()


def post(client, user, body):
    return client.post(BASE + "/surveys/responses", json=body, headers=bearer(user))


# ---- methodology ----------------------------------------------------------------------------


def test_methodologies_list_and_detail(client, w):
    draft = methodology.clone(w["post"], name="Черновик 2027", effective_from=w["post"].effective_from.replace(2027))
    db.session.commit()
    headers = bearer(w["employee"])
    body = get(client, "/methodologies", headers).get_json()
    assert [v["code"] for v in body["items"]] == ["post-pilot", "pilot-2022"]  # no draft for a reader
    assert body["items"][1]["integral_index"] is False and body["items"][0]["in_use"] is False
    detail = get(client, f"/methodologies/{w['post'].id}", headers).get_json()
    assert detail["name"] == "После пилота" and len(detail["groups"]) == 5
    threshold = next(p for p in detail["params"] if p["key"] == "positive_threshold")
    assert threshold["value"] == 8 and threshold["defined"] is True
    undefined = [p for p in detail["params"] if not p["defined"]]
    assert undefined and all(p["rationale"] for p in undefined)
    indicator = detail["groups"][0]["indicators"][0]
    assert indicator["code"] == "1.1" and indicator["scoring_rule_label"] == "Доля положительных ответов"
    assert {p["key"] for p in indicator["params"]} >= {"survey_question", "survey_rule"}
    assert get(client, f"/methodologies/{draft.id}", headers).status_code == 404
    manager = bearer(w["coordinator"])
    assert get(client, f"/methodologies/{draft.id}", manager).get_json()["based_on"]["name"] == "После пилота"
    assert len(get(client, "/methodologies", manager, status="draft").get_json()["items"]) == 1
    assert get(client, "/methodologies", manager, status="old").status_code == 400


def test_methodologies_need_the_permission(client, w):
    response = get(client, "/methodologies", bearer(w["nobody"]))
    assert response.status_code == 403 and response.get_json()["error"] == "У вас нет прав на это действие."


# ---- results --------------------------------------------------------------------------------


def test_indicator_values_of_own_centre(client, w):
    _seed_values(w)
    headers = bearer(w["employee"])
    response = get(client, "/indicator-values", headers, scope_kind="centre", scope_key=w["centre"].id)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["period"] == PERIOD and body["period_label"] == "IV квартал 2026"
    assert body["methodology"]["name"] == "После пилота" and body["client_type"] == "all"
    q1 = next(i for i in body["items"] if i["indicator"]["code"] == "2.1")
    assert (q1["numerator"], q1["denominator"]) == (2, 3) and q1["value_label"] == "66,7 %"
    assert body["missing"]  # passport indicators have no values: listed, never 0
    assert all(i["value"] is not None for i in body["items"] if i["denominator"])
    assert any("не определено методикой" in c for c in body["caveats"])
    jobseekers = get(
        client, "/indicator-values", headers, scope_kind="centre", scope_key=w["centre"].id, client_type="jobseeker"
    ).get_json()
    assert jobseekers["client_type"] == "jobseeker" and jobseekers["items"]


def test_results_scope_is_the_callers(client, w):
    _seed_values(w)
    headers = bearer(w["employee"])
    for kind, key in (("centre", w["foreign"].id), ("centre", 999999), ("region", w["other_region"].id)):
        response = get(client, "/indicator-values", headers, scope_kind=kind, scope_key=key, period=PERIOD)
        assert response.status_code == 404 and response.get_json()["error"] == NOT_FOUND, (kind, key)
    assert get(client, "/index", headers, scope_kind="network", scope_key="decentralised").status_code == 404
    assert get(client, "/index", headers, scope_kind="centre", scope_key=w["sibling"].id).status_code == 404
    for kind, key in (("region", w["region"].id), ("network", "centralised"), ("federation", "all")):
        response = get(client, "/indicator-values", headers, scope_kind=kind, scope_key=key)
        assert response.status_code == 200, (kind, response.get_json())
    region = get(client, "/indicator-values", headers, scope_kind="region", scope_key=w["region"].id).get_json()
    assert next(i for i in region["items"] if i["indicator"]["code"] == "2.1")["denominator"] == 3
    federation = get(client, "/indicator-values", bearer(w["coordinator"]), scope_kind="federation").get_json()
    assert next(i for i in federation["items"] if i["indicator"]["code"] == "2.1")["denominator"] == 4
    coordinator = bearer(w["coordinator"])
    assert get(client, "/index", coordinator, scope_kind="centre", scope_key=w["foreign"].id).status_code == 200
    assert get(client, "/index", bearer(w["nobody"]), scope_kind="federation").status_code == 403


@pytest.mark.parametrize(
    "query, message",
    [
        ({}, "Укажите параметр scope_kind"),
        ({"scope_kind": "planet"}, "Параметр scope_kind должен быть одним из значений"),
        ({"scope_kind": "centre", "scope_key": "abc"}, "параметр scope_key — идентификатор"),
        ({"scope_kind": "network", "scope_key": "x"}, "centralised, decentralised"),
        ({"scope_kind": "federation", "scope_key": "7"}, "all или пусто"),
        ({"scope_kind": "federation", "period": "2026-4"}, "Параметр period должен быть кварталом"),
        ({"scope_kind": "federation", "client_type": "both"}, "Параметр client_type должен быть одним из значений"),
    ],
)
def test_results_bad_parameters_are_400_in_russian(client, w, query, message):
    for path in ("/indicator-values", "/index"):
        response = get(client, path, bearer(w["coordinator"]), **query)
        assert response.status_code == 400 and message in response.get_json()["error"], response.get_json()


def test_index_level_and_pilot_without_index(client, w):
    _seed_values(w)
    headers = bearer(w["employee"])
    body = get(client, "/index", headers, scope_kind="centre", scope_key=w["centre"].id, period=PERIOD).get_json()
    assert body["integral_index"] is True and 0 < body["level"] <= 100
    assert body["change"] is None and body["previous_period"] == "2026-Q3" and body["note"] == ""
    empty = get(client, "/index", headers, scope_kind="centre", scope_key=w["centre"].id, period="2025-Q1").get_json()
    assert empty["level"] is None and empty["note"] == "нет данных"
    pilot = get(client, "/index", headers, scope_kind="federation", period="2022-Q2").get_json()
    assert pilot["integral_index"] is False and pilot["level"] is None
    assert pilot["methodology"]["name"] == "Пилот 2022"
    assert "интегральный индекс не рассчитывается" in pilot["note"]
    assert any("Порог положительного ответа" in c for c in pilot["caveats"])


# ---- surveys --------------------------------------------------------------------------------


def test_surveys_federal_for_all_local_in_scope(client, w):
    headers = bearer(w["collector"])
    titles = [s["title"] for s in get(client, "/surveys", headers, per_page=100).get_json()["items"]]
    assert "Местная анкета Брянска" not in titles and len(titles) >= 2
    assert get(client, f"/surveys/{w['local'].id}", headers).status_code == 404
    assert get(client, f"/surveys/{w['local'].id}", bearer(w["stranger"])).status_code == 200
    detail = get(client, f"/surveys/{w['jobseeker'].id}", headers).get_json()
    assert detail["locked"] is True and detail["methodology"]["name"] == "После пилота"
    q1 = next(q for q in detail["questions"] if q["code"] == "q1")
    assert q1["kind"] == "scale" and (q1["scale_min"], q1["scale_max"]) == (1, 10)
    conditional = [q for q in detail["questions"] if q["show_if"]]
    assert conditional and conditional[0]["show_if"]["values"]
    assert any(q["options"] for q in detail["questions"])
    filtered = get(client, "/surveys", headers, client_type="employer").get_json()["items"]
    assert filtered and all(s["client_type"] == "employer" for s in filtered)
    assert get(client, "/surveys", headers, status="closed").status_code == 400


# ---- submitting answers ---------------------------------------------------------------------


def test_answers_through_a_link_are_stored_and_queued(client, w):
    link = surveys.new_link(w["jobseeker"], w["centre"])
    db.session.commit()
    response = post(client, w["collector"], {"token": link.token, "answers": answers(w["jobseeker"], 9)})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    stored = db.session.get(Response, body["id"])
    assert stored.source == "api" and stored.centre_id == w["centre"].id and stored.link_id == link.id
    assert body["status"] == "accepted" and stored.answers
    assert response.headers["Location"].endswith(f"/surveys/{w['jobseeker'].id}")
    assert db.session.get(RecalcRequest, (w["centre"].id, stored.period)) is not None  # the centre is queued


def test_bad_answers_are_422_per_question_and_nothing_is_stored(client, w):
    link = surveys.new_link(w["jobseeker"], w["centre"])
    db.session.commit()
    body = answers(w["jobseeker"], 9)
    body.update(q1=11, nope="1", q2={"bad": True})
    del body["q3"]
    response = post(client, w["collector"], {"token": link.token, "answers": body, "email": "не адрес"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["q1"] == "Выберите одно значение от 1 до 10."
    assert errors["nope"] == "Такого вопроса в анкете нет."
    assert errors["q2"].startswith("Ожидается значение")
    assert errors["q3"] == "Ответьте, пожалуйста, на этот вопрос."
    assert "email" in errors
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_remote_clients_skip_office_questions(client, w):
    link = surveys.new_link(w["jobseeker"], w["centre"])
    db.session.commit()
    office = [q.code for q in w["jobseeker"].questions if q.in_office_only and q.required]
    assert office
    body = {k: v for k, v in answers(w["jobseeker"], 8).items() if k not in office}
    assert post(client, w["collector"], {"token": link.token, "answers": body}).status_code == 422
    response = post(client, w["collector"], {"token": link.token, "answers": body, "remote": True})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"answers": {}}, 400, "Поле token: обязательное поле."),
        ({"token": "x", "answers": []}, 400, "Поле answers"),
        ({"token": "x", "answers": {}, "extra": 1}, 400, "Неизвестное поле extra"),
        ({"token": "no-such-link", "answers": {}}, 404, "Ссылка на анкету не найдена"),
    ],
)
def test_bad_bodies(client, w, body, status, message):
    response = post(client, w["collector"], body)
    assert response.status_code == status and message in response.get_json()["error"], response.get_json()


def test_links_of_other_centres_and_callers_without_the_right(client, w):
    link = surveys.new_link(w["jobseeker"], w["foreign"])
    db.session.commit()
    body = {"token": link.token, "answers": answers(w["jobseeker"], 9)}
    assert post(client, w["collector"], body).status_code == 404
    assert post(client, w["employee"], body).status_code == 403  # no response.enter
    link.active = False
    db.session.commit()
    assert post(client, w["stranger"], body).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_submitting_is_rate_limited(app, client, w):
    app.config["API_RESPONSE_RATE_LIMIT"] = "2 per minute"
    link = surveys.new_link(w["jobseeker"], w["centre"])
    db.session.commit()
    headers = bearer(w["collector"])
    for n in range(2):
        body = {"token": link.token, "answers": answers(w["jobseeker"], 8 + n)}
        assert client.post(BASE + "/surveys/responses", json=body, headers=headers).status_code == 201
    response = client.post(BASE + "/surveys/responses", json=body, headers=headers)
    assert response.status_code == 429 and response.get_json()["error"].startswith("Слишком много")
    assert db.session.scalar(select(func.count()).select_from(Response)) == 2


def test_openapi_documents_the_measurement_paths(client):
    doc = get(client, "/openapi.json").get_json()
    for path, method in (
        ("/methodologies", "get"),
        ("/methodologies/{version_id}", "get"),
        ("/indicator-values", "get"),
        ("/index", "get"),
        ("/surveys", "get"),
        ("/surveys/{survey_id}", "get"),
        ("/surveys/responses", "post"),
    ):
        assert method in doc["paths"][path], path
    create = doc["paths"]["/surveys/responses"]["post"]
    assert "422" in create["description"] and "201" in create["responses"]
    assert {"MethodologyDetail", "IndicatorValues", "IndexValue", "SurveyDetail", "SurveyResponseCreate"} <= set(
        doc["components"]["schemas"]
    )
