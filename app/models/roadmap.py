"""Roadmaps (дорожные карты): blocks, items with plan and fact, the baseline frozen at approval."""

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import ScopedMixin, SearchableMixin, TimestampMixin

ROADMAP_STATUSES = {"draft": "Проект", "approved": "Утверждена"}
DEADLINE_KINDS = {
    "on": "Дата",
    "until": "До даты",
    "range": "Период",
    "whole_period": "На протяжении всего периода",
    "until_and_whole_period": "До даты и на протяжении всего периода",
}
WHOLE_PERIOD = ("whole_period", "until_and_whole_period")
WHOLE_PERIOD_TEXT = "на протяжении всего периода реализации"


class Roadmap(SearchableMixin, ScopedMixin, TimestampMixin, db.Model):
    """Дорожная карта of a region or a centre: blocks of items over a period."""

    __tablename__ = "roadmap"
    __search_fields__ = ("title",)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    starts_on: Mapped[date | None] = mapped_column(Date)  # the period «на протяжении всего периода» means
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    approved_on: Mapped[date | None] = mapped_column(Date)
    template: Mapped[str] = mapped_column(String(40), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    region = relationship("Region")
    centre = relationship("Centre")
    blocks: Mapped[list["RoadmapBlock"]] = relationship(
        back_populates="roadmap", cascade="all, delete-orphan", order_by="RoadmapBlock.position"
    )
    items: Mapped[list["RoadmapItem"]] = relationship(
        order_by="RoadmapItem.position",
        viewonly=True,  # added and removed through their blocks
    )

    @property
    def status_label(self) -> str:
        return ROADMAP_STATUSES.get(self.status, self.status)

    @property
    def is_approved(self) -> bool:
        return self.status == "approved"


class RoadmapBlock(db.Model):
    """Блок (этап) дорожной карты: «Подготовительный этап», «Основной этап» … with its dates."""

    __tablename__ = "roadmap_block"

    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(ForeignKey("roadmap.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(500))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    roadmap: Mapped[Roadmap] = relationship(back_populates="blocks")
    items: Mapped[list["RoadmapItem"]] = relationship(
        back_populates="block", cascade="all, delete-orphan", order_by="RoadmapItem.position"
    )


class RoadmapItem(db.Model):
    """Мероприятие дорожной карты: plan (срок, ответственные, ожидаемый результат) and fact.

    The status is computed from these fields (`roadmap.status_of`), never typed; the baseline
    deadline is copied from the plan when the roadmap is approved.
    """

    __tablename__ = "roadmap_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(ForeignKey("roadmap.id", ondelete="CASCADE"), index=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("roadmap_block.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)  # order in the whole roadmap
    number: Mapped[str] = mapped_column(String(20), default="")  # «2.10», editable
    title: Mapped[str] = mapped_column(Text)
    expected_result: Mapped[str] = mapped_column(Text, default="")
    # plan
    deadline_kind: Mapped[str] = mapped_column(String(30), default="until")
    due_from: Mapped[date | None] = mapped_column(Date)  # a range's first day
    due_on: Mapped[date | None] = mapped_column(Date, index=True)  # the date, «до» date or a range's last day
    baseline_due_on: Mapped[date | None] = mapped_column(Date)
    responsible_text: Mapped[str] = mapped_column(String(500), default="")  # «ФЦК, пилотные регионы»
    deliverable_kind: Mapped[str] = mapped_column(String(30), default="")  # artefacts.ARTEFACT_KINDS
    deliverable_id: Mapped[int | None]
    # fact
    result: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None] = mapped_column(Date)  # the date that counts: the last when several
    done_text: Mapped[str] = mapped_column(String(300), default="")  # as written: «с 25.04.2022 по 29.04.2022»
    note: Mapped[str] = mapped_column(Text, default="")
    not_done_reason: Mapped[str] = mapped_column(Text, default="")

    roadmap: Mapped[Roadmap] = relationship()
    block: Mapped[RoadmapBlock] = relationship(back_populates="items")
    people: Mapped[list["RoadmapItemPerson"]] = relationship(
        cascade="all, delete-orphan", order_by="RoadmapItemPerson.position"
    )
    departments: Mapped[list["RoadmapItemDepartment"]] = relationship(cascade="all, delete-orphan")
    evidence: Mapped[list["RoadmapEvidence"]] = relationship(
        cascade="all, delete-orphan", order_by="RoadmapEvidence.id"
    )

    @property
    def deadline_kind_label(self) -> str:
        return DEADLINE_KINDS.get(self.deadline_kind, self.deadline_kind)

    @property
    def whole_period(self) -> bool:
        return self.deadline_kind in WHOLE_PERIOD

    @property
    def region_id(self) -> int | None:
        """An item is in its roadmap's scope (the policy asks records for these)."""
        return self.roadmap.region_id

    @property
    def centre_id(self) -> int | None:
        return self.roadmap.centre_id


class RoadmapItemPerson(db.Model):
    """A responsible person of an item, in the order the roadmap names them."""

    __tablename__ = "roadmap_item_person"
    __table_args__ = (UniqueConstraint("item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("roadmap_item.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)

    user = relationship("User")


class RoadmapItemDepartment(db.Model):
    """A responsible department of an item."""

    __tablename__ = "roadmap_item_department"
    __table_args__ = (UniqueConstraint("item_id", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("roadmap_item.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)

    department = relationship("Department")


class RoadmapEvidence(db.Model):
    """A protocol, document or other artefact evidencing an item's fact; one protocol may evidence several items."""

    __tablename__ = "roadmap_evidence"
    __table_args__ = (UniqueConstraint("item_id", "artefact_kind", "artefact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("roadmap_item.id", ondelete="CASCADE"), index=True)
    artefact_kind: Mapped[str] = mapped_column(String(30))
    artefact_id: Mapped[int]
