"""Answers → indicator values → index, through the services and the real RQ worker on Redis."""

from datetime import date

import pytest
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models.indices import IndexValue, IndicatorValue, RecalcRequest
from app.models.methodology import Indicator, Methodology
from app.models.surveys import Answer
from app.services import indices, integrity, methodology, org, surveys
from tests.measurement_helpers import PERIOD, answers, install, submit


@pytest.fixture
def seeded(app):
    return install()


def value_of(code: str, scope_kind: str, scope_key, client_type: str = "jobseeker") -> IndicatorValue | None:
    return db.session.scalar(
        select(IndicatorValue)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .join(Methodology, Methodology.id == Indicator.methodology_id)
        .where(
            Methodology.code == "post-pilot",
            Indicator.code == code,
            IndicatorValue.scope_kind == scope_kind,
            IndicatorValue.scope_key == str(scope_key),
            IndicatorValue.period == PERIOD,
            IndicatorValue.client_type == client_type,
        )
    )


def test_seeded_versions_and_questionnaires_install_once(seeded):
    assert {m.code for m in db.session.scalars(select(Methodology))} == {"pilot-2022", "post-pilot"}
    assert methodology.install_templates() == [] and surveys.install_templates() == []
    assert seeded.methodology.code == "post-pilot" and seeded.locked
    assert methodology.for_period("2022-Q2").code == "pilot-2022"
    assert methodology.for_period(PERIOD).code == "post-pilot"


def test_answer_is_committed_and_the_worker_recalculates_the_centre(seeded, make, run_jobs):
    """Q1 «полезно»: 8 and 10 positive, 7 not → 2 of 3; the region and the federation pool the same counts."""
    centre = make.centre()
    for rating in (8, 10, 7):
        submit(seeded, centre, answers(seeded, rating))
    assert db.session.scalar(select(func.count()).select_from(RecalcRequest)) == 1  # coalesced
    run_jobs()
    db.session.expire_all()
    q1 = value_of("2.1", "centre", centre.id)
    assert (q1.numerator, q1.denominator) == (2, 3)
    assert value_of("2.1", "region", centre.region_id).numerator == 2
    assert value_of("2.1", "federation", "all").denominator == 3
    assert db.session.scalar(select(func.count()).select_from(RecalcRequest)) == 0
    level = db.session.scalar(
        select(IndexValue).where(
            IndexValue.scope_kind == "centre", IndexValue.scope_key == str(centre.id), IndexValue.client_type == "all"
        )
    )
    assert level is not None and level.level is not None and level.change is None


def test_blank_answers_are_left_out_of_the_share(seeded, make):
    """Q15 channels are optional: a blank one is not in the denominator (seed 003 §2.3)."""
    centre = make.centre()
    form = answers(seeded, 9)
    form.pop("q_q15_site")
    submit(seeded, centre, form)
    submit(seeded, centre, answers(seeded, 3))
    indices.recalculate_centre(centre.id, PERIOD)
    db.session.commit()
    office, site = value_of("3.1.1", "centre", centre.id), value_of("3.1.2", "centre", centre.id)
    assert (office.numerator, office.denominator) == (1, 2)
    assert (site.numerator, site.denominator) == (0, 1)  # the blank is not a «no»


def test_quarantined_answers_leave_the_results_until_released(seeded, make):
    centre = make.centre()
    good = submit(seeded, centre, answers(seeded, 9))
    staff = make.user(("responsible_employee", centre), centre=centre)
    doubtful = submit(seeded, centre, answers(seeded, 1))
    doubtful.status = "quarantined"
    integrity.set_counted(doubtful)
    db.session.commit()
    indices.recalculate_centre(centre.id, PERIOD)
    db.session.commit()
    assert value_of("2.1", "centre", centre.id).denominator == 1
    integrity.review(doubtful, "accepted", note="Проверено по журналу", actor=staff)
    db.session.commit()
    indices.recalculate_centre(centre.id, PERIOD)
    db.session.commit()
    assert value_of("2.1", "centre", centre.id).denominator == 2
    assert good.status == "accepted"


def test_identical_answer_vectors_are_flagged(seeded, make):
    centre = make.centre()
    first = [submit(seeded, centre, answers(seeded, 10)) for _ in range(2)]
    third = submit(seeded, centre, answers(seeded, 10))
    assert all(r.status == "accepted" for r in first)
    assert third.status == "quarantined" and "identical" in third.flags
    assert not any(a.counted for a in third.answers)


