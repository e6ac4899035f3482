"""Methodology versions: installing the seeded ones, choosing the version for a period, reading
parameters, and cloning a version for editing (a version in use is never changed)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models.indices import IndicatorValue
from app.models.methodology import UNDEFINED_LABEL, Indicator, IndicatorGroup, Methodology, MethodologyParam
from app.services import audit, periods
from app.services.methodology_templates import VERSIONS


def install_templates() -> list[Methodology]:
    """Create the seeded versions that do not exist yet (matched by code); the caller commits."""
    existing = set(db.session.scalars(select(Methodology.code)))
    created = []
    for template in VERSIONS:
        if template.code in existing:
            continue
        version = Methodology(
            code=template.code,
            name=template.name,
            effective_from=template.effective_from,
            description=template.description,
            integral_index=template.integral_index,
            network_split=template.network_split,
            status="active",
            source=template.source,
        )
        for param in template.params:
            version.params.append(_param(param))
        for position, group_t in enumerate(template.groups, 1):
            group = IndicatorGroup(code=group_t.code, name=group_t.name, weight=group_t.weight, position=position)
            version.groups.append(group)
            for number, ind in enumerate(group_t.indicators, 1):
                indicator = Indicator(
                    methodology=version,
                    code=ind.code,
                    name=ind.name,
                    client_type=ind.client_type,
                    measured_by=ind.measured_by,
                    level=ind.level,
                    scoring_rule=ind.scoring_rule,
                    max_score=ind.max_score,
                    unit=ind.unit,
                    weight=ind.weight,
                    direction=ind.direction,
                    suspended=ind.suspended,
                    note=ind.note,
                    source=ind.source,
                    position=position * 100 + number,
                )
                group.indicators.append(indicator)
                for param in ind.params:
                    version.params.append(_param(param, indicator))
        db.session.add(version)
        created.append(version)
    db.session.flush()
    return created


def _param(template, indicator: Indicator | None = None) -> MethodologyParam:
    return MethodologyParam(
        indicator=indicator,
        key=template.key,
        label=template.label,
        value=template.value,
        defined=template.defined,
        rationale=template.rationale,
        source=template.source,
    )


def for_period(period: str) -> Methodology | None:
    """The active version in effect on the period's first day (the latest one that started by then)."""
    start, _ = periods.bounds(period)
    return db.session.scalars(
        select(Methodology)
        .where(Methodology.status == "active", Methodology.effective_from <= start)
        .order_by(Methodology.effective_from.desc(), Methodology.id.desc())
        .limit(1)
    ).first()


def current(on: date | None = None) -> Methodology | None:
    return for_period(periods.period_of(on))


@dataclass(frozen=True)
class Param:
    """A parameter's value with the words a result must show when the methodology does not define it."""

    value: object
    defined: bool
    label: str
    rationale: str

    @property
    def caveat(self) -> str:
        return "" if self.defined else f"{self.label}: {UNDEFINED_LABEL} — {self.rationale}"


def params_of(version: Methodology) -> dict[tuple[int | None, str], Param]:
    """Every parameter of a version keyed by (indicator id or None, key), read in one query."""
    rows = db.session.scalars(select(MethodologyParam).where(MethodologyParam.methodology_id == version.id))
    return {(row.indicator_id, row.key): Param(row.value, row.defined, row.label, row.rationale) for row in rows}


def in_use(version: Methodology) -> bool:
    """A computed value cites the version: it may no longer change."""
    return (
        db.session.scalar(select(IndicatorValue.id).where(IndicatorValue.methodology_id == version.id).limit(1))
        is not None
    )


def editable(version: Methodology) -> bool:
    return version.status == "draft" and not in_use(version)


def clone(version: Methodology, *, name: str, effective_from: date, actor=None) -> Methodology:
    """A draft copy of a version (groups, indicators, parameters) for an admin to edit; the caller commits."""
    copy = Methodology(
        code=_free_code(f"{version.code}-copy"),
        name=name,
        effective_from=effective_from,
        description=version.description,
        integral_index=version.integral_index,
        network_split=version.network_split,
        status="draft",
        based_on=version,
        source=version.source,
    )
    indicators: dict[int, Indicator] = {}
    for group in version.groups:
        group_copy = IndicatorGroup(code=group.code, name=group.name, weight=group.weight, position=group.position)
        copy.groups.append(group_copy)
        for ind in group.indicators:
            ind_copy = Indicator(
                methodology=copy,
                **{
                    column: getattr(ind, column)
                    for column in [
                        "code",
                        "name",
                        "client_type",
                        "measured_by",
                        "level",
                        "scoring_rule",
                        "max_score",
                        "unit",
                        "weight",
                        "direction",
                        "suspended",
                        "note",
                        "source",
                        "position",
                    ]
                },
            )
            group_copy.indicators.append(ind_copy)
            indicators[ind.id] = ind_copy
    for param in version.params:
        copy.params.append(
            MethodologyParam(
                indicator=indicators.get(param.indicator_id),
                key=param.key,
                label=param.label,
                value=param.value,
                defined=param.defined,
                rationale=param.rationale,
                source=param.source,
            )
        )
    db.session.add(copy)
    db.session.flush()
    audit.record("methodology.clone", copy, label=copy.name, after={"based_on": version.name}, actor=actor)
    return copy


def _free_code(base: str) -> str:
    taken = set(db.session.scalars(select(Methodology.code).where(Methodology.code.startswith(base))))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code
