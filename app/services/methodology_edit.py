"""Editing a draft methodology version: reading the edit form, checking it, saving and activating.

Only a draft no computed value cites may change (`methodology.editable`); every change is audited
with its before and after. Values keep their JSON type: a number stays a number, a list a list.
"""

import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.base import normalise, today
from app.models.indices import IndicatorValue
from app.models.methodology import Methodology, MethodologyParam
from app.models.surveys import Survey
from app.services import audit, periods
from app.services import methodology as methodology_service
from app.services.policy import FEDERATION, can

THRESHOLD_KEY = "positive_threshold"
THRESHOLD_RANGE = (1, 10)
TOLERANCE = 0.0005  # weights typed as 0,3333 three times still sum to 1
# String parameters the calculation reads as codes: any other value would silently change nothing.
CHOICES = {
    "survey_rule": ("share_positive", "yes_share", "distribution"),
    "ces_reading": ("grouped", "literal"),
}
NOT_EDITABLE = (
    "Версия «{name}» не редактируется: {why}. Чтобы изменить методику, создайте копию версии и измените копию."
)


class MethodologyEditError(Exception):
    """A draft cannot be changed or activated; the message is Russian, for the user."""


# --- who and what -----------------------------------------------------------------------------


def may_manage(user, version: Methodology | None = None) -> bool:
    """Methodology belongs to the federation: only a federal methodology.manage role changes it."""
    return can(user, "methodology.manage", version or FEDERATION)


def visible_to(user, version: Methodology) -> bool:
    """Drafts are the managers' work in progress; published versions are for everyone with methodology.view."""
    return version.status != "draft" or may_manage(user, version)


def in_use_ids(version_ids) -> set[int]:
    """Which of these versions a computed value cites (one query)."""
    ids = list(version_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(IndicatorValue.methodology_id).where(IndicatorValue.methodology_id.in_(ids)).distinct()
        )
    )


def why_not_editable(version: Methodology) -> str | None:
    """The reason a version is read-only, or None for an editable draft."""
    if version.status != "draft":
        why = f"она {version.status_label.lower()}"
    elif methodology_service.in_use(version):
        why = "по ней уже рассчитаны значения показателей"
    else:
        return None
    return NOT_EDITABLE.format(name=version.name, why=why)


def _require_editable(version: Methodology) -> None:
    if (problem := why_not_editable(version)) is not None:
        raise MethodologyEditError(problem)


# --- numbers in Russian -----------------------------------------------------------------------


