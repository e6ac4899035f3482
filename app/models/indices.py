"""Computed results: indicator values and the client-centricity index per scope and period.

Written only by the recalculation service (RQ jobs); each row records the methodology version,
the inputs it was computed from and when.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

SCOPE_KINDS = {"centre": "ЦЗН", "region": "Регион", "network": "Тип сети", "federation": "Российская Федерация"}
NETWORKS = {"centralised": "Централизованные сети", "decentralised": "Децентрализованные сети"}


class IndicatorValue(db.Model):
    """Значение показателя for one scope (centre, region, network type, federation), client type and period."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        Index(
            "uq_indicator_value",  # a period first: a recalculation reads one level of one quarter
            "methodology_id",
            "period",
            "scope_kind",
            "scope_key",
            "indicator_id",
            "client_type",
            "measure",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # no single-column indexes: the unique index leads with the version, and a full recalculation writes
    # a row per centre, quarter, indicator and client type (every extra index slows it down)
    methodology_id: Mapped[int] = mapped_column(ForeignKey("methodology.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    scope_kind: Mapped[str] = mapped_column(String(20))
    scope_key: Mapped[str] = mapped_column(String(40))  # centre or region id, network type, «all»
    period: Mapped[str] = mapped_column(String(7))
    client_type: Mapped[str] = mapped_column(String(20))
    measure: Mapped[str] = mapped_column(String(10), default="survey")  # survey | passport
    numerator: Mapped[float] = mapped_column(Float, default=0.0)
    denominator: Mapped[float] = mapped_column(Float, default=0.0)
    value: Mapped[float | None] = mapped_column(Float)  # None = «нет данных»
    inputs: Mapped[int] = mapped_column(default=0)  # answers (or passports) behind the value
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    indicator = relationship("Indicator")


class IndexValue(db.Model):
    """Индекс клиентоцентричности: the level of a scope in a period and its relative change."""

    __tablename__ = "index_value"
    __table_args__ = (
        Index("uq_index_value", "methodology_id", "scope_kind", "scope_key", "period", "client_type", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    methodology_id: Mapped[int] = mapped_column(ForeignKey("methodology.id"))  # leads the unique index
    scope_kind: Mapped[str] = mapped_column(String(20))
    scope_key: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(7))
    client_type: Mapped[str] = mapped_column(String(20))
    level: Mapped[float | None] = mapped_column(Float)
    change: Mapped[float | None] = mapped_column(Float)  # relative to the previous period's level
    missing: Mapped[list] = mapped_column(JSON, default=list)  # indicator codes without data
    inputs: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    methodology = relationship("Methodology")


class RecalcRequest(db.Model):
    """A pending recalculation of one centre and period: at most one, however many answers arrive.

    The row is written in the answer's transaction, so a recalculation is never lost when Redis
    is down: the next job or the nightly run picks it up.
    """

    __tablename__ = "recalc_request"

    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecalcState(db.Model):
    """What one centre-period's stored values of a version were computed from: a digest of its answer
    counts, its region and network type and the version's recipe. The nightly run recomputes only the
    centre-periods whose digest has changed (and the levels above them)."""

    __tablename__ = "recalc_state"

    methodology_id: Mapped[int] = mapped_column(ForeignKey("methodology.id", ondelete="CASCADE"), primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    region_id: Mapped[int] = mapped_column()  # the region its values were summed into
    network: Mapped[str] = mapped_column(String(20), default="")  # and that region's network type then
    digest: Mapped[str] = mapped_column(String(32))


class IndicatorAlert(db.Model):
    """Сигнал о падении показателя: a centre's indicator fell by more than the version's margin against the
    previous quarter. Written once per centre, quarter, indicator and client type; its head is notified."""

    __tablename__ = "indicator_alert"
    __table_args__ = (UniqueConstraint("methodology_id", "centre_id", "period", "indicator_id", "client_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    methodology_id: Mapped[int] = mapped_column(ForeignKey("methodology.id"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    client_type: Mapped[str] = mapped_column(String(20))
    previous: Mapped[float] = mapped_column(Float)
    value: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    indicator = relationship("Indicator")
    centre = relationship("Centre")


class DigestLog(db.Model):
    """The weekly CX digest of one centre sent to one person: at most once per week."""

    __tablename__ = "digest_log"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
