"""Read models of the results pages: indicator values and the client-centricity index per scope and period.

Reads only: stored `IndicatorValue` / `IndexValue` rows (written by `indices`) and, for distributions,
the drill-down and touch points, the counted answers themselves. Nothing here writes.

A scope is a centre, a region, a network type (when the version splits networks) or the federation,
named in URLs as «centre:5», «region:3», «network:centralised», «federation». A user reads the scopes
of `results.view` and, for comparison, the aggregates above them (their region, its network type, the
federation); answers behind a figure are shown only for scopes wholly inside their visibility.

Under a version without an integral index («Пилот 2022», seed 003 l. 83) there is no index and no
ranking: only indicator values and their averages across centres (seed 003 §2.5).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import String, and_, cast, distinct, func, select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models.indices import NETWORKS, IndexValue, IndicatorValue, RecalcRequest
from app.models.journeys import TouchPoint
from app.models.methodology import Indicator, Methodology
from app.models.org import Centre, Region
from app.models.surveys import Answer, Option, Question, Response, Survey
from app.services import indices, periods, policy, scoring, survey_builder
from app.services import methodology as methodology_service

PERMISSION = "results.view"
CLIENT_TYPES = {"all": "Все", "jobseeker": "Соискатели", "employer": "Работодатели"}
FEDERATION_LABEL = "Российская Федерация"
TREND_QUARTERS = 8
PANEL_QUARTERS = 4
PANEL_WEAKEST = 3
NO_DATA = scoring.NO_DATA

# Version-level parameters a value depends on, by how it is computed (see `indices`).
RULE_PARAMS = {
    "share_positive": ("positive_threshold", "blank_answers"),
    "yes_share": ("blank_answers",),
}
POOLING_PARAM = "client_type_pooling"  # both client types in one figure
INDEX_PARAMS = ("index_formula", "index_weights", "index_relative_change", "missing_data", "both_combination")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


# ---- formatting ---------------------------------------------------------------------------------


def level_label(level: float | None) -> str:
    """An index level 0–100 with one decimal: «73,4»; None → «нет данных»."""
    if level is None:
        return NO_DATA
    number = Decimal(repr(float(level))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format(number, "f").replace(".", ",")


def quarter_dative(period: str) -> str:
    """«к III кварталу 2026»."""
    parsed = periods.parse(period)
    return f"к {_ROMAN[parsed[1]]} кварталу {parsed[0]}" if parsed else period


def signed_percent(change: float) -> str:
    """A relative change as «+4,2 %», «−1,5 %», «0,0 %»."""
    label = scoring.percent_label(abs(change))
    if label.startswith("0,0 "):
        return label
    return ("+" if change > 0 else "−") + label


def answers_word(count: int) -> str:
    """After «из»: 1, 21 … → «ответа», otherwise «ответов»."""
    return "ответа" if count % 10 == 1 and count % 100 != 11 else "ответов"


def counts_label(numerator: float, denominator: float) -> str:
    """«66 из 80 ответов»."""
    n, d = int(numerator), int(denominator)
    return f"{n} из {d} {answers_word(d)}"


# ---- scopes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultScope:
    """Where figures are read: kind (centre, region, network, federation) and the key `IndicatorValue` uses."""

    kind: str
    key: str
    label: str
    region_id: int | None = None

    @property
    def value(self) -> str:
        return "federation" if self.kind == "federation" else f"{self.kind}:{self.key}"

    @property
    def is_aggregate(self) -> bool:
        return self.kind != "centre"

    @property
    def poll_seconds(self) -> int:
        """How often a page asks again while a recalculation is pending: a centre's soon (its job takes a
        moment), an aggregate's rarely (somewhere among its centres answers may arrive all day)."""
        return 30 if self.is_aggregate else 5


FEDERATION = ResultScope("federation", indices.ALL, FEDERATION_LABEL)


def _centre_scope(centre: Centre) -> ResultScope:
    return ResultScope("centre", str(centre.id), f"{centre.name} ({centre.region.name})", centre.region_id)


def _region_scope(region: Region) -> ResultScope:
    return ResultScope("region", str(region.id), region.name, region.id)


def _network_scope(network: str) -> ResultScope:
    return ResultScope("network", network, NETWORKS[network])


def parse_scope(value: str | None) -> ResultScope | None:
    """The scope an URL value names, or None for a malformed or unknown one (the caller still checks access)."""
    value = (value or "").strip()
    if value == "federation":
        return FEDERATION
    kind, _, raw = value.partition(":")
    if kind == "network":
        return _network_scope(raw) if raw in NETWORKS else None
    if not raw.isdigit() or len(raw) > 10:
        return None
    if kind == "centre" and (centre := db.session.get(Centre, int(raw))):
        return _centre_scope(centre)
    if kind == "region" and (region := db.session.get(Region, int(raw))):
        return _region_scope(region)
    return None


def _readable_regions(vis: policy.Visibility) -> set[int]:
    """Regions whose aggregates the user reads: their regions, and the regions of their centres."""
    regions = vis.region_ids | vis.region_own_ids
    if vis.centre_ids:
        regions |= set(db.session.scalars(select(Centre.region_id).where(Centre.id.in_(vis.centre_ids))))
    return regions


