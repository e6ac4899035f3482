"""API v1 routes: bearer-token authentication, paginated lists, the same policy as the UI."""

import re
from datetime import date

from flask import g, jsonify, request
from sqlalchemy import select

from app.blueprints.api import bp, openapi, schemas
from app.blueprints.listing import MAX_ID
from app.extensions import db
from app.models.org import ROLES, Centre, Region, RoleAssignment, User
from app.services import api_tokens, org, personal_data
from app.services.policy import can, scoped

PUBLIC_ENDPOINTS = {"api.openapi_json"}

TOKEN_MISSING = "Требуется токен API: заголовок Authorization: Bearer <токен>."
TOKEN_INVALID = "Токен API недействителен или отозван."
FORBIDDEN = "У вас нет прав на это действие."
NOT_FOUND = "Не найдено."


class ApiError(Exception):
    """A client error answered as JSON `{"error": message}` with `status`; `field` names the
    body field at fault, when there is one."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    db.session.rollback()  # an error changes nothing, whatever a service had begun
    body = {"error": error.message}
    if error.field:
        body["field"] = error.field
    return jsonify(body), error.status


@bp.before_request
def authenticate():
    """Identify the caller by `Authorization: Bearer <token>`; the session is never used."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return jsonify(error=TOKEN_MISSING), 401, {"WWW-Authenticate": "Bearer"}
    user = api_tokens.user_for(token.strip())
    if user is None:
        return jsonify(error=TOKEN_INVALID), 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    db.session.commit()  # keep the token's last_used_at
    g.api_user = user
    g._login_user = user  # flask_login's current_user for services, without login_user()'s session
    return None


@bp.after_request
def no_store(response):
    """Answers may hold personal data: no shared or browser caching."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.teardown_request
def forget_caller(error=None):
    """Drop the token identity so that it never outlives the request (shared app contexts)."""
    g.pop("api_user", None)
    g.pop("_login_user", None)


# ---- parameters, policy, pagination ---------------------------------------------------------


def _int_arg(name: str, message: str, default: int | None = None, high: int = MAX_ID) -> int | None:
    """A positive integer query parameter not above `high`, or `default` when absent."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= high):
        raise ApiError(400, message)
    return int(raw)


def _id_arg(name: str) -> int | None:
    return _int_arg(name, f"Параметр {name} должен быть целым положительным числом.")


def _bool_arg(name: str) -> bool | None:
    raw = request.args.get(name, "").lower()
    if raw == "":
        return None
    if raw not in {"true", "false", "1", "0"}:
        raise ApiError(400, f"Параметр {name} должен быть true или false.")
    return raw in {"true", "1"}


def _date_arg(name: str) -> date | None:
    """A date query parameter as ГГГГ-ММ-ДД, or None when absent."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, f"Параметр {name} должен быть датой в формате ГГГГ-ММ-ДД.") from None


def _choice_arg(name: str, options) -> str | None:
    """A query parameter that must be one of `options`, or None when absent."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    if raw not in options:
        raise ApiError(400, f"Параметр {name} должен быть одним из значений: {', '.join(options)}.")
    return raw


def _caller(permission: str) -> User:
    """The token's owner, if they hold `permission` in some scope; 403 otherwise."""
    if not can(g.api_user, permission):
        raise ApiError(403, FORBIDDEN)
    return g.api_user


def _visible(model, user: User, permission: str):
    return scoped(select(model), model, user, permission)


def _one(model, object_id: int, user: User, permission: str, options=()):
    """A record within the caller's scope; a foreign or missing one is a 404."""
    stmt = _visible(model, user, permission).where(model.id == object_id)
    obj = db.session.scalar(stmt.options(*options) if options else stmt)
    if obj is None:
        raise ApiError(404, NOT_FOUND)
    return obj


def _page(stmt):
    page = _int_arg("page", "Параметр page должен быть целым положительным числом.", default=1)
    per_page = _int_arg(
        "per_page",
        f"Параметр per_page должен быть числом от 1 до {schemas.MAX_PER_PAGE}.",
        default=schemas.DEFAULT_PER_PAGE,
        high=schemas.MAX_PER_PAGE,
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def _page_json(page, items: list[dict]):
    return jsonify(items=items, page=page.page, per_page=page.per_page, total=page.total, pages=page.pages)


# ---- endpoints ------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document of this API; public."""
    return jsonify(openapi.document())


@bp.get("/me")
def me():
    """The token's owner with their roles."""
    return jsonify(schemas.user(g.api_user, g.api_user))


@bp.get("/regions")
def regions():
    user = _caller("org.view")
    stmt = org.search(_visible(Region, user, "org.view"), Region, request.args.get("q"))
    page = _page(stmt.order_by(Region.name, Region.id))
    return _page_json(page, [schemas.region(r) for r in page.items])


@bp.get("/regions/<int:region_id>")
def region_detail(region_id: int):
    user = _caller("org.view")
    return jsonify(schemas.region(_one(Region, region_id, user, "org.view")))


@bp.get("/centres")
def centres():
    user = _caller("org.view")
    stmt = org.search(_visible(Centre, user, "org.view"), Centre, request.args.get("q"))
    region_id, pilot = _id_arg("region_id"), _bool_arg("pilot")
    if region_id is not None:
        stmt = stmt.where(Centre.region_id == region_id)
    if pilot is not None:
        stmt = stmt.where(Centre.is_pilot.is_(pilot))
    page = _page(stmt.order_by(Centre.name, Centre.id))
    return _page_json(page, [schemas.centre(c) for c in page.items])


@bp.get("/centres/<int:centre_id>")
def centre_detail(centre_id: int):
    user = _caller("org.view")
    return jsonify(schemas.centre(_one(Centre, centre_id, user, "org.view")))


@bp.get("/users")
def users():
    user = _caller("user.view")
    stmt = org.search_users(_visible(User, user, "user.view"), request.args.get("q"), user)
    centre_id, role = _id_arg("centre_id"), request.args.get("role", "")
    if centre_id is not None:
        stmt = stmt.where(User.centre_id == centre_id)
    if role:
        if role not in ROLES:
            raise ApiError(400, f"Параметр role должен быть одной из ролей: {', '.join(ROLES)}.")
        stmt = stmt.where(User.roles.any(RoleAssignment.role == role))
    page = _page(stmt.order_by(User.full_name, User.id))
    items = [schemas.user(u, user) for u in page.items]
    personal_data.record_access(page.items, "api", user)
    db.session.commit()
    return _page_json(page, items)


@bp.get("/users/<int:user_id>")
def user_detail(user_id: int):
    user = _caller("user.view")
    target = _one(User, user_id, user, "user.view")
    body = schemas.user(target, user)
    personal_data.record_access([target], "api", user)
    db.session.commit()
    return jsonify(body)
