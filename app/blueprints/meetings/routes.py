"""Working groups, meetings, agenda, decisions, the protocol lifecycle and its print/DOCX forms."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.blueprints.htmx import render
from app.blueprints.listing import arg_id, paginate
from app.blueprints.meetings import bp
from app.blueprints.meetings.forms import (
    AttendanceForm,
    CorrectionForm,
    DecisionForm,
    GroupForm,
    ItemForm,
    ItemTextForm,
    MeetingForm,
    MemberForm,
    MoveForm,
)
from app.blueprints.scopes import scope_choices, scope_of, scope_value
from app.extensions import db
from app.forms import choices
from app.models.base import today
from app.models.meetings import (
    MEETING_STATUSES,
    AgendaItem,
    Attendance,
    Decision,
    GroupMember,
    Meeting,
    WorkingGroup,
)
from app.models.org import User
from app.services import artefacts, audit, meetings, org, protocol_docx
from app.services.calendar import DeadlineError
from app.services.personal_data import mask, may_see, shown
from app.services.policy import can, get_or_404, permission_required, scoped


def _me():
    return current_user._get_current_object()


def _people(obj) -> list:
    """Staff who may take part: users in the record's region (or everyone for a federal record)."""
    stmt = scoped(select(User), User, current_user, "user.view").where(User.active.is_(True))
    if obj.region_id:
        stmt = stmt.where(User.region_id == obj.region_id)
    return choices(
        [(0, "— не выбрано —")] + [(u.id, u.full_name) for u in db.session.scalars(stmt.order_by(User.full_name))]
    )


def _fail(error: Exception, target: str):
    db.session.rollback()
    flash(str(error), "danger")
    return redirect(target, 303)


