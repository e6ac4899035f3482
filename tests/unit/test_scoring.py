"""Pure scoring rules (app/services/scoring.py) against the seeds' own figures.

Seed lines (l.) refer to ../shared/seeds/; "analysis" to ../shared/domain/.
"""

import pytest

from app.services.scoring import (
    CES_DIFFICULT,
    CES_EASY,
    CES_NEUTRAL,
    NPS_NOTE,
    GroupInput,
    IndicatorInput,
    IqsCategory,
    ScoringError,
    Share,
    ces,
    conditional_positive_share,
    csi,
    cumulative_level,
    distribution,
    index_change,
    index_level,
    iqs,
    levels_points,
    mean_points,
    mean_score,
    normalise,
    nps,
    percent_label,
    points_label,
    points_per_item,
    pooled,
    positive_share,
    score_label,
    vacancy_dynamics,
    yes_share,
)

# ---- IQS ------------------------------------------------------------------------------------


def _iqs_example(literacy_good=True, knowledge_good=True):
    return [
        IqsCategory("знание услуг", 1.5, knowledge_good),
        IqsCategory("грамотность речи", 1, literacy_good, critical=True),
        IqsCategory("вежливость", 0.75, False),
    ]


def test_iqs_worked_example_is_77_percent():
    """Seed 001 l. 1581–1594: 1,5×1 + 1×1 + 0,75×0 = 77 % of 3,25 (= 100 %, l. 1588)."""
    value = iqs(_iqs_example())
    assert value == pytest.approx(0.7692, abs=1e-4)
    assert percent_label(value, digits=0) == "77 %"


def test_iqs_failed_critical_category_gives_zero():
    """Seed 001 l. 1577: a critical category scored negatively gives «общее значение 0%»."""
    assert iqs(_iqs_example(literacy_good=False)) == 0.0
    assert percent_label(iqs(_iqs_example(literacy_good=False)), digits=0) == "0 %"


def test_iqs_other_cases():
    """Analysis seed-001a §4.6 derived cases: all good → 100 %; only «знание услуг» bad → 54 %.
    Not assessed categories are left out (local choice: seed 001 l. 1574–1596 is silent)."""
    all_good = [IqsCategory("a", 1.5, True), IqsCategory("b", 1, True, critical=True), IqsCategory("c", 0.75, True)]
    assert iqs(all_good) == 1.0
    only_knowledge_bad = [
        IqsCategory("знание услуг", 1.5, False),
        IqsCategory("грамотность речи", 1, True, critical=True),
        IqsCategory("вежливость", 0.75, True),
    ]
    assert percent_label(iqs(only_knowledge_bad), digits=0) == "54 %"
    assert iqs([IqsCategory("a", 1, None, critical=True), IqsCategory("b", 1, True)]) == 1.0
    assert iqs([IqsCategory("a", 1, None)]) is None
    with pytest.raises(ScoringError, match="больше 0"):
        iqs([IqsCategory("a", 0, True)])


# ---- shares and labels ----------------------------------------------------------------------


def test_employer_size_shares():
    """Seed 003 l. 580–583: 109 / 297 / 98 / 129 of 633 employers → 17,2 / 46,9 / 15,5 / 20,4 %."""
    counts = {"До 15": 109, "16–100": 297, "101–250": 98, "Более 250": 129}
    shares = distribution(counts)
    assert [share.denominator for share in shares.values()] == [633] * 4
    assert [share.label() for share in shares.values()] == ["17,2 %", "46,9 %", "15,5 %", "20,4 %"]
    assert [percent_label(share.value) for share in shares.values()] == ["17,2 %", "46,9 %", "15,5 %", "20,4 %"]


def test_multi_select_distribution_uses_respondents():
    """Seed 003 l. 588–592: employer categories sum to 107,3 % (multi-select); «Ничего из перечисленного»
    425 of 633 → 67,1 %."""
    shares = distribution({"Ничего из перечисленного": 425, "Высокая текучесть кадров": 103}, total=633)
    assert shares["Ничего из перечисленного"].label() == "67,1 %"
    assert shares["Высокая текучесть кадров"].label() == "16,3 %"
    with pytest.raises(ScoringError):
        distribution({"a": 5}, total=4)


