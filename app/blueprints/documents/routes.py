"""The document register: list, details, registration and editing of drafts, signing, what a document
approves, distribution and acknowledgement, the pilot order from the seed's template and its DOCX."""

from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import extract, func, select
from sqlalchemy.orm import selectinload

from app.blueprints.documents import bp
from app.blueprints.documents.forms import (
    APPROVAL_CHOICES,
    ApprovalForm,
    ConfirmForm,
    DistributeForm,
    DocumentForm,
    Filters,
    PilotOrderForm,
)
from app.blueprints.htmx import render
from app.blueprints.listing import paginate
from app.blueprints.scopes import scope_choices, scope_of, scope_value, staff_options
from app.extensions import db
from app.forms import choices
from app.models.base import today
from app.models.documents import Approval, Document, DocumentRecipient
from app.models.meetings import WorkingGroup
from app.models.org import Centre, User
from app.services import artefacts, audit, documents, order_docx, org
from app.services.personal_data import shown
from app.services.policy import can, get_or_404, permission_required, scoped

FILTERS = ("q", "kind", "status", "year")
SORTS = {"date": Document.signed_on, "number": func.nullif(Document.registration_number, "")}
DEFAULT_SORT = "-date"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _me():
    return current_user._get_current_object()


@bp.context_processor
def _helpers():
    def person(user) -> str:
        if user is None:
            return "—"
        name = shown(user, "full_name")
        return f"{name}, {user.position}" if user.position else name

    return {"person": person}


# ---- the register ----------------------------------------------------------------------------


def _filters() -> Filters:
    form = Filters(formdata=request.args)
    year = extract("year", Document.signed_on).label("year")
    years = db.session.scalars(
        documents.visible(select(year), current_user)
        .where(Document.signed_on.is_not(None))
        .distinct()
        .order_by(year.desc())
    )
    options = {int(y) for y in years if y is not None}
    form.validate()
    if form.valid("year"):
        options.add(form.year.data)  # a year asked for by link stays shown as chosen
    form.year.choices = choices([(0, "Все годы")] + [(y, str(y)) for y in sorted(options, reverse=True)])
    return form


def _args(form: Filters) -> dict:
    """The valid, non-default filters, to carry into sort and page links."""
    args = {}
    for name in FILTERS:
        value = form.valid(name)
        if value:
            args[name] = value
    return args


def _sorted(stmt, key: str | None):
    key = key if key and key.lstrip("-") in SORTS else DEFAULT_SORT
    column = SORTS[key.lstrip("-")]
    order = column.desc() if key.startswith("-") else column.asc()
    return stmt.order_by(order.nulls_last(), Document.id.desc()), key


@bp.route("/")
@login_required
def index():
    form = _filters()
    stmt = documents.visible(select(Document), current_user)
    stmt = org.search(stmt, Document, form.valid("q"))
    if kind := form.valid("kind"):
        stmt = stmt.where(Document.kind == kind)
    if status := form.valid("status"):
        stmt = stmt.where(Document.status == status)
    if year := form.valid("year"):
        stmt = stmt.where(extract("year", Document.signed_on) == year)
    stmt, sort = _sorted(stmt, request.args.get("sort"))
    stmt = stmt.options(selectinload(Document.region), selectinload(Document.centre))
    return render(
        "documents/index.html",
        "documents/_list.html",
        page=paginate(stmt),
        form=form,
        sort=sort,
        args=_args(form),
        manage=can(current_user, "document.manage"),
    )


# ---- one document ----------------------------------------------------------------------------


def _viewable(document_id: int) -> Document:
    """The document if the user may see it (its scope, or it was sent to them); else 404."""
    return get_or_404(Document, document_id, "document.view")


def _managed(document_id: int) -> Document:
    """The document if the user keeps the register for it: 404 when unseen, 403 when only read."""
    document = _viewable(document_id)
    if not can(current_user, "document.manage", document):
        abort(403)
    return document


def _back(document: Document, anchor: str = "") -> str:
    return url_for("documents.document", document_id=document.id) + (f"#{anchor}" if anchor else "")