def readable(user, scope: ResultScope) -> bool:
    """May the user read this scope's figures (own scopes and the aggregates above them)?"""
    if not policy.can(user, PERMISSION):
        return False
    vis = policy.visibility(user, PERMISSION)
    if vis.everything or scope.kind == "federation":
        return True
    if scope.kind == "centre":
        return int(scope.key) in vis.centre_ids
    regions = _readable_regions(vis)
    if scope.kind == "region":
        return int(scope.key) in regions
    return bool(regions) and scope.key in set(
        db.session.scalars(select(Region.network_type).where(Region.id.in_(regions)))
    )


def drillable(user, scope: ResultScope) -> bool:
    """May the user see the answers behind this scope's figures (every centre of it is theirs)?"""
    vis = policy.visibility(user, PERMISSION)
    if vis.everything:
        return True
    if scope.kind == "centre":
        return int(scope.key) in vis.centre_ids
    return scope.kind == "region" and int(scope.key) in vis.region_ids


def scope_options(user, network_split: bool, current: ResultScope) -> tuple[list[tuple[str, list[ResultScope]]], bool]:
    """The scopes to choose from, grouped for <optgroup>: federation, network types, regions and centres.

    Someone reading several regions is offered the centres of the current scope's region only (a federal
    user picks a region first, not one of thousands of centres); the flag says the centres are narrowed so.
    """
    vis = policy.visibility(user, PERMISSION)
    region_stmt = select(Region).order_by(Region.name)
    centre_stmt = select(Centre).join(Centre.region).options(contains_eager(Centre.region)).order_by(Centre.name)
    if not vis.everything:
        region_stmt = region_stmt.where(Region.id.in_(_readable_regions(vis)))
        centre_stmt = centre_stmt.where(Centre.id.in_(vis.centre_ids))
    regions = list(db.session.scalars(region_stmt))
    narrowed = len(regions) > 1
    centres = []
    if not narrowed or current.region_id:
        if narrowed:
            centre_stmt = centre_stmt.where(Centre.region_id == current.region_id)
        centres = list(db.session.scalars(centre_stmt))
    groups = [("Российская Федерация", [FEDERATION])]
    if network_split:
        networks = sorted({r.network_type for r in regions if r.network_type in NETWORKS})
        if networks:
            groups.append(("Тип сети ЦЗН", [_network_scope(n) for n in networks]))
    if regions:
        groups.append(("Регионы", [_region_scope(r) for r in regions]))
    if centres:
        label = f"ЦЗН: {centres[0].region.name}" if narrowed else "ЦЗН"
        groups.append((label, [_centre_scope(c) for c in centres]))
    return groups, narrowed


def default_scope(user) -> ResultScope:
    """The narrowest scope the user works in: their centre, their region, or the federation."""
    vis = policy.visibility(user, PERMISSION)
    if vis.everything:
        return FEDERATION
    if vis.region_ids:
        region = db.session.scalars(select(Region).where(Region.id.in_(vis.region_ids)).order_by(Region.name)).first()
        return _region_scope(region)
    if vis.centre_ids:
        centres = db.session.scalars(select(Centre).where(Centre.id.in_(vis.centre_ids)).order_by(Centre.name)).all()
        top = [c for c in centres if c.parent_id not in vis.centre_ids] or centres
        return _centre_scope(top[0])
    return FEDERATION


def centre_ids_select(scope: ResultScope):
    """A SELECT of the ids of the scope's centres, or None for the federation (every centre)."""
    if scope.kind == "centre":
        return select(Centre.id).where(Centre.id == int(scope.key))
    if scope.kind == "region":
        return select(Centre.id).where(Centre.region_id == int(scope.key))
    if scope.kind == "network":
        return select(Centre.id).join(Region, Region.id == Centre.region_id).where(Region.network_type == scope.key)
    return None


def _answers_in(scope: ResultScope):
    centres = centre_ids_select(scope)
    return None if centres is None else Answer.centre_id.in_(centres)


# ---- periods and versions -----------------------------------------------------------------------


def periods_with_values(scope: ResultScope) -> list[str]:
    """Quarters that have values for the scope, latest first."""
    rows = db.session.scalars(
        select(IndicatorValue.period)
        .where(IndicatorValue.scope_kind == scope.kind, IndicatorValue.scope_key == scope.key)
        .distinct()
    )
    return sorted((p for p in rows if periods.parse(p)), key=periods.parse, reverse=True)


def _version_for(period: str, cache: dict) -> Methodology | None:
    if period not in cache:
        cache[period] = methodology_service.for_period(period)
    return cache[period]


# ---- caveats ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caveat:
    """A parameter the methodology leaves undefined, with the value chosen and why."""

    label: str
    value: object
    rationale: str

    @property
    def text(self) -> str:
        return f"{self.label}: {self.rationale}"


def _caveat(param: methodology_service.Param) -> Caveat:
    return Caveat(param.label, param.value, param.rationale)


def indicator_caveats(indicator: Indicator, params: dict, client_type: str) -> list[Caveat]:
    """Undefined parameters an indicator's figure depends on: its own, its survey rule's, pooling of client types."""
    found = [p for (ind_id, _), p in params.items() if ind_id == indicator.id and not p.defined]
    rule = indices.survey_rule(indicator, params)
    keys = list(RULE_PARAMS.get(rule, ()))
    if client_type == indices.ALL and rule:
        keys.append(POOLING_PARAM)
    found += [params[(None, key)] for key in keys if (None, key) in params and not params[(None, key)].defined]
    return [_caveat(p) for p in found]