def test_percent_label_rounds_half_up_and_says_no_data():
    """Seed 003 l. 580–583 (half up as printed); «нет данных» instead of 0 (issue 5, index section)."""
    assert percent_label(0.125) == "12,5 %"
    assert percent_label(0.145, digits=0) == "15 %"
    assert percent_label(0.00125, digits=2) == "0,13 %"
    assert percent_label(None) == "нет данных"
    assert Share(0, 0).value is None
    assert Share(0, 0).label() == "нет данных"
    assert Share(0, 5).value == 0.0


def test_positive_share_8_to_10_excludes_blanks():
    """Seed 003 l. 117: «от 8 до 10 - является положительным ответом»; blank (channel not used, Q15)
    is excluded from the denominator (analysis seed-003 §2.3)."""
    answers = [10, 9, 8, 7, 1, None, None, 8]
    share = positive_share(answers, threshold=8)
    assert (share.numerator, share.denominator) == (4, 6)
    assert share.label() == "66,7 %"
    assert positive_share([None, None], 8).value is None
    assert positive_share([7.99, 8.0], 8) == Share(1, 2)


def test_pooled_shares_sum_counts():
    """Seed 003 l. 385, 563: results pooled over regions — counts add, shares are not averaged."""
    assert pooled([Share(1, 2), Share(0, 8), Share(0, 0)]) == Share(1, 10)


def test_yes_shares_with_conditional_follow_up():
    """Seed 003 l. 442 («С руководством взаимодействовали 12,1% обратившихся») and remarks 40, 45
    (l. 1151, 1160): Q12/Q13 are Да/Нет, the 1–10 rating follows only a «Да»."""
    said_yes = [True] * 121 + [False] * 879 + [None] * 5
    assert yes_share(said_yes).label() == "12,1 %"
    pairs = [
        (True, 10),  # positive
        (True, 8),  # positive
        (True, 3),  # not positive
        (True, None),  # «Да» without a rating: blank
        (False, 10),  # rating after «Нет»: ignored
        (None, 9),  # no answer to the yes/no question: ignored
    ]
    share = conditional_positive_share(pairs, threshold=8)
    assert (share.numerator, share.denominator) == (2, 3)


def test_nizhny_mean_points_2_6_of_3():
    """Seed 000 l. 90 / l. 7201: «Средний балл … получился 2,6 (максимально предусмотрен был 3)»;
    options хорошо / плохо / затрудняюсь ответить (l. 7179); mapping 3/2/1 per analysis seed-000 §4.2."""
    mapping = {"хорошо": 3, "затрудняюсь ответить": 2, "плохо": 1}
    answers = ["хорошо"] * 7 + ["затрудняюсь ответить"] * 2 + ["плохо"] + [None]
    value = mean_points(answers, mapping)
    assert value == pytest.approx(2.6)
    assert points_label(value, 3) == "2,6 из 3"
    assert points_label(None, 3) == "нет данных"
    excluding_unsure = {"хорошо": 3, "затрудняюсь ответить": None, "плохо": 1}
    assert mean_points(answers, excluding_unsure) == pytest.approx(22 / 8)
    with pytest.raises(ScoringError, match="не заданы баллы"):
        mean_points(["отлично"], mapping)


# ---- CES, CSI, NPS --------------------------------------------------------------------------


def _ces_answers():
    return ["Очень легко"] * 30 + ["Легко"] * 25 + [CES_NEUTRAL] * 15 + ["Сложно"] * 20 + ["Очень сложно"] * 10 + [None]


def test_ces_both_readings():
    """Seed 001 l. 1457: «из процента … «Легко», вычитается процент … «Сложно»»; options l. 1455.
    Analysis seed-001a §4.1 fixture: grouped (30+25) − (20+10) = +25, literal 25 − 20 = +5."""
    answers = _ces_answers()
    assert ces(answers, easy=CES_EASY, difficult=CES_DIFFICULT, reading="grouped") == pytest.approx(0.25)
    assert ces(answers, easy=CES_EASY, difficult=CES_DIFFICULT, reading="literal") == pytest.approx(0.05)
    balanced = ["Легко"] * 10 + ["Сложно"] * 10 + [CES_NEUTRAL] * 20
    assert ces(balanced, easy=CES_EASY, difficult=CES_DIFFICULT, reading="literal") == 0.0
    assert ces([None], easy=CES_EASY, difficult=CES_DIFFICULT, reading="grouped") is None
    with pytest.raises(ScoringError, match="способ расчёта CES"):
        ces(answers, easy=CES_EASY, difficult=CES_DIFFICULT, reading="mean")


