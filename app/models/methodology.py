"""Методика as versioned data: groups, indicators, their scoring rules and parameters.

A version in use (a computed value cites it) is never edited: an admin clones it and edits the
draft, so every old result stays reproducible from the version it records.
"""

from datetime import date

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin

METHODOLOGY_STATUSES = {"draft": "Черновик", "active": "Действует", "archived": "В архиве"}
CLIENT_TYPES = {"jobseeker": "Соискатели", "employer": "Работодатели", "both": "Соискатели и работодатели"}
MEASURED_BY = {"survey": "Анкетирование", "passport": "Паспорт ЦЗН (объективные данные)", "both": "Анкета и паспорт"}
LEVELS = {"centre": "ЦЗН", "managing_centre": "Управляющий ЦЗН", "region": "Регион"}
SCORING_RULES = {
    "share_positive": "Доля положительных ответов",
    "yes_share": "Доля ответов «Да»",
    "points_per_item": "Баллы за каждый реализованный пункт",
    "points_per_channel": "Баллы за каждый канал",
    "yes_no": "Да / Нет",
    "formula": "Формула",
    "levels": "Уровни",
}
UNDEFINED_LABEL = "не определено методикой"


class Methodology(TimestampMixin, db.Model):
    """Версия методики измерения показателей клиентоцентричности («Пилот 2022», «После пилота»)."""

    __tablename__ = "methodology"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    integral_index: Mapped[bool] = mapped_column(Boolean, default=True)
    network_split: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("methodology.id"))
    source: Mapped[str] = mapped_column(String(500), default="")

    based_on: Mapped["Methodology | None"] = relationship(remote_side=[id])
    groups: Mapped[list["IndicatorGroup"]] = relationship(
        back_populates="methodology", cascade="all, delete-orphan", order_by="IndicatorGroup.position"
    )
    indicators: Mapped[list["Indicator"]] = relationship(
        order_by="Indicator.position",
        viewonly=True,  # added and removed through their groups
    )
    params: Mapped[list["MethodologyParam"]] = relationship(
        back_populates="methodology", cascade="all, delete-orphan", order_by="MethodologyParam.id"
    )

    @property
    def status_label(self) -> str:
        return METHODOLOGY_STATUSES.get(self.status, self.status)


class IndicatorGroup(db.Model):
    """Группа показателей (дружелюбие и партнёрство, полезность, минимизация усилий, …) with its index weight."""

    __tablename__ = "indicator_group"
    __table_args__ = (UniqueConstraint("methodology_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    methodology_id: Mapped[int] = mapped_column(ForeignKey("methodology.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    weight: Mapped[float] = mapped_column(Float, default=0.0)
    position: Mapped[int] = mapped_column(default=1)

    methodology: Mapped[Methodology] = relationship(back_populates="groups")
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Indicator.position"
    )


class Indicator(db.Model):
    """Показатель клиентоцентричности: what is measured, by which rule, and its weight in the group."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("methodology_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    methodology_id: Mapped[int] = mapped_column(ForeignKey("methodology.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("indicator_group.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(500))
    client_type: Mapped[str] = mapped_column(String(20), default="both")
    measured_by: Mapped[str] = mapped_column(String(20), default="survey")
    level: Mapped[str] = mapped_column(String(20), default="centre")
    scoring_rule: Mapped[str] = mapped_column(String(30), default="share_positive")
    max_score: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20), default="%")
    weight: Mapped[float] = mapped_column(Float, default=0.0)
    direction: Mapped[int] = mapped_column(default=1)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(default=1)

    methodology: Mapped[Methodology] = relationship()
    group: Mapped[IndicatorGroup] = relationship(back_populates="indicators")
    params: Mapped[list["MethodologyParam"]] = relationship(
        order_by="MethodologyParam.id",
        viewonly=True,  # added and removed through the version
    )

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


class MethodologyParam(db.Model):
    """A parameter of a version or of one indicator (threshold, K, points, levels).

    `defined` is False where the seeds leave the rule undefined or contradict themselves: the
    value is then the team's documented choice, and `rationale` says why; every result that
    depends on it shows «не определено методикой».
    """

    __tablename__ = "methodology_param"
    __table_args__ = (UniqueConstraint("methodology_id", "indicator_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    methodology_id: Mapped[int] = mapped_column(ForeignKey("methodology.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(300))
    value: Mapped[object] = mapped_column(JSON)
    defined: Mapped[bool] = mapped_column(Boolean, default=True)
    rationale: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")

    methodology: Mapped[Methodology] = relationship(back_populates="params")
    indicator: Mapped[Indicator | None] = relationship()
