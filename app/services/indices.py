"""Recalculating indicator values and the client-centricity index from stored answers.

Survey indicators of a version are scored from the answers to its questionnaires' questions that
carry the indicator's code: `share_positive` counts 1–10 answers at or above the version's
positive threshold among non-blank ones, `yes_share` counts «Да» among non-blank ones (a
follow-up asked only after «Да» is answered only by those clients, so its share is conditional
by construction). Values are kept as counts, so a region pools its centres and the federation
pools its regions; missing data has no row and reads «нет данных».

One centre-period is recalculated after a new answer: its rows are replaced, its region summed
again from its centres, and the network type and the federation shifted by the region's change — a
handful of rows, not the answers. The nightly run reads every answer in one aggregate and rewrites
only the centre-periods whose digest changed (`RecalcState`), with the levels above them.
Every recalculation of a version runs under a lock on the version's row, so concurrent jobs never
mix their sums; each is one transaction (all or nothing).
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import JSON, and_, case, delete, func, insert, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models.base import utcnow
from app.models.indices import NETWORKS, IndexValue, IndicatorValue, RecalcRequest, RecalcState
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
STATES_PER_DELETE = 1_000


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


def specs_of(version: Methodology, params: dict | None = None) -> list[Spec]:
    """The survey indicators of a version (suspended ones left out) with their questions."""
    params = methodology_service.params_of(version) if params is None else params
    rules = {ind.id: survey_rule(ind, params) for ind in version.indicators}
    indicators = [ind for ind in version.indicators if rules[ind.id]]
    rows = db.session.execute(
        select(Question.id, Question.indicator_code, Question.kind, Survey.client_type)
        .join(Survey, Survey.id == Question.survey_id)
        .where(Survey.methodology_id == version.id, Question.indicator_code != "")
        .order_by(Question.id)
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


def threshold_of(version: Methodology, params: dict | None = None) -> float:
    params = methodology_service.params_of(version) if params is None else params
    return float(params[(None, THRESHOLD_KEY)].value)


@dataclass(frozen=True)
class Plan:
    """What recalculating a version needs besides the answers, read once per run: its survey indicators,
    positive threshold and index shapes, and the recipe — a digest of everything here a value depends on."""

    version: Methodology
    specs: tuple[Spec, ...]
    threshold: float
    indicators: dict[int, Indicator]
    shapes: dict[str, list[tuple]] | None  # None: no integral index (the pilot)
    recipe: str

    @property
    def question_ids(self) -> set[int]:
        return {qid for spec in self.specs for qid in spec.question_ids}


def plan_of(version: Methodology) -> Plan:
    params = methodology_service.params_of(version)
    specs = tuple(specs_of(version, params))
    threshold = threshold_of(version, params)
    shapes = _index_shapes(version) if version.integral_index else None
    recipe = repr((threshold, version.network_split, sorted(map(repr, specs)), shapes))
    return Plan(
        version,
        specs,
        threshold,
        {ind.id: ind for ind in version.indicators},
        shapes,
        hashlib.blake2b(recipe.encode(), digest_size=16).hexdigest(),
    )


# --- counting answers ------------------------------------------------------------------------------

Counts = dict[tuple[int, str], dict[int, tuple[int, int, int, int]]]
"""(centre id, period) → question id → (answered on the scale, positive, answered by option, «Да»)."""


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
    counts: Counts = defaultdict(dict)
    db.session.flush()  # read through the connection: hundreds of thousands of plain rows, no ORM loading
    for centre_id, period, question_id, answered, positive, by_option, yes in (
        db.session.connection().execute(stmt).all()
    ):
        counts[(centre_id, period)][question_id] = (answered, positive or 0, by_option, yes or 0)
    return counts


def value_rows(version: Methodology, specs: list[Spec], counts: Counts, kind: str = "centre") -> list[dict]:
    """Indicator value rows per scope, period and client type (and both types pooled) from answer counts keyed
    by (scope key, period): a centre's own, or a region's summed from its centres (`summed_counts`)."""
    now = utcnow()
    rows = []
    for (scope_key, period), questions in counts.items():
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
                    kind,
                    scope_key,
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
            rows.append(_row(version, indicator_id, kind, scope_key, period, ALL, numerator, denominator, now))
    return rows


def summed_counts(counts: Counts, parent_of: Callable[[int], str]) -> Counts:
    """Answer counts summed per parent scope key and period (a region's are the sums of its centres')."""
    summed: Counts = defaultdict(dict)
    for (centre_id, period), questions in counts.items():
        target = summed[(parent_of(centre_id), period)]
        for question_id, row in questions.items():
            found = target.get(question_id)
            target[question_id] = row if found is None else tuple(a + b for a, b in zip(found, row, strict=True))
    return summed


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
    members = defaultdict(list)  # the version's indicators in one query, not one per group
    for ind in version.indicators:
        members[ind.group_id].append(ind)
    return {
        client_type: [
            (
                group.code,
                group.weight,
                [
                    (ind.id, ind.code, ind.weight)
                    for ind in members[group.id]
                    if not ind.suspended and (client_type == ALL or ind.client_type in (client_type, "both"))
                ],
            )
            for group in version.groups
        ]
        for client_type in (*CLIENT_TYPES, ALL)
    }


def index_rows(plan: Plan, values: list[dict]) -> list[dict]:
    """Index levels from indicator values, per scope, period and client type (a version without an
    integral index — the pilot — gets none). The change against the previous period is filled by
    `fill_changes`."""
    if plan.shapes is None:
        return []
    indicators, shapes = plan.indicators, plan.shapes
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
                "methodology_id": plan.version.id,
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


def recalculate_version(version: Methodology, *, force: bool = False) -> int:
    """Bring every value of one version up to date with all its answers, in one transaction.

    Only the centre-periods whose inputs changed since their values were written (see `RecalcState`) are
    recomputed, with their regions and the levels above. Every value is rewritten when most of them
    changed, when none were written yet, or when `force` (after a change to the scoring code itself).
    Returns the number of indicator values written (none when nothing changed). The caller commits.
    """
    _lock(version)
    started = utcnow()
    plan = plan_of(version)
    counts = count_answers(plan.question_ids, plan.threshold) if plan.question_ids else {}
    region_of, network_of = _parents(version)
    digests = {key: _digest(plan.recipe, key[0], region_of, network_of, found) for key, found in counts.items()}
    stored = _states(version)
    changed = {
        key for key in digests.keys() | stored.keys() if digests.get(key) != getattr(stored.get(key), "digest", None)
    }
    if force or not stored or 2 * len(changed) > len(digests):
        written = _rewrite(plan, counts, region_of, network_of)
        _save_states(version, digests, region_of, network_of, None)
    else:
        written = _rewrite_changed(plan, counts, region_of, network_of, changed, stored)
        _save_states(version, digests, region_of, network_of, changed)
    # requests made before this run are covered by it; later ones keep their own job (claimed last: an
    # answer's request never waits for the whole run)
    db.session.execute(delete(RecalcRequest).where(RecalcRequest.requested_at < started))
    return written


def _rewrite(plan: Plan, counts: Counts, region_of, network_of) -> int:
    """Every value and index level of a version, replacing the old ones."""
    version = plan.version
    centres = value_rows(version, plan.specs, counts)
    regions = rolled_up(version, centres, region_of.get)
    networks = rolled_up(version, regions, lambda key: network_of.get(key))
    federation = rolled_up(version, regions, lambda key: ("federation", ALL))
    values = centres + regions + networks + federation
    index = index_rows(plan, values)
    fill_changes(version, index, stored=False)  # every level of the version is in `index`
    db.session.execute(
        delete(IndicatorValue).where(IndicatorValue.methodology_id == version.id, IndicatorValue.measure == SURVEY)
    )
    db.session.execute(delete(IndexValue).where(IndexValue.methodology_id == version.id))
    _insert(IndicatorValue, values)
    _insert(IndexValue, index)
    return len(values)


def _rewrite_changed(plan: Plan, counts: Counts, region_of, network_of, changed: set, stored: dict) -> int:
    """The values of the changed centre-periods, their regions (before and after a centre moved) summed
    again from their centres, and the network types and the federation from the regions, period by period."""
    version, written = plan.version, 0
    by_period: dict[str, Counts] = defaultdict(dict)
    for (centre_id, period), questions in counts.items():
        by_period[period][(centre_id, period)] = questions
    for period in sorted({p for _, p in changed}):
        centre_ids = sorted(c for c, p in changed if p == period)
        answered = {(c, period): counts[(c, period)] for c in centre_ids if (c, period) in counts}
        centres = value_rows(version, plan.specs, answered)
        _replace(plan, period, [("centre", str(c)) for c in centre_ids], centres)
        regions = {region_of[str(c)] for c in centre_ids if str(c) in region_of}
        regions |= {("region", str(stored[(c, period)].region_id)) for c in centre_ids if (c, period) in stored}
        members = {key: found for key, found in by_period[period].items() if region_of.get(str(key[0])) in regions}
        sums = value_rows(version, plan.specs, summed_counts(members, lambda c: region_of[str(c)][1]), "region")
        _replace(plan, period, sorted(regions), sums)
        all_regions = _stored(version, period, "region")
        above = rolled_up(version, all_regions, lambda key: network_of.get(key))
        above += rolled_up(version, all_regions, lambda key: ("federation", ALL))
        networks = [("network", kind) for kind in NETWORKS] if version.network_split else []
        _replace(plan, period, [*networks, ("federation", ALL)], above)
        written += len(centres) + len(sums) + len(above)
    return written


# --- what stored values were computed from --------------------------------------------------------


def _digest(recipe: str, centre_id: int, region_of, network_of, questions: dict) -> str:
    """A digest of a centre-period's answer counts, where they are summed to, and the version's recipe.

    The counts enter through Python's hash of a frozenset of integer tuples: no sorting, the same in every
    process (only str and bytes hashes are salted); a Python whose hash differs rewrites everything once."""
    counts = hash(frozenset(questions.items()))
    placement = _placement(centre_id, region_of, network_of)
    return hashlib.blake2b(f"{recipe}{placement}{counts}".encode(), digest_size=16).hexdigest()


def _placement(centre_id: int, region_of, network_of) -> tuple[int, str] | None:
    """(region id, network type — "" when the version does not split networks) a centre's values go to."""
    region = region_of.get(str(centre_id))
    if region is None:
        return None
    network = network_of.get(region[1])
    return int(region[1]), network[1] if network else ""