def _artefact_link(kind: str, artefact_id: int | None) -> str | None:
    """A link to an approved record when its page exists and the user may open it."""
    spec = artefacts.RECORDS.get(kind)
    if spec is None or spec.endpoint not in current_app.view_functions:
        return None
    record = artefacts.load(kind, artefact_id)
    if record is None or not can(current_user, spec.permission, record):
        return None
    return artefacts.url(kind, artefact_id)


def _approval_options(document: Document) -> list:
    """Records in the document's region the user may see, by id (not bare kinds), never the document itself."""
    own = f"document:{document.id}"
    options = [
        (value, label)
        for value, label in artefacts.choices(current_user, document.region_id)
        if ":" in value and value != own
    ]
    return choices([("", "— выберите —")] + options)


def _approval_form(document: Document, formdata=None) -> ApprovalForm:
    form = ApprovalForm(formdata=formdata, id_prefix="approval")
    form.artefact_ref.choices = _approval_options(document)
    return form


def _distribute_form(document: Document, formdata=None) -> DistributeForm:
    form = DistributeForm(formdata=formdata, id_prefix="distribute")
    form.user_ids.choices = choices(staff_options(current_user, document.region_id))
    return form


def _render_document(document: Document, approval_form=None, distribute_form=None):
    manage = can(current_user, "document.manage", document)
    editable = manage and not document.is_signed and document.meeting_id is None
    db.session.scalars(  # the recipients with their people in one query, not one per row
        select(Document)
        .where(Document.id == document.id)
        .options(selectinload(Document.recipients).selectinload(DocumentRecipient.user))
    ).all()
    approvals = [
        {
            "approval": approval,
            "title": artefacts.title(approval.artefact_kind, approval.artefact_id),
            "url": _artefact_link(approval.artefact_kind, approval.artefact_id),
            "pending_label": APPROVAL_CHOICES.get(approval.verb, approval.verb_label).capitalize(),
        }
        for approval in documents.approvals_by(document)
    ]
    if manage and distribute_form is None:
        distribute_form = _distribute_form(document)
    if distribute_form is not None:
        already = {r.user_id for r in document.recipients}
        offered = [c for c in distribute_form.user_ids.choices if c.value not in already]
    else:
        offered = []
    mine = next((r for r in document.recipients if r.user_id == current_user.id), None)
    meeting_url = None
    if (
        document.meeting_id
        and "meetings.meeting" in current_app.view_functions
        and can(current_user, "meeting.view", document.meeting)
    ):
        meeting_url = url_for("meetings.meeting", meeting_id=document.meeting_id)
    template_order = order_docx.is_template_order(document)
    return render_template(
        "documents/document.html",
        document=document,
        manage=manage,
        editable=editable,
        approvals=approvals,
        approval_form=(approval_form or _approval_form(document)) if editable else None,
        distribute_form=distribute_form if manage else None,
        offered=offered,
        mine=mine,
        on=today(),
        meeting_url=meeting_url,
        template_order=template_order,
        order_text=order_docx.order_text(document) if template_order else [],
        show_contacts=can(current_user, "personal.view", document),
        history=audit.history(document),
    )


@bp.route("/<int:document_id>")
@login_required
def document(document_id: int):
    return _render_document(_viewable(document_id))


# ---- registering and editing -----------------------------------------------------------------


def _document_form(document: Document | None) -> DocumentForm:
    form = DocumentForm(obj=document)
    if isinstance(form.appendices.data, list):  # from the record; one a line in the form
        form.appendices.data = "\n".join(form.appendices.data)
    if document is not None and request.method == "GET":
        form.scope.data = scope_value(document)
    if document is not None and document.template:
        del form.kind, form.scope  # an order from the template keeps its kind and its region
    else:
        form.scope.choices = scope_choices(current_user, "document.manage")
        if document is not None and (value := scope_value(document)) not in {c.value for c in form.scope.choices}:
            form.scope.choices.insert(0, choices([(value, str(document.centre or document.region))])[0])
    return form