def test_full_recalculation_matches_the_incremental_one(seeded, make):
    """Centres of two regions of both network types: the incremental run shifts the network type and the
    federation by each region's change; the full run sums everything again — the same figures."""
    regions = [make.region(network_type="decentralised"), make.region(network_type="centralised")]
    centres = [make.centre(regions[n % 2]) for n in range(4)]
    for number, centre in enumerate(centres):
        for rating in (10, 5 + number, 8):
            submit(seeded, centre, answers(seeded, rating))
    for centre in centres + centres[:1]:  # once more: a recalculation without new answers changes nothing
        indices.recalculate_centre(centre.id, PERIOD)
    db.session.commit()
    incremental = {
        (v.scope_kind, v.scope_key, v.indicator_id, v.client_type): (v.numerator, v.denominator)
        for v in db.session.scalars(select(IndicatorValue))
    }
    indices.recalculate_all()
    db.session.commit()
    full = {
        (v.scope_kind, v.scope_key, v.indicator_id, v.client_type): (v.numerator, v.denominator)
        for v in db.session.scalars(select(IndicatorValue))
    }
    assert full == incremental
    assert {kind for kind, *_ in full} == {"centre", "region", "network", "federation"}


def _computed() -> tuple[dict, dict]:
    values = {
        (v.methodology_id, v.scope_kind, v.scope_key, v.period, v.indicator_id, v.client_type): (v.numerator, v.value)
        for v in db.session.scalars(select(IndicatorValue))
    }
    levels = {
        (i.methodology_id, i.scope_kind, i.scope_key, i.period, i.client_type): (i.level, i.change)
        for i in db.session.scalars(select(IndexValue))
    }
    return values, levels


def test_the_nightly_run_recomputes_what_changed_and_ends_where_a_forced_run_does(seeded, make):
    """New answers at one centre in the previous quarter and a centre moved to another region: only those
    centre-periods, their regions old and new and the levels above are written; a forced run that rewrites
    every value from the answers agrees with the result, index changes included."""
    regions = [make.region(network_type="decentralised"), make.region(network_type="centralised")]
    centres = [make.centre(regions[n % 2]) for n in range(4)]
    for number, centre in enumerate(centres):
        for period in ("2026-Q3", PERIOD):
            for rating in (10, 5 + number, 8):
                submit(seeded, centre, answers(seeded, rating), period=period)
    version = db.session.scalar(select(Methodology).where(Methodology.code == "post-pilot"))
    everything = indices.recalculate_version(version)
    db.session.commit()
    assert indices.recalculate_version(version) == 0  # nothing changed since
    submit(seeded, centres[0], answers(seeded, 3), period="2026-Q3")
    centres[1].region = regions[0]
    db.session.commit()
    written = indices.recalculate_version(version)
    db.session.commit()
    assert 0 < written < everything
    nightly = _computed()
    assert indices.recalculate_version(version, force=True) == everything
    db.session.commit()
    assert _computed() == nightly
    moved = value_of("2.1", "centre", centres[1].id)
    assert value_of("2.1", "region", regions[1].id).denominator == 3  # centres[3] alone
    assert value_of("2.1", "region", regions[0].id).denominator == 9 and moved.denominator == 3


def test_a_centre_moved_to_another_region_is_recalculated_out_of_the_old_one(seeded, make):
    """Moving a centre requests its recalculation; the job sums both regions again from all their centres and
    ends where a forced rewrite ends."""
    regions = [make.region(network_type="decentralised"), make.region(network_type="centralised")]
    moving, staying, resident = make.centre(regions[0]), make.centre(regions[0]), make.centre(regions[1])
    for centre, ratings in ((moving, (10, 6, 8)), (staying, (9, 3)), (resident, (10, 2))):
        for rating in ratings:
            submit(seeded, centre, answers(seeded, rating))
    indices.recalculate_all()
    db.session.execute(delete(RecalcRequest))
    db.session.commit()
    org.save(moving, {"region_id": regions[1].id})
    db.session.commit()
    assert db.session.get(RecalcRequest, (moving.id, PERIOD)) is not None
    indices.recalculate_centre(moving.id, PERIOD)
    db.session.commit()
    assert value_of("2.1", "region", regions[0].id).denominator == 2  # the staying centre alone
    assert value_of("2.1", "region", regions[1].id).denominator == 5
    assert value_of("2.1", "network", "decentralised").denominator == 2
    assert value_of("2.1", "network", "centralised").denominator == 5
    assert value_of("2.1", "federation", "all").denominator == 7
    incremental = _computed()
    for version in indices.active_versions():
        indices.recalculate_version(version, force=True)
    db.session.commit()
    assert _computed() == incremental
    org.save(regions[1], {"network_type": "decentralised"})  # its centres' values now go to the other network
    db.session.commit()
    for centre in (moving, resident):
        indices.recalculate_centre(centre.id, PERIOD)
    db.session.commit()
    assert value_of("2.1", "network", "decentralised").denominator == 7
    assert value_of("2.1", "network", "centralised") is None


