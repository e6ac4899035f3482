"""Measurement core on PostgreSQL at scale: 2,400 centres, 8 quarters, 1,000,000 answers.

(a) the full recalculation of indicator values and the index beside a floor — one SQL aggregate
    counting positive answers per centre, period and question, fetched whole: the nightly run after
    2,000 new answers (a day and a half of the network's answers; it recomputes only what changed) and a
    forced run rewriting every value («Пересчитать всё»); each run right after a run of the floor, whose
    row pools those samples;
(b) the incremental recalculation of one centre-period after one new answer, at 100,000 and at
    1,000,000 answers (its region, network type and the federation summed again);
(c) public submission throughput (`bench.public_load`, a real server on loopback).

The database is BENCH_MEASUREMENT_DATABASE_URL, default a `cxm_bench_measurement` database on the
local PostgreSQL (created if missing, emptied before and after). Answers are written with COPY. After
each bulk write the bench runs VACUUM ANALYZE, the work autovacuum does on a real server (it is off on
this machine's PostgreSQL).
"""

import os
import random
import time

from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.models.org import Centre, Region
from app.models.surveys import Survey
from app.services import indices, integrity, methodology, surveys
from bench import public_load
from bench.tasks import _database_url

REGIONS, CENTRES = 85, 2_400
PERIODS = [f"{year}-Q{q}" for year in (2025, 2026) for q in (1, 2, 3, 4)]
SMALL, LARGE = 100_000, 1_000_000
DEFAULT_URL = "postgresql://postgres@127.0.0.1/cxm_bench_measurement"


def seed_organisation() -> list[tuple[int, int]]:
    """85 regions (every fifth a centralised network) with 2,400 centres; returns (centre id, region id)."""
    regions = [
        Region(name=f"Регион {n}", aliases=[], network_type="centralised" if n % 5 == 0 else "decentralised")
        for n in range(REGIONS)
    ]
    db.session.add_all(regions)
    db.session.flush()
    centres = [Centre(region=regions[n % REGIONS], name=f"ЦЗН {n}", aliases=[]) for n in range(CENTRES)]
    db.session.add_all(centres)
    db.session.flush()
    methodology.install_templates()
    surveys.install_templates()
    db.session.commit()
    return [(c.id, c.region_id) for c in centres]


def _rating(rnd: random.Random) -> float:
    return float(min(10, max(1, round(rnd.gauss(8, 2)))))


def _answers_for(survey: Survey, rnd: random.Random) -> list[tuple[int, int | None, float | None]]:
    """(question id, option id, value) for one plausible response; follow-ups only after «Да»."""
    rows, chosen = [], {}
    for question in survey.questions:
        if question.show_if and chosen.get(question.show_if["question"]) not in question.show_if["values"]:
            continue
        if question.kind == "scale":
            if not question.required and rnd.random() < 0.4:
                continue  # an unused channel is left blank
            rows.append((question.id, None, _rating(rnd)))
        elif question.kind in ("yes_no", "single", "multiple"):
            option = rnd.choice(question.options)
            chosen[question.code] = option.value
            rows.append((question.id, option.id, option.points))
    return rows


def add_answers(centres: list[tuple[int, int]], target: int, rnd: random.Random) -> None:
    """Add responses until `target` answers exist in total."""
    forms = [db.session.scalar(select(Survey).where(Survey.code == code)) for code in ("fcc-jobseeker", "fcc-employer")]
    count = db.session.execute(text("select count(*) from answer")).scalar()
    next_id = db.session.execute(text("select coalesce(max(id), 0) + 1 from response")).scalar()
    raw = db.session.connection().connection.dbapi_connection
    responses, answers = [], []
    while count + len(answers) < target:
        survey = forms[0] if rnd.random() < 0.8 else forms[1]
        centre_id, region_id = rnd.choice(centres)
        period = rnd.choice(PERIODS)
        responses.append((next_id, survey.id, region_id, centre_id, survey.client_type, "link", period))
        answers += [(next_id, q, o, v, centre_id, period) for q, o, v in _answers_for(survey, rnd)]
        next_id += 1
        if len(responses) == 5_000:
            count += len(answers)
            _copy(raw, responses, answers)
            responses, answers = [], []
    if responses:
        _copy(raw, responses, answers)
    db.session.execute(text("select setval('response_id_seq', (select max(id) from response))"))
    db.session.commit()


def more_answers(centres: list[tuple[int, int]], count: int, rnd: random.Random) -> None:
    """Add about `count` answers to those stored."""
    add_answers(centres, db.session.execute(text("select count(*) from answer")).scalar() + count, rnd)


