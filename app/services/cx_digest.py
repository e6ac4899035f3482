"""Telling people what the measurements say: an alert to a centre's head when an indicator falls by more
than the version's margin against the previous quarter, and a weekly digest for the people who run client
experience at each centre. Both are idempotent: an alert once per centre, quarter and indicator; a digest
once per person, centre and week."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models.base import MOSCOW, today
from app.models.indices import DigestLog, IndexValue, IndicatorAlert, IndicatorValue
from app.models.methodology import Indicator, Methodology
from app.models.org import Centre, RoleAssignment, User
from app.models.surveys import Response
from app.services import indices, mail, notifications, periods, scoring
from app.services import methodology as methodology_service

MARGIN_KEY = "change_alert_margin"  # percentage points, a parameter of the methodology version
ALERT_MIN_ANSWERS = 10  # product rule: a share from fewer answers in either quarter moves too much to alert on
HEAD_ROLES = ("director",)
DIGEST_ROLES = ("director", "group_head", "quality_officer", "responsible_employee")
WEAKEST_SHOWN = 3


@dataclass(frozen=True)
class Drop:
    indicator: Indicator
    client_type: str
    previous: float
    value: float


def drops(version: Methodology, centre_id: int, period: str) -> list[Drop]:
    """The centre's indicators that fell by more than the margin against the previous quarter."""
    margin = methodology_service.params_of(version).get((None, MARGIN_KEY))
    if margin is None:
        return []
    before = periods.previous(period)
    rows = db.session.execute(
        select(
            IndicatorValue.indicator_id, IndicatorValue.client_type, IndicatorValue.period, IndicatorValue.value
        ).where(
            IndicatorValue.methodology_id == version.id,
            IndicatorValue.period.in_([period, before]),
            IndicatorValue.scope_kind == "centre",
            IndicatorValue.scope_key == str(centre_id),
            IndicatorValue.measure == indices.SURVEY,
            IndicatorValue.denominator >= ALERT_MIN_ANSWERS,
        )
    ).all()
    values = {(ind, ct, p): v for ind, ct, p, v in rows}
    by_id = {ind.id: ind for ind in version.indicators}
    found = []
    for (ind, client_type, p), value in values.items():
        previous = values.get((ind, client_type, before))
        if p == period and previous is not None and previous - value > float(margin.value) / 100:
            found.append(Drop(by_id[ind], client_type, previous, value))
    return found


def alert_drops(centre_id: int, period: str) -> int:
    """Record new drops of the centre's indicators and notify its head in cxm and by e-mail; the caller commits.

    Returns how many new alerts were raised (a drop already alerted this quarter is not repeated)."""
    centre = db.session.get(Centre, centre_id)
    raised = []
    for version in indices.versions_answered(centre_id, period):
        for drop in drops(version, centre_id, period):
            if indices.insert_ignore(
                IndicatorAlert,
                {
                    "methodology_id": version.id,
                    "centre_id": centre_id,
                    "period": period,
                    "indicator_id": drop.indicator.id,
                    "client_type": drop.client_type,
                    "previous": drop.previous,
                    "value": drop.value,
                },
                ["methodology_id", "centre_id", "period", "indicator_id", "client_type"],
            ):
                raised.append(drop)
    if raised:
        _tell_heads(centre, period, raised)
    return len(raised)


def drop_line(drop: Drop) -> str:
    who = {"jobseeker": "соискатели", "employer": "работодатели"}.get(drop.client_type, "все клиенты")
    return (
        f"{drop.indicator.code} {drop.indicator.name} ({who}): {scoring.percent_label(drop.previous)} → "
        f"{scoring.percent_label(drop.value)}"
    )


def _people(centre_id: int, roles: tuple[str, ...]) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.centre_id == centre_id, RoleAssignment.role.in_(roles), User.active.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )


def _results_path(centre_id: int, period: str) -> str:
    return notifications.path_for("results.index", scope=f"centre:{centre_id}", period=period)


def _tell_heads(centre: Centre, period: str, raised: list[Drop]) -> None:
    path = _results_path(centre.id, period)
    lines = "\n".join(f"— {drop_line(drop)}" for drop in raised)
    subject = f"Падение показателей: {centre.name}, {periods.label(period)}"
    body = (
        f"Показатели клиентоцентричности ЦЗН «{centre.name}» за {periods.label(period)} снизились по сравнению с "
        f"предыдущим кварталом больше, чем на порог методики:\n{lines}\n\n"
        f"Подробнее: {current_app.config['PUBLIC_BASE_URL'].rstrip('/')}{path}\n"
    )
    for head in _people(centre.id, HEAD_ROLES):
        notifications.notify(head.id, f"{subject}: {len(raised)} показ.", link=path)
        mail.send(head.email, subject, body)


