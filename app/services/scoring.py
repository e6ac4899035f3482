"""Scoring: pure calculations behind survey indicators, passports (checklists) and the index.

No Flask, no database, no I/O: callers pass plain values read from the database and store the
results. Every parameter a rule needs (thresholds, points, K, readings, weights) comes from the
methodology version; nothing here is a methodology constant except where a docstring cites the
seed for a default the version also holds.

Sources, by analysis file in ../shared/domain/ and seed line (l.):
- seed 003 (pilot report 2022): positive answer = 8–10 (l. 117); index = relative change over a
  period (l. 48); App 8 checklist points (l. 2226–2414); vacancy formula with K = 2 (l. 2329–2331);
  comfort levels 0.75 / 1.5 / 2 (l. 2356–2360); employer sizes 17,2 / 46,9 / 15,5 / 20,4 % (l. 580–583).
- seed 001 part A: CES (l. 1447–1467), CSI (l. 1500–1513), IQS with critical categories (l. 1570–1596).
- seed 001 part B: the index's five groups and changing weights (l. 3228–3322, formula lost).
- seed 000 (Nizhny Novgorod): «2,6 (максимально предусмотрен был 3)» (l. 90, 7201).

Shares and CES/NPS/CSI/IQS results are fractions (0.172, not 17.2); `percent_label` shows them.
Missing data is None («нет данных»), never zero.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

NO_DATA = "нет данных"
WEIGHT_TOLERANCE = 1e-6

NPS_NOTE = "Внешняя методика (Net Promoter Score), не из методики ФЦК"

# CES answer options in the seed's wording (seed 001 l. 1455), each side listed from the option the
# seed's formula names (l. 1457: «Легко», «Сложно») outward.
CES_EASY = ("Легко", "Очень легко")
CES_DIFFICULT = ("Сложно", "Очень сложно")
CES_NEUTRAL = "Затрудняюсь ответить"

# The two readings of «из процента пользователей, которые ответили «Легко», вычитается процент тех,
# кто ответил «Сложно»» (seed 001 l. 1457; analysis seed-001a §4.1, lines 717–721, and §7 item 3).
# The methodology version's parameter `ces_reading` holds one of these keys.
CES_READINGS = {
    "grouped": "% «Очень легко» и «Легко» минус % «Сложно» и «Очень сложно»",
    "literal": "% «Легко» минус % «Сложно» (буквально по формуле методики)",
}


class ScoringError(ValueError):
    """An input a rule cannot score; the message is Russian and meant for the user."""


# ---- formatting ------------------------------------------------------------------------------


def _decimal(value: float) -> Decimal:
    """The decimal a float stands for: its shortest repr, then 12 places to drop binary noise."""
    if not math.isfinite(value):
        raise ScoringError("Значение должно быть конечным числом.")
    number = Decimal(repr(float(value)))
    return number if abs(number) >= 10**12 else number.quantize(Decimal("1e-12"), rounding=ROUND_HALF_UP)


def _round_half_up(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _ru(value: Decimal | float, digits: int | None = None) -> str:
    """«0,9», «2,6», «-12,5»: comma decimal; `digits` fixed, or None for trailing zeros dropped."""
    number = value if isinstance(value, Decimal) else _decimal(value)
    number = number.normalize() if digits is None else _round_half_up(number, digits)
    if number.is_zero():
        number = abs(number)  # «-0,0 %» after rounding reads as zero
    return format(number, "f").replace(".", ",")


def percent_label(value: float | Share | None, digits: int = 1) -> str:
    """A fraction as Russian percent: 0.17219 → «17,2 %», 0.76923 → «77 %» (digits=0); None → «нет данных».

    Rounds half up, as the seeds print (seed 003 l. 580–583: 109/633 → 17,2 %; seed 001 l. 1592:
    2,5/3,25 → 77 %). A `Share` is rounded from its exact numerator and denominator.
    """
    if isinstance(value, Share):
        if value.denominator == 0:
            return NO_DATA
        scaled = Decimal(value.numerator * 100) / Decimal(value.denominator)
        return f"{_ru(scaled, digits)} %"
    if value is None:
        return NO_DATA
    return f"{_ru(_decimal(value) * 100, digits)} %"


def points_label(value: float | None, maximum: float) -> str:
    """Points out of a maximum: 2.6, 3 → «2,6 из 3» (seed 000 l. 90); None → «нет данных»."""
    if value is None:
        return NO_DATA
    return f"{_ru(value, 1)} из {_ru(maximum)}"


def score_label(value: float | None) -> str:
    """A difference of two shares (CES, NPS: −1…1) on the −100…+100 scale: 0.2345 → «+23,5», −0.1 → «−10,0»."""
    if value is None:
        return NO_DATA
    label = _ru(_decimal(value) * 100, 1)
    if label == "0,0":
        return label
    return "+" + label if value > 0 else "−" + label.lstrip("-")


# ---- shares ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """A share kept as counts, so regions can pool centres and labels round exactly."""

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if self.numerator < 0 or self.denominator < 0:
            raise ScoringError("Число ответов не может быть отрицательным.")
        if self.numerator > self.denominator:
            raise ScoringError(f"Число ответов ({self.numerator}) больше, чем всего ответов ({self.denominator}).")

    @property
    def value(self) -> float | None:
        """The share in 0…1, or None when nobody answered («нет данных», never 0)."""
        return self.numerator / self.denominator if self.denominator else None

    def label(self, digits: int = 1) -> str:
        return percent_label(self, digits)


def pooled(shares: Iterable[Share]) -> Share:
    """Shares of several centres pooled into one (sum of counts, not a mean of shares)."""
    numerator = denominator = 0
    for share in shares:
        numerator += share.numerator
        denominator += share.denominator
    return Share(numerator, denominator)


def positive_share(values: Iterable[float | None], threshold: float) -> Share:
    """Share of answers ≥ threshold among non-blank answers; None (blank, channel not used) is excluded.

    After the pilot a 1–10 answer of 8, 9 or 10 is positive (seed 003 l. 117); the threshold is
    the methodology version's parameter.
    """
    return positive_share_of(tally(values), threshold)


def positive_share_of(counts: Mapping[float, int], threshold: float) -> Share:
    """`positive_share` from the number of answers per value (a results page counts in SQL)."""
    return Share(sum(n for value, n in counts.items() if value >= threshold), sum(counts.values()))


def tally(values: Iterable) -> Counter:
    """The number of answers per value, blanks (None) left out."""
    return Counter(value for value in values if value is not None)


def yes_share(values: Iterable[bool | None]) -> Share:
    """Share of «Да» among non-blank yes/no answers (Q4, Q12, Q13; seed 003 l. 442, 495)."""
    answered = yes = 0
    for value in values:
        if value is None:
            continue
        answered += 1
        yes += bool(value)
    return Share(yes, answered)


def conditional_positive_share(pairs: Iterable[tuple[bool | None, float | None]], threshold: float) -> Share:
    """Positive share of a follow-up rating asked only after «Да» (Q12/Q13 after the pilot, remarks 40, 45).

    A rating counts only when the answer was «Да»; a rating after «Нет» is ignored (a paper form can
    carry one); a «Да» without a rating is blank.
    """
    return positive_share((rating for said_yes, rating in pairs if said_yes is True), threshold)


def distribution(counts: Mapping[str, int], total: int | None = None) -> dict[str, Share]:
    """Share of each option. `total` defaults to the sum of counts; for a multi-select question pass
    the number of respondents, so shares may sum above 100 % (employer categories 107,3 %, seed 003 §3.6)."""
    if total is None:
        total = sum(counts.values())
    if total < 0:
        raise ScoringError("Число респондентов не может быть отрицательным.")
    result = {}
    for option, count in counts.items():
        if count > total:
            raise ScoringError(f"Вариант «{option}» выбран {count} раз при {total} респондентах.")
        result[option] = Share(count, total)
    return result


def mean_score(values: Iterable[float | None]) -> float | None:
    """Arithmetic mean of non-blank scores (CSI «в упрощенном виде», seed 001 l. 1502)."""
    return mean_of(tally(values))


def mean_of(counts: Mapping[float, int]) -> float | None:
    """`mean_score` from the number of answers per score."""
    answered = sum(counts.values())
    return sum(value * n for value, n in counts.items()) / answered if answered else None


def mean_points(values: Iterable[str | None], mapping: Mapping[str, float | None]) -> float | None:
    """Mean points of option answers. A mapping value of None excludes that option from the mean;
    an option missing from the mapping is an error, not a silent zero.

    Nizhny Novgorod: хорошо = 3, затрудняюсь ответить = 2, плохо = 1 reproduces «2,6 из 3» (seed 000
    l. 90; the mapping is an assumption of analysis seed-000 §4.2, the seed gives no points).
    """
    points = []
    for value in values:
        if value is None:
            continue
        if value not in mapping:
            raise ScoringError(f"Для ответа «{value}» не заданы баллы.")
        if mapping[value] is not None:
            points.append(mapping[value])
    return sum(points) / len(points) if points else None


# ---- CX metrics of seed 001 -------------------------------------------------------------------


def ces(values: Iterable[str | None], *, easy: Sequence[str], difficult: Sequence[str], reading: str) -> float | None:
    """Customer Effort Score as a fraction in −1…1 (×100 = percentage points).

    The seed: «из процента пользователей, которые ответили «Легко», вычитается процент тех, кто
    ответил «Сложно»» (seed 001 l. 1457) with the options «Очень легко», «Легко», «Затрудняюсь
    ответить», «Сложно», «Очень сложно» (l. 1455). It is silent on the «Очень …» options
    (analysis seed-001a §4.1, lines 717–719; §7 item 3), hence two readings:
    - "grouped": every option in `easy` minus every option in `difficult`;
    - "literal": only the first option of each (the one the seed names: «Легко», «Сложно»).
    `easy` and `difficult` list each side from the seed-named option outward (CES_EASY, CES_DIFFICULT).
    The denominator is every non-blank answer, the neutral one included (analysis §4.1, line 721).
    """
    return ces_of(tally(values), easy=easy, difficult=difficult, reading=reading)


def ces_of(counts: Mapping[str, int], *, easy: Sequence[str], difficult: Sequence[str], reading: str) -> float | None:
    """`ces` from the number of answers per option."""
    if reading not in CES_READINGS:
        raise ScoringError(f"Неизвестный способ расчёта CES «{reading}»: допустимы {', '.join(CES_READINGS)}.")
    if not easy or not difficult:
        raise ScoringError("Для CES нужно указать варианты «легко» и «сложно».")
    if set(easy) & set(difficult):
        raise ScoringError("Один вариант ответа не может быть одновременно «легко» и «сложно».")
    easy_set = set(easy) if reading == "grouped" else {easy[0]}
    difficult_set = set(difficult) if reading == "grouped" else {difficult[0]}
    answered = sum(counts.values())
    if not answered:
        return None
    easy_count = sum(n for value, n in counts.items() if value in easy_set)
    difficult_count = sum(n for value, n in counts.items() if value in difficult_set)
    return (easy_count - difficult_count) / answered


def csi(items: Sequence[tuple[float, float | None]], max_score: float) -> float | None:
    """Customer Satisfaction Index CSI = Σ(Wᵢ × Pᵢ) / P_max as a fraction (seed 001 l. 1506–1513).

    `items` are (weight, mean satisfaction score) pairs. Weights must sum to 1 (the formula only
    yields a percentage then; analysis seed-001a §4.2). Blank scores (a parameter nobody rated) are
    left out and the remaining weights renormalised to sum to 1 (a local choice: the seed is silent);
    None when no parameter has a score.
    """
    if max_score <= 0:
        raise ScoringError("Максимальная оценка должна быть больше 0.")
    if not items:
        raise ScoringError("Не заданы параметры для расчёта CSI.")
    total = 0.0
    for weight, score in items:
        if weight < 0:
            raise ScoringError("Вес параметра не может быть отрицательным.")
        if score is not None and not 0 <= score <= max_score:
            raise ScoringError(f"Оценка {_ru(score)} вне шкалы от 0 до {_ru(max_score)}.")
        total += weight
    if abs(total - 1) > WEIGHT_TOLERANCE:
        raise ScoringError(f"Сумма весов должна быть равна 1, сейчас {_ru(round(total, 6))}")
    rated = [(weight, score) for weight, score in items if score is not None]
    weight_rated = sum(weight for weight, _ in rated)
    if not rated or weight_rated == 0:
        return None
    return sum(weight * score for weight, score in rated) / weight_rated / max_score


def nps(values: Iterable[int | None]) -> float | None:
    """Net Promoter Score as a fraction in −1…1: share of 9–10 minus share of 0–6 on a 0–10 scale.

    An external convention (NPS_NOTE): seed 001 asks the 0–10 recommend question (l. 1666) but
    gives no formula (analysis seed-001a §4.11, §7 item 1).
    """
    return nps_of(tally(values))


def nps_of(counts: Mapping[int, int]) -> float | None:
    """`nps` from the number of answers per point."""
    for value in counts:
        if not 0 <= value <= 10:
            raise ScoringError(f"Оценка {_ru(value)} вне шкалы от 0 до 10.")
    answered = sum(counts.values())
    if not answered:
        return None
    promoters = sum(n for value, n in counts.items() if value >= 9)
    detractors = sum(n for value, n in counts.items() if value <= 6)
    return (promoters - detractors) / answered


@dataclass(frozen=True)
class IqsCategory:
    """A category of the internal quality assessment (IQS): «знание услуг», «вежливость» …"""

    name: str
    weight: float  # коэффициент значимости
    good: bool | None  # «хорошо (1)» / «плохо (0)»; None = not assessed
    critical: bool = False


def iqs(categories: Sequence[IqsCategory]) -> float | None:
    """Internal Quality Score = Σ(wᵢ × sᵢ) / Σwᵢ with sᵢ ∈ {0, 1}, as a fraction (seed 001 l. 1574–1594).

    A critical category scored «плохо» gives 0 («ей присваивается общее значение 0%», l. 1577).
    Example: 1,5×1 + 1×1 + 0,75×0 over 3,25 = 0.7692 → «77 %» (l. 1588–1594).
    A category not assessed (None) is left out with its weight (local choice: the seed is silent);
    None when nothing was assessed.
    """
    assessed = []
    for category in categories:
        if category.weight <= 0:
            raise ScoringError(f"Коэффициент значимости категории «{category.name}» должен быть больше 0.")
        if category.good is not None:
            assessed.append(category)
    if not assessed:
        return None
    if any(category.critical and not category.good for category in assessed):
        return 0.0
    return sum(category.weight for category in assessed if category.good) / sum(c.weight for c in assessed)


# ---- passport checklists (seed 003 App 8) ----------------------------------------------------


def _points(count: int, points: float) -> float:
    """count × points without binary noise (3 × 0,1 = 0,3)."""
    return float(Decimal(repr(float(points))) * count)


def points_per_item(implemented: Sequence[bool | None], points: float, cap: float | None = None) -> float | None:
    """Points for each implemented item: 0,1 per item of the information checklists, 0,2 for
    appearance and openness, 0,25 per pre-registration channel (seed 003 l. 2226, 2394, 2407, 2314).

    An item left unanswered (None) earns nothing: App 8 grants points only for confirmed items
    (l. 2275, 2354). None when no item was answered at all. `cap` is the indicator's maximum
    (events: 0,1 per type, max 2, l. 2335 and l. 828).
    """
    if points < 0:
        raise ScoringError("Баллы за пункт не могут быть отрицательными.")
    if cap is not None and cap < 0:
        raise ScoringError("Максимальный балл не может быть отрицательным.")
    if all(item is None for item in implemented):
        return None
    score = _points(sum(item is True for item in implemented), points)
    return min(score, cap) if cap is not None else score


def cumulative_level(met: Mapping[int, bool]) -> int | None:
    """The highest comfort level reached when levels are cumulative («в дополнение к 3 уровню»,
    seed 003 l. 2366–2369): level 1 is the highest, level 3 the basic one. A level counts only when
    it and every lower level are met. None when the basic level is not met."""
    reached = None
    for level in sorted(met, reverse=True):
        if not met[level]:
            break
        reached = level
    return reached


def levels_points(level_reached: int | None, points_by_level: Mapping[int, float]) -> float:
    """Points for the comfort level reached: level 3 → 0,75, level 2 → 1,5, level 1 (highest) → 2
    (seed 003 l. 2356–2360). None = no level fully met → 0 points: the seed does not define partial
    compliance (analysis seed-003 §7 item 7); the version's parameter says so."""
    if level_reached is None:
        return 0.0
    if level_reached not in points_by_level:
        raise ScoringError(f"Для уровня {level_reached} не заданы баллы.")
    return float(points_by_level[level_reached])