def index_caveats(params: dict) -> list[Caveat]:
    return [_caveat(params[(None, k)]) for k in INDEX_PARAMS if (None, k) in params and not params[(None, k)].defined]


# ---- the overview: index and indicators -----------------------------------------------------------


@dataclass
class Figure:
    """One stored figure of an indicator (survey share or passport points)."""

    measure: str
    value: float | None
    label: str
    counts: str  # «66 из 80 ответов» for a share, "" for points
    numerator: float
    denominator: float
    computed_at: datetime


@dataclass
class IndicatorRow:
    indicator: Indicator
    figures: list[Figure]
    average: float | None  # unweighted mean of the centres' values (aggregate scopes)
    average_label: str
    centres: int  # centres with a value behind the average
    caveats: list[Caveat]
    survey: bool  # measured by survey answers (a drill-down exists)

    @property
    def survey_figure(self) -> Figure | None:
        return next((f for f in self.figures if f.measure == "survey"), None)


@dataclass
class GroupRows:
    code: str
    name: str
    rows: list[IndicatorRow]


@dataclass
class IndexView:
    level: float | None
    level_label: str
    change: float | None
    change_label: str
    missing: list[str]  # «код название» of indicators without data
    computed_at: datetime | None
    inputs: int
    caveats: list[Caveat]


@dataclass
class Overview:
    scope: ResultScope
    period: str
    client_type: str
    version: Methodology | None
    index: IndexView | None  # None: the version has no integral index (or no version)
    groups: list[GroupRows] = field(default_factory=list)
    pending: bool = False
    computed_at: datetime | None = None

    @property
    def period_label(self) -> str:
        return periods.label(self.period)

    @property
    def has_values(self) -> bool:
        return any(row.figures for group in self.groups for row in group.rows)

    @property
    def network_not_split(self) -> bool:
        return self.scope.kind == "network" and self.version is not None and not self.version.network_split


def _figure(row: IndicatorValue, indicator: Indicator) -> Figure:
    if row.measure == "survey":
        share = scoring.Share(int(row.numerator), int(row.denominator))
        label, counts = scoring.percent_label(share), counts_label(row.numerator, row.denominator)
    else:
        label, counts = scoring.points_label(row.value, indicator.max_score or 1.0), ""
    return Figure(row.measure, row.value, label, counts, row.numerator, row.denominator, row.computed_at)


def _averages(version: Methodology, scope: ResultScope, period: str, client_type: str) -> dict[tuple[int, str], tuple]:
    """Mean of the centres' values per indicator and measure, with the number of centres (seed 003 §2.5)."""
    stmt = (
        select(
            IndicatorValue.indicator_id,
            IndicatorValue.measure,
            func.avg(IndicatorValue.value),
            func.count(IndicatorValue.value),
        )
        .where(
            IndicatorValue.methodology_id == version.id,
            IndicatorValue.scope_kind == "centre",
            IndicatorValue.period == period,
            IndicatorValue.client_type == client_type,
        )
        .group_by(IndicatorValue.indicator_id, IndicatorValue.measure)
    )
    centres = centre_ids_select(scope)
    if centres is not None:
        stmt = stmt.where(IndicatorValue.scope_key.in_(centres.with_only_columns(cast(Centre.id, String))))
    return {(ind, measure): (avg, n) for ind, measure, avg, n in db.session.execute(stmt)}


def pending_for(scope: ResultScope, period: str) -> bool:
    """Is a recalculation of one of the scope's centres in this period still waiting? One query."""
    waiting = select(RecalcRequest.centre_id).where(RecalcRequest.period == period)
    centres = centre_ids_select(scope)
    if centres is not None:
        waiting = waiting.where(RecalcRequest.centre_id.in_(centres))
    return bool(db.session.scalar(select(waiting.exists())))


def _index_view(version, scope, period, client_type, params) -> IndexView:
    row = db.session.scalar(
        select(IndexValue).where(
            IndexValue.methodology_id == version.id,
            IndexValue.scope_kind == scope.kind,
            IndexValue.scope_key == scope.key,
            IndexValue.period == period,
            IndexValue.client_type == client_type,
        )
    )
    caveats = index_caveats(params)
    if row is None:
        return IndexView(None, NO_DATA, None, NO_DATA, [], None, 0, caveats)
    previous = db.session.scalar(
        select(IndexValue.id).where(
            IndexValue.methodology_id == version.id,
            IndexValue.scope_kind == scope.kind,
            IndexValue.scope_key == scope.key,
            IndexValue.period == periods.previous(period),
            IndexValue.client_type == client_type,
        )
    )
    if row.change is not None:
        change_label = f"{signed_percent(row.change)} {quarter_dative(periods.previous(period))}"
    elif previous is None and row.level is not None:
        change_label = "нет предыдущего периода"
    else:
        change_label = NO_DATA
    names = {ind.code: ind.name for ind in version.indicators}
    missing = [f"{code} {names.get(code, '')}".strip() for code in row.missing or []]
    return IndexView(
        row.level, level_label(row.level), row.change, change_label, missing, row.computed_at, row.inputs, caveats
    )


