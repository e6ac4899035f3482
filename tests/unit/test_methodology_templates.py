"""The two methodology versions of seed 003 as data (app/services/methodology_templates.py)."""

import json
from pathlib import Path

import pytest

from app.services import methodology_templates as mt

PILOT = mt.version("pilot-2022")
POST = mt.version("post-pilot")

CLIENT_TYPES = {"jobseeker", "employer", "both"}
MEASURED_BY = {"survey", "passport", "both"}
LEVELS = {"centre", "managing_centre", "region"}
RULES = {"share_positive", "yes_share", "points_per_item", "points_per_channel", "yes_no", "formula", "levels"}


def _params(v, code=None):
    """Params of a version, or of one of its indicators, by key."""
    if code is None:
        return {p.key: p for p in v.params}
    ind = next(i for i in mt.indicators(v) if i.code == code)
    return {p.key: p for p in ind.params}


def _all_params(v):
    yield from v.params
    for ind in mt.indicators(v):
        yield from ind.params


def test_two_versions_in_order():
    assert [v.code for v in mt.VERSIONS] == ["pilot-2022", "post-pilot"]
    assert [v.name for v in mt.VERSIONS] == ["Пилот 2022", "После пилота"]
    assert PILOT.effective_from < POST.effective_from


@pytest.mark.parametrize(
    ("v", "per_group", "total"),
    [(PILOT, [3, 3, 6, 2, 4], 18), (POST, [3, 3, 8, 2, 4], 20)],
    ids=["pilot", "post"],
)
def test_group_and_indicator_counts(v, per_group, total):
    assert [g.code for g in v.groups] == ["1", "2", "3", "4", "5"]
    assert [len(g.indicators) for g in v.groups] == per_group
    assert len(mt.indicators(v)) == total


@pytest.mark.parametrize("v", mt.VERSIONS, ids=lambda v: v.code)
def test_weights_sum_to_one(v):
    assert sum(g.weight for g in v.groups) == pytest.approx(1.0)
    for g in v.groups:
        assert sum(i.weight for i in g.indicators) == pytest.approx(1.0), g.code
        assert all(i.weight > 0 for i in g.indicators)


@pytest.mark.parametrize("v", mt.VERSIONS, ids=lambda v: v.code)
def test_undefined_params_explain_themselves(v):
    undefined = [p for p in _all_params(v) if not p.defined]
    assert undefined
    for p in undefined:
        assert p.rationale.strip(), p.key
        assert p.source.strip(), p.key
        assert p.label.strip(), p.key


@pytest.mark.parametrize("v", mt.VERSIONS, ids=lambda v: v.code)
def test_codes_unique_and_in_their_group(v):
    codes = [i.code for i in mt.indicators(v)]
    assert len(codes) == len(set(codes))
    for g in v.groups:
        assert all(i.code.startswith(g.code + ".") for i in g.indicators)


@pytest.mark.parametrize("v", mt.VERSIONS, ids=lambda v: v.code)
def test_param_keys_unique_and_values_json(v):
    assert len(v.params) == len({p.key for p in v.params})
    for ind in mt.indicators(v):
        assert len(ind.params) == len({p.key for p in ind.params}), ind.code
    json.dumps([p._asdict() for p in _all_params(v)], ensure_ascii=False)


@pytest.mark.parametrize("v", mt.VERSIONS, ids=lambda v: v.code)
def test_enumerations_and_units(v):
    for ind in mt.indicators(v):
        assert ind.client_type in CLIENT_TYPES
        assert ind.measured_by in MEASURED_BY
        assert ind.level in LEVELS
        assert ind.scoring_rule in RULES
        assert ind.direction == 1
        if ind.scoring_rule in {"share_positive", "yes_share"}:
            assert (ind.unit, ind.max_score) == ("%", None), ind.code
        else:
            assert ind.unit == "балл" and ind.max_score > 0, ind.code
        if ind.measured_by in {"survey", "both"}:
            params = {p.key for p in ind.params}
            assert {"survey_question", "survey_rule"} <= params, ind.code


