"""Collecting answers, staff side: read models for the survey, link, quota and review pages, and the small
use cases they change (links, touch points, quota targets), each audited; the caller commits."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date

from sqlalchemy import String, cast, func, or_, select

from app.extensions import db
from app.models.base import MOSCOW, today
from app.models.journeys import TouchPoint
from app.models.org import Centre
from app.models.surveys import RESPONSE_SOURCES, STAFF_SOURCES, Quota, Response, Survey, SurveyLink
from app.services import audit, integrity, periods, surveys
from app.services import methodology as methodology_service
from app.services.policy import scope_filter, scoped, with_branches

QUOTA_MIN, QUOTA_MAX = 1, 10_000
QUOTA_PARAMS = {"jobseeker": "quota_jobseekers", "employer": "quota_employers"}
TOUCH_POINT_FIELDS = ("name", "channel", "description", "centre_id", "active")


# --- surveys -----------------------------------------------------------------------------------------


def visible_surveys(user):
    """Surveys `user` may read: the federal and sample questionnaires (no region) and local ones in scope."""
    clause = scope_filter(Survey, user, "survey.view")
    stmt = select(Survey)
    return stmt if clause is None else stmt.where(or_(Survey.region_id.is_(None), clause))


def search_title(stmt, q: str | None):
    """Title contains every word (SQLite folds only ASCII case, so the usual spellings are tried too)."""
    for word in (q or "").split():
        variants = {word, word.lower(), word.upper(), word.capitalize()}
        stmt = stmt.where(or_(*(Survey.title.contains(v, autoescape=True) for v in variants)))
    return stmt


def scope_label(survey: Survey) -> str:
    """Whose questionnaire it is, in words."""
    if survey.methodology_id:
        return f"Федеральная анкета, методика «{survey.methodology.name}»"
    if survey.centre_id:
        return survey.centre.name
    if survey.region_id:
        return survey.region.name
    return "Образец анкеты из опыта регионов"


def fits(survey: Survey, centre: Centre) -> bool:
    """May answers to `survey` be collected at `centre`? Federal ones anywhere, local ones in their own scope."""
    if survey.region_id is None:
        return True
    if survey.centre_id is not None:
        return centre.id in with_branches({survey.centre_id})
    return centre.region_id == survey.region_id


def condition_label(question, by_code: dict) -> str:
    """«показывается, если в вопросе 12 выбран ответ «Да»» (empty when the question always shows)."""
    cond = question.show_if
    if not cond:
        return ""
    source = by_code.get(cond["question"])
    if source is None:
        return f"показывается, если в вопросе {cond['question']} выбран один из ответов: {', '.join(cond['values'])}"
    texts = {o.value: o.text for o in source.options}
    answers = ", ".join(f"«{texts.get(v, v)}»" for v in cond["values"])
    name = source.number or source.code
    word = "ответ" if len(cond["values"]) == 1 else "один из ответов"
    return f"показывается, если в вопросе {name} выбран {word} {answers}"


def centres_for(user, permission: str) -> list[Centre]:
    return list(db.session.scalars(scoped(select(Centre), Centre, user, permission).order_by(Centre.name)))


def touch_points_for(user, permission: str, *, active_only: bool = True) -> list[TouchPoint]:
    stmt = scoped(select(TouchPoint), TouchPoint, user, permission).where(TouchPoint.centre_id.is_not(None))
    if active_only:
        stmt = stmt.where(TouchPoint.active.is_(True))
    return list(db.session.scalars(stmt.order_by(TouchPoint.name)))


# --- links -------------------------------------------------------------------------------------------


def answers_by_link(link_ids) -> dict[int, int]:
    """How many responses came through each link (any status)."""
    if not link_ids:
        return {}
    rows = db.session.execute(
        select(Response.link_id, func.count()).where(Response.link_id.in_(list(link_ids))).group_by(Response.link_id)
    )
    return dict(rows.all())


def link_label(link: SurveyLink) -> str:
    return f"Ссылка на анкету: {link.centre.name}" + (f", {link.touch_point.name}" if link.touch_point else "")


def create_link(
    survey: Survey, centre: Centre, touch_point: TouchPoint | None, actor, kiosk: bool = False
) -> SurveyLink:
    link = surveys.new_link(survey, centre, touch_point=touch_point, kiosk=kiosk, actor=actor)
    audit.record(
        "survey_link.create",
        link,
        label=link_label(link),
        after={
            "title": survey.title,
            "centre_id": centre.id,
            "touch_point": getattr(touch_point, "name", None),
            "kiosk": kiosk,
        },
        actor=actor,
    )
    return link


def set_link_active(link: SurveyLink, active: bool, actor) -> None:
    if link.active == active:
        return
    link.active = active
    audit.record(
        "survey_link.activate" if active else "survey_link.deactivate",
        link,
        label=link_label(link),
        before={"active": not active},
        after={"active": active},
        actor=actor,
    )


# --- touch points ------------------------------------------------------------------------------------


def save_touch_point(point: TouchPoint | None, values: dict, actor) -> TouchPoint:
    """Create or change a centre's touch point; `values` name the centre by `centre_id`."""
    is_new = point is None
    point = point or TouchPoint(active=True)
    before = {} if is_new else audit.snapshot(point, TOUCH_POINT_FIELDS)
    for name, value in values.items():
        setattr(point, name, value)
    point.region_id = db.session.get(Centre, point.centre_id).region_id
    if is_new:
        db.session.add(point)
    db.session.flush()
    after = audit.snapshot(point, TOUCH_POINT_FIELDS)
    before, after = audit.changed(before, after) if not is_new else ({}, after)
    if after:
        action = "touch_point.create" if is_new else "touch_point.update"
        audit.record(action, point, label=f"Точка контакта «{point.name}»", before=before, after=after, actor=actor)
    return point


