"""Results pages: the index and indicator values of a scope and quarter, their trend, answer distributions,
the answers behind a figure, per touch point, XLSX export, and the admin's «Пересчитать всё»."""

from dataclasses import dataclass, field

from flask import Response as HttpResponse
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from app.blueprints.htmx import render
from app.blueprints.listing import arg_id, paginate
from app.blueprints.results import bp
from app.extensions import db
from app.models.methodology import Indicator, Methodology
from app.models.surveys import RESPONSE_SOURCES
from app.services import audit, jobs, methodology_edit, periods, results
from app.services import methodology as methodology_service
from app.services.policy import permission_required

PER_PAGE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIEWS = ("values", "trend", "distribution", "touch_points")


@dataclass
class Selection:
    """What a results page shows: scope, quarter and client type from the query string, checked."""

    scope: results.ResultScope
    period: str
    client_type: str
    periods: list[str]
    version: Methodology | None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def args(self) -> dict:
        return {"scope": self.scope.value, "period": self.period, "client": self.client_type}

    @property
    def status(self) -> int:
        return 400 if self.errors else 200


def _selection() -> Selection:
    """Parse scope, period and client; a scope the user may not read (or none at all) is a 404."""
    user = current_user._get_current_object()
    raw_scope = request.args.get("scope")
    if raw_scope:
        scope = results.parse_scope(raw_scope)
        if scope is None or not results.readable(user, scope):
            abort(404)
    else:
        scope = results.default_scope(user)
    errors = {}
    client = request.args.get("client") or "all"
    if client not in results.CLIENT_TYPES:
        errors["client"] = "Выберите клиентов из списка."
        client = "all"
    known = results.periods_with_values(scope)
    period = request.args.get("period") or ""
    if period and periods.parse(period) is None:
        errors["period"] = "Укажите квартал в виде «2026-Q4»."
        period = ""
    if not period:
        period = known[0] if known else periods.period_of()
    if period not in known:
        known = sorted([*known, period], key=periods.parse, reverse=True)
    return Selection(scope, period, client, known, methodology_service.for_period(period), errors)


def _page_context(sel: Selection, view: str) -> dict:
    split = bool(sel.version and sel.version.network_split)
    scope_groups, centres_narrowed = results.scope_options(
        current_user, split or sel.scope.kind == "network", sel.scope
    )
    return {
        "sel": sel,
        "view": view,
        "scope_groups": scope_groups,
        "centres_narrowed": centres_narrowed,
        "client_types": results.CLIENT_TYPES,
        "period_label": periods.label,
        "drill": results.drillable(current_user, sel.scope),
        "source_labels": RESPONSE_SOURCES,
    }


@bp.route("/")
@permission_required(results.PERMISSION)
def index():
    sel = _selection()
    view = results.overview(sel.scope, sel.period, sel.client_type)
    return render("results/index.html", "results/_overview.html", data=view, **_page_context(sel, "values")), sel.status


@bp.route("/trend")
@permission_required(results.PERMISSION)
def trend():
    sel = _selection()
    data = results.trend(sel.scope, sel.period, sel.client_type)
    return render("results/trend.html", "results/_trend.html", data=data, **_page_context(sel, "trend")), sel.status


def _surveys(sel: Selection):
    """The questionnaires on offer and the chosen one(s): `survey=<id>` must be one of them."""
    offered = results.surveys_for(current_user, sel.version, sel.client_type)
    survey_id = arg_id("survey")
    if request.args.get("survey") and survey_id is None:
        abort(404)
    if survey_id is None:
        chosen = [s for s in offered if s.methodology_id is not None]
    else:
        chosen = [s for s in offered if s.id == survey_id]
        if not chosen:
            abort(404)
    return offered, chosen, survey_id


@bp.route("/distribution")
@permission_required(results.PERMISSION)
def distribution():
    sel = _selection()
    offered, chosen, survey_id = _surveys(sel)
    data = results.distribution(sel.scope, sel.period, chosen, sel.version)
    return (
        render(
            "results/distribution.html",
            "results/_distribution.html",
            data=data,
            offered=offered,
            survey_id=survey_id,
            csi_note=results.CSI_NOTE,
            **_page_context(sel, "distribution"),
        ),
        sel.status,
    )


