"""In-app notifications (уведомления): create, list, count unread, mark read.

A notification's link is an internal path of cxm (``/tasks/5``), never a URL: `internal_link`
refuses anything else, when a notification is created and again when it is opened.
"""

from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.routing import BuildError

from app.extensions import db
from app.models.base import utcnow
from app.models.notifications import NOTIFICATION_KINDS, Notification

MAX_TEXT = 2000
MAX_LINK = 500


class NotificationError(ValueError):
    """A notification could not be created; the message is for the user."""


def internal_link(link: str | None) -> str | None:
    """`link` if it is a path on this site (``/tasks/5?tab=files``), else None.

    Refused: absolute and scheme-relative URLs (``https://…``, ``//host``, ``/\\host``),
    ``javascript:`` and other schemes, relative paths, control characters and backslashes
    (browsers read ``\\`` as ``/``).
    """
    if not link or len(link) > MAX_LINK or not link.startswith("/") or link.startswith(("//", "/\\")):
        return None
    if "\\" in link or any(ord(c) < 32 or ord(c) == 127 for c in link):
        return None
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    return link


def path_for(endpoint: str, **values) -> str:
    """The path of an endpoint without a request (jobs build links too); "" if it does not exist."""
    try:
        return current_app.url_map.bind("localhost").build(endpoint, values)
    except BuildError:
        return ""


def notify(user_id: int, text: str, link: str = "", kind: str = "info", task_id: int | None = None) -> Notification:
    """Add a notification for one user; it is saved with the caller's transaction."""
    text = (text or "").strip()
    if not text:
        raise NotificationError("Текст уведомления пуст.")
    if link and internal_link(link) is None:
        raise NotificationError("Ссылка уведомления должна вести на страницу cxm.")
    if kind not in NOTIFICATION_KINDS:
        raise NotificationError(f"Неизвестный вид уведомления «{kind}».")
    notification = Notification(user_id=user_id, text=text[:MAX_TEXT], link=link or "", kind=kind, task_id=task_id)
    db.session.add(notification)
    return notification


def for_user(user, unread_only: bool = False):
    """A user's notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.created_at.desc(), Notification.id.desc())


def unread_count(user) -> int:
    """How many notifications the user has not read (the navbar counter)."""
    if user is None or not getattr(user, "id", None):
        return 0
    stmt = select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    return db.session.scalar(stmt) or 0


def get_own(user, notification_id: int) -> Notification | None:
    """The notification if it is this user's; None for a missing or someone else's one."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    return notification


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0