def set_touch_point_active(point: TouchPoint, active: bool, actor) -> None:
    if point.active == active:
        return
    point.active = active
    audit.record(
        "touch_point.activate" if active else "touch_point.deactivate",
        point,
        label=f"Точка контакта «{point.name}»",
        before={"active": not active},
        after={"active": active},
        actor=actor,
    )


# --- staff entry -------------------------------------------------------------------------------------


def earliest_answer_date(on: date | None = None) -> date:
    """The first day of the previous quarter: paper forms of a closed quarter are entered in the next one;
    older quarters are reported and compared already and do not change."""
    return periods.bounds(periods.previous(periods.period_of(on or today())))[0]


def answer_date_problem(day: date | None) -> str | None:
    """Why the date a client answered cannot be used, or None."""
    if day is None:
        return "Укажите дату, когда клиент ответил."
    if day > today():
        return "Дата ответа не может быть в будущем."
    earliest = earliest_answer_date()
    if day < earliest:
        return (
            f"Дата ответа не может быть раньше {earliest:%d.%m.%Y}: анкеты вносят в текущем или следующем "
            "квартале, более ранние кварталы уже подсчитаны."
        )
    return None


# --- quotas ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Defaults:
    """Default targets of the version in force for a period, with the caveats to show beside them."""

    targets: dict[str, int]
    caveats: list[str]
    version_name: str | None


def quota_defaults(period: str) -> Defaults:
    version = methodology_service.for_period(period)
    if version is None:
        return Defaults({}, [], None)
    params = methodology_service.params_of(version)
    targets, caveats = {}, []
    for client_type, key in QUOTA_PARAMS.items():
        param = params.get((None, key))
        if param is None:
            continue
        try:
            targets[client_type] = int(param.value)
        except (TypeError, ValueError):
            continue
        if param.caveat:
            caveats.append(param.caveat)
    return Defaults(targets, caveats, version.name)


def own_quotas(centre_id: int, period: str) -> dict[str, int]:
    rows = db.session.scalars(select(Quota).where(Quota.centre_id == centre_id, Quota.period == period))
    return {q.client_type: q.target for q in rows}


def set_quota(centre: Centre, period: str, client_type: str, target: int, actor) -> Quota:
    """A centre's own target for one client type in a period."""
    if client_type not in QUOTA_PARAMS or not QUOTA_MIN <= target <= QUOTA_MAX or periods.parse(period) is None:
        raise ValueError("bad quota")
    quota = db.session.scalar(
        select(Quota).where(Quota.centre_id == centre.id, Quota.period == period, Quota.client_type == client_type)
    )
    before = {"target": quota.target} if quota else {}
    if quota is None:
        quota = Quota(centre_id=centre.id, period=period, client_type=client_type, target=target)
        db.session.add(quota)
    quota.target = target
    db.session.flush()
    audit.record(
        "quota.set",
        quota,
        label=f"Квота {centre.name}, {periods.label(period)}",
        before=before,
        after={"period": period, "client_type": client_type, "target": target},
        actor=actor,
    )
    return quota


def period_choices(current: str, chosen: str | None = None) -> list[tuple[str, str]]:
    """The next quarter, the current one and seven before it, newest first (plus `chosen` if older)."""
    year, quarter = periods.parse(current)
    following = f"{year + 1}-Q1" if quarter == 4 else f"{year}-Q{quarter + 1}"
    keys = [following, *reversed(periods.recent(current, 8))]
    if chosen and chosen not in keys:
        keys.append(chosen)
    return [(key, periods.label(key)) for key in keys]