def test_pilot_has_no_integral_index_post_pilot_has_one():
    assert PILOT.integral_index is False and PILOT.network_split is False
    assert POST.integral_index is True and POST.network_split is True
    assert _params(PILOT)["index_formula"].value is None


def test_regional_site_only_in_pilot():
    name = "Наличие регионального сайта СЗН"
    assert [i.code for i in mt.indicators(PILOT) if i.name == name] == ["3.6"]
    assert all(i.name != name for i in mt.indicators(POST))


def test_information_accessibility_split_after_pilot():
    pilot = [i.code for i in mt.indicators(PILOT) if i.code.startswith("3.1")]
    post = [i.code for i in mt.indicators(POST) if i.code.startswith("3.1")]
    assert pilot == ["3.1"]
    assert post == ["3.1.1", "3.1.2", "3.1.3", "3.1.4"]
    info = next(i for i in mt.indicators(PILOT) if i.code == "3.1")
    assert info.max_score == 2.0
    assert all(i.max_score == 0.5 for i in mt.indicators(POST) if i.code.startswith("3.1."))


def test_site_and_social_indicators_move_to_managing_centre():
    assert {i.level for i in mt.indicators(PILOT)} == {"centre"}
    managing = {i.code for i in mt.indicators(POST) if i.level == "managing_centre"}
    assert managing == {"3.1.2", "3.1.3", "3.2"}


def test_pilot_maxima_follow_app8():
    maxima = {i.code: i.max_score for i in mt.indicators(PILOT) if i.max_score is not None}
    assert maxima == {
        "1.3": 1.0,
        "2.2": 1.0,
        "2.3": 2.0,
        "3.1": 2.0,
        "3.2": 1.0,
        "3.3": 1.0,
        "3.5": 1.0,
        "3.6": 1.0,
        "5.1": 1.0,
        "5.3": 1.0,
        "5.4": 2.0,
    }


def test_catalogue_names_word_for_word():
    names = {i.code: i.name for i in mt.indicators(PILOT)}
    assert names["1.3"] == "Открытость руководства"
    assert names["2.3"] == "Проведение мероприятий, стимулирующих рост числа соискателей"
    assert names["3.4"] == "Простота процедур, в т. ч. в части заполнения документов"
    assert names["5.4"] == "Комфортность условий для получения услуг и сервисов"
    assert PILOT.groups[0].name == "Дружелюбие и партнерство"
    assert mt.CATALOGUE_GROUP_HEADINGS["1"] == "Показатели дружелюбия и партнерства"


def test_survey_indicators_and_yes_share():
    q4 = next(i for i in mt.indicators(POST) if i.code == "4.1")
    assert q4.scoring_rule == "yes_share" and q4.measured_by == "survey"
    survey_only = {i.code for i in mt.indicators(POST) if i.measured_by == "survey"}
    assert survey_only == {"1.1", "1.2", "2.1", "3.4", "4.1", "4.2", "5.2"}


def test_version_params():
    post, pilot = _params(POST), _params(PILOT)
    assert post["positive_threshold"].value == 8 and post["positive_threshold"].defined
    assert pilot["positive_threshold"].defined is False
    for p in (pilot, post):
        assert p["scale"].value == {"min": 1, "max": 10}
        assert p["quota_jobseekers"].value == 80 and not p["quota_jobseekers"].defined
        assert p["quota_employers"].value == 20 and not p["quota_employers"].defined
        assert p["change_alert_margin"].defined is False
        assert p["ces_reading"].value in {"literal", "grouped"}
        assert p["period"].value == "quarter"
    assert pilot["period"].defined and not post["period"].defined
    assert post["index_weights"].value["group"] == 0.2
    assert post["zero_on_falsification"].value is True


