"""Recalculating indicator values and the client-centricity index from stored answers.

Survey indicators of a version are scored from the answers to its questionnaires' questions that
carry the indicator's code: `share_positive` counts 1–10 answers at or above the version's
positive threshold among non-blank ones, `yes_share` counts «Да» among non-blank ones (a
follow-up asked only after «Да» is answered only by those clients, so its share is conditional
by construction). Values are kept as counts, so a region pools its centres and the federation
pools its regions; missing data has no row and reads «нет данных».

One centre-period is recalculated after a new answer: its rows are replaced, then its region,
network type and the federation are summed again from the level below — a handful of rows, not
the answers. Every recalculation of a version runs under a lock on the version's row, so
concurrent jobs never mix their sums; each is one transaction (all or nothing).
"""

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import JSON, and_, case, delete, func, insert, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models.base import utcnow
from app.models.indices import IndexValue, IndicatorValue, RecalcRequest
from app.models.methodology import Indicator, Methodology
from app.models.org import Centre, Region
from app.models.surveys import Answer, Option, Question, Survey
from app.services import methodology as methodology_service
from app.services import periods, scoring
from app.services.scoring import IndicatorInput

SURVEY_RULES = ("share_positive", "yes_share")
SURVEY = "survey"  # IndicatorValue.measure of values scored from answers (passport values come with passports)
CLIENT_TYPES = ("jobseeker", "employer")
ALL = "all"  # both client types pooled
THRESHOLD_KEY = "positive_threshold"
ROWS_PER_INSERT = 5_000


# --- what to compute -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One survey indicator of a version for one client type, and the questions that measure it."""

    indicator_id: int
    client_type: str
    rule: str
    question_ids: tuple[int, ...]


def survey_rule(indicator: Indicator, params: dict) -> str | None:
    """How the survey part of an indicator is scored: its own rule, or for an indicator measured both
    ways (whose rule is the passport's) the version's `survey_rule` parameter; None if not a share."""
    if indicator.measured_by not in ("survey", "both") or indicator.suspended:
        return None
    if indicator.scoring_rule in SURVEY_RULES:
        return indicator.scoring_rule
    param = params.get((indicator.id, "survey_rule"))
    return param.value if param is not None and param.value in SURVEY_RULES else None


def specs_of(version: Methodology) -> list[Spec]:
    """The survey indicators of a version (suspended ones left out) with their questions."""
    params = methodology_service.params_of(version)
    rules = {ind.id: survey_rule(ind, params) for ind in version.indicators}
    indicators = [ind for ind in version.indicators if rules[ind.id]]
    rows = db.session.execute(
        select(Question.id, Question.indicator_code, Question.kind, Survey.client_type)
        .join(Survey, Survey.id == Question.survey_id)
        .where(Survey.methodology_id == version.id, Question.indicator_code != "")
    ).all()
    specs = []
    for ind in indicators:
        kinds = ("scale",) if rules[ind.id] == "share_positive" else ("yes_no", "single")
        for client_type in CLIENT_TYPES:
            if ind.client_type not in (client_type, "both"):
                continue
            ids = tuple(qid for qid, code, kind, ct in rows if code == ind.code and kind in kinds and ct == client_type)
            if ids:
                specs.append(Spec(ind.id, client_type, rules[ind.id], ids))
    return specs


def threshold_of(version: Methodology) -> float:
    params = methodology_service.params_of(version)
    return float(params[(None, THRESHOLD_KEY)].value)


# --- counting answers ------------------------------------------------------------------------------

Counts = dict[tuple[int, str, int], tuple[int, int, int, int]]
"""(centre id, period, question id) → (answered on the scale, positive, answered by option, «Да»)."""


def count_answers(question_ids: Iterable[int], threshold: float, where=None) -> Counts:
    """One aggregate over the answers that count: per centre, period and question."""
    stmt = (
        select(
            Answer.centre_id,
            Answer.period,
            Answer.question_id,
            func.count(Answer.value),
            func.sum(case((Answer.value >= threshold, 1), else_=0)),
            func.count(Answer.option_id),
            func.sum(case((Option.value == "yes", 1), else_=0)),
        )
        .outerjoin(Option, Option.id == Answer.option_id)
        .where(Answer.counted.is_(True), Answer.question_id.in_(list(question_ids)))
        .group_by(Answer.centre_id, Answer.period, Answer.question_id)
    )
    if where is not None:
        stmt = stmt.where(where)
    return {(c, p, q): (n, pos or 0, k, yes or 0) for c, p, q, n, pos, k, yes in db.session.execute(stmt)}