class State(NamedTuple):
    region_id: int
    network: str
    digest: str


def _states(version: Methodology, keys: list[tuple[int, str]] | None = None) -> dict[tuple[int, str], State]:
    """(centre id, period) → where its stored values went and their digest (of `keys`, or all)."""
    stmt = select(
        RecalcState.centre_id, RecalcState.period, RecalcState.region_id, RecalcState.network, RecalcState.digest
    ).where(RecalcState.methodology_id == version.id)
    if keys is not None:
        stmt = stmt.where(tuple_(RecalcState.centre_id, RecalcState.period).in_(keys))
    return {(centre_id, period): State(*state) for centre_id, period, *state in db.session.execute(stmt)}


def _save_states(version: Methodology, digests: dict, region_of, network_of, keys: set | None) -> None:
    """Record the digests of the centre-periods `keys` (all of the version's when None) as just written."""
    stale = delete(RecalcState).where(RecalcState.methodology_id == version.id)
    if keys is None:
        db.session.execute(stale)
    ordered = sorted(keys or ())
    for start in range(0, len(ordered), STATES_PER_DELETE):  # two bound parameters a key: keep under the limits
        chunk = ordered[start : start + STATES_PER_DELETE]
        db.session.execute(stale.where(tuple_(RecalcState.centre_id, RecalcState.period).in_(chunk)))
    rows = []
    for (centre_id, period), digest in digests.items():
        placement = _placement(centre_id, region_of, network_of)
        if (keys is None or (centre_id, period) in keys) and placement is not None:
            rows.append(
                {
                    "methodology_id": version.id,
                    "centre_id": centre_id,
                    "period": period,
                    "region_id": placement[0],
                    "network": placement[1],
                    "digest": digest,
                }
            )
    _insert(RecalcState, rows)


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
    """The centre-period's values, its region summed again from its centres, and the network type and the
    federation shifted by the region's change (a centre that moved region takes the nightly run's way)."""
    plan = plan_of(version)
    key = (centre_id, period)
    where = and_(Answer.centre_id == centre_id, Answer.period == period)
    counts = count_answers(plan.question_ids, plan.threshold, where) if plan.question_ids else {}
    stored = _states(version, [key])
    region_of, network_of = _parents(version, [centre_id])
    region = region_of[str(centre_id)]
    digests = {key: _digest(plan.recipe, centre_id, region_of, network_of, found) for key, found in counts.items()}
    if key in stored and (stored[key].region_id, stored[key].network) != _placement(centre_id, region_of, network_of):
        _recalculate_moved(plan, key, stored)
        return
    _replace(plan, period, [("centre", str(centre_id))], value_rows(version, plan.specs, counts))
    _save_states(version, digests, region_of, network_of, {key})
    above = [scope for scope in (network_of[region[1]], ("federation", ALL)) if scope is not None]
    centres = _stored(version, period, [("centre", c) for c in _centres_of_region(int(region[1]))])
    old = _stored(version, period, [region, *above])
    new_region = rolled_up(version, centres, lambda _: region)
    change = _difference(new_region, _of_scope(old, region))
    shifted = [row for scope in above for row in _shifted(version, scope, period, _of_scope(old, scope), change)]
    _replace(plan, period, [region, *above], new_region + shifted)


