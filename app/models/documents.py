"""The document register: orders, protocols, letters and approval sheets; what they approve; who read them."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import ScopedMixin, SearchableMixin, TimestampMixin, utcnow

DOCUMENT_KINDS = {
    "order": "Приказ",
    "directive": "Распоряжение",
    "protocol": "Протокол",
    "letter": "Письмо",
    "approval_sheet": "Лист согласования",
    "other": "Иной документ",
}
DOCUMENT_STATUSES = {"draft": "Проект", "signed": "Подписан"}
APPROVAL_VERBS = {"approve": "Утверждено", "agree": "Согласовано"}


class Document(SearchableMixin, ScopedMixin, TimestampMixin, db.Model):
    """Документ: приказ, распоряжение, протокол, письмо, лист согласования — a registered document.

    The registration number (e.g. «523-246/21П/од») is the register's own and separate from a
    meeting's number. A protocol's entry points at its meeting; an order made from the seed's
    template keeps the template's filled-in content frozen in `content`.
    """

    __tablename__ = "document"
    __search_fields__ = ("title", "registration_number", "signatory")

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="order", index=True)
    registration_number: Mapped[str] = mapped_column(String(100), default="")
    signed_on: Mapped[date | None] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str] = mapped_column(String(300), default="")
    signatory: Mapped[str] = mapped_column(String(300), default="")  # «Руководитель управления А.М.Садулина»
    appendices: Mapped[list] = mapped_column(JSON, default=list)  # titles: «Приложение № 1. Состав рабочей группы»
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), unique=True)
    template: Mapped[str] = mapped_column(String(40), default="")  # "pilot_order" for the seed's App 2
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    meeting = relationship("Meeting")
    region = relationship("Region")
    centre = relationship("Centre")
    recipients: Mapped[list["DocumentRecipient"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentRecipient.id"
    )

    @property
    def kind_label(self) -> str:
        return DOCUMENT_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return DOCUMENT_STATUSES.get(self.status, self.status)

    @property
    def is_signed(self) -> bool:
        return self.status == "signed"

    def __str__(self) -> str:
        """«Приказ от 30.07.2021 № 523-246/21П/од» as documents cite each other."""
        text = self.kind_label
        if self.signed_on:
            text += f" от {self.signed_on:%d.%m.%Y}"
        if self.registration_number:
            text += f" № {self.registration_number}"
        return text


class DocumentRecipient(db.Model):
    """Рассылка и ознакомление: a person a document went to, by when to read it, when they confirmed."""

    __tablename__ = "document_recipient"
    __table_args__ = (UniqueConstraint("document_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    acknowledged_at: Mapped[datetime | None]

    document: Mapped[Document] = relationship(back_populates="recipients")
    user = relationship("User", foreign_keys=[user_id])


class Approval(db.Model):
    """Утверждение / согласование: an artefact approved by a protocol's decision or by a document.

    Attached while the protocol or document is a draft (`approved_on` empty); signing dates it,
    and the artefact counts as approved from then on.
    """

    __tablename__ = "approval"
    __table_args__ = (Index("ix_approval_artefact", "artefact_kind", "artefact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    artefact_kind: Mapped[str] = mapped_column(String(30))
    artefact_id: Mapped[int]
    verb: Mapped[str] = mapped_column(String(20), default="approve")
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    approved_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    decision = relationship("Decision")
    document = relationship("Document")

    @property
    def verb_label(self) -> str:
        return APPROVAL_VERBS.get(self.verb, self.verb)