def _values(form: DocumentForm, document: Document | None) -> dict | None:
    """What the form asks to save, or None when its scope is not one the user may manage."""
    values = {
        "kind": form.kind.data if "kind" in form else document.kind,
        "registration_number": form.registration_number.data,
        "signed_on": form.signed_on.data,
        "title": " ".join(form.title.data.split()),
        "issuer": form.issuer.data,
        "signatory": form.signatory.data,
        "appendices": [line.strip() for line in form.appendices.data.splitlines() if line.strip()],
    }
    if "scope" in form:
        scope = scope_of(form.scope.data)
        unchanged = document is not None and form.scope.data == scope_value(document)
        if scope is None or not (unchanged or can(current_user, "document.manage", scope)):
            form.scope.errors.append("Выберите регион или центр из списка.")
            return None
        values.update(region_id=scope.region_id, centre_id=scope.centre_id)
    return values


def _refused(form, error: documents.DocumentError) -> None:
    field = form._fields.get(error.field or "", form.title)
    field.errors = [*field.errors, str(error)]


def _save(form: DocumentForm, document: Document | None):
    """Save a valid form; returns the document, or None with the refusal shown next to its field."""
    values = _values(form, document)
    if values is None:
        return None
    try:
        saved = documents.save(document, values, _me())
        db.session.commit()
    except documents.DocumentError as error:
        db.session.rollback()
        _refused(form, error)
        return None
    return saved


@bp.route("/new", methods=["GET", "POST"])
@permission_required("document.manage")
def new():
    form = _document_form(None)
    if form.validate_on_submit() and (document := _save(form, None)) is not None:
        flash("Документ зарегистрирован.", "success")
        return redirect(_back(document), 303)
    return render_template("documents/document_form.html", form=form, document=None)


def _refuse_change(document: Document):
    """A protocol is registered by signing its meeting; a signed document is not changed."""
    if document.meeting_id is not None:
        flash("Протокол заседания вносится в реестр при подписании протокола и здесь не изменяется.", "warning")
    else:
        flash("Документ подписан и не изменяется.", "warning")
    return redirect(_back(document), 303)


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
@login_required
def edit(document_id: int):
    document = _managed(document_id)
    if document.is_signed or document.meeting_id is not None:
        return _refuse_change(document)
    form = _document_form(document)
    if form.validate_on_submit() and _save(form, document) is not None:
        flash("Документ сохранён.", "success")
        return redirect(_back(document), 303)
    return render_template("documents/document_form.html", form=form, document=document)


# ---- signing ---------------------------------------------------------------------------------


def _confirm_page(document: Document, action: str, question: str, button: str, details=(), danger=False):
    return render_template(
        "documents/confirm.html",
        document=document,
        action=action,
        question=question,
        button=button,
        details=details,
        danger=danger,
        form=ConfirmForm(formdata=None),
    )


@bp.route("/<int:document_id>/sign", methods=["POST"])
@login_required
def sign(document_id: int):
    """Two steps: what signing will do, then «Подписан» on confirmation."""
    document = _managed(document_id)
    if document.is_signed or document.meeting_id is not None:
        return _refuse_change(document)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "1":
        details = [
            f"{APPROVAL_CHOICES.get(a.verb, a.verb).capitalize()}: {artefacts.title(a.artefact_kind, a.artefact_id)}."
            for a in documents.approvals_by(document)
        ]
        return _confirm_page(
            document,
            url_for("documents.sign", document_id=document.id),
            f"Отметить подписанным: {document} «{document.title}»?",
            "Отметить подписанным",
            details=[*details, "После этого документ нельзя изменить."],
        )
    try:
        documents.sign(document, _me())
        db.session.commit()
    except documents.DocumentError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(_back(document), 303)
    flash(f"Документ подписан: {document}.", "success")
    return redirect(_back(document), 303)


# ---- what the document approves --------------------------------------------------------------


def _draft_or_refuse(document_id: int):
    document = _managed(document_id)
    if document.is_signed or document.meeting_id is not None:
        return document, _refuse_change(document)
    return document, None


