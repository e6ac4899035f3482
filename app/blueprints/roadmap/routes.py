"""Roadmap pages: the list, a roadmap with its blocks and items, plan and fact forms, templates."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.blueprints.htmx import render
from app.blueprints.listing import paginate
from app.blueprints.roadmap import bp
from app.blueprints.roadmap.forms import (
    BlockForm,
    EvidenceForm,
    FactForm,
    ItemForm,
    RoadmapFilters,
    RoadmapForm,
    TemplateForm,
)
from app.blueprints.scopes import scope_choices, scope_of, scope_value, staff_options
from app.extensions import db
from app.forms import choices
from app.models.org import Department, User
from app.models.roadmap import Roadmap, RoadmapBlock, RoadmapEvidence, RoadmapItem, RoadmapItemPerson
from app.services import artefacts, audit, documents, org, roadmap
from app.services.policy import can, get_or_404, permission_required, scoped

SORTS = {"title": Roadmap.title, "starts": Roadmap.starts_on, "created": Roadmap.id}


def _me() -> User:
    return current_user._get_current_object()


@bp.context_processor
def _helpers():
    return {
        "roadmap_status": roadmap.status_of,
        "roadmap_deadline": roadmap.deadline_label,
        "roadmap_done": roadmap.done_label,
        "roadmap_slip": roadmap.baseline_slip,
        "artefact_title": artefacts.title,
        "artefact_url": artefacts.url,
    }


def _saved(call, field):
    """Run a roadmap service call and commit; if the service refuses, roll back and show why under `field`.
    The call's result, or None when refused."""
    try:
        result = call()
    except roadmap.RoadmapError as error:
        db.session.rollback()
        field.errors.append(str(error))
        return None
    db.session.commit()
    return result


# ---- list -----------------------------------------------------------------------------------


@bp.route("/")
@permission_required("roadmap.view")
def index():
    form = RoadmapFilters(formdata=request.args)
    form.validate()
    stmt = scoped(select(Roadmap), Roadmap, current_user, "roadmap.view")
    stmt = org.search(stmt, Roadmap, form.q.data if not form.q.errors else None)
    if form.status.data and not form.status.errors:
        stmt = stmt.where(Roadmap.status == form.status.data)
    stmt, sort = org.sort(stmt, SORTS, request.args.get("sort"), "-created")
    page = paginate(stmt.options(selectinload(Roadmap.region), selectinload(Roadmap.centre)))
    items = db.session.scalars(
        select(RoadmapItem)
        .where(RoadmapItem.roadmap_id.in_([r.id for r in page.items]))
        .options(selectinload(RoadmapItem.block))
    ).all()
    progress = {r.id: roadmap.progress([i for i in items if i.roadmap_id == r.id]) for r in page.items}
    args = {k: v for k, v in (("q", form.q.data), ("status", form.status.data)) if v}
    return render(
        "roadmap/index.html",
        "roadmap/_list.html",
        page=page,
        form=form,
        sort=sort,
        args=args,
        progress=progress,
        manage=can(current_user, "roadmap.manage"),
    )


# ---- creating -------------------------------------------------------------------------------


def _chosen_scope(form) -> dict | None:
    """The region and centre a form's scope names, if the user may manage roadmaps there."""
    scope = scope_of(form.scope.data)
    if scope is None or not can(current_user, "roadmap.manage", scope):
        form.scope.errors.append("Выберите регион или центр из списка.")
        return None
    return {"region_id": scope.region_id, "centre_id": scope.centre_id}


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:roadmap_id>/edit", methods=["GET", "POST"])
@permission_required("roadmap.manage")
def edit(roadmap_id: int | None = None):
    existing = get_or_404(Roadmap, roadmap_id, "roadmap.manage") if roadmap_id else None
    form = RoadmapForm(obj=existing)
    form.scope.choices = scope_choices(current_user, "roadmap.manage")
    if request.method == "GET" and existing is not None:
        form.scope.data = scope_value(existing)
    if form.validate_on_submit() and (scope := _chosen_scope(form)) is not None:
        values = {"title": form.title.data, "starts_on": form.starts_on.data, "ends_on": form.ends_on.data, **scope}
        if saved := _saved(lambda: roadmap.save_roadmap(existing, values, _me()), form.ends_on):
            flash("Дорожная карта сохранена.", "success")
            return redirect(url_for("roadmap.roadmap", roadmap_id=saved.id), 303)
    return render_template("roadmap/roadmap_form.html", form=form, roadmap=existing)


