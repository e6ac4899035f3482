"""Outgoing mail: every message lands in the outbox; SMTP delivery runs as a job."""

import re
import smtplib
from email.message import EmailMessage

from flask import current_app

from app.extensions import db
from app.jobs import enqueue_after_commit
from app.models.base import utcnow
from app.models.mail import OutboxMessage

# Set-password links are secrets: once delivered, the outbox copy (read by admins) hides them.
ONE_TIME_LINK = re.compile(r"\S+/reset/[\w.\-]+")
HIDDEN_LINK = "[ссылка скрыта после отправки]"


def send(recipient: str, subject: str, body: str, attachments: list[dict] | None = None) -> OutboxMessage:
    """Queue a message; it is delivered after the caller's transaction commits.

    `attachments` are dicts with `filename`, `content_type` and `content` (text).
    """
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, attachments=attachments or [])
    db.session.add(message)
    db.session.flush()
    if current_app.config["MAIL_BACKEND"] == "smtp":
        from app.jobs.mail import deliver

        enqueue_after_commit(deliver, message.id)
    else:
        message.status = "kept"
    return message


def deliver_now(message: OutboxMessage) -> None:
    """Send one outbox message by SMTP and record the outcome."""
    cfg = current_app.config
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = cfg["MAIL_SENDER"], message.recipient, message.subject
    email.set_content(message.body)
    for item in message.attachments:
        mime, *options = (part.strip() for part in item["content_type"].split(";"))
        maintype, _, subtype = mime.partition("/")
        params = dict(option.split("=", 1) for option in options if "=" in option)  # e.g. method=REQUEST for .ics
        email.add_attachment(
            item["content"].encode(), maintype=maintype, subtype=subtype, filename=item["filename"], params=params
        )
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(email)
    message.status, message.sent_at = "sent", utcnow()
    message.body = ONE_TIME_LINK.sub(HIDDEN_LINK, message.body)