@bp.route("/<int:document_id>/approvals", methods=["POST"])
@login_required
def approve_add(document_id: int):
    document, refused = _draft_or_refuse(document_id)
    if refused is not None:
        return refused
    form = _approval_form(document, request.form)
    if not form.validate_on_submit():
        return _render_document(document, approval_form=form)
    ref = artefacts.parse(form.artefact_ref.data)
    try:
        documents.attach_artefact(document, ref.kind, ref.id, form.verb.data, _me())
        db.session.commit()
    except documents.DocumentError as error:
        db.session.rollback()
        form.artefact_ref.errors = [*form.artefact_ref.errors, str(error)]
        return _render_document(document, approval_form=form)
    flash(f"Добавлено: {artefacts.title(ref.kind, ref.id)}.", "success")
    return redirect(_back(document, "approvals"), 303)


@bp.route("/<int:document_id>/approvals/<int:approval_id>/remove", methods=["POST"])
@login_required
def approve_remove(document_id: int, approval_id: int):
    document, refused = _draft_or_refuse(document_id)
    if refused is not None:
        return refused
    approval = db.session.get(Approval, approval_id)
    if approval is None or approval.document_id != document.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    what = artefacts.title(approval.artefact_kind, approval.artefact_id)
    if request.form.get("confirm") != "1":
        return _confirm_page(
            document,
            url_for("documents.approve_remove", document_id=document.id, approval_id=approval.id),
            f"Убрать из документа «{what}»?",
            "Убрать",
            details=["При подписании документа эта запись не будет утверждена."],
            danger=True,
        )
    try:
        documents.detach_artefact(approval, _me())
        db.session.commit()
    except documents.DocumentError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(_back(document, "approvals"), 303)
    flash(f"Убрано: {what}.", "success")
    return redirect(_back(document, "approvals"), 303)


# ---- distribution and acknowledgement --------------------------------------------------------


@bp.route("/<int:document_id>/distribute", methods=["POST"])
@login_required
def distribute(document_id: int):
    document = _managed(document_id)
    form = _distribute_form(document, request.form)
    if not form.validate_on_submit():
        return _render_document(document, distribute_form=form)
    users = list(db.session.scalars(select(User).where(User.id.in_(form.user_ids.data)).order_by(User.id)))
    try:
        added = documents.distribute(document, users, form.due_on.data, _me())
        db.session.commit()
    except documents.DocumentError as error:
        db.session.rollback()
        field = form._fields.get(error.field or "", form.user_ids)
        field.errors = [*field.errors, str(error)]
        return _render_document(document, distribute_form=form)
    if added:
        flash(f"Документ направлен для ознакомления: {len(added)} чел.", "success")
    else:
        flash("Выбранным сотрудникам документ уже направлялся: ничего не изменено.", "info")
    return redirect(_back(document, "recipients"), 303)