def centre_rows(version: Methodology, specs: list[Spec], counts: Counts) -> list[dict]:
    """Indicator value rows per centre, period and client type (and both types pooled)."""
    by_centre_period: dict[tuple[int, str], dict[int, tuple]] = defaultdict(dict)
    for (centre_id, period, question_id), row in counts.items():
        by_centre_period[(centre_id, period)][question_id] = row
    now = utcnow()
    rows = []
    for (centre_id, period), questions in by_centre_period.items():
        pooled: dict[int, list[int]] = {}
        for spec in specs:
            numerator = denominator = 0
            for question_id in spec.question_ids:
                answered, positive, by_option, yes = questions.get(question_id, (0, 0, 0, 0))
                if spec.rule == "share_positive":
                    numerator, denominator = numerator + positive, denominator + answered
                else:
                    numerator, denominator = numerator + yes, denominator + by_option
            if not denominator:
                continue
            rows.append(
                _row(
                    version,
                    spec.indicator_id,
                    "centre",
                    centre_id,
                    period,
                    spec.client_type,
                    numerator,
                    denominator,
                    now,
                )
            )
            total = pooled.setdefault(spec.indicator_id, [0, 0])
            total[0] += numerator
            total[1] += denominator
        for indicator_id, (numerator, denominator) in pooled.items():
            rows.append(_row(version, indicator_id, "centre", centre_id, period, ALL, numerator, denominator, now))
    return rows


def _row(version, indicator_id, kind, key, period, client_type, numerator, denominator, now) -> dict:
    return {
        "methodology_id": version.id,
        "indicator_id": indicator_id,
        "scope_kind": kind,
        "scope_key": str(key),
        "period": period,
        "client_type": client_type,
        "measure": SURVEY,
        "numerator": numerator,
        "denominator": denominator,
        "value": scoring.Share(int(numerator), int(denominator)).value,
        "inputs": int(denominator),
        "computed_at": now,
    }


def rolled_up(version: Methodology, rows: list[dict], parent_of: Callable[[str], tuple[str, str] | None]) -> list[dict]:
    """Rows of the level above: counts summed over the rows whose scope maps to the same parent."""
    sums: dict[tuple, list[float]] = {}
    for row in rows:
        parent = parent_of(row["scope_key"])
        if parent is None:
            continue
        key = (*parent, row["period"], row["indicator_id"], row["client_type"])
        total = sums.setdefault(key, [0, 0])
        total[0] += row["numerator"]
        total[1] += row["denominator"]
    now = utcnow()
    return [
        _row(version, indicator_id, kind, scope_key, period, client_type, numerator, denominator, now)
        for (kind, scope_key, period, indicator_id, client_type), (numerator, denominator) in sums.items()
    ]


# --- the index -------------------------------------------------------------------------------------


def _index_shapes(version: Methodology) -> dict[str, list[tuple]]:
    """Per client type, the groups (code, weight, [(indicator id, code, weight)]) that count in its index:
    read once, as plain tuples (a full recalculation computes tens of thousands of levels)."""
    return {
        client_type: [
            (
                group.code,
                group.weight,
                [
                    (ind.id, ind.code, ind.weight)
                    for ind in group.indicators
                    if not ind.suspended and (client_type == ALL or ind.client_type in (client_type, "both"))
                ],
            )
            for group in version.groups
        ]
        for client_type in (*CLIENT_TYPES, ALL)
    }


def index_rows(version: Methodology, values: list[dict]) -> list[dict]:
    """Index levels from indicator values, per scope, period and client type (a version without an
    integral index — the pilot — gets none). The change against the previous period is filled by
    `fill_changes`."""
    if not version.integral_index:
        return []
    indicators = {ind.id: ind for ind in version.indicators}
    shapes = _index_shapes(version)
    by_scope: dict[tuple, dict[int, float | None]] = defaultdict(dict)
    inputs: dict[tuple, int] = defaultdict(int)
    for row in values:
        key = (row["scope_kind"], row["scope_key"], row["period"], row["client_type"])
        ind = indicators[row["indicator_id"]]
        maximum = 1.0 if row["measure"] == SURVEY else ind.max_score  # a share, or points of a passport
        by_scope[key][ind.id] = scoring.normalise(row["value"], maximum, ind.direction)
        inputs[key] = max(inputs[key], row["inputs"])
    now = utcnow()
    rows = []
    for (kind, scope_key, period, client_type), normalised in by_scope.items():
        groups = [
            scoring.GroupInput(code, weight, tuple(IndicatorInput(c, w, normalised.get(i)) for i, c, w in members))
            for code, weight, members in shapes[client_type]
        ]
        level = scoring.index_level(groups)
        rows.append(
            {
                "methodology_id": version.id,
                "scope_kind": kind,
                "scope_key": scope_key,
                "period": period,
                "client_type": client_type,
                "level": level.value,
                "change": None,
                "missing": list(level.missing),
                "inputs": inputs[(kind, scope_key, period, client_type)],
                "computed_at": now,
            }
        )
    return rows