def _recalculate_moved(plan: Plan, key: tuple[int, str], stored: dict) -> None:
    """A centre-period whose centre moved region (or whose region changed network type) since its values were
    written: the nightly run's way, over the answers of its old and new regions' centres in that period."""
    centre_id, period = key
    region_of, network_of = _parents(plan.version)
    regions = {region_of[str(centre_id)][1], str(stored[key].region_id)}
    members = [int(centre) for centre, region in region_of.items() if region[1] in regions]
    where = and_(Answer.period == period, Answer.centre_id.in_(members))
    counts = count_answers(plan.question_ids, plan.threshold, where) if plan.question_ids else {}
    _rewrite_changed(plan, counts, region_of, network_of, {key}, stored)
    digests = {key: _digest(plan.recipe, centre_id, region_of, network_of, counts[key])} if key in counts else {}
    _save_states(plan.version, digests, region_of, network_of, {key})


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


def _stored(version: Methodology, period: str, scopes: list[tuple[str, str]] | str) -> list[dict]:
    """Stored value rows of one period, as dicts: of the (scope kind, scope key) pairs, or of every scope of a kind."""
    stmt = select(
        IndicatorValue.scope_kind,
        IndicatorValue.scope_key,
        IndicatorValue.indicator_id,
        IndicatorValue.client_type,
        IndicatorValue.numerator,
        IndicatorValue.denominator,
    ).where(
        IndicatorValue.methodology_id == version.id,
        IndicatorValue.period == period,
        IndicatorValue.measure == SURVEY,
        IndicatorValue.scope_kind == scopes if isinstance(scopes, str) else _of_scopes(IndicatorValue, scopes),
    )
    names = [column.name for column in stmt.selected_columns]
    db.session.flush()  # plain rows through the connection: a period's regions are thousands of rows
    return [dict(zip(names, row, strict=True), period=period) for row in db.session.connection().execute(stmt).all()]