def _local_day(moment) -> date:
    return moment.replace(tzinfo=UTC).astimezone(MOSCOW).date()


def daily_counts(centre_id: int, period: str) -> list[tuple[date, int, int]]:
    """(day, responses, accepted) per day the centre received responses in the period, by Moscow date."""
    rows = db.session.execute(
        select(Response.submitted_at, Response.status).where(Response.centre_id == centre_id, Response.period == period)
    ).all()
    total, accepted = Counter(), Counter()
    for moment, status in rows:
        day = _local_day(moment)
        total[day] += 1
        accepted[day] += status == "accepted"
    return [(day, total[day], accepted[day]) for day in sorted(total)]


@dataclass(frozen=True)
class SourceCounts:
    rows: list[tuple[str, str, int, int]]  # source, label, responses, accepted
    total: int
    staff: int
    limit: int  # percent

    @property
    def staff_share(self) -> float | None:
        return 100 * self.staff / self.total if self.total else None

    @property
    def staff_share_high(self) -> bool:
        share = self.staff_share
        return share is not None and self.total >= integrity.STAFF_SHARE_MIN_RESPONSES and share > self.limit


def source_counts(centre_id: int, period: str) -> SourceCounts:
    """Responses by how they were collected; the staff-entered share is judged as the integrity rule judges it."""
    rows = db.session.execute(
        select(Response.source, func.count(), func.count().filter(Response.status == "accepted"))
        .where(Response.centre_id == centre_id, Response.period == period)
        .group_by(Response.source)
    ).all()
    by_source = {source: (n, ok) for source, n, ok in rows}
    table = [
        (source, label, *by_source.get(source, (0, 0)))
        for source, label in RESPONSE_SOURCES.items()
        if source != "api" or source in by_source
    ]
    total = sum(n for n, _ in by_source.values())
    staff = sum(by_source.get(s, (0, 0))[0] for s in STAFF_SOURCES)
    return SourceCounts(table, total, staff, integrity.RULES["staff_share"].limit)


# --- review ------------------------------------------------------------------------------------------

REVIEW_STATUSES = {
    "quarantined": "На проверке",
    "accepted": "Учтённые после проверки",
    "rejected": "Отклонённые",
}


def review_stmt(user, status: str, centre_id: int | None = None, flag: str | None = None):
    """Responses under review (or already decided ones: the history) in `user`'s response.review scope."""
    stmt = scoped(select(Response), Response, user, "response.review").where(Response.status == status)
    if status != "quarantined":
        stmt = stmt.where(Response.reviewed_at.is_not(None))
    if centre_id:
        stmt = stmt.where(Response.centre_id == centre_id)
    if flag:
        stmt = stmt.where(cast(Response.flags, String).contains(f'"{flag}"', autoescape=True))
    order = Response.submitted_at if status == "quarantined" else Response.reviewed_at
    return stmt.order_by(order.desc(), Response.id.desc())


def flag_labels(response: Response) -> list[str]:
    return [integrity.FLAG_LABELS.get(code, code) for code in response.flags or []]


def answer_rows(response: Response) -> list[tuple]:
    """(question, [answer texts]) in the questionnaire's order, only the questions answered."""
    by_question: dict[int, list[str]] = {}
    for answer in response.answers:
        if answer.option is not None:
            text = answer.option.text + (f": {answer.text}" if answer.text else "")
        elif answer.value is not None:
            text = f"{answer.value:g}"
        else:
            text = answer.text or ""
        by_question.setdefault(answer.question_id, []).append(text)
    return [(q, by_question[q.id]) for q in response.survey.questions if q.id in by_question]


SIMILAR = (
    ("answers_key", "identical", "С такими же ответами"),
    ("device_key", "device", "С того же устройства"),
    ("address_key", "address", "С того же адреса"),
)


@dataclass(frozen=True)
class Similar:
    label: str
    count: int
    ids: list[int]


def similar(response: Response, limit: int = 20) -> list[Similar]:
    """Other responses of the centre-period sharing a key with this one (the evidence behind its flags)."""
    found = []
    for column_name, _flag, label in SIMILAR:
        key = getattr(response, column_name)
        if not key:
            continue
        conditions = (
            Response.centre_id == response.centre_id,
            Response.period == response.period,
            Response.id != response.id,
            getattr(Response, column_name) == key,
        )
        count = db.session.scalar(select(func.count()).select_from(Response).where(*conditions))
        if count:
            ids = list(db.session.scalars(select(Response.id).where(*conditions).order_by(Response.id).limit(limit)))
            found.append(Similar(label, count, ids))
    return found