def _copy(raw, responses, answers) -> None:
    with raw.cursor() as cur:
        with cur.copy(
            "copy response (id, survey_id, region_id, centre_id, client_type, source, period, submitted_at, status,"
            " flags, device_key, address_key, answers_key, remote, review_note) from stdin"
        ) as copy:
            for row in responses:
                copy.write_row((*row, "2026-01-01", "accepted", "[]", "", "", "", False, ""))
        with cur.copy(
            "copy answer (response_id, question_id, option_id, value, centre_id, period, counted) from stdin"
        ) as copy:
            for row in answers:
                copy.write_row((*row, True))


def _timed(fn, repeat: int, before=None) -> list[float]:
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def floor_aggregate(threshold: float = 8) -> int:
    """The floor: one aggregate counting positive answers per centre, period and question, fetched whole."""
    rows = db.session.execute(
        text(
            "select centre_id, period, question_id, count(*) filter (where value >= :t) "
            "from answer where counted group by centre_id, period, question_id"
        ),
        {"t": threshold},
    ).all()
    db.session.rollback()
    return len(rows)


def full_recalculation(force: bool = False) -> None:
    for version in indices.active_versions():
        indices.recalculate_version(version, force=force)
    db.session.commit()


def vacuum_analyze() -> None:
    """What autovacuum does after bulk writes (VACUUM cannot run inside a transaction)."""
    db.session.commit()
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("vacuum analyze"))


def incremental_case(centres, rnd: random.Random):
    """(store one new answer — untimed, recalculate its centre-period — timed)."""
    survey = db.session.scalar(select(Survey).where(Survey.code == "fcc-jobseeker"))
    form = {surveys.field_name(q): str(8) for q in survey.questions if q.kind == "scale"}
    for q in survey.questions:
        if q.kind in ("yes_no", "single") and q.required:
            form[surveys.field_name(q)] = q.options[0].value
    state = {}

    def before():
        centre_id, region_id = rnd.choice(centres)
        period = rnd.choice(PERIODS)
        draft = surveys.read_answers(survey, form)
        response = surveys.store(survey, draft, centre_id=centre_id, region_id=region_id, source="link", period=period)
        integrity.check(response)
        db.session.commit()
        state["target"] = (centre_id, period)

    def recalc():
        indices.recalculate_centre(*state["target"])
        db.session.commit()

    return before, recalc


def run() -> tuple[list[tuple], str]:
    url = os.environ.get("BENCH_MEASUREMENT_DATABASE_URL", DEFAULT_URL)
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DATABASE_URL"] = _database_url()
    app = create_app({"ENV": "testing", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    rnd = random.Random(11)
    rows = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        centres = seed_organisation()
        add_answers(centres, SMALL, rnd)
        vacuum_analyze()
        full_recalculation()
        vacuum_analyze()
        before, recalc = incremental_case(centres, rnd)
        rows.append(("incremental, one new answer, 100k answers", 30, _timed(recalc, 30, before)))
        add_answers(centres, LARGE, rnd)
        vacuum_analyze()
        floor_aggregate()
        floor, floors = "floor: one aggregate, positive per centre/period/question", []

        def beside_floor(fn, repeat: int, before=None) -> list[float]:
            """Each run of `fn` right after a run of the floor, so both meet the same state of the caches."""
            samples = []
            for _ in range(repeat):
                if before is not None:
                    before()
                floors.extend(_timed(floor_aggregate, 1))
                samples.extend(_timed(fn, 1))
            return samples

        forced = beside_floor(lambda: full_recalculation(True), 3)
        vacuum_analyze()
        nightly = beside_floor(full_recalculation, 5, lambda: more_answers(centres, 2_000, rnd))
        rows.append((floor, len(floors), floors))
        rows.append(("full recalculation, forced: every value rewritten", 3, forced, floor))
        rows.append(("full recalculation, nightly after 2,000 new answers", 5, nightly, floor))
        rows.append(("incremental, one new answer, 1M answers", 30, _timed(recalc, 30, before)))
        answers = db.session.execute(text("select count(*) from answer")).scalar()
        values = db.session.execute(text("select count(*) from indicator_value")).scalar()
        db.session.remove()
    public_row, throughput = public_load.run(app)
    rows.append(public_row)
    with app.app_context():
        db.drop_all()
    data = f"{CENTRES} centres, {len(PERIODS)} quarters, {answers:,} answers, {values:,} values; PostgreSQL"
    return rows, f"{data}; {throughput}"