def shown(value) -> str:
    """A value as the edit form shows it: «0,3333», «Да», JSON for lists and dicts."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        text = f"{round(float(value), 4):.4f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=2)
    return "" if value is None else str(value)


def _number(raw: str) -> float | None:
    text = raw.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# --- reading the form -------------------------------------------------------------------------


def group_field(group) -> str:
    return f"group-{group.id}-weight"


def indicator_field(indicator) -> str:
    return f"indicator-{indicator.id}-weight"


def suspended_field(indicator) -> str:
    return f"indicator-{indicator.id}-suspended"


def param_field(param: MethodologyParam) -> str:
    return f"param-{param.id}"


def editable_params(version: Methodology) -> list[MethodologyParam]:
    """Parameters with a value to change: a null one (e.g. the pilot's index formula) stays as it is."""
    return [p for p in version.params if p.value is not None]


@dataclass
class Edit:
    """What the form asks to change, checked; `errors` maps a form field to its Russian message."""

    group_weights: dict[int, float] = field(default_factory=dict)
    indicator_weights: dict[int, float] = field(default_factory=dict)
    suspended: dict[int, bool] = field(default_factory=dict)
    params: dict[int, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)  # errors about several fields (sums)


def _weight(form, name: str, old: float, edit: Edit) -> float:
    raw = (form.get(name) or "").strip()
    if raw == "" or raw == shown(old):
        return old  # untouched: keep the exact stored value
    number = _number(raw)
    if number is None or not 0 <= number <= 1:
        edit.errors[name] = "Вес — число от 0 до 1, например 0,25."
        return old
    return number


def _param_value(param: MethodologyParam, raw: str | None):
    """The new value of a parameter in its own type, or raise ValueError with a Russian message."""
    old = param.value
    if raw is None:
        return old
    raw = raw.replace("\r\n", "\n").strip()
    if raw == shown(old).strip():
        return old
    if isinstance(old, bool):
        if raw not in ("true", "false"):
            raise ValueError("Выберите «Да» или «Нет».")
        return raw == "true"
    if isinstance(old, int | float):
        number = _number(raw)
        if number is None:
            raise ValueError("Значение этого параметра — число, например 0,5.")
        if param.key == THRESHOLD_KEY and param.indicator_id is None:
            low, high = THRESHOLD_RANGE
            if not number.is_integer() or not low <= number <= high:
                raise ValueError(f"Порог положительного ответа — целое число от {low} до {high}.")
        return int(number) if isinstance(old, int) and number.is_integer() else number
    if isinstance(old, dict | list):
        kind = "объект JSON в фигурных скобках" if isinstance(old, dict) else "список JSON в квадратных скобках"
        try:
            value = json.loads(raw)
        except ValueError:
            raise ValueError(f"Значение не читается как JSON: ожидается {kind}.") from None
        if type(value) is not type(old):
            raise ValueError(f"Тип значения меняться не может: ожидается {kind}.")
        return value
    if not raw:
        raise ValueError("Значение не может быть пустым.")
    if len(raw) > 5000:
        raise ValueError("Не длиннее 5000 знаков.")
    if param.key in CHOICES and raw not in CHOICES[param.key]:
        raise ValueError(f"Одно из значений: {', '.join(CHOICES[param.key])}.")
    return raw


def read(version: Methodology, form) -> Edit:
    """Check an edit form (a mapping of field name to text) against a version; nothing changes."""
    edit = Edit()
    for group in version.groups:
        edit.group_weights[group.id] = _weight(form, group_field(group), group.weight, edit)
        for ind in group.indicators:
            edit.indicator_weights[ind.id] = _weight(form, indicator_field(ind), ind.weight, edit)
            edit.suspended[ind.id] = form.get(suspended_field(ind)) in ("y", "on", "true", "1")
    for param in editable_params(version):
        try:
            edit.params[param.id] = _param_value(param, form.get(param_field(param)))
        except ValueError as error:
            edit.errors[param_field(param)] = str(error)
    if not edit.errors:
        _check_sums(version, edit)
    return edit


def _check_sums(version: Methodology, edit: Edit) -> None:
    """Group weights sum to 1, and the weights of each group's indicators too."""
    if version.groups:
        total = sum(edit.group_weights.values())
        if abs(total - 1) > TOLERANCE:
            edit.summary.append(f"Сумма весов групп должна быть равна 1, сейчас {shown(total)}")
            for group in version.groups:
                edit.errors.setdefault(group_field(group), "Проверьте веса групп: их сумма должна быть равна 1.")
    for group in version.groups:
        if not group.indicators:
            continue
        total = sum(edit.indicator_weights[ind.id] for ind in group.indicators)
        if abs(total - 1) > TOLERANCE:
            edit.summary.append(
                f"Сумма весов показателей группы {group.code} должна быть равна 1, сейчас {shown(total)}"
            )
            for ind in group.indicators:
                edit.errors.setdefault(
                    indicator_field(ind), f"Сумма весов показателей группы {group.code} должна быть равна 1."
                )


# --- saving -----------------------------------------------------------------------------------


def save(version: Methodology, edit: Edit, actor=None) -> int:
    """Apply a checked edit to a draft and audit what changed; returns the number of changes. The caller commits."""
    _require_editable(version)
    assert not edit.errors and not edit.summary, "save() takes an edit without errors"
    before, after = {}, {}

    def change(key: str, obj, attr: str, value) -> None:
        old = getattr(obj, attr)
        if old != value or type(old) is not type(value):
            before[key], after[key] = old, value
            setattr(obj, attr, value)

    for group in version.groups:
        change(f"Группа {group.code}: вес", group, "weight", edit.group_weights[group.id])
        for ind in group.indicators:
            change(f"Показатель {ind.code}: вес", ind, "weight", edit.indicator_weights[ind.id])
            change(f"Показатель {ind.code}: приостановлен", ind, "suspended", edit.suspended[ind.id])
    for param in editable_params(version):
        where = f"Показатель {param.indicator.code}" if param.indicator is not None else "Версия"
        change(f"{where}: {param.label}", param, "value", edit.params[param.id])
    if after:
        audit.record("methodology.edit", version, label=version.name, before=before, after=after, actor=actor)
    db.session.flush()
    return len(after)


def clone_problem(version: Methodology, name: str, effective_from: date) -> dict[str, str]:
    """Why a copy with this name and start date cannot be made: {field: message}."""
    problems = {}
    taken = db.session.scalar(select(Methodology.id).where(Methodology.name == name).limit(1))
    if taken is not None:
        problems["name"] = "Версия с таким названием уже есть — выберите другое."
    if effective_from <= version.effective_from:
        problems["effective_from"] = (
            f"Дата начала действия должна быть позже, чем у версии «{version.name}» "
            f"({version.effective_from.strftime('%d.%m.%Y')})."
        )
    elif problem := start_problem(effective_from):
        problems["effective_from"] = problem
    return problems


def earliest_start() -> date:
    """A new version takes effect from the next quarter: past and current quarters keep their version."""
    _, end = periods.bounds(periods.period_of(today()))
    return end + timedelta(days=1)


def start_problem(effective_from: date) -> str | None:
    earliest = earliest_start()
    if effective_from < earliest:
        return (
            f"Дата начала действия не может быть раньше {earliest:%d.%m.%Y}: прошедшие и текущий кварталы "
            "считаются по версии, которая в них действовала."
        )
    return None


def activation_problems(version: Methodology) -> list[str]:
    """What stops a draft from being put into effect (weights that do not sum to 1)."""
    if (problem := why_not_editable(version)) is not None:
        return [problem]
    if (problem := start_problem(version.effective_from)) is not None:
        return [problem]
    edit = Edit()
    for group in version.groups:
        edit.group_weights[group.id] = group.weight
        for ind in group.indicators:
            edit.indicator_weights[ind.id] = ind.weight
    _check_sums(version, edit)
    return edit.summary


def activate(version: Methodology, actor=None) -> None:
    """Put a draft into effect from its effective date; the based-on version's questionnaires stay with it.

    The caller commits."""
    problems = activation_problems(version)
    if problems:
        raise MethodologyEditError(" ".join(problems))
    version.status = "active"
    audit.record(
        "methodology.activate",
        version,
        label=version.name,
        before={"status": "draft"},
        after={"status": "active", "from": version.effective_from},
        actor=actor,
    )
    db.session.flush()


# --- reading ----------------------------------------------------------------------------------


def versions(user, q: str | None = None, status: str | None = None):
    """A select of the versions `user` may read, matching the search text (name or code) and status."""
    stmt = select(Methodology)
    if not may_manage(user):
        stmt = stmt.where(Methodology.status != "draft")
    if status:
        stmt = stmt.where(Methodology.status == status)
    needle = normalise(q)
    if needle:
        rows = db.session.execute(select(Methodology.id, Methodology.name, Methodology.code)).all()
        ids = [i for i, name, code in rows if all(w in normalise(f"{name} {code}") for w in needle.split())]
        stmt = stmt.where(Methodology.id.in_(ids))
    return stmt


def undefined_params(version: Methodology) -> list[MethodologyParam]:
    """Every parameter the methodology leaves undefined: version-wide first, then by indicator order."""
    order = {ind.id: n for n, ind in enumerate(version.indicators)}
    rows = [p for p in version.params if not p.defined]
    return sorted(rows, key=lambda p: (p.indicator_id is not None, order.get(p.indicator_id, -1), p.id))


def params_by_indicator(version: Methodology) -> dict[int | None, list[MethodologyParam]]:
    """A version's parameters grouped by indicator id (None: version-wide)."""
    grouped: dict[int | None, list[MethodologyParam]] = {}
    for param in version.params:
        grouped.setdefault(param.indicator_id, []).append(param)
    return grouped


def questionnaires_of(version: Methodology) -> list[Survey]:
    """The federal questionnaires bound to a version (a copy does not take them over)."""
    return list(db.session.scalars(select(Survey).where(Survey.methodology_id == version.id).order_by(Survey.title)))
