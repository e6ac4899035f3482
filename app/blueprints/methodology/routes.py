"""Methodology pages: the versions, one version with its parameters, cloning, editing and activating a draft."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.blueprints.htmx import render
from app.blueprints.listing import paginate
from app.blueprints.methodology import bp
from app.blueprints.methodology.forms import CloneForm, ConfirmForm, VersionFilters
from app.extensions import db
from app.models.methodology import (
    CLIENT_TYPES,
    LEVELS,
    MEASURED_BY,
    SCORING_RULES,
    UNDEFINED_LABEL,
    IndicatorGroup,
    Methodology,
)
from app.services import audit
from app.services import methodology as methodology_service
from app.services import methodology_edit as edit_service
from app.services.policy import permission_required

SORTS = {"effective": Methodology.effective_from, "name": Methodology.name, "code": Methodology.code}


@bp.context_processor
def _helpers():
    return {
        "client_types": CLIENT_TYPES,
        "measured_by": MEASURED_BY,
        "levels": LEVELS,
        "scoring_rules": SCORING_RULES,
        "undefined_label": UNDEFINED_LABEL,
        "shown": edit_service.shown,
    }


def _version(version_id: int, manage: bool = False) -> Methodology:
    """A version the user may read (drafts: managers only), or 404; with `manage`, 403 unless they may change it."""
    version = db.session.get(
        Methodology,
        version_id,
        options=[
            selectinload(Methodology.groups).selectinload(IndicatorGroup.indicators),
            selectinload(Methodology.params),
        ],
    )
    if version is None or not edit_service.visible_to(current_user, version):
        abort(404)
    if manage and not edit_service.may_manage(current_user, version):
        abort(403)
    return version


def _read_only(version: Methodology, problem: str):
    """A version in use or in effect: 409 with the reason and the way out (a copy)."""
    return render_template("methodology/read_only.html", version=version, problem=problem), 409


# ---- list -----------------------------------------------------------------------------------


@bp.route("/")
@permission_required("methodology.view")
def index():
    form = VersionFilters(formdata=request.args)
    form.validate()
    q = form.q.data if not form.q.errors else None
    status = form.status.data if not form.status.errors else None
    stmt = edit_service.versions(current_user, q, status).options(selectinload(Methodology.based_on))
    stmt, sort = _sorted(stmt, request.args.get("sort"))
    page = paginate(stmt)
    args = {k: v for k, v in (("q", q), ("status", status)) if v}
    return render(
        "methodology/index.html",
        "methodology/_list.html",
        page=page,
        form=form,
        sort=sort,
        args=args,
        in_use=edit_service.in_use_ids(v.id for v in page.items),
        manage=edit_service.may_manage(current_user),
    )


def _sorted(stmt, key: str | None):
    key = key if key and key.lstrip("-") in SORTS else "-effective"
    column = SORTS[key.lstrip("-")]
    return stmt.order_by(column.desc() if key.startswith("-") else column.asc(), Methodology.id), key


# ---- one version ----------------------------------------------------------------------------


@bp.route("/<int:version_id>")
@permission_required("methodology.view")
def detail(version_id: int):
    version = _version(version_id)
    params = edit_service.params_by_indicator(version)
    formula = next((p for p in params.get(None, []) if p.key == "index_formula"), None)
    return render_template(
        "methodology/detail.html",
        version=version,
        params=params,
        formula=formula,
        undefined=edit_service.undefined_params(version),
        in_use=methodology_service.in_use(version),
        editable=methodology_service.editable(version),
        manage=edit_service.may_manage(current_user, version),
        history=audit.history(version),
    )


# ---- clone, edit, activate ------------------------------------------------------------------


@bp.route("/<int:version_id>/clone", methods=["GET", "POST"])
@permission_required("methodology.manage")
def clone(version_id: int):
    version = _version(version_id, manage=True)
    form = CloneForm()
    if request.method == "GET":
        form.name.data = f"{version.name} (копия)"
    if form.validate_on_submit():
        problems = edit_service.clone_problem(version, form.name.data, form.effective_from.data)
        for name, message in problems.items():
            getattr(form, name).errors.append(message)
        if not problems:
            copy = methodology_service.clone(
                version, name=form.name.data, effective_from=form.effective_from.data, actor=current_user
            )
            db.session.commit()
            flash(
                f"Создан черновик «{copy.name}». Измените веса и параметры, затем введите версию в действие.", "success"
            )
            return redirect(url_for("methodology.edit", version_id=copy.id), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("methodology/clone.html", form=form, version=version), status


@bp.route("/<int:version_id>/edit", methods=["GET", "POST"])
@permission_required("methodology.manage")
def edit(version_id: int):
    version = _version(version_id, manage=True)
    if (problem := edit_service.why_not_editable(version)) is not None:
        return _read_only(version, problem)
    form = ConfirmForm()
    checked = None
    if form.validate_on_submit():
        checked = edit_service.read(version, request.form)
        if not checked.errors and not checked.summary:
            changes = edit_service.save(version, checked, actor=current_user)
            db.session.commit()
            flash(f"Изменения сохранены: {changes}." if changes else "Изменений не было.", "success")
            return redirect(url_for("methodology.edit", version_id=version.id), 303)
        db.session.rollback()
    elif request.method == "POST":
        abort(400)
    return (
        render_template(
            "methodology/edit.html",
            version=version,
            form=form,
            params=edit_service.params_by_indicator(version),
            edit=checked,
            errors=checked.errors if checked else {},
            values=request.form if checked else {},
            fields=edit_service,
            activation=edit_service.activation_problems(version),
        ),
        422 if checked else 200,
    )


@bp.route("/<int:version_id>/activate", methods=["GET", "POST"])
@permission_required("methodology.manage")
def activate(version_id: int):
    version = _version(version_id, manage=True)
    if (problem := edit_service.why_not_editable(version)) is not None:
        return _read_only(version, problem)
    form = ConfirmForm()
    problems = edit_service.activation_problems(version)
    if form.validate_on_submit() and not problems:
        edit_service.activate(version, actor=current_user)
        db.session.commit()
        flash(f"Версия «{version.name}» введена в действие с {version.effective_from.strftime('%d.%m.%Y')}.", "success")
        return redirect(url_for("methodology.detail", version_id=version.id), 303)
    status = 409 if request.method == "POST" and problems else (400 if request.method == "POST" else 200)
    surveys = edit_service.questionnaires_of(version.based_on) if version.based_on else []
    return (
        render_template("methodology/activate.html", version=version, form=form, problems=problems, surveys=surveys),
        status,
    )