def _touch_point(sel: Selection):
    """For a centre the user may drill into: its touch points and the chosen one (`touch_point=<id>`)."""
    if sel.scope.kind != "centre" or not results.drillable(current_user, sel.scope):
        return [], None
    options = results.touch_points_of(int(sel.scope.key), sel.period)
    wanted = arg_id("touch_point")
    if request.args.get("touch_point") and (wanted is None or wanted not in {t.id for t in options}):
        abort(404)
    chosen = next((t for t in options if t.id == wanted), options[0] if options else None)
    return options, chosen


@bp.route("/touch-points")
@permission_required(results.PERMISSION)
def touch_points():
    sel = _selection()
    options, chosen = _touch_point(sel)
    groups = []
    if chosen is not None and sel.version is not None:
        groups = results.touch_point_values(sel.version, int(sel.scope.key), sel.period, sel.client_type, chosen.id)
    return (
        render(
            "results/touch_points.html",
            "results/_touch_points.html",
            options=options,
            chosen=chosen,
            groups=groups,
            **_page_context(sel, "touch_points"),
        ),
        sel.status,
    )


def _indicator(sel: Selection) -> Indicator:
    indicator = db.session.get(Indicator, arg_id("indicator") or 0)
    if indicator is None or sel.version is None or indicator.methodology_id != sel.version.id:
        abort(404)
    return indicator


@bp.route("/answers")
@permission_required(results.PERMISSION)
def answers():
    """The counted answers behind a figure; only for scopes whose every centre the user may see."""
    sel = _selection()
    if not results.drillable(current_user, sel.scope):
        abort(403)
    indicator = _indicator(sel)
    spec = results.drill_spec(sel.version, indicator, sel.client_type)
    if spec is None:
        abort(404)
    touch_point_id = arg_id("touch_point")
    if touch_point_id is not None and sel.scope.kind == "centre":
        if touch_point_id not in {t.id for t in results.touch_points_of(int(sel.scope.key), sel.period)}:
            abort(404)
    elif touch_point_id is not None:
        abort(404)
    positive = request.args.get("part") == "positive"
    stmt = results.drill_statement(spec, sel.scope, sel.period, positive_only=positive, touch_point_id=touch_point_id)
    page = paginate(stmt, PER_PAGE, read=lambda result: list(result))
    args = dict(sel.args, indicator=indicator.id)
    if touch_point_id is not None:
        args["touch_point"] = touch_point_id
    return render(
        "results/answers.html",
        "results/_answers.html",
        page=page,
        indicator=indicator,
        spec=spec,
        positive=positive,
        totals=results.drill_totals(spec, sel.scope, sel.period, touch_point_id),
        args=dict(args, part="positive") if positive else args,
        base_args=args,
        **_page_context(sel, "values"),
    )


@bp.route("/export.xlsx")
@permission_required(results.PERMISSION)
def export():
    """The table of the current view as XLSX (numbers as numbers, notes on undefined parameters)."""
    sel = _selection()
    view = request.args.get("view", "values")
    if view not in VIEWS:
        abort(404)
    if view == "values":
        table = results.overview_table(results.overview(sel.scope, sel.period, sel.client_type))
    elif view == "trend":
        data = results.trend(sel.scope, sel.period, sel.client_type)
        table = results.trend_table(sel.scope, sel.period, sel.client_type, data, sel.version)
    elif view == "distribution":
        _, chosen, _ = _surveys(sel)
        data = results.distribution(sel.scope, sel.period, chosen, sel.version)
        table = results.distribution_table(sel.scope, sel.period, sel.client_type, data, sel.version)
    else:
        _, chosen = _touch_point(sel)
        if chosen is None or sel.version is None:
            abort(404)
        groups = results.touch_point_values(sel.version, int(sel.scope.key), sel.period, sel.client_type, chosen.id)
        table = results.touch_point_table(sel.scope, sel.period, sel.client_type, chosen, groups, sel.version)
    name = f"results-{view}-{sel.scope.kind}-{sel.scope.key}-{sel.period}.xlsx"
    return HttpResponse(
        results.xlsx(table), mimetype=XLSX_TYPE, headers={"Content-Disposition": f"attachment; filename={name}"}
    )


@bp.route("/recalculate", methods=["GET", "POST"])
@permission_required("methodology.manage")
def recalculate():
    """«Пересчитать всё»: a confirmation page, then a background job whose progress page follows."""
    if not methodology_edit.may_manage(current_user):
        abort(403)  # everything is the federation's: a region's administrator may not start it
    if request.method == "GET":
        return render_template("results/recalculate.html")
    run = jobs.start("recalculate", user=current_user)
    audit.record("results.recalculate", run, label=run.title)
    db.session.commit()
    return redirect(url_for("jobs.show", run_id=run.id), 303)