@bp.route("/from-template", methods=["GET", "POST"])
@permission_required("roadmap.manage")
def from_template():
    form = TemplateForm()
    form.scope.choices = scope_choices(current_user, "roadmap.manage")
    if form.validate_on_submit() and (scope := _chosen_scope(form)) is not None:
        values = {"title": form.title.data, "starts_on": form.starts_on.data, **scope}
        if made := _saved(lambda: roadmap.from_template(form.template.data, values, _me()), form.starts_on):
            flash(f"Дорожная карта создана по шаблону: {len(made.items)} мероприятий.", "success")
            return redirect(url_for("roadmap.roadmap", roadmap_id=made.id), 303)
    return render_template("roadmap/template_form.html", form=form)


# ---- one roadmap ----------------------------------------------------------------------------


@bp.route("/<int:roadmap_id>", endpoint="roadmap")
@permission_required("roadmap.view")
def roadmap_page(roadmap_id: int):
    plan = get_or_404(Roadmap, roadmap_id, "roadmap.view")
    db.session.scalars(  # blocks, items and their people in a few queries, not one per item
        select(RoadmapBlock)
        .where(RoadmapBlock.roadmap_id == plan.id)
        .options(
            selectinload(RoadmapBlock.items).selectinload(RoadmapItem.people).selectinload(RoadmapItemPerson.user),
            selectinload(RoadmapBlock.items).selectinload(RoadmapItem.departments),
            selectinload(RoadmapBlock.items).selectinload(RoadmapItem.evidence),
        )
    ).all()
    approvals = [(a, *documents.approval_source(a)) for a in documents.approvals_of("roadmap", plan.id)]
    return render_template(
        "roadmap/roadmap.html",
        roadmap=plan,
        overall=roadmap.progress(plan.items),
        blocks=[(block, roadmap.progress(block.items)) for block in plan.blocks],
        conflicts=roadmap.deadline_conflicts(plan),
        approvals=approvals,
        manage=can(current_user, "roadmap.manage", plan),
        history=audit.history(plan),
    )


# ---- blocks ---------------------------------------------------------------------------------


@bp.route("/<int:roadmap_id>/blocks/new", methods=["GET", "POST"])
@bp.route("/blocks/<int:block_id>/edit", methods=["GET", "POST"])
@permission_required("roadmap.manage")
def block_edit(roadmap_id: int | None = None, block_id: int | None = None):
    block = db.session.get(RoadmapBlock, block_id) if block_id else None
    plan = block.roadmap if block else db.session.get(Roadmap, roadmap_id)
    if plan is None or not can(current_user, "roadmap.manage", plan):
        abort(404)
    form = BlockForm(obj=block)
    if form.validate_on_submit():
        values = {"title": form.title.data, "starts_on": form.starts_on.data, "ends_on": form.ends_on.data}
        if _saved(lambda: roadmap.save_block(plan, block, values, _me()), form.ends_on):
            flash("Блок сохранён.", "success")
            return redirect(url_for("roadmap.roadmap", roadmap_id=plan.id), 303)
    return render_template("roadmap/block_form.html", form=form, roadmap=plan, block=block)


# ---- items: plan ----------------------------------------------------------------------------


def _item_or_404(item_id: int) -> RoadmapItem:
    item = db.session.get(RoadmapItem, item_id)
    if item is None or not can(current_user, "roadmap.manage", item.roadmap):
        abort(404)
    return item


def _item_choices(form: ItemForm, plan: Roadmap, item: RoadmapItem | None) -> None:
    form.block_id.choices = choices((b.id, f"{b.position}. {b.title}") for b in plan.blocks)
    named = [p.user_id for p in item.people] if item else []
    form.people.choices = choices(staff_options(current_user, plan.region_id, named))
    departments = scoped(select(Department), Department, current_user, "org.view")
    if plan.region_id:
        departments = departments.where(Department.region_id == plan.region_id)
    form.departments.choices = choices(
        (d.id, f"{d.centre.name} / {d.name}") for d in db.session.scalars(departments.order_by(Department.name))
    )
    form.deliverable.choices = choices(artefacts.choices(current_user, plan.region_id))


