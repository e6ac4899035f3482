"""API v1 through the Flask client on a real database: tokens, policy, pagination, masking, OpenAPI."""

import re

import pytest
from sqlalchemy import select

from app.blueprints.api.openapi import BASE
from app.extensions import db
from app.models.api import ApiToken
from app.models.audit import AuditEvent
from app.services import api_tokens
from tests.api_helpers import NOT_FOUND, bearer, get

MISSING = "Требуется токен API: заголовок Authorization: Bearer <токен>."
INVALID = "Токен API недействителен или отозван."


# ---- authentication -------------------------------------------------------------------------


def test_missing_header_is_401_with_russian_json(client):
    response = get(client, "/me")
    assert response.status_code == 401
    assert response.is_json and response.get_json() == {"error": MISSING}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Basic dXNlcjpwYXNz", MISSING),
        ("Bearer", MISSING),
        ("Bearer   ", MISSING),
        ("Bearer not-a-cxm-token", INVALID),
        ("Bearer cxm_unknown-token-value", INVALID),
    ],
)
def test_malformed_or_unknown_token_is_401(client, header, message):
    response = get(client, "/centres", {"Authorization": header})
    assert response.status_code == 401
    assert response.get_json() == {"error": message}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401(client, make):
    user = make.user(("employee", make.centre()))
    headers = bearer(user)
    assert get(client, "/me", headers).status_code == 200
    api_tokens.revoke(db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)), actor=user)
    db.session.commit()
    response = get(client, "/me", headers)
    assert response.status_code == 401
    assert response.get_json() == {"error": INVALID}


def test_token_of_deactivated_user_is_401(client, make):
    user = make.user(("employee", make.centre()))
    headers = bearer(user)
    user.active = False
    db.session.commit()
    assert get(client, "/me", headers).get_json() == {"error": INVALID}