@bp.route("/<int:document_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge(document_id: int):
    document = _viewable(document_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    mine = next((r for r in document.recipients if r.user_id == current_user.id), None)
    if mine is not None and mine.acknowledged_at is not None:
        flash("Вы уже подтвердили ознакомление с этим документом.", "info")
        return redirect(_back(document, "recipients"), 303)
    try:
        documents.acknowledge(document, _me())
        db.session.commit()
    except documents.DocumentError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(_back(document), 303)
    flash("Ознакомление подтверждено.", "success")
    return redirect(_back(document, "recipients"), 303)


# ---- the pilot order of seed 003 (Приложение 2) ------------------------------------------------


def _groups() -> list[WorkingGroup]:
    """Active regional working groups the user may issue an order for."""
    stmt = scoped(select(WorkingGroup), WorkingGroup, current_user, "document.manage").where(
        WorkingGroup.active.is_(True), WorkingGroup.region_id.is_not(None)
    )
    return list(db.session.scalars(stmt.options(selectinload(WorkingGroup.region)).order_by(WorkingGroup.name)))


def _group_people(group: WorkingGroup) -> list:
    stmt = scoped(select(User), User, current_user, "user.view").where(
        User.active.is_(True), User.region_id == group.region_id
    )
    options = []
    for user in db.session.scalars(stmt):
        name = shown(user, "full_name")
        options.append((user.id, f"{name}, {user.position}" if user.position else name))
    return sorted(options, key=lambda option: option[1].lower())


def _pilot_defaults(form: PilotOrderForm, group: WorkingGroup, centres: list[Centre]) -> None:
    form.centre_ids.data = [c.id for c in centres if c.is_pilot]
    form.issuer.data = group.region.authority_name if group.region else ""
    head = next((m for m in group.members if m.valid_to is None and m.role == "head"), None)
    if head is not None:
        post = head.position or head.user.position or ""
        parts = head.user.full_name.split()  # «А.М.Садулина», as orders sign
        name = "".join(f"{p[0]}." for p in parts[1:3]) + parts[0] if parts else ""
        form.signatory.data = f"{post} {name}".strip()


@bp.route("/pilot-order", methods=["GET", "POST"])
@permission_required("document.manage")
def pilot_order():
    groups = _groups()
    group_id = request.values.get("group_id", type=int)
    group = next((g for g in groups if g.id == group_id), None)
    if group is None and group_id is None and request.method == "GET" and len(groups) == 1:
        group = groups[0]
    form = PilotOrderForm(formdata=request.form if request.method == "POST" else None)
    form.group_id.choices = choices([(0, "— выберите —")] + [(g.id, f"{g.name} ({g.region.name})") for g in groups])
    centres: list[Centre] = []
    if group is not None:
        form.group_id.data = group.id
        centres = list(
            db.session.scalars(select(Centre).where(Centre.region_id == group.region_id).order_by(Centre.name))
        )
        form.centre_ids.choices = choices([(c.id, f"{c.name} — {c.address}" if c.address else c.name) for c in centres])
        form.responsible_ids.choices = choices(_group_people(group))
        if request.method == "GET":
            _pilot_defaults(form, group, centres)
    else:
        form.centre_ids.choices = form.responsible_ids.choices = []
    if request.method == "GET" and group_id and group is None:
        form.group_id.errors = ["Выберите рабочую группу из списка."]
    if request.method == "POST":
        if group is None:
            form.validate()
            form.group_id.errors = ["Выберите рабочую группу из списка."]
        elif form.validate_on_submit():
            by_id = {c.id: c for c in centres}
            people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(form.responsible_ids.data)))}
            try:
                document = documents.pilot_order(
                    {
                        "group": group,
                        "deadline": form.deadline.data,
                        "responsible": [people[i] for i in form.responsible_ids.data if i in people],
                        "centres": [by_id[i] for i in form.centre_ids.data],
                        "issuer": form.issuer.data,
                        "signatory": form.signatory.data,
                    },
                    _me(),
                )
                db.session.commit()
            except documents.DocumentError as error:
                db.session.rollback()
                field = form._fields.get(error.field or "", form.deadline)
                field.errors = [*field.errors, str(error)]
            else:
                flash("Проект приказа составлен. Проверьте его; номер и дату укажите перед подписанием.", "success")
                return redirect(_back(document), 303)
    return render_template("documents/pilot_order.html", form=form, group=group, groups=groups, centres=centres)


@bp.route("/<int:document_id>/order.docx")
@login_required
def docx(document_id: int):
    document = _managed(document_id)
    if not order_docx.is_template_order(document):
        abort(404)
    day = document.signed_on or document.created_at.date()
    name = f"Приказ {document.registration_number or 'проект'} от {day:%d.%m.%Y}"
    name = "".join(c if c.isalnum() or c in " .-_" else "-" for c in name)
    disposition = f"attachment; filename=order-{document.id}-{day:%Y-%m-%d}.docx; filename*=UTF-8''{quote(name)}.docx"
    return Response(order_docx.build(document), mimetype=DOCX_MIMETYPE, headers={"Content-Disposition": disposition})