def overview(scope: ResultScope, period: str, client_type: str) -> Overview:
    """The index (where the version has one) and every indicator of the version in force, by group."""
    version = methodology_service.for_period(period)
    result = Overview(scope, period, client_type, version, None, pending=pending_for(scope, period))
    if version is None:
        return result
    params = methodology_service.params_of(version)
    if version.integral_index:
        result.index = _index_view(version, scope, period, client_type, params)
    stored: dict[int, list[IndicatorValue]] = defaultdict(list)
    for row in db.session.scalars(
        select(IndicatorValue)
        .where(
            IndicatorValue.methodology_id == version.id,
            IndicatorValue.scope_kind == scope.kind,
            IndicatorValue.scope_key == scope.key,
            IndicatorValue.period == period,
            IndicatorValue.client_type == client_type,
        )
        .order_by(IndicatorValue.measure.desc())  # survey before passport
    ):
        stored[row.indicator_id].append(row)
    averages = _averages(version, scope, period, client_type) if scope.is_aggregate else {}
    for group in version.groups:
        rows = []
        for ind in group.indicators:
            if client_type != indices.ALL and ind.client_type not in (client_type, "both"):
                continue
            figures = [_figure(r, ind) for r in stored.get(ind.id, [])]
            avg, n = averages.get((ind.id, "survey"), (None, 0))
            rows.append(
                IndicatorRow(
                    ind,
                    figures,
                    avg,
                    scoring.percent_label(avg) if n else NO_DATA,
                    n,
                    indicator_caveats(ind, params, client_type),
                    indices.survey_rule(ind, params) is not None,
                )
            )
        result.groups.append(GroupRows(group.code, group.name, rows))
    stamps = [f.computed_at for g in result.groups for r in g.rows for f in r.figures]
    result.computed_at = max(stamps) if stamps else None
    return result


def weakest(view: Overview, count: int = PANEL_WEAKEST) -> list[IndicatorRow]:
    """The indicators with the lowest survey share (only under a version with an index: no ranking in the pilot)."""
    rows = [r for g in view.groups for r in g.rows if r.survey_figure and r.survey_figure.value is not None]
    return sorted(rows, key=lambda r: (r.survey_figure.value, r.indicator.position))[:count]


# ---- trend ----------------------------------------------------------------------------------------


@dataclass
class Series:
    label: str
    values: list[float | None]  # in display units (percent or level)
    labels: list[str]
    code: str = ""


@dataclass
class Trend:
    periods: list[str]
    period_labels: list[str]
    index: Series | None
    groups: list[tuple[str, list[Series]]]  # group name → series of its indicators

    def chart(self, series: list[Series], title: str, percent: bool = True) -> dict:
        """Chart.js data read by static/js/charts.js: labels, datasets, axis maximum and unit."""
        return {
            "title": title,
            "labels": self.period_labels,
            "max": 100,
            "unit": "%" if percent else "",
            "datasets": [{"label": s.label, "data": s.values} for s in series],
        }


def trend(scope: ResultScope, period: str, client_type: str, quarters: int = TREND_QUARTERS) -> Trend:
    """The last `quarters` quarters ending with `period`: the index level and each indicator's survey share.

    Each quarter is read under the version in force then; indicators are matched across versions by code.
    """
    keys = periods.recent(period, quarters)
    cache: dict = {}
    versions = {p: _version_for(p, cache) for p in keys}
    version = versions[period]
    labels = [periods.label(p) for p in keys]
    result = Trend(keys, labels, None, [])
    if version is None:
        return result
    wanted = {v.id for v in versions.values() if v is not None}
    values: dict[tuple[str, str], float | None] = {}
    for code, row_period, methodology_id, value in db.session.execute(
        select(Indicator.code, IndicatorValue.period, IndicatorValue.methodology_id, IndicatorValue.value)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(
            IndicatorValue.methodology_id.in_(wanted),
            IndicatorValue.scope_kind == scope.kind,
            IndicatorValue.scope_key == scope.key,
            IndicatorValue.period.in_(keys),
            IndicatorValue.client_type == client_type,
            IndicatorValue.measure == "survey",
        )
    ):
        if versions[row_period] is not None and versions[row_period].id == methodology_id:
            values[(code, row_period)] = value
    if version.integral_index:
        levels = {
            p: level
            for p, methodology_id, level in db.session.execute(
                select(IndexValue.period, IndexValue.methodology_id, IndexValue.level).where(
                    IndexValue.methodology_id.in_(wanted),
                    IndexValue.scope_kind == scope.kind,
                    IndexValue.scope_key == scope.key,
                    IndexValue.period.in_(keys),
                    IndexValue.client_type == client_type,
                )
            )
            if versions[p] is not None and versions[p].id == methodology_id and versions[p].integral_index
        }
        series = [levels.get(p) for p in keys]
        result.index = Series("Уровень клиентоцентричности", _rounded(series), [level_label(v) for v in series])
    params = methodology_service.params_of(version)
    for group in version.groups:
        group_series = []
        for ind in group.indicators:
            if indices.survey_rule(ind, params) is None:
                continue
            if client_type != indices.ALL and ind.client_type not in (client_type, "both"):
                continue
            raw = [values.get((ind.code, p)) for p in keys]
            group_series.append(
                Series(
                    ind.label,
                    _rounded([None if v is None else v * 100 for v in raw]),
                    [scoring.percent_label(v) for v in raw],
                    ind.code,
                )
            )
        if group_series:
            result.groups.append((f"{group.code}. {group.name}", group_series))
    return result


