"""Working groups, their meetings and protocols: agenda, attendance, decisions, revisions."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import ScopedMixin, SearchableMixin, TimestampMixin, utcnow

GROUP_KINDS = {
    "regional": "Региональная рабочая группа",
    "centre": "Рабочая группа центра",
    "journey_team": "Кросс-функциональная команда",
}
MEMBER_ROLES = {
    "head": "Руководитель",
    "deputy": "Заместитель руководителя",
    "secretary": "Секретарь",
    "member": "Член рабочей группы",
}
MEETING_STATUSES = {
    "draft": "Черновик",
    "scheduled": "Назначено",
    "held": "Проведено",
    "circulated": "На согласовании",
    "signed": "Протокол подписан",
}
ATTENDANCE = {"present": "Присутствовал", "absent": "Отсутствовал", "substituted": "Замещает"}
DECISION_VERBS = {
    "note": "Принять к сведению",
    "approve": "Утвердить",
    "agree": "Согласовать",
    "determine": "Определить",
    "assign": "Поручить",
}


class WorkingGroup(SearchableMixin, ScopedMixin, TimestampMixin, db.Model):
    """Рабочая группа: the body that runs the programme in a region, a centre or for one journey."""

    __tablename__ = "working_group"
    __search_fields__ = ("name",)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="regional")
    approved_by: Mapped[str] = mapped_column(String(300), default="")  # the order, e.g. «приказ от … № …»
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    region = relationship("Region")
    centre = relationship("Centre")
    members: Mapped[list["GroupMember"]] = relationship(
        back_populates="group", order_by="GroupMember.valid_from, GroupMember.id"
    )

    @property
    def kind_label(self) -> str:
        return GROUP_KINDS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return self.name


class GroupMember(db.Model):
    """Член рабочей группы over a period: role and position as of those dates; a change closes the row."""

    __tablename__ = "group_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    position: Mapped[str] = mapped_column(String(300), default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    order_reference: Mapped[str] = mapped_column(String(300), default="")

    group: Mapped[WorkingGroup] = relationship(back_populates="members")
    user = relationship("User")

    @property
    def role_label(self) -> str:
        return MEMBER_ROLES.get(self.role, self.role)


class Meeting(ScopedMixin, TimestampMixin, db.Model):
    """Заседание рабочей группы and its protocol (протокол), from draft to signed."""

    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("group_id", "year", "number", name="uq_meeting_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"), index=True)
    number: Mapped[int | None]
    year: Mapped[int]
    starts_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    registration_number: Mapped[str] = mapped_column(String(100), default="")
    signed_at: Mapped[datetime | None]
    revision: Mapped[int] = mapped_column(default=0)
    correction_reason: Mapped[str] = mapped_column(Text, default="")  # why a signed protocol is being revised

    group: Mapped[WorkingGroup] = relationship()
    chair = relationship("User", foreign_keys=[chair_id])
    secretary = relationship("User", foreign_keys=[secretary_id])
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    attendance: Mapped[list["Attendance"]] = relationship(
        back_populates="meeting", order_by="Attendance.id", cascade="all, delete-orphan"
    )
    revisions: Mapped[list["ProtocolRevision"]] = relationship(
        back_populates="meeting", order_by="ProtocolRevision.number", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return MEETING_STATUSES.get(self.status, self.status)

    @property
    def is_signed(self) -> bool:
        return self.status == "signed"

    @property
    def number_label(self) -> str:
        return f"№ {self.number}" if self.number else "без номера"

    def __str__(self) -> str:
        return f"Заседание {self.number_label} от {self.starts_at:%d.%m.%Y}"


class Attendance(db.Model):
    """Who was invited and whether they attended (присутствовал / отсутствовал / замещает)."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    full_name: Mapped[str] = mapped_column(String(300))
    position: Mapped[str] = mapped_column(String(300), default="")  # as of the meeting date
    status: Mapped[str] = mapped_column(String(20), default="present")
    substitute_name: Mapped[str] = mapped_column(String(300), default="")
    substitute_position: Mapped[str] = mapped_column(String(300), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    user = relationship("User")

    @property
    def status_label(self) -> str:
        return ATTENDANCE.get(self.status, self.status)


class AgendaItem(db.Model):
    """Вопрос повестки дня with what was heard (СЛУШАЛИ) and said (ВЫСТУПИЛИ)."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(1000))
    speakers: Mapped[str] = mapped_column(String(1000), default="")
    planned_minutes: Mapped[int | None]
    heard: Mapped[str] = mapped_column(Text, default="")
    discussion: Mapped[str] = mapped_column(Text, default="")
    is_control: Mapped[bool] = mapped_column(Boolean, default=False)  # «Контроль исполнения ранее принятых решений»

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="item", order_by="Decision.position", cascade="all, delete-orphan"
    )


class Decision(db.Model):
    """Решение протокола, numbered per item (1.1, 1.2 …) and keeping the source's verb."""

    __tablename__ = "decision"
    # Tasks point back at a decision by id: an id must never be reused after a deletion (SQLite
    # reuses the highest rowid unless told otherwise; PostgreSQL sequences never do).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    verb: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    addressee: Mapped[str] = mapped_column(String(300), default="")  # a group, e.g. «Директорам ЦЗН»
    assignee_ids: Mapped[list] = mapped_column(JSON, default=list)
    deadline: Mapped[dict | None] = mapped_column(JSON)  # calendar.Deadline.to_json()
    evidence_required: Mapped[bool] = mapped_column(Boolean, default=False)
    artefact: Mapped[str] = mapped_column(String(500), default="")  # what «утвердить» / «согласовать» approves
    # the same as a record when it is one (artefacts.RECORDS); for «поручить», what the task delivers
    artefact_kind: Mapped[str] = mapped_column(String(30), default="")
    artefact_id: Mapped[int | None]

    item: Mapped[AgendaItem] = relationship(back_populates="decisions")

    @property
    def verb_label(self) -> str:
        return DECISION_VERBS.get(self.verb, self.verb)

    @property
    def number(self) -> str:
        return f"{self.item.position}.{self.position}"


class ProtocolRevision(db.Model):
    """A signed state of a protocol; a correction after signing adds a revision with its reason."""

    __tablename__ = "protocol_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)  # the protocol as printed, for comparison
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="revisions")
    signed_by = relationship("User")