def vacancy_dynamics(
    current: float | None,
    previous: float | None,
    k: float,
    cap: float | None = None,
    floor: float | None = None,
) -> float | None:
    """Vacancy-base growth = (current / previous − 1) × K (seed 003 l. 2329–2331, K = 2).

    The seed defines no cap, no floor and no rule for a previous period without vacancies
    (analysis seed-003 §7 item 4): zero or missing `previous` gives None («нет данных»), and the
    result is clamped to [floor, cap] only when the version gives them.
    """
    if current is None or previous is None or previous == 0:
        return None
    if current < 0 or previous < 0:
        raise ScoringError("Число вакансий не может быть отрицательным.")
    if cap is not None and floor is not None and floor > cap:
        raise ScoringError("Нижняя граница больше верхней.")
    value = (current / previous - 1) * k
    if cap is not None:
        value = min(value, cap)
    if floor is not None:
        value = max(value, floor)
    return value


# ---- the index -------------------------------------------------------------------------------


def normalise(value: float | None, maximum: float, direction: int = 1, minimum: float = 0.0) -> float | None:
    """A raw value mapped to 0…1 and clamped: (value − minimum) / (maximum − minimum); direction −1
    for lower-is-better (1 − that). Passport points use their maximum (0,35 of 1 → 0,35)."""
    if direction not in (1, -1):
        raise ScoringError("Направление показателя: 1 (больше — лучше) или −1 (меньше — лучше).")
    if maximum <= 0:
        raise ScoringError("Максимальное значение должно быть больше 0.")
    if minimum >= maximum:
        raise ScoringError("Минимальное значение должно быть меньше максимального.")
    if value is None:
        return None
    share = min(max((value - minimum) / (maximum - minimum), 0.0), 1.0)
    return share if direction == 1 else 1.0 - share