def _commit() -> None:
    """Commit; a meeting number another user took meanwhile (the unique key) becomes a message to repeat."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise meetings.MeetingError(meetings.NUMBER_TAKEN, field="number") from None


@bp.context_processor
def _names():
    def name_on(value: str, subject) -> str:
        """A name copied into a meeting record (attendance, substitute) as the viewer may see it:
        like the person's own record, or, for someone without an account, like the meeting's."""
        if not value or may_see(current_user, subject):
            return value or ""
        return mask("full_name", value)

    return {"name_on": name_on}


# ---- working groups ----------------------------------------------------------------------


@bp.route("/groups")
@permission_required("meeting.view")
def groups():
    q = request.args.get("q", "")
    stmt = org.search(scoped(select(WorkingGroup), WorkingGroup, current_user, "meeting.view"), WorkingGroup, q)
    stmt = stmt.options(selectinload(WorkingGroup.region), selectinload(WorkingGroup.centre))
    stmt = stmt.order_by(WorkingGroup.active.desc(), WorkingGroup.name)
    return render("meetings/groups.html", "meetings/_groups.html", page=paginate(stmt), q=q)


@bp.route("/groups/new", methods=["GET", "POST"])
@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@permission_required("meeting.manage")
def group_edit(group_id: int | None = None):
    group = get_or_404(WorkingGroup, group_id, "meeting.manage") if group_id else None
    form = GroupForm(obj=group)
    form.scope.choices = scope_choices(current_user, "meeting.manage")
    if request.method == "GET" and group is not None:
        form.scope.data = scope_value(group)
    if form.validate_on_submit():
        scope = scope_of(form.scope.data)
        if scope is None or not can(current_user, "meeting.manage", scope):
            form.scope.errors.append("Выберите регион или центр из списка.")
        else:
            group = meetings.save_group(
                group or WorkingGroup(),
                {"name": form.name.data, "kind": form.kind.data, "approved_by": form.approved_by.data},
                scope,
                _me(),
            )
            db.session.commit()
            flash("Рабочая группа сохранена.", "success")
            return redirect(url_for("meetings.group", group_id=group.id), 303)
    return render_template("meetings/group_form.html", form=form, group=group)


@bp.route("/groups/<int:group_id>")
@permission_required("meeting.view")
def group(group_id: int):
    group = get_or_404(WorkingGroup, group_id, "meeting.view")
    form = MemberForm(valid_from=today())
    form.user_id.choices = _people(group)
    db.session.scalars(  # the composition and its history with their people: two queries, not one per member
        select(WorkingGroup)
        .where(WorkingGroup.id == group.id)
        .options(selectinload(WorkingGroup.members).selectinload(GroupMember.user))
    ).all()
    stmt = select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.starts_at.desc())
    return render_template(
        "meetings/group.html",
        group=group,
        current=meetings.members_on(group, today()),
        form=form,
        meetings_list=db.session.scalars(stmt).all(),
        history=audit.history(group),
    )


@bp.route("/groups/<int:group_id>/members", methods=["POST"])
@permission_required("meeting.manage")
def member_set(group_id: int):
    group = get_or_404(WorkingGroup, group_id, "meeting.manage")
    form = MemberForm()
    form.user_id.choices = _people(group)
    if form.validate_on_submit():
        user = get_or_404(User, form.user_id.data, "user.view")
        meetings.set_member(
            group, user, form.role.data, form.position.data, form.valid_from.data, form.order_reference.data, _me()
        )
        db.session.commit()
        flash("Состав группы обновлён; прежняя запись сохранена в истории.", "success")
    else:
        flash("Выберите сотрудника, роль и дату.", "danger")
    return redirect(url_for("meetings.group", group_id=group.id), 303)


@bp.route("/groups/<int:group_id>/members/<int:member_id>/end", methods=["POST"])
@permission_required("meeting.manage")
def member_end(group_id: int, member_id: int):
    group = get_or_404(WorkingGroup, group_id, "meeting.manage")
    member = next((m for m in group.members if m.id == member_id and m.valid_to is None), None)
    if member is None:
        abort(404)
    meetings.remove_member(member, today(), _me())
    db.session.commit()
    flash(f"{shown(member.user, 'full_name')} выведен(а) из состава с {today():%d.%m.%Y}.", "success")
    return redirect(url_for("meetings.group", group_id=group.id), 303)


# ---- meetings ----------------------------------------------------------------------------


@bp.route("/")
@permission_required("meeting.view")
def index():
    status = request.args.get("status", "")
    group_id = arg_id("group")
    stmt = scoped(select(Meeting), Meeting, current_user, "meeting.view")
    if status in MEETING_STATUSES:
        stmt = stmt.where(Meeting.status == status)
    if group_id:
        stmt = stmt.where(Meeting.group_id == group_id)
    stmt = stmt.options(selectinload(Meeting.group)).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    args = {"status": status, "group": group_id or ""}
    return render(
        "meetings/index.html", "meetings/_list.html", page=paginate(stmt), args=args, statuses=MEETING_STATUSES
    )


def _meeting_form(meeting_or_group, data_obj=None) -> MeetingForm:
    form = MeetingForm(obj=data_obj)
    form.chair_id.choices = form.secretary_id.choices = _people(meeting_or_group)
    return form


@bp.route("/groups/<int:group_id>/meetings/new", methods=["GET", "POST"])
@permission_required("meeting.manage")
def meeting_new(group_id: int):
    group = get_or_404(WorkingGroup, group_id, "meeting.manage")
    form = _meeting_form(group)
    del form.chair_id, form.secretary_id, form.registration_number  # taken from the composition
    earlier = db.session.scalars(
        select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.starts_at.desc()).limit(20)
    ).all()
    form.agenda_from.choices = choices([(0, "— пустая повестка —")] + [(m.id, str(m)) for m in earlier])
    if form.validate_on_submit():
        template = next((m for m in earlier if m.id == form.agenda_from.data), None)
        try:
            meeting = meetings.create(
                group,
                form.starts_at.data,
                form.place.data,
                form.link.data,
                _me(),
                form.number.data,
                approve_previous=form.approve_previous.data,
                agenda_from=template,
            )
            _commit()
        except meetings.MeetingError as error:
            db.session.rollback()
            getattr(form, error.field or "number").errors.append(str(error))
        else:
            flash("Заседание создано (черновик).", "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id), 303)
    return render_template("meetings/meeting_form.html", form=form, group=group, meeting=None)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@permission_required("meeting.manage")
def meeting_edit(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, "meeting.manage")
    if meeting.is_signed:
        flash("Протокол подписан: изменить его можно только через исправление с указанием причины.", "warning")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id), 303)
    form = _meeting_form(meeting, meeting)
    del form.approve_previous, form.agenda_from  # only when a meeting is created
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data for name in ("starts_at", "number", "place", "link", "registration_number")
        }
        values["chair_id"] = form.chair_id.data or None
        values["secretary_id"] = form.secretary_id.data or None
        try:
            meetings.update(meeting, values, _me())
            _commit()
        except meetings.MeetingError as error:
            db.session.rollback()
            getattr(form, error.field or "number").errors.append(str(error))
        else:
            flash("Заседание сохранено.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id), 303)
    return render_template("meetings/meeting_form.html", form=form, group=meeting.group, meeting=meeting)


@bp.route("/<int:meeting_id>")
@permission_required("meeting.view")
def meeting(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, "meeting.view")
    manage = can(current_user, "meeting.manage", meeting) and not meeting.is_signed
    db.session.scalars(  # agenda, decisions and attendance in three queries, not one per item
        select(Meeting)
        .where(Meeting.id == meeting.id)
        .options(
            selectinload(Meeting.items).selectinload(AgendaItem.decisions),
            selectinload(Meeting.attendance).selectinload(Attendance.user),
        )
    ).all()
    people = meetings.people_of(d for item in meeting.items for d in item.decisions)
    decision_form = DecisionForm(formdata=None)
    decision_form.assignee_ids.choices = [c for c in _people(meeting) if c.value != 0]
    decision_form.artefact_ref.choices = artefacts.choices(current_user, meeting.region_id) if manage else []
    moves = meetings.allowed_moves(meeting) if can(current_user, "meeting.manage", meeting) else []
    return render_template(
        "meetings/meeting.html",
        meeting=meeting,
        manage=manage,
        moves=moves,
        attendance_unmarked=bool(moves)
        and meeting.status in ("held", "circulated")
        and not meetings.attendance_marked(meeting),
        item_form=ItemForm(formdata=None),
        text_form=ItemTextForm(formdata=None),
        decision_form=decision_form,
        attendance_form=AttendanceForm(formdata=None),
        correction_form=CorrectionForm(formdata=None),
        move_form=MoveForm(formdata=None),
        control=meetings.open_assignments(meeting.group, before=meeting),
        decision_line=lambda decision: meetings.decision_line(decision, people),
        artefact_url=artefacts.url,
        assignees_label=lambda decision: meetings.assignees_label(decision, people),
        roman=meetings.roman,
        history=audit.history(meeting),
    )


def _back(meeting: Meeting, anchor: str = "") -> str:
    return url_for("meetings.meeting", meeting_id=meeting.id) + (f"#{anchor}" if anchor else "")


@bp.route("/<int:meeting_id>/move/<target>", methods=["POST"])
@permission_required("meeting.manage")
def meeting_move(meeting_id: int, target: str):
    meeting = get_or_404(Meeting, meeting_id, "meeting.manage")
    if not MoveForm().validate_on_submit():
        abort(400)
    try:
        meetings.move(meeting, target, _me())
        _commit()
    except meetings.MeetingError as error:
        return _fail(error, _back(meeting))
    flash(f"Статус: {meeting.status_label}.", "success")
    return redirect(_back(meeting), 303)


@bp.route("/<int:meeting_id>/correction", methods=["POST"])
@permission_required("meeting.manage")
def meeting_correction(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, "meeting.manage")
    form = CorrectionForm()
    if not form.validate_on_submit():
        flash("Укажите причину исправления.", "danger")
        return redirect(_back(meeting, "correction"), 303)
    try:
        meetings.start_correction(meeting, form.reason.data, _me())
    except meetings.MeetingError as error:
        return _fail(error, _back(meeting))
    db.session.commit()
    flash("Протокол открыт для исправления. После правок подпишите его снова — появится новая редакция.", "success")
    return redirect(_back(meeting), 303)


@bp.route("/<int:meeting_id>/items", methods=["POST"])
@permission_required("meeting.manage")
def item_add(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, "meeting.manage")
    form = ItemForm()
    if not form.validate_on_submit():
        flash("Впишите вопрос повестки (до 1000 символов); минут — от 1 до 600.", "danger")
        return redirect(_back(meeting, "agenda"), 303)
    try:
        meetings.add_item(meeting, form.title.data, form.speakers.data, form.planned_minutes.data, _me())
    except meetings.MeetingError as error:
        return _fail(error, _back(meeting))
    db.session.commit()
    flash("Вопрос добавлен в повестку.", "success")
    return redirect(_back(meeting, "agenda"), 303)


def _item_or_404(item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or not can(current_user, "meeting.manage", item.meeting):
        abort(404)
    return item


@bp.route("/items/<int:item_id>/text", methods=["POST"])
@permission_required("meeting.manage")
def item_text(item_id: int):
    item = _item_or_404(item_id)
    form = ItemTextForm()
    if not form.validate_on_submit():
        flash("Текст слишком длинный.", "danger")
        return redirect(_back(item.meeting, f"item-{item.id}"), 303)
    try:
        meetings.update_item(item, {"heard": form.heard.data, "discussion": form.discussion.data}, _me())
    except meetings.MeetingError as error:
        return _fail(error, _back(item.meeting))
    db.session.commit()
    flash("Записано.", "success")
    return redirect(_back(item.meeting, f"item-{item.id}"), 303)


@bp.route("/items/<int:item_id>/decisions", methods=["POST"])
@permission_required("meeting.manage")
def decision_add(item_id: int):
    item = _item_or_404(item_id)
    form = DecisionForm()
    form.assignee_ids.choices = [c for c in _people(item.meeting) if c.value != 0]
    form.artefact_ref.choices = artefacts.choices(current_user, item.meeting.region_id)
    target = _back(item.meeting, f"item-{item.id}")
    if not form.validate_on_submit():
        messages = [f"{getattr(form, name).label.text}: {' '.join(errors)}" for name, errors in form.errors.items()]
        flash("Решение не добавлено. " + " ".join(messages), "danger")
        return redirect(target, 303)
    try:
        wanted = form.verb.data == "assign" or form.deadline.data
        deadline = meetings.read_deadline(form.deadline.data) if wanted else None
        meetings.add_decision(
            item,
            form.verb.data,
            form.text.data,
            _me(),
            assignee_ids=form.assignee_ids.data or [],
            addressee=form.addressee.data,
            deadline=deadline,
            evidence_required=form.evidence_required.data,
            artefact=form.artefact.data,
            artefact_ref=artefacts.parse(form.artefact_ref.data),
        )
    except (meetings.MeetingError, DeadlineError) as error:
        return _fail(error, target)
    db.session.commit()
    flash("Решение добавлено.", "success")
    return redirect(target, 303)


@bp.route("/decisions/<int:decision_id>/delete", methods=["POST"])
@permission_required("meeting.manage")
def decision_delete(decision_id: int):
    decision = db.session.get(Decision, decision_id)
    if decision is None or not can(current_user, "meeting.manage", decision.item.meeting):
        abort(404)
    meeting = decision.item.meeting
    if not MoveForm().validate_on_submit():
        abort(400)
    try:
        meetings.remove_decision(decision, _me())
    except meetings.MeetingError as error:
        return _fail(error, _back(meeting))
    db.session.commit()
    flash("Решение удалено.", "success")
    return redirect(_back(meeting, "agenda"), 303)


@bp.route("/attendance/<int:attendance_id>", methods=["POST"])
@permission_required("meeting.manage")
def attendance(attendance_id: int):
    row = db.session.get(Attendance, attendance_id)
    if row is None or not can(current_user, "meeting.manage", row.meeting):
        abort(404)
    form = AttendanceForm()
    if not form.validate_on_submit():
        flash("Выберите вариант участия из списка.", "danger")
        return redirect(_back(row.meeting, "attendance"), 303)
    try:
        meetings.set_attendance(row, form.status.data, form.substitute_name.data, form.substitute_position.data, _me())
    except meetings.MeetingError as error:
        return _fail(error, _back(row.meeting, "attendance"))
    db.session.commit()
    flash("Участие отмечено.", "success")
    return redirect(_back(row.meeting, "attendance"), 303)


# ---- the protocol ------------------------------------------------------------------------


@bp.route("/<int:meeting_id>/protocol")
@permission_required("meeting.view")
def protocol(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, "meeting.view")
    return render_template("meetings/protocol.html", meeting=meeting, text=_protocol_text(meeting))


def _protocol_text(meeting: Meeting) -> str:
    """A signed protocol prints as signed (its last revision); a draft as it stands."""
    return meeting.revisions[-1].text if meeting.is_signed and meeting.revisions else meetings.protocol_text(meeting)


@bp.route("/<int:meeting_id>/protocol.docx")
@permission_required("meeting.view")
def protocol_download(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, "meeting.view")
    data = protocol_docx.build(_protocol_text(meeting))
    name = f"protocol-{meeting.number or 'draft'}-{meeting.starts_at:%Y-%m-%d}.docx"
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.route("/<int:meeting_id>/revisions")
@permission_required("meeting.view")
def revisions(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, "meeting.view")
    numbers = [r.number for r in meeting.revisions]
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if len(numbers) >= 2 and (a not in numbers or b not in numbers):
        a, b = numbers[-2], numbers[-1]
    by_number = {r.number: r for r in meeting.revisions}
    diff = meetings.compare(by_number[a], by_number[b]) if a in by_number and b in by_number else None
    return render_template("meetings/revisions.html", meeting=meeting, a=a, b=b, diff=diff)
