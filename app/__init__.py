"""cxm: client-experience management for public employment services."""

import logging
from urllib.parse import urlsplit

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.blueprints.listing import MAX_ID
from app.config import build_config
from app.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate, talisman

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application; `overrides` replace settings (tests use it)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(build_config(app.instance_path, overrides))
    app.url_map.converters["int"] = BoundedIntConverter
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=1, x_host=1)
    logging.basicConfig(level=logging.INFO)

    db.init_app(app)
    migrate.init_app(app, db)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: "ru", timezone_selector=lambda: "Europe/Moscow")
    htmx.init_app(app)
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        strict_transport_security=app.config["FORCE_HTTPS"],
    )

    from app import models  # noqa: F401  (register every table)
    from app.jobs import install_session_hooks

    with app.app_context():
        install_session_hooks(db.session)

    _register_blueprints(app)
    _register_auth(app)
    _register_error_handlers(app)
    _register_response_hooks(app)

    from app.cli import register_cli
    from app.ui import register_template_helpers

    register_cli(app)
    register_template_helpers(app)
    return app


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` URL parts beyond what an id column holds are a 404, not a database overflow."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record):
    """SQLite enforces foreign keys only when asked, per connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    from app.blueprints.account import bp as account_bp
    from app.blueprints.admin import bp as admin_bp
    from app.blueprints.api import bp as api_bp
    from app.blueprints.auth import bp as auth_bp
    from app.blueprints.dashboard import bp as dashboard_bp
    from app.blueprints.documents import bp as documents_bp
    from app.blueprints.files import bp as files_bp
    from app.blueprints.ical import bp as ical_bp
    from app.blueprints.jobs import bp as jobs_bp
    from app.blueprints.main import bp as main_bp
    from app.blueprints.meetings import bp as meetings_bp
    from app.blueprints.methodology import bp as methodology_bp
    from app.blueprints.notifications import bp as notifications_bp
    from app.blueprints.public import bp as public_bp
    from app.blueprints.reports import bp as reports_bp
    from app.blueprints.results import bp as results_bp
    from app.blueprints.roadmap import bp as roadmap_bp
    from app.blueprints.survey_builder import bp as survey_builder_bp
    from app.blueprints.surveys import bp as surveys_bp
    from app.blueprints.tasks import bp as tasks_bp

    for bp in (
        main_bp,
        auth_bp,
        account_bp,
        admin_bp,
        files_bp,
        jobs_bp,
        meetings_bp,
        tasks_bp,
        notifications_bp,
        ical_bp,
        roadmap_bp,
        documents_bp,
        reports_bp,
        dashboard_bp,
        public_bp,
        surveys_bp,
        survey_builder_bp,
        results_bp,
        methodology_bp,
    ):
        app.register_blueprint(bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # token-authenticated, no cookies


def _register_auth(app: Flask) -> None:
    from app.models.org import User

    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        """A session names the user and their password fingerprint; a changed password ends it."""
        user_id, _, fingerprint = session_id.partition(":")
        user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None
        if user is None or not user.active or fingerprint != user.session_fingerprint:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        back = request.full_path.rstrip("?")
        if htmx and htmx.current_url:  # come back to the page the user was on, not to a fragment
            page = urlsplit(htmx.current_url)
            back = page.path + (f"?{page.query}" if page.query else "")
        target = url_for("auth.login", next=back)
        if htmx:
            return "", 200, {"HX-Redirect": target}
        flash("Войдите в систему, чтобы продолжить.", "info")
        return redirect(target)


def _error_page(code: int, title: str, text: str):
    if request.path.startswith("/api/"):
        return jsonify(error=text), code
    return render_template("errors/error.html", code=code, title=title, text=text), code


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if htmx:
            flash("Страница устарела: обновите её и повторите действие.", "warning")
            return "", 400, {"HX-Refresh": "true"}
        return _error_page(
            400, "Страница устарела", "Форма устарела или отправлена не из cxm. Обновите страницу и повторите."
        )

    @app.errorhandler(400)
    def bad_request(error):
        return _error_page(400, "Неверный запрос", "Запрос не удалось обработать.")

    @app.errorhandler(403)
    def forbidden(error):
        return _error_page(403, "Доступ запрещён", "У вас нет прав на это действие.")

    @app.errorhandler(404)
    def not_found(error):
        return _error_page(404, "Страница не найдена", "Такой страницы нет или она вам недоступна.")

    @app.errorhandler(405)
    def method_not_allowed(error):
        body, code = _error_page(405, "Метод не поддерживается", "Этот адрес не принимает такой запрос.")
        return body, code, {"Allow": ", ".join(error.valid_methods or ())}

    @app.errorhandler(413)
    def too_large(error):
        text = f"Файл слишком большой: размер не должен превышать {app.config['MAX_UPLOAD_MB']} МБ."
        if htmx:  # htmx does not swap error responses: show the message in the flash area instead
            alert = render_template("errors/_alert.html", text=text)
            return alert, 200, {"HX-Retarget": "#flashes", "HX-Reswap": "innerHTML"}
        return _error_page(413, "Файл слишком большой", text)

    @app.errorhandler(429)
    def too_many(error):
        return _error_page(429, "Слишком много попыток", "Слишком много попыток. Подождите минуту и попробуйте снова.")

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return _error_page(500, "Ошибка сервера", "Что-то пошло не так. Мы уже знаем об этом.")


def _register_response_hooks(app: Flask) -> None:
    @app.before_request
    def refuse_nul_bytes():
        """NUL characters fit no text column (PostgreSQL refuses them): reject such input early."""
        values = [*request.args.values(), *(request.form.values() if request.form else ())]
        if any("\x00" in value for value in values):
            return _error_page(400, "Неверный запрос", "Запрос содержит недопустимые символы.")

    @app.after_request
    def html_cache_headers(response):
        if response.mimetype == "text/html":
            response.vary.add("HX-Request")
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.context_processor
    def inject_user():
        return {"current_user": current_user}
