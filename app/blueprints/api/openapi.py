"""The OpenAPI 3.1 document of API v1, generated from a table of endpoints.

A new resource adds rows to ENDPOINTS (and, if needed, its schema and query parameters);
a test checks that every rule under /api/v1 is documented here.
"""

import re
from dataclasses import dataclass

from app.blueprints.api.schemas import DEFAULT_PER_PAGE, MAX_PER_PAGE
from app.models.org import NETWORK_TYPES, ROLES

BASE = "/api/v1"


@dataclass(frozen=True)
class Endpoint:
    """One GET operation: `path` is relative to BASE, with `{name}` path parameters."""

    operation_id: str
    path: str
    summary: str
    schema: str | None = None  # the answer's schema; a list answers a Page of it
    many: bool = False
    filters: tuple[str, ...] = ()
    permission: str | None = None
    public: bool = False


ENDPOINTS = (
    Endpoint("getOpenApi", "/openapi.json", "Описание API в формате OpenAPI 3.1", public=True),
    Endpoint("getMe", "/me", "Владелец токена: сотрудник, его роли и области", "User"),
    Endpoint("listRegions", "/regions", "Регионы (СЗН)", "Region", True, ("q",), "org.view"),
    Endpoint("getRegion", "/regions/{region_id}", "Регион (СЗН)", "Region", permission="org.view"),
    Endpoint(
        "listCentres", "/centres", "Центры занятости (ЦЗН)", "Centre", True, ("q", "region_id", "pilot"), "org.view"
    ),
    Endpoint("getCentre", "/centres/{centre_id}", "Центр занятости (ЦЗН)", "Centre", permission="org.view"),
    Endpoint("listUsers", "/users", "Сотрудники", "User", True, ("q", "centre_id", "role"), "user.view"),
    Endpoint("getUser", "/users/{user_id}", "Сотрудник", "User", permission="user.view"),
)


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _object(properties: dict) -> dict:
    """An object schema in which every property is required."""
    return {"type": "object", "required": list(properties), "properties": properties}


INTEGER = {"type": "integer"}
STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
NULLABLE_REF = {"anyOf": [_ref("schemas", "Ref"), {"type": "null"}]}
STRINGS = {"type": "array", "items": STRING}
MASKED = "Персональные данные: маскируются, если у вызывающего нет права personal.view в области сотрудника."

SCHEMAS = {
    "Error": _object({"error": {**STRING, "description": "Сообщение на русском языке"}}),
    "Ref": _object({"id": INTEGER, "name": STRING}),
    "Page": _object(
        {"items": {"type": "array"}, "page": INTEGER, "per_page": INTEGER, "total": INTEGER, "pages": INTEGER}
    ),
    "Region": _object(
        {
            "id": INTEGER,
            "name": STRING,
            "aliases": STRINGS,
            "authority_name": STRING,
            "network_type": {"type": "string", "enum": list(NETWORK_TYPES)},
            "network_label": STRING,
            "managing_centre": NULLABLE_REF,
        }
    ),
    "Centre": _object(
        {
            "id": INTEGER,
            "name": STRING,
            "aliases": STRINGS,
            "region": _ref("schemas", "Ref"),
            "parent": NULLABLE_REF,
            "address": STRING,
            "working_hours": STRING,
            "is_pilot": BOOLEAN,
            "is_modernised": BOOLEAN,
            "is_flagship": BOOLEAN,
        }
    ),
    "Role": _object(
        {
            "role": {"type": "string", "enum": list(ROLES)},
            "label": STRING,
            "scope": {**STRING, "description": "Область роли: центр, регион или федеральный уровень"},
            "region_id": NULLABLE_INTEGER,
            "centre_id": NULLABLE_INTEGER,
        }
    ),
    "User": _object(
        {
            "id": INTEGER,
            "full_name": {**STRING, "description": MASKED},
            "position": STRING,
            "email": {**STRING, "description": MASKED},
            "phone": {**STRING, "description": MASKED},
            "active": BOOLEAN,
            "region": NULLABLE_REF,
            "centre": NULLABLE_REF,
            "department": NULLABLE_REF,
            "roles": {"type": "array", "items": _ref("schemas", "Role")},
        }
    ),
}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


POSITIVE = {"type": "integer", "minimum": 1}
PARAMETERS = {
    "page": _query("page", "Номер страницы", {**POSITIVE, "default": 1}),
    "per_page": _query(
        "per_page",
        f"Записей на странице (1–{MAX_PER_PAGE})",
        {**POSITIVE, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
    ),
    "q": _query("q", "Поиск по названию или ФИО, без учёта регистра и ё/е", STRING),
    "region_id": _query("region_id", "Только центры этого региона", POSITIVE),
    "centre_id": _query("centre_id", "Только сотрудники этого центра", POSITIVE),
    "pilot": _query("pilot", "Только пилотные (true) или только непилотные (false) центры", BOOLEAN),
    "role": _query("role", "Только сотрудники с этой ролью", {"type": "string", "enum": list(ROLES)}),
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("schemas", "Error")}}}


RESPONSES = {
    "BadRequest": _error("Неверный параметр запроса"),
    "Unauthorized": {
        **_error("Нет токена, или он недействителен или отозван"),
        "headers": {"WWW-Authenticate": {"schema": STRING, "description": "Bearer"}},
    },
    "Forbidden": _error("У роли нет нужного права"),
    "NotFound": _error("Записи нет или она вне области вызывающего"),
}


def _answer(endpoint: Endpoint) -> dict:
    if endpoint.schema is None:
        schema = {"type": "object"}
    elif endpoint.many:
        schema = {
            "allOf": [
                _ref("schemas", "Page"),
                {"properties": {"items": {"type": "array", "items": _ref("schemas", endpoint.schema)}}},
            ]
        }
    else:
        schema = _ref("schemas", endpoint.schema)
    return {"description": "Успешный ответ", "content": {"application/json": {"schema": schema}}}


def _operation(endpoint: Endpoint) -> dict:
    path_names = re.findall(r"{(\w+)}", endpoint.path)
    parameters = [{"name": name, "in": "path", "required": True, "schema": POSITIVE} for name in path_names]
    if endpoint.many:
        parameters += [_ref("parameters", name) for name in (*endpoint.filters, "page", "per_page")]
    responses = {"200": _answer(endpoint)}
    if not endpoint.public:
        responses["401"] = _ref("responses", "Unauthorized")
    if endpoint.permission:
        responses["403"] = _ref("responses", "Forbidden")
    if endpoint.many:
        responses["400"] = _ref("responses", "BadRequest")
    if path_names:
        responses["404"] = _ref("responses", "NotFound")
    operation = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "parameters": parameters,
        "responses": responses,
    }
    if endpoint.permission:
        operation["description"] = f"Требуется право {endpoint.permission}; записи ограничены областью ролей."
    if endpoint.public:
        operation["security"] = []
    return operation


def document() -> dict:
    """The OpenAPI 3.1 document as a dict."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cxm API",
            "version": "1",
            "description": "JSON API управления клиентским опытом. Доступ по личному токену "
            "(flask api-token create EMAIL или личный кабинет) в заголовке "
            "Authorization: Bearer <токен>; права и области те же, что в интерфейсе.",
        },
        "servers": [{"url": BASE}],
        "security": [{"bearerAuth": []}],
        "paths": {endpoint.path: {"get": _operation(endpoint)} for endpoint in ENDPOINTS},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "cxm_…"}},
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": RESPONSES,
        },
    }