def _rounded(values: list[float | None]) -> list[float | None]:
    return [None if v is None else round(v, 1) for v in values]


# ---- distributions --------------------------------------------------------------------------------


@dataclass
class DistributionRow:
    label: str
    count: int
    share: scoring.Share

    @property
    def share_label(self) -> str:
        return scoring.percent_label(self.share)


@dataclass(frozen=True)
class Metric:
    """A question's summary figure beside its distribution: CES, CSAT, NPS, or the mean of a scale."""

    name: str
    value: str
    note: str = ""


CSAT_NOTE = (
    "Внешняя методика (CSAT): доля двух верхних уровней пятиуровневой шкалы; вопрос об удовлетворённости — "
    "из методики СЗН (seed 001 l. 1701–1707), слова CSAT и формулы в ней нет"
)
CSI_NOTE = (
    "CSI = Σ(Wᵢ × Pᵢ) / Pmax (seed 001 l. 1506–1513): Pᵢ — средняя удовлетворённость параметром, Wᵢ — его "
    "средняя важность, делённая на сумму важностей всех параметров (методика разрешает веса «методом опроса "
    "клиентов», но формулы не даёт — это выбор cxm); разные шкалы приведены к доле от максимума"
)


@dataclass
class QuestionDistribution:
    question: Question
    total: int  # answers (respondents for a multiple choice)
    rows: list[DistributionRow]
    over_respondents: bool
    metric: Metric | None = None


@dataclass(frozen=True)
class CsiRow:
    """One CSI parameter: its importance and satisfaction questions' means, and its weight."""

    parameter: str
    importance: float | None
    importance_max: int
    satisfaction: float | None
    satisfaction_max: int
    weight: float | None

    @property
    def labels(self) -> tuple[str, str, str]:
        weight = NO_DATA if self.weight is None else scoring.percent_label(self.weight)
        return (
            scoring.points_label(self.importance, self.importance_max),
            weight,
            scoring.points_label(self.satisfaction, self.satisfaction_max),
        )


@dataclass(frozen=True)
class CsiView:
    rows: list[CsiRow]
    value: float | None

    @property
    def label(self) -> str:
        return scoring.percent_label(self.value)


def surveys_for(user, version: Methodology | None, client_type: str) -> list[Survey]:
    """Questionnaires to show distributions for: the version's federal ones, then the seeded and local ones
    the user may read."""
    stmt = select(Survey).where(Survey.status != "draft")
    if client_type != indices.ALL:
        stmt = stmt.where(Survey.client_type.in_((client_type, "any")))
    federal = [s for s in db.session.scalars(stmt.where(Survey.methodology_id.is_not(None)).order_by(Survey.id))]
    if version is not None:
        federal = [s for s in federal if s.methodology_id == version.id]
    others = policy.scoped(stmt.where(Survey.methodology_id.is_(None)), Survey, user, PERMISSION)
    common = stmt.where(Survey.methodology_id.is_(None), Survey.region_id.is_(None))
    local = {s.id: s for s in db.session.scalars(others)}
    local.update({s.id: s for s in db.session.scalars(common)})
    return federal + sorted(local.values(), key=lambda s: (s.title, s.id))


def distribution(
    scope: ResultScope, period: str, surveys: list[Survey], version: Methodology | None = None
) -> list[tuple[Survey, list[QuestionDistribution], CsiView | None]]:
    """Counts per scale point or option of every closed question, live from the counted answers, with each
    question's CES, CSAT, NPS or mean and each survey's CSI (`version` says how CES is read)."""
    questions = [q for s in surveys for q in s.questions if q.kind != "text"]
    if not questions:
        return [(s, [], None) for s in surveys]
    ids = [q.id for q in questions]
    where = [Answer.counted.is_(True), Answer.period == period, Answer.question_id.in_(ids)]
    if (clause := _answers_in(scope)) is not None:
        where.append(clause)
    by_option: dict[int, dict] = defaultdict(dict)
    for qid, option_id, value, n in db.session.execute(
        select(Answer.question_id, Answer.option_id, Answer.value, func.count())
        .where(*where)
        .group_by(Answer.question_id, Answer.option_id, Answer.value)
    ):
        key = option_id if option_id is not None else value
        if key is not None:
            by_option[qid][key] = by_option[qid].get(key, 0) + n
    respondents = dict(
        db.session.execute(
            select(Answer.question_id, func.count(distinct(Answer.response_id)))
            .where(*where)
            .group_by(Answer.question_id)
        ).all()
    )
    reading, result = _ces_reading(version), []
    for survey in surveys:
        items = []
        for q in survey.questions:
            if q.kind == "text":
                continue
            counts = by_option.get(q.id, {})
            if q.kind == "scale":
                points = range(q.scale_min or 0, (q.scale_max or 0) + 1)
                keyed = [(_point_label(q, p), counts.get(float(p), 0)) for p in points]
            else:
                keyed = [(o.text, counts.get(o.id, 0)) for o in q.options]
            multiple = q.kind == "multiple"
            total = respondents.get(q.id, 0) if multiple else sum(n for _, n in keyed)
            rows = [DistributionRow(label, n, scoring.Share(n, total)) for label, n in keyed]
            items.append(QuestionDistribution(q, total, rows, multiple, question_metric(q, counts, reading)))
        result.append((survey, items, csi_view(survey, by_option)))
    return result