def test_cli_token_authenticates_and_records_use(client, make, runner):
    user = make.user(("employee", make.centre()), email="cli@test.ru")
    db.session.commit()
    result = runner.invoke(args=["api-token", "create", "cli@test.ru"])
    assert result.exit_code == 0, result.output
    plain = result.output.strip()
    assert plain.startswith("cxm_")
    response = get(client, "/me", {"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    assert response.get_json()["email"] == "cli@test.ru"
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_session_cookie_is_not_accepted_and_no_cookie_is_set(client, make, login):
    user = make.user(("director", make.centre()))
    login(user)
    response = get(client, "/me")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers


def test_api_responses_set_no_cookie(client, make):
    headers = bearer(make.user(("director", make.centre())))
    for response in (
        get(client, "/me", headers),
        get(client, "/users", headers),
        get(client, "/me"),
        get(client, "/openapi.json"),
    ):
        assert "Set-Cookie" not in response.headers
    assert get(client, "/me", headers).headers["Cache-Control"] == "no-store"


# ---- resources ------------------------------------------------------------------------------


def test_me_describes_the_token_owner(client, make):
    centre = make.centre(name="ЦЗН Центральный")
    department = make.department(centre, "Отдел профобучения")
    user = make.user(
        ("director", centre),
        ("employee", centre.region),
        full_name="Петрова Анна Сергеевна",
        email="petrova@test.ru",
        phone="+7 900 123-45-67",
        centre=centre,
        department=department,
    )
    body = get(client, "/me", bearer(user)).get_json()
    assert body["id"] == user.id
    assert (body["full_name"], body["email"], body["phone"]) == (
        "Петрова Анна Сергеевна",
        "petrova@test.ru",
        "+7 900 123-45-67",
    )
    assert body["position"] == "Специалист"
    assert body["centre"] == {"id": centre.id, "name": "ЦЗН Центральный"}
    assert body["region"] == {"id": centre.region_id, "name": centre.region.name}
    assert body["department"] == {"id": department.id, "name": "Отдел профобучения"}
    assert [(r["role"], r["label"], r["scope"]) for r in body["roles"]] == [
        ("director", "Руководитель", "ЦЗН Центральный"),
        ("employee", "Сотрудник", centre.region.name),
    ]


def test_regions_list_and_detail(client, make):
    region = make.region(name="Тверская область", network_type="centralised")
    make.region(name="Другой регион")
    headers = bearer(make.user(("admin", None)))
    body = get(client, "/regions", headers, q="тверская").get_json()
    assert [r["name"] for r in body["items"]] == ["Тверская область"]
    detail = get(client, f"/regions/{region.id}", headers).get_json()
    assert detail["network_label"] == "централизованная"
    assert get(client, "/regions/999999", headers).get_json() == {"error": NOT_FOUND}


def test_centres_pagination(client, make):
    region = make.region()
    for n in range(30):
        make.centre(region, name=f"ЦЗН {n:02d}")
    headers = bearer(make.user(("director", region)))
    first = get(client, "/centres", headers, per_page=10).get_json()
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 10, 30, 3)
    assert [c["name"] for c in first["items"]] == [f"ЦЗН {n:02d}" for n in range(10)]
    last = get(client, "/centres", headers, per_page=10, page=3).get_json()
    assert [c["name"] for c in last["items"]] == [f"ЦЗН {n:02d}" for n in range(20, 30)]
    assert get(client, "/centres", headers, per_page=10, page=4).get_json()["items"] == []
    default = get(client, "/centres", headers).get_json()
    assert (default["per_page"], len(default["items"]), default["pages"]) == (25, 25, 2)


@pytest.mark.parametrize(
    ("path", "query", "message"),
    [
        ("/centres", {"per_page": "0"}, "Параметр per_page должен быть числом от 1 до 100."),
        ("/centres", {"per_page": "101"}, "Параметр per_page должен быть числом от 1 до 100."),
        ("/centres", {"per_page": "много"}, "Параметр per_page должен быть числом от 1 до 100."),
        ("/users", {"page": "0"}, "Параметр page должен быть целым положительным числом."),
        ("/regions", {"page": "-1"}, "Параметр page должен быть целым положительным числом."),
        ("/centres", {"region_id": "abc"}, "Параметр region_id должен быть целым положительным числом."),
        ("/centres", {"pilot": "может быть"}, "Параметр pilot должен быть true или false."),
        ("/users", {"centre_id": "99999999999"}, "Параметр centre_id должен быть целым положительным числом."),
    ],
)
def test_bad_parameters_are_400(client, make, path, query, message):
    headers = bearer(make.user(("admin", None)))
    response = get(client, path, headers, **query)
    assert response.status_code == 400
    assert response.get_json() == {"error": message}


def test_unknown_role_filter_is_400(client, make):
    response = get(client, "/users", bearer(make.user(("admin", None))), role="king")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("Параметр role должен быть одной из ролей")


def test_centre_and_user_filters(client, make):
    region = make.region()
    pilot = make.centre(region, name="Пилотный ЦЗН", is_pilot=True)
    other = make.centre(region, name="Обычный ЦЗН")
    make.centre(name="ЦЗН другого региона")
    hr = make.user(("hr", pilot), centre=pilot)
    employee = make.user(("employee", other), centre=other)
    headers = bearer(make.user(("admin", None)))

    def ids(path, **query):
        return [item["id"] for item in get(client, path, headers, **query).get_json()["items"]]

    assert ids("/centres", region_id=region.id) == [other.id, pilot.id]
    assert ids("/centres", pilot="true") == [pilot.id]
    assert ids("/centres", region_id=region.id, pilot="false") == [other.id]
    assert ids("/centres", q="пилотный") == [pilot.id]
    assert ids("/users", centre_id=other.id) == [employee.id]
    assert ids("/users", role="hr") == [hr.id]


def test_centre_director_sees_only_their_centre(client, make):
    region = make.region()
    own, foreign = make.centre(region), make.centre(region)
    director = make.user(("director", own), centre=own)
    colleague = make.user(("employee", own), centre=own)
    stranger = make.user(("employee", foreign), centre=foreign)
    headers = bearer(director)
    assert [c["id"] for c in get(client, "/centres", headers).get_json()["items"]] == [own.id]
    assert get(client, f"/centres/{own.id}", headers).status_code == 200
    for path in (f"/centres/{foreign.id}", f"/users/{stranger.id}", f"/regions/{region.id}"):
        response = get(client, path, headers)
        assert response.status_code == 404, path
        assert response.get_json() == {"error": NOT_FOUND}
    response = get(client, "/centres/2147483648", headers)  # beyond any id: no such address
    assert response.status_code == 404 and "error" in response.get_json()
    assert {u["id"] for u in get(client, "/users", headers).get_json()["items"]} == {director.id, colleague.id}
    assert get(client, "/users", headers, centre_id=foreign.id).get_json()["total"] == 0


def test_user_without_permission_is_403(client, make):
    headers = bearer(make.user())
    assert get(client, "/me", headers).status_code == 200
    for path in ("/regions", "/centres", "/users", "/users/1"):
        response = get(client, path, headers)
        assert response.status_code == 403, path
        assert response.get_json() == {"error": "У вас нет прав на это действие."}


# ---- personal data --------------------------------------------------------------------------


def _api_audit(actor) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "personal.api", AuditEvent.actor_id == actor.id)
        )
    )