def _of_scope(rows: list[dict], scope: tuple[str, str]) -> list[dict]:
    return [row for row in rows if (row["scope_kind"], row["scope_key"]) == scope]


def _replace(plan: Plan, period: str, scopes: list[tuple[str, str]], rows: list[dict]) -> None:
    """Replace the indicator values and index of some scopes in one period."""
    version = plan.version
    db.session.execute(
        delete(IndicatorValue).where(
            IndicatorValue.methodology_id == version.id,
            IndicatorValue.period == period,
            IndicatorValue.measure == SURVEY,
            _of_scopes(IndicatorValue, scopes),
        )
    )
    db.session.execute(
        delete(IndexValue).where(
            IndexValue.methodology_id == version.id, IndexValue.period == period, _of_scopes(IndexValue, scopes)
        )
    )
    _insert(IndicatorValue, rows)
    index = index_rows(plan, rows)
    fill_changes(version, index)
    _insert(IndexValue, index)
    _refresh_next_change(version, period, scopes, index)


def _refresh_next_change(version, period: str, scopes, index: list[dict]) -> None:
    """The next period's index change depends on this level: update it where it exists."""
    levels = {(r["scope_kind"], r["scope_key"], r["client_type"]): r["level"] for r in index}
    for row in db.session.scalars(
        select(IndexValue).where(
            IndexValue.methodology_id == version.id, IndexValue.period == _next(period), _of_scopes(IndexValue, scopes)
        )
    ):
        row.change = scoring.index_change(row.level, levels.get((row.scope_kind, row.scope_key, row.client_type)))


def _of_scopes(model, scopes: list[tuple[str, str]]):
    """A filter on a value model's rows of the given (scope kind, scope key) pairs."""
    keys: dict[str, list[str]] = defaultdict(list)
    for kind, key in scopes:
        keys[kind].append(key)
    return or_(*[and_(model.scope_kind == kind, model.scope_key.in_(members)) for kind, members in keys.items()])


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


def schedule_moved(centre_ids: Iterable[int]) -> None:
    """Centres that moved region, or whose region changed network type: each of their quarters with values is
    recalculated, leaving the old region and network type for the new ones."""
    stmt = select(RecalcState.centre_id, RecalcState.period).where(RecalcState.centre_id.in_(list(centre_ids)))
    for centre_id, period in db.session.execute(stmt.distinct()).all():
        schedule(centre_id, period)


def schedule(centre_id: int, period: str) -> None:
    """Request a recalculation and, unless one is pending already, enqueue its job when the caller commits."""
    from app.jobs import enqueue_after_commit
    from app.jobs.indices import recalculate_centre

    if request(centre_id, period):
        enqueue_after_commit(recalculate_centre, centre_id, period)