def _ces_reading(version: Methodology | None) -> str:
    param = methodology_service.params_of(version).get((None, "ces_reading")) if version is not None else None
    return param.value if param is not None and param.value in scoring.CES_READINGS else "grouped"


def _per_point(question: Question, counts: dict) -> dict[int, int]:
    """The number of answers per point of a scale question (counted in SQL, keyed by the stored float)."""
    return {p: counts.get(float(p), 0) for p in range(question.scale_min, question.scale_max + 1)}


def question_metric(question: Question, counts: dict, ces_reading: str) -> Metric | None:
    """The question's CES (its options read as the seed's five), NPS or CSAT by its wording, else a scale's mean."""
    if question.wording == "ces":
        texts = dict(survey_builder.CES_OPTIONS)
        per_option = {texts.get(o.value): counts.get(o.id, 0) for o in question.options}
        ces = scoring.ces_of(per_option, easy=scoring.CES_EASY, difficult=scoring.CES_DIFFICULT, reading=ces_reading)
        return Metric("CES", scoring.score_label(ces), scoring.CES_READINGS[ces_reading])
    if question.kind != "scale" or question.scale_min is None or question.scale_max is None:
        return None
    points = _per_point(question, counts)
    if question.wording == "nps":
        return Metric("NPS", scoring.score_label(scoring.nps_of(points)), scoring.NPS_NOTE)
    if question.wording == "csat":
        return Metric(
            "CSAT", scoring.percent_label(scoring.positive_share_of(points, question.scale_max - 1)), CSAT_NOTE
        )
    return Metric("Среднее", scoring.points_label(scoring.mean_of(points), question.scale_max))


def _mean(question: Question, by_question: dict[int, dict]) -> float | None:
    return scoring.mean_of(_per_point(question, by_question.get(question.id, {})))


def csi_view(survey: Survey, by_question: dict[int, dict]) -> CsiView | None:
    """The survey's CSI from its importance + satisfaction pairs (None without pairs)."""
    pairs: dict[str, dict[str, Question]] = defaultdict(dict)
    for q in survey.questions:
        if q.pair and q.wording in ("csi_importance", "csi_satisfaction") and q.scale_max:
            pairs[q.pair][q.wording] = q
    found = [(p["csi_importance"], p["csi_satisfaction"]) for p in pairs.values() if len(p) == 2]
    if not found:
        return None
    means = [
        (importance, satisfaction, _mean(importance, by_question), _mean(satisfaction, by_question))
        for importance, satisfaction in found
    ]
    total = sum(i / imp.scale_max for imp, _, i, s in means if i is not None and s is not None)
    rows = [
        CsiRow(
            sat.text,
            i,
            imp.scale_max,
            s,
            sat.scale_max,
            (i / imp.scale_max) / total if total and i is not None and s is not None else None,
        )
        for imp, sat, i, s in means
    ]
    items = [(r.weight, r.satisfaction / r.satisfaction_max) for r in rows if r.weight is not None]
    return CsiView(rows, scoring.csi(items, 1.0) if items else None)


def _point_label(question: Question, point: int) -> str:
    text = (question.scale_labels or {}).get(str(point))
    return f"{point} — {text}" if text else str(point)


# ---- drill-down -----------------------------------------------------------------------------------


@dataclass
class DrillSpec:
    """What a figure counts: the questions of an indicator and the rule deciding its numerator."""

    version: Methodology
    indicator: Indicator
    rule: str
    question_ids: tuple[int, ...]
    threshold: float


def drill_spec(version: Methodology, indicator: Indicator, client_type: str) -> DrillSpec | None:
    specs = [
        s
        for s in indices.specs_of(version)
        if s.indicator_id == indicator.id and (client_type == indices.ALL or s.client_type == client_type)
    ]
    if not specs:
        return None
    ids = tuple(sorted({q for s in specs for q in s.question_ids}))
    return DrillSpec(version, indicator, specs[0].rule, ids, indices.threshold_of(version))


def _counting(spec: DrillSpec, positive_only: bool):
    """The condition for an answer to be in the denominator (or, with `positive_only`, the numerator)."""
    if spec.rule == "share_positive":
        return Answer.value >= spec.threshold if positive_only else Answer.value.is_not(None)
    return Option.value == "yes" if positive_only else Answer.option_id.is_not(None)


def _drill_where(spec, scope, period, touch_point_id):
    where = [Answer.question_id.in_(spec.question_ids), Answer.period == period]
    if (clause := _answers_in(scope)) is not None:
        where.append(clause)
    if touch_point_id is not None:
        where.append(Response.touch_point_id == touch_point_id)
    return where