def test_csi_weighted_and_weight_validation():
    """Seed 001 l. 1506–1513: CSI = ΣWᵢ×Pᵢ / P_max in percent; analysis seed-001a §4.2 fixture 84 %."""
    items = [(0.3, 5), (0.2, 4), (0.2, 3), (0.2, 4), (0.1, 5)]
    assert csi(items, 5) == pytest.approx(0.84)
    assert csi([(0.2, p) for p in (8, 7, 9, 6, 10)], 10) == pytest.approx(0.8)
    with pytest.raises(ScoringError) as error:
        csi([(0.3, 5), (0.2, 4), (0.2, 3), (0.2, 4)], 5)
    assert str(error.value) == "Сумма весов должна быть равна 1, сейчас 0,9"
    with pytest.raises(ScoringError, match="больше 0"):
        csi(items, 0)


def test_csi_blank_scores_renormalise():
    """Seed 001 l. 1506–1513 is silent on unrated parameters: they drop out and the rest renormalise."""
    assert csi([(0.5, 4), (0.5, None)], 5) == pytest.approx(0.8)
    assert csi([(0.5, None), (0.5, None)], 5) is None


def test_nps_external_convention():
    """Seed 001 l. 1666 asks the 0–10 recommend question without a formula (analysis seed-001a §4.11)."""
    answers = [10, 9, 9, 8, 7, 6, 0, None]
    assert nps(answers) == pytest.approx((3 - 2) / 7)
    assert nps([None]) is None
    assert "не из методики ФЦК" in NPS_NOTE
    with pytest.raises(ScoringError):
        nps([11])


def test_mean_score_simplified_csi():
    """Seed 001 l. 1502: the simplified CSI is the arithmetic mean of the scores of a question."""
    assert mean_score([5, 4, None, 3]) == 4
    assert mean_score([None]) is None


# ---- passport ------------------------------------------------------------------------------


def test_points_per_item():
    """Seed 003 l. 2226 (0,1 per item), l. 779 («1 параметра - 0,2, 2-х – 0,4»), l. 2314 (0,25 per channel),
    l. 2335 + l. 828 (events 0,1 per type, max 2)."""
    assert points_per_item([True, True, True, False, False], 0.1) == 0.3
    assert points_per_item([True, True, False, None, False], 0.2) == 0.4
    assert points_per_item([True, True, True, True], 0.25) == 1.0
    assert points_per_item([True] * 25, 0.1, cap=2) == 2
    assert points_per_item([None, None], 0.1) is None


def test_comfort_levels():
    """Seed 003 l. 2356–2360: level 3 → 0,75, level 2 → 1,5, level 1 (highest) → 2; levels cumulative
    («В дополнение к 3 уровню», l. 2366–2369); partial compliance undefined (analysis seed-003 §7 item 7)."""
    points = {1: 2, 2: 1.5, 3: 0.75}
    assert levels_points(1, points) == 2
    assert levels_points(2, points) == 1.5
    assert levels_points(3, points) == 0.75
    assert levels_points(None, points) == 0.0
    assert cumulative_level({3: True, 2: True, 1: True}) == 1
    assert cumulative_level({3: True, 2: False, 1: True}) == 3
    assert cumulative_level({3: False, 2: True, 1: True}) is None
    with pytest.raises(ScoringError):
        levels_points(4, points)


def test_vacancy_dynamics():
    """Seed 003 l. 2329–2331: (отчётный / предыдущий − 1) × K, K = 2; no cap, floor or zero rule
    (analysis seed-003 §7 item 4) → None for a zero or missing previous period, clamp only when given."""
    assert vacancy_dynamics(110, 100, k=2) == pytest.approx(0.2)
    assert vacancy_dynamics(50, 100, k=2) == pytest.approx(-1.0)
    assert vacancy_dynamics(50, 100, k=2, floor=0) == 0
    assert vacancy_dynamics(300, 100, k=2, cap=1) == 1
    assert vacancy_dynamics(10, 0, k=2) is None
    assert vacancy_dynamics(10, None, k=2) is None
    assert vacancy_dynamics(None, 10, k=2) is None
    with pytest.raises(ScoringError):
        vacancy_dynamics(10, 5, k=2, cap=0, floor=1)