def test_index_change_is_relative_to_the_previous_period(seeded, make):
    centre = make.centre()
    submit(seeded, centre, answers(seeded, 10), period="2026-Q3")
    submit(seeded, centre, answers(seeded, 10), period=PERIOD)
    submit(seeded, centre, answers(seeded, 2), period=PERIOD)
    indices.recalculate_all()
    db.session.commit()
    rows = {
        r.period: r
        for r in db.session.scalars(
            select(IndexValue).where(IndexValue.scope_kind == "centre", IndexValue.client_type == "jobseeker")
        )
    }
    assert rows["2026-Q3"].level == pytest.approx(100.0)
    assert rows[PERIOD].change == pytest.approx((rows[PERIOD].level - 100.0) / 100.0)


def test_hidden_follow_up_answers_are_dropped(seeded):
    """Q12's rating is asked only after «Да» (remarks 40, 45): after «Нет» a sent rating is ignored."""
    form = answers(seeded, 9, q_q12="no")
    draft = surveys.read_answers(seeded, form)
    assert "q12_rating" not in draft.values and not draft.errors


def test_bad_input_gets_russian_messages(seeded):
    draft = surveys.read_answers(seeded, answers(seeded, 11))
    assert draft.errors["q1"] == "Выберите одно значение от 1 до 10."
    draft = surveys.read_answers(seeded, {})
    assert draft.errors["q1"] == "Ответьте, пожалуйста, на этот вопрос."
    assert not surveys.read_answers(seeded, {}, remote=True).errors.get("q2")  # in-office only


def test_a_version_in_use_is_cloned_not_edited(seeded, make):
    version = db.session.scalar(select(Methodology).where(Methodology.code == "post-pilot"))
    centre = make.centre()
    submit(seeded, centre, answers(seeded, 9))
    indices.recalculate_all()
    db.session.commit()
    assert methodology.in_use(version) and not methodology.editable(version)
    copy = methodology.clone(version, name="После пилота, ред. 2", effective_from=date(2027, 1, 1))
    db.session.commit()
    assert copy.status == "draft" and methodology.editable(copy)
    assert len(copy.indicators) == len(version.indicators)
    assert len(copy.params) == len(version.params)
    assert db.session.scalar(select(func.count()).select_from(Answer)) > 0


def test_whoever_entered_an_answer_does_not_decide_on_it(seeded, make):
    """The pilot's failure was staff entering false answers (seed 003 l. 101): their own entries go to another."""
    centre = make.centre()
    clerk = make.user(("quality_officer", centre), centre=centre)
    response = submit(seeded, centre, answers(seeded, 9), source="paper", entered_by=clerk)
    response.status = "quarantined"
    db.session.commit()
    with pytest.raises(integrity.ReviewError, match="Вы внесли этот ответ сами"):
        integrity.review(response, "accepted", note="Всё верно", actor=clerk)
    colleague = make.user(("quality_officer", centre), centre=centre)
    integrity.review(response, "accepted", note="Сверено с бумажной анкетой", actor=colleague)
    db.session.commit()
    with pytest.raises(integrity.ReviewError, match="уже принято"):
        integrity.review(response, "rejected", note="Повторно", actor=colleague)


def test_a_response_counts_only_once_the_checks_accept_it(seeded, make):
    centre = make.centre()
    draft = surveys.read_answers(seeded, answers(seeded, 9))
    response = surveys.store(seeded, draft, centre_id=centre.id, region_id=centre.region_id, source="link")
    assert response.status == "pending" and not any(a.counted for a in response.answers)
    surveys.after_store(response)
    assert response.status == "accepted" and all(a.counted for a in response.answers)


def test_period_keys_are_quarters_of_years_people_mean():
    from app.services import periods

    assert periods.parse("2026-Q4") == (2026, 4)
    assert periods.parse("0000-Q1") is None and periods.parse("٢٠٢٦-Q1") is None and periods.parse("2026-Q5") is None
    assert periods.recent("2026-Q2", 3) == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert periods.label("2026-Q4") == "IV квартал 2026"


def test_a_new_version_starts_no_earlier_than_the_next_quarter(seeded):
    from app.services import methodology_edit, periods

    version = db.session.scalar(select(Methodology).where(Methodology.code == "post-pilot"))
    this_quarter_start, _ = periods.bounds(periods.period_of())
    problems = methodology_edit.clone_problem(version, "Новая версия", this_quarter_start)
    assert "не может быть раньше" in problems["effective_from"]
    assert methodology_edit.clone_problem(version, "Новая версия", methodology_edit.earliest_start()) == {}
