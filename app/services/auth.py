"""Sign-in, password reset and invitation links."""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.extensions import db
from app.models.base import utcnow
from app.models.org import User
from app.services import audit, mail, notifications

RESET_MAX_AGE = 3 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    audit.record("auth.login", user, actor=user)
    db.session.commit()
    return user


def reset_token(user: User) -> str:
    """A signed token valid until used (it binds the current password hash) or 3 days pass."""
    return _serializer().dumps({"id": user.id, "h": (user.password_hash or "")[-16:]})


def user_for_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=RESET_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or not user.active or (user.password_hash or "")[-16:] != data.get("h"):
        return None
    return user


def send_password_link(user: User, *, invitation: bool, actor=None) -> None:
    """E-mail a set-password link: an invitation for a new user or an admin-issued reset.

    A reset also clears the old password, which signs the user out everywhere.
    """
    if not invitation:
        user.password_hash = None
    path = notifications.path_for("auth.reset", token=reset_token(user))  # no request needed (an import job)
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path
    if invitation:
        subject = "Приглашение в cxm"
        body = (
            f"Здравствуйте, {user.full_name}!\n\nДля вас создана учётная запись в cxm "
            f"(логин: {user.email}). Задайте пароль по ссылке (действует 3 дня):\n{link}\n"
        )
    else:
        subject = "Сброс пароля в cxm"
        body = (
            f"Здравствуйте, {user.full_name}!\n\nАдминистратор сбросил ваш пароль в cxm. "
            f"Задайте новый пароль по ссылке (действует 3 дня):\n{link}\n"
        )
    mail.send(user.email, subject, body)
    audit.record("auth.invite" if invitation else "auth.reset_issued", user, actor=actor)


def set_password(user: User, password: str, actor=None) -> None:
    user.set_password(password)
    audit.record("auth.password_set", user, actor=actor or user)