def drill_statement(spec: DrillSpec, scope: ResultScope, period: str, *, positive_only=False, touch_point_id=None):
    """The counted answers behind a figure with their response's date, source and touch point (no e-mail),
    newest first. Rows: answer id, response id, submitted at, source, touch point, question number and
    text, value, option text, positive."""
    positive = _counting(spec, True)
    return (
        select(
            Answer.id,
            Response.id.label("response_id"),
            Response.submitted_at,
            Response.source,
            TouchPoint.name.label("touch_point"),
            Question.number,
            Question.text,
            Answer.value,
            Option.text.label("option"),
            positive.label("positive"),
        )
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(Option, Option.id == Answer.option_id)
        .outerjoin(TouchPoint, TouchPoint.id == Response.touch_point_id)
        .where(*_drill_where(spec, scope, period, touch_point_id))
        .where(Answer.counted.is_(True), _counting(spec, positive_only))
        .order_by(Response.submitted_at.desc(), Answer.id.desc())
    )


def drill_totals(spec: DrillSpec, scope: ResultScope, period: str, touch_point_id=None) -> dict:
    """Live counts behind a figure: numerator, denominator, and answers left out (under review or rejected)."""
    base = (
        select(func.count())
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(Option, Option.id == Answer.option_id)
        .where(*_drill_where(spec, scope, period, touch_point_id))
    )
    counted = Answer.counted.is_(True)
    return {
        "numerator": db.session.scalar(base.where(counted, _counting(spec, True))),
        "denominator": db.session.scalar(base.where(counted, _counting(spec, False))),
        "excluded": db.session.scalar(base.where(Answer.counted.is_(False), _counting(spec, False))),
    }


# ---- per touch point ------------------------------------------------------------------------------


def touch_points_of(centre_id: int, period: str) -> list[TouchPoint]:
    """The centre's touch points and any other touch point its answers of the period came through."""
    used = select(Response.touch_point_id).where(Response.centre_id == centre_id, Response.period == period)
    stmt = select(TouchPoint).where((TouchPoint.centre_id == centre_id) | TouchPoint.id.in_(used))
    return list(db.session.scalars(stmt.order_by(TouchPoint.name, TouchPoint.id)))


@dataclass
class TouchPointRow:
    indicator: Indicator
    share: scoring.Share | None

    @property
    def label(self) -> str:
        return scoring.percent_label(self.share) if self.share else NO_DATA

    @property
    def counts(self) -> str:
        return counts_label(self.share.numerator, self.share.denominator) if self.share else ""


def touch_point_values(version: Methodology, centre_id: int, period: str, client_type: str, touch_point_id: int):
    """Each survey indicator's share for the answers given at one touch point, computed live."""
    specs = indices.specs_of(version)
    ids = {q for s in specs for q in s.question_ids}
    where = and_(
        Answer.centre_id == centre_id,
        Answer.period == period,
        Answer.response_id.in_(select(Response.id).where(Response.touch_point_id == touch_point_id)),
    )
    counts = indices.count_answers(ids, indices.threshold_of(version), where) if ids else {}
    shares = {
        row["indicator_id"]: scoring.Share(int(row["numerator"]), int(row["denominator"]))
        for row in indices.value_rows(version, specs, counts)
        if row["client_type"] == client_type
    }
    with_rule = {s.indicator_id for s in specs}
    groups = []
    for group in version.groups:
        rows = [
            TouchPointRow(ind, shares.get(ind.id))
            for ind in group.indicators
            if ind.id in with_rule and (client_type == indices.ALL or ind.client_type in (client_type, "both"))
        ]
        if rows:
            groups.append((f"{group.code}. {group.name}", rows))
    return groups


# ---- the director's screen panel ------------------------------------------------------------------


@dataclass
class PanelQuarter:
    period: str
    label: str
    level_label: str
    change_label: str


@dataclass
class IndexPanel:
    scope: ResultScope | None
    period: str | None
    version: Methodology | None
    quarters: list[PanelQuarter]
    weakest: list[IndicatorRow]
    averages: list[IndicatorRow]  # a version without an index: indicator values only

    @property
    def pilot(self) -> bool:
        return self.version is not None and not self.version.integral_index


def panel_scope(user, region: Region | None) -> ResultScope | None:
    """The scope the director's screen shows: the chosen region, else the user's own results scope."""
    scope = _region_scope(region) if region is not None else default_scope(user)
    return scope if readable(user, scope) else None


def index_panel(user, region: Region | None, on) -> IndexPanel:
    """The index of the screen's scope over the last quarters with its change, and the weakest indicators."""
    scope = panel_scope(user, region)
    empty = IndexPanel(scope, None, None, [], [], [])
    if scope is None:
        return empty
    now = periods.period_of(on)
    known = [p for p in periods_with_values(scope) if periods.parse(p) <= periods.parse(now)]
    if not known:
        return empty
    period = known[0]
    view = overview(scope, period, indices.ALL)
    if view.version is None:
        return empty
    if not view.version.integral_index:
        rows = [r for g in view.groups for r in g.rows if r.figures]
        return IndexPanel(scope, period, view.version, [], [], rows)
    quarters = []
    for p in periods.recent(period, PANEL_QUARTERS):
        version = methodology_service.for_period(p)
        if version is None or not version.integral_index:
            quarters.append(PanelQuarter(p, periods.label(p), NO_DATA, NO_DATA))
            continue
        index = _index_view(version, scope, p, indices.ALL, {})
        quarters.append(PanelQuarter(p, periods.label(p), index.level_label, index.change_label))
    return IndexPanel(scope, period, view.version, quarters, weakest(view), [])


# ---- XLSX -----------------------------------------------------------------------------------------