def fill_changes(version: Methodology, rows: list[dict], *, stored: bool = True) -> None:
    """Set each row's change against the previous period's level of the same scope (from `rows`
    where present, else — when `stored` — from the database)."""
    levels = {(r["scope_kind"], r["scope_key"], r["period"], r["client_type"]): r["level"] for r in rows}
    wanted = {
        (r["scope_kind"], r["scope_key"], periods.previous(r["period"]), r["client_type"])
        for r in rows
        if (r["scope_kind"], r["scope_key"], periods.previous(r["period"]), r["client_type"]) not in levels
    }
    if wanted and stored:
        for kind, key, period, client_type, level in db.session.execute(
            select(
                IndexValue.scope_kind, IndexValue.scope_key, IndexValue.period, IndexValue.client_type, IndexValue.level
            )
            .where(IndexValue.methodology_id == version.id)
            .where(
                tuple_(IndexValue.scope_kind, IndexValue.scope_key, IndexValue.period, IndexValue.client_type).in_(
                    wanted
                )
            )
        ):
            levels[(kind, key, period, client_type)] = level
    for r in rows:
        previous = levels.get((r["scope_kind"], r["scope_key"], periods.previous(r["period"]), r["client_type"]))
        r["change"] = scoring.index_change(r["level"], previous)


# --- writing ---------------------------------------------------------------------------------------