# Every gap the issue lists, as (version, indicator code or None for the version, key).
GAPS = [
    ("pilot-2022", None, "positive_threshold"),
    ("pilot-2022", "5.3", "points_per_item"),  # transport: App 8 §9 gives no points
    ("pilot-2022", "2.2", "max_score"),  # vacancy growth: max 1 (l. 805) vs 2 (l. 1065)
    ("pilot-2022", "2.2", "cap"),
    ("pilot-2022", "2.2", "zero_denominator"),
    ("pilot-2022", "3.3", "yes_points"),  # fast response 0.8 over 7 offices
    ("pilot-2022", "2.3", "event_counting"),  # 9 event types vs a maximum of 2
    ("pilot-2022", "3.5", "max_score"),  # blank pre-registration maximum (l. 1074)
    ("pilot-2022", "5.4", "partial_levels"),  # comfort partial levels
    ("pilot-2022", None, "ces_reading"),
    ("pilot-2022", None, "quota_jobseekers"),
    ("pilot-2022", None, "quota_employers"),
    ("pilot-2022", None, "change_alert_margin"),
    ("post-pilot", "5.3", "points_per_item"),
    ("post-pilot", "2.2", "max_score"),
    ("post-pilot", "2.2", "cap"),
    ("post-pilot", "2.2", "zero_denominator"),
    ("post-pilot", "3.3", "yes_points"),
    ("post-pilot", "2.3", "event_counting"),
    ("post-pilot", "3.5", "max_score"),
    ("post-pilot", "5.4", "partial_levels"),
    ("post-pilot", None, "ces_reading"),
    ("post-pilot", None, "index_formula"),
    ("post-pilot", None, "index_weights"),
    ("post-pilot", None, "index_relative_change"),
    ("post-pilot", None, "missing_data"),
    ("post-pilot", None, "quota_jobseekers"),
    ("post-pilot", None, "quota_employers"),
    ("post-pilot", None, "change_alert_margin"),
]


@pytest.mark.parametrize(("code", "indicator", "key"), GAPS)
def test_listed_gaps_are_undefined_params(code, indicator, key):
    p = _params(mt.version(code), indicator)[key]
    assert p.defined is False
    assert p.rationale
    assert p.label


def test_gap_values_are_the_documented_choices():
    vac = _params(POST, "2.2")
    assert (vac["max_score"].value, vac["cap"].value, vac["zero_denominator"].value) == (1.0, 1.0, "no_data")
    assert _params(POST, "2.2")["k_vacancies"].value == 2
    assert _params(POST, "3.5")["max_score"].value == 1.0
    assert _params(POST, "2.3")["cap"].value == 2.0
    assert _params(POST, "5.4")["level_points"].value == {"3": 0.75, "2": 1.5, "1": 2.0}


def test_pilot_results_are_consistent_with_the_rules():
    # Openness: 14 items × 0.2 over 8 points = 0.35 (l. 785); transport: our 0.5 per item, 11 of 16 → 0.7 (l. 1031).
    openness = _params(PILOT, "1.3")
    assert openness["pilot_participation"].value == {"regions": 5, "points": 8}
    assert round(14 * openness["points_per_item"].value / 8, 2) == openness["pilot_average"].value
    transport = _params(PILOT, "5.3")
    assert round(11 * transport["points_per_item"].value / 8, 1) == transport["pilot_average"].value
    assert "pilot_average" not in _params(POST, "1.3")


def test_checklists_have_app8_sizes():
    sizes = {code: len(_params(PILOT, code)["items"].value) for code in ("1.3", "3.2", "3.5", "3.6", "5.1", "5.3")}
    assert sizes == {"1.3": 5, "3.2": 10, "3.5": 4, "3.6": 4, "5.1": 5, "5.3": 2}
    assert len(_params(PILOT, "2.3")["reference_types"].value) == 9
    assert all(len(v) == 5 for v in _params(PILOT, "3.1")["items"].value.values())


def test_module_is_pure_data():
    source = Path(mt.__file__).read_text(encoding="utf-8")
    for banned in ("flask", "sqlalchemy", "from app."):
        assert banned not in source
