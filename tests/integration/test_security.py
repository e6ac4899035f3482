"""CSRF, login rate limit, cookies and headers, session expiry under htmx, error pages."""

import re

import pytest

from tests.conftest import PASSWORD


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_csrf_rejects_forms_and_htmx_without_token(app, make, client):
    user = make.user(("admin", None))
    from app.extensions import db

    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Страница устарела" in response.get_data(as_text=True)

    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303

    # htmx request without the header token: refused, and told to refresh, nothing changed
    response = client.post("/account/tokens", data={"name": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 400 and response.headers["HX-Refresh"] == "true"
    # with the token sent as htmx sends it (X-CSRFToken from <body hx-headers>)
    home = client.get("/").get_data(as_text=True)
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', home).group(1)
    response = client.post(
        "/account/tokens", data={"name": "Выгрузка"}, headers={"HX-Request": "true", "X-CSRFToken": header_token}
    )
    assert response.status_code == 200 and "cxm_" in response.get_data(as_text=True)


@pytest.mark.parametrize("app", [{"LOGIN_RATE_LIMIT": "3 per minute"}], indirect=True)
def test_login_is_rate_limited_with_russian_message(app, make, client):
    user = make.user(("employee", make.centre()))
    from app.extensions import db

    db.session.commit()
    for _ in range(3):
        assert client.post("/login", data={"email": user.email, "password": "wrong"}).status_code == 200
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Слишком много попыток" in response.get_data(as_text=True)


def test_wrong_password_message(make, client):
    user = make.user(("employee", make.centre()))
    from app.extensions import db

    db.session.commit()
    page = client.post("/login", data={"email": user.email, "password": "nope"}).get_data(as_text=True)
    assert "Неверная электронная почта или пароль" in page


def test_inactive_user_cannot_sign_in(make, client):
    user = make.user(("employee", make.centre()), active=False)
    from app.extensions import db

    db.session.commit()
    page = client.post("/login", data={"email": user.email, "password": PASSWORD}).get_data(as_text=True)
    assert "Неверная электронная почта или пароль" in page


def test_security_headers_and_cookie_flags(make, login, client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "HX-Request" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "no-store"
    user = make.user(("employee", make.centre()))
    cookies = login(user).headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_no_inline_scripts_in_pages(make, login, client):
    login(make.user(("admin", None)))
    for path in ["/", "/admin/users", "/admin/centres", "/account/", "/jobs/"]:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html, path


def test_expired_session_under_htmx_gets_hx_redirect(client):
    response = client.get("/admin/users?q=x", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login?next=")


def test_open_redirect_after_login_is_refused(make, client):
    user = make.user(("employee", make.centre()))
    from app.extensions import db

    db.session.commit()
    response = client.post("/login?next=//evil.example/x", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_error_pages_are_russian(make, login, client):
    assert "Страница не найдена" in client.get("/no-such-page").get_data(as_text=True)
    login(make.user(("employee", make.centre())))
    response = client.get("/admin/settings")
    assert response.status_code == 403 and "Доступ запрещён" in response.get_data(as_text=True)


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    from app.config import build_config

    monkeypatch.setenv("PUBLIC_BASE_URL", "https://cxm.example.ru")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        build_config(str(tmp_path), {"ENV": "production"})
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    config = build_config(str(tmp_path), {"ENV": "production"})
    assert config["SESSION_COOKIE_SECURE"] and config["SECRET_KEY"] == "s3cret"


def test_development_keeps_a_generated_secret(monkeypatch, tmp_path):
    from app.config import build_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = build_config(str(tmp_path), {"ENV": "development"})["SECRET_KEY"]
    assert first == build_config(str(tmp_path), {"ENV": "development"})["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_api_wrong_method_is_json(client):
    response = client.post("/api/v1/me")
    assert response.status_code == 405 and response.json == {"error": "Этот адрес не принимает такой запрос."}
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("app", [{"MAX_CONTENT_LENGTH": 1024}], indirect=True)
def test_oversized_request_message_reaches_htmx_users(app, make, login, client):
    login(make.user(("admin", None)))
    response = client.post("/account/tokens", data={"name": "x" * 5000}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#flashes"
    assert "Файл слишком большой" in response.get_data(as_text=True)
    response = client.post("/account/tokens", data={"name": "x" * 5000})
    assert response.status_code == 413 and "Файл слишком большой" in response.get_data(as_text=True)