def _insert(model, rows: list[dict]) -> None:
    """Write computed rows: COPY on PostgreSQL (a full recalculation writes as many rows as a centre-period
    has indicators), batched multi-row INSERTs elsewhere."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), ROWS_PER_INSERT):
            connection.execute(insert(model.__table__), rows[start : start + ROWS_PER_INSERT])
        return
    columns = list(rows[0])
    json_columns = {c.name for c in model.__table__.columns if isinstance(c.type, JSON)}
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor, cursor.copy(f"copy {model.__tablename__} ({', '.join(columns)}) from stdin") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])


def _lock(version: Methodology) -> None:
    """Serialise recalculations of one version (SQLite serialises writers by itself)."""
    db.session.execute(select(Methodology.id).where(Methodology.id == version.id).with_for_update())


def _parents(version: Methodology, centre_ids: Iterable[int] | None = None):
    """Maps from a centre to its region and from a region to its network type (when the version splits them)."""
    stmt = select(Centre.id, Centre.region_id, Region.network_type).join(Region, Region.id == Centre.region_id)
    if centre_ids is not None:
        stmt = stmt.where(Centre.id.in_(list(centre_ids)))
    region_of, network_of = {}, {}
    for centre_id, region_id, network in db.session.execute(stmt):
        region_of[str(centre_id)] = ("region", str(region_id))
        network_of[str(region_id)] = ("network", network) if version.network_split else None
    return region_of, network_of


def recalculate_version(version: Methodology) -> int:
    """Every value of one version from all its answers, replacing the old ones in one transaction.

    Returns the number of indicator values written. The caller commits.
    """
    _lock(version)
    started = utcnow()
    specs = specs_of(version)
    question_ids = {qid for spec in specs for qid in spec.question_ids}
    counts = count_answers(question_ids, threshold_of(version)) if question_ids else {}
    centres = centre_rows(version, specs, counts)
    region_of, network_of = _parents(version)
    regions = rolled_up(version, centres, region_of.get)
    networks = rolled_up(version, regions, lambda key: network_of.get(key))
    federation = rolled_up(version, regions, lambda key: ("federation", ALL))
    values = centres + regions + networks + federation
    index = index_rows(version, values)
    fill_changes(version, index, stored=False)  # every level of the version is in `index`
    db.session.execute(
        delete(IndicatorValue).where(IndicatorValue.methodology_id == version.id, IndicatorValue.measure == SURVEY)
    )
    db.session.execute(delete(IndexValue).where(IndexValue.methodology_id == version.id))
    _insert(IndicatorValue, values)
    _insert(IndexValue, index)
    # requests made before this run are covered by it; later ones keep their own job (claimed last: an
    # answer's request never waits for the whole run)
    db.session.execute(delete(RecalcRequest).where(RecalcRequest.requested_at < started))
    return len(values)


def active_versions() -> list[Methodology]:
    return list(db.session.scalars(select(Methodology).where(Methodology.status == "active").order_by(Methodology.id)))


def recalculate_all() -> int:
    """Every active version in turn; the caller commits."""
    return sum(recalculate_version(version) for version in active_versions())


def versions_answered(centre_id: int, period: str) -> list[Methodology]:
    """The versions whose questionnaires have answers at this centre in this period."""
    return list(
        db.session.scalars(
            select(Methodology)
            .join(Survey, Survey.methodology_id == Methodology.id)
            .join(Question, Question.survey_id == Survey.id)
            .join(Answer, Answer.question_id == Question.id)
            .where(Answer.centre_id == centre_id, Answer.period == period)
            .distinct()
            .order_by(Methodology.id)  # versions are locked in id order, as the nightly run does
        )
    )


def recalculate_centre(centre_id: int, period: str) -> None:
    """One centre and period after new answers, then its region, network type and the federation
    summed again from the level below. Locks the versions, then claims the pending request (a new answer
    arriving meanwhile requests again and gets its own job); the caller commits."""
    versions = versions_answered(centre_id, period) or _versions_with_values(centre_id, period)
    for version in versions:
        _lock(version)
    db.session.execute(
        delete(RecalcRequest).where(RecalcRequest.centre_id == centre_id, RecalcRequest.period == period)
    )
    for version in versions:
        _recalculate_centre(version, centre_id, period)


def _versions_with_values(centre_id: int, period: str) -> list[Methodology]:
    """Versions that hold values for the centre (its answers may all have been rejected since)."""
    return list(
        db.session.scalars(
            select(Methodology)
            .join(IndicatorValue, IndicatorValue.methodology_id == Methodology.id)
            .where(
                IndicatorValue.scope_kind == "centre",
                IndicatorValue.scope_key == str(centre_id),
                IndicatorValue.period == period,
            )
            .distinct()
            .order_by(Methodology.id)
        )
    )


def _recalculate_centre(version: Methodology, centre_id: int, period: str) -> None:
    specs = specs_of(version)
    question_ids = {qid for spec in specs for qid in spec.question_ids}
    where = and_(Answer.centre_id == centre_id, Answer.period == period)
    counts = count_answers(question_ids, threshold_of(version), where) if question_ids else {}
    region_of, network_of = _parents(version, [centre_id])
    region = region_of[str(centre_id)]
    network = network_of[region[1]]
    _replace(version, period, [("centre", str(centre_id))], centre_rows(version, specs, counts))
    centres = _stored(version, period, "centre", _centres_of_region(int(region[1])))
    old_region = _stored(version, period, "region", [region[1]])
    new_region = rolled_up(version, centres, lambda key: region)
    _replace(version, period, [region], new_region)
    change = _difference(new_region, old_region)
    for scope in ([network] if network is not None else []) + [("federation", ALL)]:
        _replace(version, period, [scope], _shifted(version, scope, period, _stored(version, period, *scope), change))


def _difference(new: list[dict], old: list[dict]) -> dict[tuple[int, str], tuple[float, float]]:
    """(indicator id, client type) → change of (numerator, denominator) from `old` rows to `new` ones."""
    change: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0, 0])
    for sign, rows in ((1, new), (-1, old)):
        for row in rows:
            total = change[(row["indicator_id"], row["client_type"])]
            total[0] += sign * row["numerator"]
            total[1] += sign * row["denominator"]
    return {key: (n, d) for key, (n, d) in change.items() if n or d}


def _shifted(version: Methodology, scope: tuple[str, str], period: str, rows: list[dict], change: dict) -> list[dict]:
    """The rows of a level above the region (network type, federation) moved by one region's change:
    those levels are sums of their regions, and recalculations of a version run one at a time."""
    totals = {(r["indicator_id"], r["client_type"]): [r["numerator"], r["denominator"]] for r in rows}
    for key, (numerator, denominator) in change.items():
        total = totals.setdefault(key, [0, 0])
        total[0] += numerator
        total[1] += denominator
    now = utcnow()
    return [
        _row(version, indicator_id, *scope, period, client_type, numerator, denominator, now)
        for (indicator_id, client_type), (numerator, denominator) in totals.items()
        if denominator > 0
    ]


def _centres_of_region(region_id: int) -> list[str]:
    return [str(cid) for cid in db.session.scalars(select(Centre.id).where(Centre.region_id == region_id))]


def _stored(version: Methodology, period: str, kind: str, keys: list[str] | str) -> list[dict]:
    """Stored value rows of one level and period, as dicts: of the scopes `keys` (or of one scope key)."""
    stmt = select(
        IndicatorValue.scope_key,
        IndicatorValue.indicator_id,
        IndicatorValue.client_type,
        IndicatorValue.numerator,
        IndicatorValue.denominator,
    ).where(
        IndicatorValue.methodology_id == version.id,
        IndicatorValue.period == period,
        IndicatorValue.scope_kind == kind,
        IndicatorValue.measure == SURVEY,
    )
    stmt = stmt.where(IndicatorValue.scope_key == keys if isinstance(keys, str) else IndicatorValue.scope_key.in_(keys))
    return [
        {"scope_key": key, "indicator_id": ind, "client_type": ct, "numerator": n, "denominator": d, "period": period}
        for key, ind, ct, n, d in db.session.execute(stmt)
    ]


def _replace(version: Methodology, period: str, scopes: list[tuple[str, str]], rows: list[dict]) -> None:
    """Replace the indicator values and index of some scopes in one period."""
    scope_filter = or_(*[and_(IndicatorValue.scope_kind == k, IndicatorValue.scope_key == s) for k, s in scopes])
    index_filter = or_(*[and_(IndexValue.scope_kind == k, IndexValue.scope_key == s) for k, s in scopes])
    db.session.execute(
        delete(IndicatorValue).where(
            IndicatorValue.methodology_id == version.id,
            IndicatorValue.period == period,
            IndicatorValue.measure == SURVEY,
            scope_filter,
        )
    )
    db.session.execute(
        delete(IndexValue).where(IndexValue.methodology_id == version.id, IndexValue.period == period, index_filter)
    )
    _insert(IndicatorValue, rows)
    index = index_rows(version, rows)
    fill_changes(version, index)
    _insert(IndexValue, index)
    _refresh_next_change(version, period, scopes, index)


def _refresh_next_change(version, period: str, scopes, index: list[dict]) -> None:
    """The next period's index change depends on this level: update it where it exists."""
    following = _next(period)
    levels = {(r["scope_kind"], r["scope_key"], r["client_type"]): r["level"] for r in index}
    for kind, key in scopes:
        for row in db.session.scalars(
            select(IndexValue).where(
                IndexValue.methodology_id == version.id,
                IndexValue.period == following,
                IndexValue.scope_kind == kind,
                IndexValue.scope_key == key,
            )
        ):
            row.change = scoring.index_change(row.level, levels.get((kind, key, row.client_type)))