# --- the weekly digest -------------------------------------------------------------------------------


def week_of(on: date) -> tuple[date, date]:
    """The Monday-to-Sunday week before the one `on` falls in (the digest goes out on Monday)."""
    monday = on - timedelta(days=on.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)


def digest_text(centre: Centre, on: date) -> tuple[str, str]:
    """Subject and body of one centre's weekly digest."""
    start, end = week_of(on)
    period = periods.period_of(end)
    version = methodology_service.for_period(period)
    lines = [f"Клиентский опыт: {centre.name}", f"Неделя с {start:%d.%m.%Y} по {end:%d.%m.%Y}", ""]
    level = None
    if version is not None:
        level = db.session.scalar(
            select(IndexValue).where(
                IndexValue.methodology_id == version.id,
                IndexValue.scope_kind == "centre",
                IndexValue.scope_key == str(centre.id),
                IndexValue.period == period,
                IndexValue.client_type == indices.ALL,
            )
        )
    if level is not None and level.level is not None:
        change = "нет предыдущего квартала" if level.change is None else scoring.percent_label(level.change)
        lines.append(f"Уровень клиентоцентричности за {periods.label(period)}: {level.level:.1f} из 100 ({change})")
    else:
        lines.append(f"Уровень клиентоцентричности за {periods.label(period)}: нет данных")
    since = datetime.combine(start, time(), MOSCOW).astimezone(UTC).replace(tzinfo=None)  # stored as naive UTC
    until = datetime.combine(end + timedelta(days=1), time(), MOSCOW).astimezone(UTC).replace(tzinfo=None)
    counts = dict(
        db.session.execute(
            select(Response.status, func.count())
            .where(Response.centre_id == centre.id, Response.submitted_at >= since, Response.submitted_at < until)
            .group_by(Response.status)
        ).all()
    )
    lines.append(f"Ответов за неделю: {sum(counts.values())}, из них учтено {counts.get('accepted', 0)}")
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.centre_id == centre.id, Response.status == "quarantined")
    )
    if waiting:
        lines.append(f"Ждут проверки: {waiting}")
    if version is not None:
        weakest = db.session.execute(
            select(Indicator.code, Indicator.name, IndicatorValue.value)
            .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
            .where(
                IndicatorValue.methodology_id == version.id,
                IndicatorValue.scope_kind == "centre",
                IndicatorValue.scope_key == str(centre.id),
                IndicatorValue.period == period,
                IndicatorValue.client_type == indices.ALL,
            )
            .order_by(IndicatorValue.value, Indicator.position)
            .limit(WEAKEST_SHOWN)
        ).all()
        if weakest:
            lines += ["", "Самые низкие показатели:"]
            lines += [f"— {code} {name}: {scoring.percent_label(value)}" for code, name, value in weakest]
    alerts = db.session.scalars(
        select(IndicatorAlert).where(
            IndicatorAlert.centre_id == centre.id, IndicatorAlert.created_at >= since, IndicatorAlert.created_at < until
        )
    ).all()
    if alerts:
        lines += ["", "Падения за неделю:"]
        lines += [f"— {drop_line(Drop(a.indicator, a.client_type, a.previous, a.value))}" for a in alerts]
    lines += ["", f"Подробнее: {current_app.config['PUBLIC_BASE_URL'].rstrip('/')}{_results_path(centre.id, period)}"]
    return f"Клиентский опыт за неделю: {centre.name}", "\n".join(lines) + "\n"


def send_weekly(on: date | None = None) -> int:
    """Send each centre's digest of last week to its CX people who have not had it; returns messages sent.
    The caller commits."""
    on = on or today()
    start, _ = week_of(on)
    centre_ids = db.session.scalars(
        select(RoleAssignment.centre_id)
        .where(RoleAssignment.centre_id.is_not(None), RoleAssignment.role.in_(DIGEST_ROLES))
        .distinct()
    ).all()
    sent = 0
    for centre_id in sorted(centre_ids):
        centre = db.session.get(Centre, centre_id)
        people = [
            person
            for person in _people(centre_id, DIGEST_ROLES)
            if indices.insert_ignore(
                DigestLog,
                {"user_id": person.id, "centre_id": centre_id, "week_start": start},
                ["user_id", "centre_id", "week_start"],
            )
        ]
        if not people:
            continue
        subject, body = digest_text(centre, on)
        for person in people:
            mail.send(person.email, subject, body)
            sent += 1
    return sent