class Percent(float):
    """A fraction written to a spreadsheet as a number with a percent format."""


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list]
    notes: list[Caveat] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)  # (label, value) lines above the table


def xlsx(table: Table) -> bytes:
    """The table on a sheet (numbers as numbers, shares with a % format) and «Примечания» with the
    parameters the methodology leaves undefined."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Показатели"
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=13)
    for label, value in table.meta:
        sheet.append([label, value])
    sheet.append([])
    sheet.append(table.headers)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append([float(v) if isinstance(v, Percent) else v for v in row])
        for cell, v in zip(sheet[sheet.max_row], row, strict=False):
            if isinstance(v, Percent):
                cell.number_format = "0.0%"
    sheet.column_dimensions["A"].width = 60
    for letter in "BCDEFGHIJKL":
        sheet.column_dimensions[letter].width = 18
    notes = book.create_sheet("Примечания")
    notes.append(["Параметр", "Принятое значение", "Почему (не определено методикой)"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    seen = set()
    for caveat in table.notes:
        if caveat.label in seen:
            continue
        seen.add(caveat.label)
        notes.append([caveat.label, _plain(caveat.value), caveat.rationale])
        notes.cell(notes.max_row, 3).alignment = Alignment(wrap_text=True, vertical="top")
    if not seen:
        notes.append(["Все параметры, от которых зависят значения, определены методикой."])
    notes.column_dimensions["A"].width = 45
    notes.column_dimensions["B"].width = 25
    notes.column_dimensions["C"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plain(value) -> str | float | int:
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _pct(value: float | None):
    return None if value is None else Percent(value)


def overview_table(view: Overview) -> Table:
    meta = _meta(view.scope, view.period, view.client_type, view.version)
    notes: list[Caveat] = []
    if view.index is not None:
        meta += [
            (
                "Уровень клиентоцентричности",
                view.index.level if view.index.level is None else round(view.index.level, 1),
            ),
            ("Индекс (изменение к предыдущему периоду)", view.index.change_label),
        ]
        notes += view.index.caveats
    headers = ["Показатель", "Группа", "Значение", "Положительных", "Ответов", "Среднее по ЦЗН", "ЦЗН со значением"]
    rows = []
    for group in view.groups:
        for row in group.rows:
            f = row.survey_figure
            rows.append(
                [
                    row.indicator.label,
                    f"{group.code}. {group.name}",
                    _pct(f.value) if f else "нет данных",
                    int(f.numerator) if f else None,
                    int(f.denominator) if f else None,
                    _pct(row.average) if row.centres else None,
                    row.centres or None,
                ]
            )
            notes += row.caveats
    return Table("Показатели клиентоцентричности", headers, rows, notes, meta)


def trend_table(scope, period, client_type, data: Trend, version) -> Table:
    headers = ["Показатель", *data.period_labels]
    rows = []
    if data.index is not None:
        rows.append([data.index.label, *data.index.values])
    for _, series in data.groups:
        for s in series:
            rows.append([s.label, *[None if v is None else Percent(v / 100) for v in s.values]])
    params = methodology_service.params_of(version) if version else {}
    return Table(
        "Динамика показателей", headers, rows, index_caveats(params), _meta(scope, period, client_type, version)
    )


def distribution_table(scope, period, client_type, data, version) -> Table:
    headers = ["Анкета", "Вопрос", "Вариант ответа", "Ответов", "Доля"]
    rows, notes = [], {}
    for survey, items, csi in data:
        for item in items:
            question = f"{item.question.number}. {item.question.text}" if item.question.number else item.question.text
            for r in item.rows:
                rows.append([survey.title, question, r.label, r.count, _pct(r.share.value)])
            if item.metric is not None:
                rows.append([survey.title, question, f"{item.metric.name}: {item.metric.value}", None, None])
                if item.metric.note:
                    notes[item.metric.name] = item.metric.note
        if csi is not None:
            rows.append([survey.title, "CSI — индекс удовлетворённости", f"CSI: {csi.label}", None, _pct(csi.value)])
            notes["CSI"] = CSI_NOTE
    notes = [Caveat(name, "", note) for name, note in notes.items()]
    return Table("Распределение ответов", headers, rows, notes, _meta(scope, period, client_type, version))


def touch_point_table(scope, period, client_type, touch_point, groups, version) -> Table:
    headers = ["Показатель", "Группа", "Значение", "Положительных", "Ответов"]
    rows = []
    params = methodology_service.params_of(version)
    notes = []
    for group, items in groups:
        for r in items:
            rows.append(
                [
                    r.indicator.label,
                    group,
                    _pct(r.share.value) if r.share else "нет данных",
                    r.share.numerator if r.share else None,
                    r.share.denominator if r.share else None,
                ]
            )
            notes += indicator_caveats(r.indicator, params, client_type)
    meta = _meta(scope, period, client_type, version) + [("Точка контакта", touch_point.name)]
    return Table("Показатели по точке контакта", headers, rows, notes, meta)


def _meta(scope, period, client_type, version) -> list[tuple[str, str]]:
    return [
        ("Область", scope.label),
        ("Период", periods.label(period)),
        ("Клиенты", CLIENT_TYPES.get(client_type, client_type)),
        ("Методика", version.name if version else "нет действующей методики"),
    ]
