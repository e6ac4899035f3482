"""Personal calendar feeds (iCal): a secret address per user, stored hashed."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class IcalFeedToken(db.Model):
    """Ссылка на личный календарь: the secret part of a user's feed address; only its SHA-256 is kept.

    A user has at most one unrevoked token; creating a new link revokes the old one.
    """

    __tablename__ = "ical_feed_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # the first characters, to recognise a link on the page
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]  # the last time a calendar fetched the feed
    revoked_at: Mapped[datetime | None]

    user = relationship("User")

    @property
    def active(self) -> bool:
        return self.revoked_at is None
