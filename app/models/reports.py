"""The pilot report a region sends to ФЦК, and the federal view of what each region has submitted."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import ScopedMixin, TimestampMixin, utcnow

REPORT_SECTIONS = {"remarks": "Замечания/предложения/дополнения", "effects": "Эффекты от реализации, бонусы"}
SUBMISSION_KINDS = {
    "order": "Приказ",
    "working_group": "Рабочая группа",
    "roadmap": "Дорожная карта",
    "report": "Отчёт",
}
SUBMISSION_STATUSES = {
    "not_submitted": "Не представлено",
    "submitted": "Представлено",
    "returned": "Запрошены недостающие данные",
    "accepted": "Принято",
}
SUBMISSION_ACTIONS = {"submit": "Представлено", "return": "Возвращено за данными", "accept": "Принято"}


class PilotReport(ScopedMixin, TimestampMixin, db.Model):
    """Отчет о результатах пилотной апробации: §1 from the roadmap, §2 remarks and proposals, §3 effects."""

    __tablename__ = "pilot_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(ForeignKey("roadmap.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    roadmap = relationship("Roadmap")
    region = relationship("Region")
    rows: Mapped[list["ReportRow"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportRow.section, ReportRow.position"
    )

    def section(self, name: str) -> list["ReportRow"]:
        return [row for row in self.rows if row.section == name]


class ReportRow(db.Model):
    """A numbered row of §2 (remarks and proposals) or §3 (effects)."""

    __tablename__ = "report_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("pilot_report.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=1)
    text: Mapped[str] = mapped_column(Text)

    report: Mapped[PilotReport] = relationship(back_populates="rows")


class Submission(db.Model):
    """What a region has sent to ФЦК of one kind (order, working group, roadmap, report) and where it stands."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("region_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="not_submitted")
    artefact_id: Mapped[int | None]  # the document, group, roadmap or report sent
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    region = relationship("Region")
    events: Mapped[list["SubmissionEvent"]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="SubmissionEvent.id"
    )

    @property
    def kind_label(self) -> str:
        return SUBMISSION_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return SUBMISSION_STATUSES.get(self.status, self.status)


class SubmissionEvent(db.Model):
    """One step of the exchange: sent, returned with a «запрос недостающих данных», accepted."""

    __tablename__ = "submission_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="events")
    actor = relationship("User")

    @property
    def action_label(self) -> str:
        return SUBMISSION_ACTIONS.get(self.action, self.action)
