"""Settings read from the environment, with development defaults."""

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def queue_name() -> str:
    """The RQ queue jobs go to (RQ_QUEUE; separate names keep parallel test runs apart)."""
    return os.environ.get("RQ_QUEUE", "default")


def _secret_key(instance_path: Path, env: str) -> str:
    """SECRET_KEY from the environment; development keeps a generated one in instance/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env == "production":
        raise RuntimeError("SECRET_KEY must be set in production (environment variable SECRET_KEY).")
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


ENVIRONMENTS = ("development", "testing", "production")


def _public_base_url(production: bool) -> str:
    """The address links in e-mails point to; production must say it (a wrong host breaks every link)."""
    url = os.environ.get("PUBLIC_BASE_URL")
    if url:
        return url
    if production:
        raise RuntimeError("PUBLIC_BASE_URL must be set in production, e.g. https://cxm.example.ru.")
    return "http://127.0.0.1:5000"


def build_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Return the app configuration for CXM_ENV (development, production, testing)."""
    overrides = overrides or {}
    env = overrides.get("ENV") or os.environ.get("CXM_ENV", "development")
    if env not in ENVIRONMENTS:
        raise RuntimeError(f"CXM_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    instance = Path(instance_path)
    testing = env == "testing"
    production = env == "production"
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'cxm.sqlite'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    redis_url = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
    config = {
        "ENV": env,
        "TESTING": testing,
        "SECRET_KEY": "testing-secret" if testing else _secret_key(instance, env),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "RQ_QUEUE": queue_name(),
        # Inline job execution is a development convenience only, never in tests or production.
        "JOBS_INLINE_FALLBACK": env == "development",
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "cxm"),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "LOGIN_ACCOUNT_RATE_LIMIT": os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "20 per hour"),
        # public survey pages: per address (every step's POST counts); a kiosk is one device for many clients
        "PUBLIC_SURVEY_RATE_LIMIT": os.environ.get("PUBLIC_SURVEY_RATE_LIMIT", "20 per minute; 200 per hour"),
        "PUBLIC_KIOSK_RATE_LIMIT": os.environ.get("PUBLIC_KIOSK_RATE_LIMIT", "30 per minute"),
        # a response filled faster than this per answered question is held for review
        "INTEGRITY_MIN_SECONDS_PER_ANSWER": float(os.environ.get("INTEGRITY_MIN_SECONDS_PER_ANSWER", "1")),
        "API_RESPONSE_RATE_LIMIT": os.environ.get("API_RESPONSE_RATE_LIMIT", "60 per minute"),
        "API_RESPONSE_ADDRESS_RATE_LIMIT": os.environ.get("API_RESPONSE_ADDRESS_RATE_LIMIT", "300 per minute"),
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_ENABLED": True,
        "WTF_I18N_ENABLED": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production or _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production or _bool("SESSION_COOKIE_SECURE", False),
        "FORCE_HTTPS": _bool("FORCE_HTTPS", False),
        "BABEL_DEFAULT_LOCALE": "ru",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Moscow",
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "smtp" if production else "outbox"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "cxm@localhost"),
        "PUBLIC_BASE_URL": _public_base_url(production),
        # How many reverse proxies in front of cxm set X-Forwarded-*; 0 trusts none.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "FILE_STORAGE_DIR": os.environ.get("FILE_STORAGE_DIR", str(instance / "files")),
        "MAX_UPLOAD_MB": int(os.environ.get("MAX_UPLOAD_MB", "20")),
        "PER_PAGE": 25,
    }
    config["MAX_CONTENT_LENGTH"] = (config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    config.update(overrides)
    return config
