"""Tasks (поручения и корректирующие мероприятия): one hub for every action with an owner and a deadline."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import ScopedMixin, SearchableMixin, TimestampMixin, utcnow

TASK_STATUSES = {
    "new": "Новая",
    "in_progress": "В работе",
    "review": "На проверке",
    "done": "Выполнена",
    "cancelled": "Отменена",
}
OPEN_STATUSES = ("new", "in_progress", "review")
TASK_SOURCES = {
    "decision": "Решение заседания",
    "roadmap": "Дорожная карта",
    "solution": "Карта решений",
    "feedback": "Обратная связь",
    "manual": "Вручную",
}
PRIORITIES = {"low": "Низкий", "normal": "Обычный", "high": "Высокий"}
PARTICIPANT_ROLES = {"co_executor": "Соисполнитель", "watcher": "Наблюдатель"}


class Task(SearchableMixin, ScopedMixin, TimestampMixin, db.Model):
    """Поручение / корректирующее мероприятие with a responsible person, a controller and a deadline."""

    __tablename__ = "task"
    __search_fields__ = ("title", "description")
    __table_args__ = (
        Index("ix_task_responsible_status", "responsible_id", "status"),
        Index("ix_task_centre_status_due", "centre_id", "status", "due_on"),
        Index("ix_task_status_due", "status", "due_on", "id"),  # lists and the board: by status, nearest first
        Index("ix_task_status_completed", "status", "completed_on"),  # the board's recently done column
        Index("ix_task_centre_due", "centre_id", "due_on", "id"),  # a centre's list, nearest deadline first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(1000))
    description: Mapped[str] = mapped_column(Text, default="")
    source_type: Mapped[str] = mapped_column(String(20), default="manual")
    source_id: Mapped[int | None]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    controller_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    deadline_text: Mapped[str] = mapped_column(String(300), default="")  # the deadline as the source states it
    standing: Mapped[bool] = mapped_column(Boolean, default=False)  # «осуществлять контроль …»: no end date
    recurrence_days: Mapped[int | None]  # a recurring task creates its next occurrence this many days later
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    status: Mapped[str] = mapped_column(String(20), default="new")
    evidence_required: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_on: Mapped[date | None] = mapped_column(Date)

    responsible = relationship("User", foreign_keys=[responsible_id])
    controller = relationship("User", foreign_keys=[controller_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    department = relationship("Department")
    centre = relationship("Centre", foreign_keys="Task.centre_id")
    parent: Mapped["Task | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Task"]] = relationship(back_populates="parent", order_by="Task.id")
    participants: Mapped[list["TaskParticipant"]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskParticipant.id"
    )
    comments: Mapped[list["TaskComment"]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskComment.id"
    )

    @property
    def status_label(self) -> str:
        return TASK_STATUSES.get(self.status, self.status)

    @property
    def source_label(self) -> str:
        return TASK_SOURCES.get(self.source_type, self.source_type)

    @property
    def priority_label(self) -> str:
        return PRIORITIES.get(self.priority, self.priority)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __str__(self) -> str:
        return self.title


class TaskParticipant(db.Model):
    """A co-executor (соисполнитель) or watcher (наблюдатель) of a task."""

    __tablename__ = "task_participant"
    __table_args__ = (UniqueConstraint("task_id", "user_id", "role", name="uq_task_participant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    task: Mapped[Task] = relationship(back_populates="participants")
    user = relationship("User")


class TaskComment(db.Model):
    """A comment on a task."""

    __tablename__ = "task_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    task: Mapped[Task] = relationship(back_populates="comments")
    author = relationship("User")