@bp.route("/blocks/<int:block_id>/items/new", methods=["GET", "POST"])
@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@permission_required("roadmap.manage")
def item_edit(block_id: int | None = None, item_id: int | None = None):
    item = _item_or_404(item_id) if item_id else None
    block = item.block if item else db.session.get(RoadmapBlock, block_id)
    if block is None or not can(current_user, "roadmap.manage", block.roadmap):
        abort(404)
    plan = block.roadmap
    form = ItemForm(obj=item)
    _item_choices(form, plan, item)
    if request.method == "GET":
        form.block_id.data = block.id
        if item is not None:
            form.people.data = [p.user_id for p in item.people]
            form.departments.data = [d.department_id for d in item.departments]
            form.deliverable.data = (
                f"{item.deliverable_kind}:{item.deliverable_id}" if item.deliverable_id else item.deliverable_kind
            )
    if form.validate_on_submit():
        target = next(b for b in plan.blocks if b.id == form.block_id.data)
        ref = artefacts.parse(form.deliverable.data)
        values = {
            name: getattr(form, name).data
            for name in (
                "number",
                "title",
                "expected_result",
                "deadline_kind",
                "due_from",
                "due_on",
                "responsible_text",
            )
        }
        values.update(deliverable_kind=ref.kind if ref else "", deliverable_id=ref.id if ref else None)
        people, departments = form.people.data, form.departments.data
        if saved := _saved(lambda: roadmap.save_item(target, item, values, _me(), people, departments), form.due_on):
            flash("Мероприятие сохранено.", "success")
            return redirect(url_for("roadmap.roadmap", roadmap_id=plan.id, _anchor=f"item-{saved.id}"), 303)
    return render_template("roadmap/item_form.html", form=form, roadmap=plan, item=item)


@bp.route("/items/<int:item_id>/delete", methods=["GET", "POST"])
@permission_required("roadmap.manage")
def item_delete(item_id: int):
    item = _item_or_404(item_id)
    plan = item.roadmap
    if request.method == "POST":  # the confirmation page posted (CSRF is checked for every POST)
        roadmap.remove_item(item, _me())
        db.session.commit()
        flash(f"Мероприятие {item.number} удалено.", "success")
        return redirect(url_for("roadmap.roadmap", roadmap_id=plan.id), 303)
    return render_template("roadmap/item_delete.html", item=item, roadmap=plan)


# ---- items: fact ----------------------------------------------------------------------------


@bp.route("/items/<int:item_id>/fact", methods=["GET", "POST"])
@permission_required("roadmap.manage")
def item_fact(item_id: int):
    item = _item_or_404(item_id)
    form = FactForm(obj=item)
    evidence_form = EvidenceForm(formdata=None)
    taken = {f"{e.artefact_kind}:{e.artefact_id}" for e in item.evidence}
    evidence_form.evidence.choices = choices(
        [("", "—")]
        + [o for o in artefacts.records(current_user, item.roadmap.region_id, protocols=True) if o[0] not in taken]
    )
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in roadmap.FACT_FIELDS}
        if _saved(lambda: roadmap.record_fact(item, values, _me()), form.done_on):
            flash("Исполнение сохранено.", "success")
            return redirect(url_for("roadmap.roadmap", roadmap_id=item.roadmap_id, _anchor=f"item-{item.id}"), 303)
    return render_template(
        "roadmap/fact_form.html",
        form=form,
        evidence_form=evidence_form,
        item=item,
        roadmap=item.roadmap,
        status=roadmap.status_of(item),
        evidence=[
            (e, artefacts.title(e.artefact_kind, e.artefact_id), artefacts.url(e.artefact_kind, e.artefact_id))
            for e in item.evidence
        ],
    )


@bp.route("/items/<int:item_id>/evidence", methods=["POST"])
@permission_required("roadmap.manage")
def evidence_add(item_id: int):
    item = _item_or_404(item_id)
    form = EvidenceForm()
    form.evidence.choices = choices(artefacts.records(current_user, item.roadmap.region_id, protocols=True))
    back = url_for("roadmap.item_fact", item_id=item.id)
    if not form.validate_on_submit():
        flash("Выберите документ из списка.", "danger")
        return redirect(back, 303)
    ref = artefacts.parse(form.evidence.data)
    try:
        roadmap.add_evidence(item, ref.kind, ref.id, _me())
    except roadmap.RoadmapError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(back, 303)
    db.session.commit()
    flash("Подтверждение добавлено.", "success")
    return redirect(back, 303)


@bp.route("/evidence/<int:evidence_id>/delete", methods=["POST"])
@permission_required("roadmap.manage")
def evidence_delete(evidence_id: int):
    evidence = db.session.get(RoadmapEvidence, evidence_id)
    if evidence is None:
        abort(404)
    item = _item_or_404(evidence.item_id)
    roadmap.remove_evidence(evidence, _me())
    db.session.commit()
    flash("Подтверждение убрано.", "success")
    return redirect(url_for("roadmap.item_fact", item_id=item.id), 303)
