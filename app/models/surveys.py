"""Анкеты и ответы: surveys with questions and options, public links, responses, answers, quotas."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import ScopedMixin, TimestampMixin, personal, utcnow

SURVEY_STATUSES = {"draft": "Черновик", "published": "Опубликована", "archived": "В архиве"}
SURVEY_CLIENT_TYPES = {"jobseeker": "Соискатели", "employer": "Работодатели", "any": "Все клиенты"}
QUESTION_KINDS = {
    "scale": "Шкала",
    "yes_no": "Да / Нет",
    "single": "Один вариант",
    "multiple": "Несколько вариантов",
    "text": "Текст",
}
WORDINGS = {
    "ces": "Индекс усилий клиента (CES)",
    "csat": "Удовлетворённость (CSAT)",
    "csi_importance": "CSI: важность параметра",
    "csi_satisfaction": "CSI: удовлетворённость параметром",
    "nps": "Готовность рекомендовать (NPS, внешняя методика)",
}
RESPONSE_SOURCES = {
    "link": "По ссылке",
    "qr": "По QR-коду",
    "kiosk": "Киоск в цифровой зоне",
    "paper": "Бумажная анкета (внесена сотрудником)",
    "oral": "Устный ответ (внесён сотрудником)",
    "api": "Через API",
}
STAFF_SOURCES = ("paper", "oral", "api")  # entered by people of the service, not by the client on a page
RESPONSE_STATUSES = {
    "pending": "Проверяется",
    "accepted": "Учтён",
    "quarantined": "На проверке",
    "rejected": "Отклонён",
}


class Survey(ScopedMixin, TimestampMixin, db.Model):
    """Анкета, опрос: the federal questionnaires of a methodology version or a centre's local survey."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)  # seeded surveys; local ones have none
    title: Mapped[str] = mapped_column(String(500))
    client_type: Mapped[str] = mapped_column(String(20), default="any")
    intro: Mapped[str] = mapped_column(Text, default="")
    outro: Mapped[str] = mapped_column(Text, default="")
    methodology_id: Mapped[int | None] = mapped_column(ForeignKey("methodology.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    source: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    methodology = relationship("Methodology")
    region = relationship("Region")
    centre = relationship("Centre")
    questions: Mapped[list["Question"]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="Question.position"
    )

    @property
    def status_label(self) -> str:
        return SURVEY_STATUSES.get(self.status, self.status)

    @property
    def locked(self) -> bool:
        """A methodology's questionnaire is fixed by its version (seed 003 remark 7): no local edits."""
        return self.methodology_id is not None


class Question(db.Model):
    """Вопрос анкеты, with its scale or options, the condition that shows it and the indicator it measures."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("survey_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    code: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(10), default="")
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    help_text: Mapped[str] = mapped_column(Text, default="")
    scale_min: Mapped[int | None]
    scale_max: Mapped[int | None]
    scale_labels: Mapped[dict] = mapped_column(JSON, default=dict)  # {"1": "очень слабо", …}
    show_if: Mapped[dict | None] = mapped_column(JSON)  # {"question": code, "values": [option values]}
    in_office_only: Mapped[bool] = mapped_column(Boolean, default=False)
    indicator_code: Mapped[str] = mapped_column(String(20), default="")
    wording: Mapped[str] = mapped_column(String(20), default="")  # a standard metric: WORDINGS
    pair: Mapped[str] = mapped_column(String(40), default="")  # CSI: importance and satisfaction share a pair key
    section: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(300), default="")

    survey: Mapped[Survey] = relationship(back_populates="questions")
    options: Mapped[list["Option"]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="Option.position"
    )


class Option(db.Model):
    """Вариант ответа, with its points where the methodology maps answers to a score."""

    __tablename__ = "option"
    __table_args__ = (UniqueConstraint("question_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    value: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    points: Mapped[float | None] = mapped_column(Float)
    free_text: Mapped[bool] = mapped_column(Boolean, default=False)

    question: Mapped[Question] = relationship(back_populates="options")


class SurveyLink(ScopedMixin, TimestampMixin, db.Model):
    """A public link and QR code: one survey at one centre and touch point, bound by an unguessable token."""

    __tablename__ = "survey_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    touch_point_id: Mapped[int | None] = mapped_column(ForeignKey("touch_point.id"), index=True)
    kiosk: Mapped[bool] = mapped_column(Boolean, default=False)  # the digital zone's shared device: /k/<token>
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    survey: Mapped[Survey] = relationship()
    region = relationship("Region")
    centre = relationship("Centre")
    touch_point = relationship("TouchPoint")


class Response(ScopedMixin, db.Model):
    """Ответ клиента на анкету: anonymous, bound to a centre and period, marked with how it was collected.

    Committed before anything else happens, as `pending`; the integrity checks then accept it or hold
    it for review (`quarantined`). Only accepted responses count in results.
    """

    __tablename__ = "response"
    __table_args__ = (Index("ix_response_centre_period", "centre_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    touch_point_id: Mapped[int | None] = mapped_column(ForeignKey("touch_point.id"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("survey_link.id"), index=True)
    client_type: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7))  # «2026-Q4»
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    email: Mapped[str | None] = personal(String(254), subject="client")
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    device_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    address_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    answers_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    seconds_spent: Mapped[int | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(Text, default="")
    anonymised_at: Mapped[datetime | None]

    survey: Mapped[Survey] = relationship()
    centre = relationship("Centre")
    touch_point = relationship("TouchPoint")
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    answers: Mapped[list["Answer"]] = relationship(back_populates="response", cascade="all, delete-orphan")

    @property
    def source_label(self) -> str:
        return RESPONSE_SOURCES.get(self.source, self.source)

    @property
    def status_label(self) -> str:
        return RESPONSE_STATUSES.get(self.status, self.status)


class Answer(db.Model):
    """One answer to one question; centre, period and `counted` are copied from the response so that
    results are one aggregate over this table."""

    __tablename__ = "answer"
    __table_args__ = (Index("ix_answer_centre_period_question", "centre_id", "period", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("option.id"))
    value: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    period: Mapped[str] = mapped_column(String(7))
    counted: Mapped[bool] = mapped_column(Boolean, default=False)  # True once the response is accepted

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    option: Mapped[Option | None] = relationship()


class Quota(db.Model):
    """Квота: the number of answers a centre should collect from one client type in a period."""

    __tablename__ = "quota"
    __table_args__ = (UniqueConstraint("centre_id", "period", "client_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    client_type: Mapped[str] = mapped_column(String(20))
    target: Mapped[int]

    centre = relationship("Centre")
