"""Touch points (точки контакта) where a client meets the service; journeys and stages join them later."""

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import ScopedMixin, TimestampMixin

CHANNELS = {
    "office": "Офис ЦЗН",
    "site": "Сайт СЗН",
    "portal": "Портал «Работа России»",
    "contact_centre": "Контакт-центр",
    "social": "Социальные сети",
    "messenger": "Мессенджеры",
    "email": "Электронная почта",
    "other": "Другое",
}


class TouchPoint(ScopedMixin, TimestampMixin, db.Model):
    """Точка контакта: a place or channel of a centre (or of the region) where clients are asked."""

    __tablename__ = "touch_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    channel: Mapped[str] = mapped_column(String(20), default="office")
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    region = relationship("Region")
    centre = relationship("Centre")

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel, self.channel)