def test_employee_sees_colleagues_masked(client, make):
    centre = make.centre()
    employee = make.user(("employee", centre), centre=centre)
    colleague = make.user(
        ("employee", centre),
        centre=centre,
        full_name="Иванов Иван Иванович",
        email="ivanov@test.ru",
        phone="+7 900 111-22-33",
    )
    headers = bearer(employee)
    items = {u["id"]: u for u in get(client, "/users", headers).get_json()["items"]}
    masked = (items[colleague.id]["full_name"], items[colleague.id]["email"], items[colleague.id]["phone"])
    assert masked == ("Иванов И. И.", "i***@test.ru", "*** ** 33")
    assert items[employee.id]["email"] == employee.email
    assert get(client, f"/users/{colleague.id}", headers).get_json()["email"] == "i***@test.ru"
    assert _api_audit(employee) == []


def test_director_sees_personal_data_and_access_is_audited(client, make):
    centre = make.centre()
    director = make.user(("director", centre), centre=centre)
    colleague = make.user(("employee", centre), centre=centre, email="ivanov@test.ru", phone="+7 900 111-22-33")
    headers = bearer(director)
    items = {u["id"]: u for u in get(client, "/users", headers).get_json()["items"]}
    assert (items[colleague.id]["email"], items[colleague.id]["phone"]) == ("ivanov@test.ru", "+7 900 111-22-33")
    [event] = _api_audit(director)
    assert event.after["ids"] == [colleague.id]
    assert get(client, f"/users/{colleague.id}", headers).get_json()["phone"] == "+7 900 111-22-33"
    assert len(_api_audit(director)) == 2


# ---- OpenAPI --------------------------------------------------------------------------------


def _refs(node):
    if isinstance(node, dict):
        yield from ([node["$ref"]] if "$ref" in node else [])
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_document_is_public_and_complete(client):
    response = get(client, "/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"] == "3.1.0"
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "cxm_…",
    }
    assert {"Region", "Centre", "User", "Page", "Error"} <= set(doc["components"]["schemas"])
    for path in (
        "/me",
        "/regions",
        "/regions/{region_id}",
        "/centres",
        "/centres/{centre_id}",
        "/users",
        "/users/{user_id}",
        "/openapi.json",
    ):
        assert "get" in doc["paths"][path], path
    for ref in _refs(doc):
        kind, name = ref.removeprefix("#/components/").split("/")
        assert name in doc["components"][kind], ref
    centres = doc["paths"]["/centres"]["get"]
    assert {p["$ref"].rsplit("/", 1)[1] for p in centres["parameters"]} == {
        "q",
        "region_id",
        "pilot",
        "page",
        "per_page",
    }


def test_openapi_documents_every_api_rule(app, client):
    paths = get(client, "/openapi.json").get_json()["paths"]
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(BASE + "/")]
    assert rules
    for rule in rules:
        path = re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(BASE))
        assert path in paths, f"{rule.rule} is missing from openapi.json"
        assert {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}} <= set(paths[path]), rule.rule
    assert len(paths) == len(rules)
