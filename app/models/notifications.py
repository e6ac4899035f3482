"""Notifications (уведомления) and task reminders (напоминания о сроках поручений)."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

NOTIFICATION_KINDS = {
    "due_today": "Срок сегодня",
    "due_soon": "Скоро срок",
    "overdue": "Просрочено",
    "escalation": "Просрочено у исполнителей",
    "assigned": "Новое поручение",
    "info": "Сообщение",
}

# A user without a ReminderRule row gets these.
DEFAULT_ON_DUE_DAY = True
DEFAULT_DAYS_BEFORE = 1
DEFAULT_OVERDUE_EVERY = 1
DEFAULT_EMAIL_DIGEST = True


class Notification(db.Model):
    """Уведомление: a message to one user in cxm, with an internal link to what it is about."""

    __tablename__ = "notification"
    __table_args__ = (
        # the navbar counts a user's unread notifications on every page: a partial index keeps it cheap
        Index(
            "ix_notification_user_unread",
            "user_id",
            postgresql_where=text("read_at IS NULL"),
            sqlite_where=text("read_at IS NULL"),
        ),
        Index("ix_notification_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(2000))
    link: Mapped[str] = mapped_column(String(500), default="")  # an internal path such as /tasks/5; never a URL
    kind: Mapped[str] = mapped_column(String(20), default="info")
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    user = relationship("User")
    task = relationship("Task")

    @property
    def kind_label(self) -> str:
        return NOTIFICATION_KINDS.get(self.kind, self.kind)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ReminderRule(db.Model):
    """Правила напоминаний: when one user wants to hear about their tasks' deadlines.

    One row per user; a user without a row gets the defaults. A number of days 0 turns that
    reminder off.
    """

    __tablename__ = "reminder_rule"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    on_due_day: Mapped[bool] = mapped_column(Boolean, default=DEFAULT_ON_DUE_DAY)
    days_before: Mapped[int] = mapped_column(Integer, default=DEFAULT_DAYS_BEFORE)
    overdue_every: Mapped[int] = mapped_column(Integer, default=DEFAULT_OVERDUE_EVERY)
    email_digest: Mapped[bool] = mapped_column(Boolean, default=DEFAULT_EMAIL_DIGEST)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReminderLog(db.Model):
    """Журнал напоминаний: a task reminded to a person on a day — at most once (the unique key)."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("task_id", "user_id", "sent_on", name="uq_reminder_log_task_user_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    sent_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))  # due_soon | overdue | escalation
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