class IndicatorInput(NamedTuple):  # tuples: a full recalculation builds hundreds of thousands
    code: str
    weight: float  # inside its group
    normalised: float | None  # 0…1; None = no data


class GroupInput(NamedTuple):
    code: str
    weight: float
    indicators: tuple[IndicatorInput, ...]


@dataclass(frozen=True)
class IndexLevel:
    """The level of a centre in a period, 0…100, with what it was computed from."""

    value: float | None  # None = «нет данных»
    missing: tuple[str, ...]  # indicator codes without data, in input order
    weights_used: dict[str, float]  # renormalised: group code → group weight; indicator code → weight in group
    groups: dict[str, float | None] = field(default_factory=dict)  # group code → group score 0…100
    coverage: float = 0.0  # share of the nominal weight that had data


def index_level(groups: Sequence[GroupInput]) -> IndexLevel:
    """Level = 100 × Σ_g w_g × (Σ_i w_i × x_i / Σ_i w_i) / Σ_g w_g, over indicators and groups with data.

    A documented local choice (the seed's formula is lost: seed 001 l. 3239–3245, analysis
    seed-001b §4.4): missing data renormalises the weights and never counts as zero; weights need not
    sum to 1. None when nothing has data.
    """
    _check_codes(groups)
    nominal_total = sum(group.weight for group in groups)
    missing: list[str] = []
    group_scores: dict[str, float | None] = {}
    inner_weights: dict[str, dict[str, float]] = {}
    covered = 0.0
    for group in groups:
        with_data = [ind for ind in group.indicators if ind.normalised is not None and ind.weight > 0]
        missing += [ind.code for ind in group.indicators if ind.normalised is None]
        group_nominal = sum(ind.weight for ind in group.indicators)
        weight_with_data = sum(ind.weight for ind in with_data)
        if not with_data:
            group_scores[group.code] = None
            continue
        group_scores[group.code] = 100 * sum(ind.weight * ind.normalised for ind in with_data) / weight_with_data
        inner_weights[group.code] = {ind.code: ind.weight / weight_with_data for ind in with_data}
        if nominal_total > 0 and group_nominal > 0:
            covered += group.weight / nominal_total * weight_with_data / group_nominal
    scored = [group for group in groups if group_scores[group.code] is not None and group.weight > 0]
    total = sum(group.weight for group in scored)
    if not scored:
        return IndexLevel(None, tuple(missing), {}, group_scores, 0.0)
    weights_used: dict[str, float] = {}
    for group in scored:
        weights_used[group.code] = group.weight / total
        weights_used.update(inner_weights[group.code])
    value = sum(weights_used[group.code] * group_scores[group.code] for group in scored)
    return IndexLevel(value, tuple(missing), weights_used, group_scores, covered)


def _check_codes(groups: Sequence[GroupInput]) -> None:
    seen: set[str] = set()
    for group in groups:
        codes = [group.code] + [ind.code for ind in group.indicators]
        for code in codes:
            if code in seen:
                raise ScoringError(f"Код «{code}» повторяется в расчёте индекса.")
            seen.add(code)
        if group.weight < 0 or any(ind.weight < 0 for ind in group.indicators):
            raise ScoringError(f"Вес в группе «{group.code}» не может быть отрицательным.")
        for ind in group.indicators:
            if ind.normalised is not None and not 0 <= ind.normalised <= 1:
                raise ScoringError(f"Нормированное значение показателя «{ind.code}» должно быть от 0 до 1.")


def index_change(level: float | None, previous: float | None) -> float | None:
    """The client-centricity index: relative change of the level against the previous period,
    (level − previous) / previous («в относительном виде изменение», seed 003 l. 48).
    None when either level is missing or the previous one is 0."""
    if level is None or previous is None or previous == 0:
        return None
    if level < 0 or previous < 0:
        raise ScoringError("Уровень клиентоцентричности не может быть отрицательным.")
    return (level - previous) / previous