# ---- the index ------------------------------------------------------------------------------


def test_normalise():
    """Seed 003 l. 1063: openness 0,35 of max 1; lower-is-better and clamping (analysis seed-001b §4.4)."""
    assert normalise(0.35, 1) == 0.35
    assert normalise(1.4, 2) == pytest.approx(0.7)
    assert normalise(3, 2) == 1.0
    assert normalise(-0.5, 2) == 0.0
    assert normalise(5, 20, direction=-1) == 0.75
    assert normalise(0.25, 1, minimum=-1) == pytest.approx(0.625)  # CES in −1…1
    assert normalise(None, 1) is None
    with pytest.raises(ScoringError):
        normalise(1, -1)


def test_index_equal_weights():
    """Analysis seed-001b §4.4 worked example (ours: the seed's formula is lost, seed 001 l. 3239–3245):
    group scores 80, 60, 70, 90, 75 with equal weights → 75,0."""
    groups = [
        GroupInput(str(n), 0.2, (IndicatorInput(f"{n}.1", 1, score / 100),))
        for n, score in zip(range(1, 6), (80, 60, 70, 90, 75), strict=True)
    ]
    level = index_level(groups)
    assert level.value == pytest.approx(75.0)
    assert level.missing == ()
    assert level.coverage == pytest.approx(1.0)


def test_index_missing_data_renormalises():
    """Seed 003 l. 83 (no index in the pilot) and issue 5: missing data shown as «нет данных» with the
    weights renormalised, never counted as zero."""
    groups = [
        GroupInput("1", 0.5, (IndicatorInput("1.1", 1, 0.8), IndicatorInput("1.2", 1, None))),
        GroupInput("2", 0.25, (IndicatorInput("2.1", 3, 0.4), IndicatorInput("2.2", 1, 0.8))),
        GroupInput("3", 0.25, (IndicatorInput("3.1", 1, None),)),
    ]
    level = index_level(groups)
    # group 1 = 80 (only 1.1), group 2 = (3×40 + 1×80)/4 = 50; groups 1 and 2 weigh 0.5 / 0.75 and 0.25 / 0.75
    assert level.groups == {"1": pytest.approx(80), "2": pytest.approx(50), "3": None}
    assert level.value == pytest.approx(80 * 2 / 3 + 50 / 3)
    assert level.missing == ("1.2", "3.1")
    assert level.weights_used["1"] == pytest.approx(2 / 3)
    assert level.weights_used["1.1"] == 1.0
    assert level.weights_used["2.1"] == pytest.approx(0.75)
    assert "3" not in level.weights_used
    assert level.coverage == pytest.approx(0.5 * 0.5 + 0.25)
    assert index_level([GroupInput("1", 1, (IndicatorInput("1.1", 1, None),))]).value is None
    assert index_level([]).value is None


def test_index_rejects_bad_inputs():
    """Invalid inputs get Russian messages, never a silent result."""
    with pytest.raises(ScoringError, match="повторяется"):
        index_level([GroupInput("1", 1, (IndicatorInput("1", 1, 0.5),))])
    with pytest.raises(ScoringError, match="от 0 до 1"):
        index_level([GroupInput("1", 1, (IndicatorInput("1.1", 1, 1.5),))])
    with pytest.raises(ScoringError, match="отрицательным"):
        index_level([GroupInput("1", -1, (IndicatorInput("1.1", 1, 0.5),))])


def test_index_change():
    """Seed 003 l. 48: the index characterises «в относительном виде изменение» over a period."""
    assert index_change(66, 60) == pytest.approx(0.1)
    assert percent_label(index_change(57, 60)) == "-5,0 %"
    assert index_change(60, 0) is None
    assert index_change(None, 60) is None
    assert index_change(60, None) is None


def test_score_label_reads_a_difference_of_shares_on_the_hundred_scale():
    assert score_label(0.2345) == "+23,5"
    assert score_label(-0.1) == "−10,0"
    assert score_label(0.0) == score_label(-0.0001) == "0,0"
    assert score_label(None) == "нет данных"