def _next(period: str) -> str:
    year, quarter = periods.parse(period)
    return f"{year + 1}-Q1" if quarter == 4 else f"{year}-Q{quarter + 1}"


# --- pending requests ------------------------------------------------------------------------------


def insert_ignore(model, values: dict, keys: list[str]) -> bool:
    """Insert a row unless one with the same `keys` exists (a concurrent one included); True if inserted."""
    dialect = db.session.connection().dialect.name
    make_insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = model.__table__
    result = db.session.execute(
        make_insert(table).values(**values).on_conflict_do_nothing(index_elements=keys).returning(table.c[keys[0]])
    )
    return result.first() is not None


def request(centre_id: int, period: str) -> bool:
    """Mark a centre-period for recalculation; True when it was not pending already. The caller commits
    and, when True, enqueues the job: at most one pending job per centre-period."""
    if db.session.connection().dialect.name == "postgresql":  # a recalculation claiming this row must not
        db.session.execute(text("set local lock_timeout = '2s'"))  # hold the answer's request up
    return insert_ignore(
        RecalcRequest, {"centre_id": centre_id, "period": period, "requested_at": utcnow()}, ["centre_id", "period"]
    )


def schedule(centre_id: int, period: str) -> None:
    """Request a recalculation and, unless one is pending already, enqueue its job when the caller commits."""
    from app.jobs import enqueue_after_commit
    from app.jobs.indices import recalculate_centre

    if request(centre_id, period):
        enqueue_after_commit(recalculate_centre, centre_id, period)


def pending(centre_ids: Iterable[int] | None = None) -> set[tuple[int, str]]:
    stmt = select(RecalcRequest.centre_id, RecalcRequest.period)
    if centre_ids is not None:
        stmt = stmt.where(RecalcRequest.centre_id.in_(list(centre_ids)))
    return set(db.session.execute(stmt).all())
