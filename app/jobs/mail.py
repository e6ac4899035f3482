"""Mail delivery job."""

from rq import get_current_job

from app.extensions import db
from app.jobs import _app
from app.models.mail import OutboxMessage
from app.services import mail


def deliver(message_id: int) -> None:
    """Send an outbox message once; a sent message is skipped."""
    with _app().app_context():
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.status == "sent":
            return
        try:
            mail.deliver_now(message)
        except OSError as exc:
            message.status, message.error = "failed", str(exc)
            db.session.commit()
            if get_current_job() is not None:
                raise
        db.session.commit()
