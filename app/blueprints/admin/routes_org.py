"""Regions, centres, departments, users and their roles."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.blueprints.admin import bp
from app.blueprints.admin.forms import CentreForm, ContactForm, DepartmentForm, RegionForm, RoleForm, UserForm
from app.blueprints.htmx import render
from app.blueprints.listing import arg_id, paginate
from app.extensions import db
from app.forms import choices
from app.models.org import Centre, Department, Region, RoleAssignment, User
from app.services import audit, auth, org, personal_data
from app.services.policy import FEDERATION, Scope, can, get_or_404, permission_required, scoped


def _me():
    return current_user._get_current_object()


def _aliases(text: str | None) -> list[str]:
    return [a.strip() for a in (text or "").split(";") if a.strip()]


def _visible(model, permission="org.view"):
    return scoped(select(model), model, current_user, permission)


def _choices(model, permission, blank="— не выбрано —", where=None):
    label = "full_name" if model is User else "name"
    stmt = _visible(model, permission).order_by(getattr(model, label))
    if where is not None:
        stmt = stmt.where(where)
    return choices([(0, blank)] + [(o.id, getattr(o, label)) for o in db.session.scalars(stmt)])


# ---- regions -------------------------------------------------------------------------------


@bp.route("/regions")
@permission_required("org.view")
def regions():
    q = request.args.get("q", "")
    stmt = org.search(_visible(Region), Region, q)
    stmt, sort = org.sort(stmt, {"name": Region.name, "created": Region.created_at}, request.args.get("sort"), "name")
    return render("admin/regions.html", "admin/_regions.html", page=paginate(stmt), q=q, sort=sort)


def _region_form(region: Region | None) -> RegionForm:
    form = RegionForm(obj=region)
    if request.method == "GET" and region is not None:
        form.aliases.data = "; ".join(region.aliases)
    where = Centre.region_id == region.id if region and region.id else Centre.id.is_(None)
    form.managing_centre_id.choices = _choices(Centre, "org.view", where=where)
    return form


@bp.route("/regions/new", methods=["GET", "POST"])
@bp.route("/regions/<int:region_id>/edit", methods=["GET", "POST"])
@permission_required("org.manage")
def region_edit(region_id: int | None = None):
    region = get_or_404(Region, region_id, "org.manage") if region_id else None
    if region is None and not can(current_user, "org.manage", FEDERATION):
        abort(403)  # a new region is a federal-level act
    form = _region_form(region)
    if form.validate_on_submit():
        duplicate = db.session.scalar(select(Region).where(Region.name == form.name.data.strip()))
        if duplicate is not None and duplicate is not region:
            form.name.errors.append("Регион с таким названием уже есть.")
        else:
            region = org.save(
                region or Region(),
                {
                    "name": form.name.data.strip(),
                    "aliases": _aliases(form.aliases.data),
                    "authority_name": form.authority_name.data.strip(),
                    "network_type": form.network_type.data,
                    "managing_centre_id": form.managing_centre_id.data or None,
                },
                actor=_me(),
            )
            db.session.commit()
            flash("Регион сохранён.", "success")
            return redirect(url_for("admin.region", region_id=region.id), 303)
    return render_template("admin/region_form.html", form=form, region=region)


@bp.route("/regions/<int:region_id>")
@permission_required("org.view")
def region(region_id: int):
    region = get_or_404(Region, region_id, "org.view")
    centres = db.session.scalars(_visible(Centre).where(Centre.region_id == region.id).order_by(Centre.name)).all()
    return render_template("admin/region.html", region=region, centres=centres, history=audit.history(region))


# ---- centres -------------------------------------------------------------------------------


@bp.route("/centres")
@permission_required("org.view")
def centres():
    q = request.args.get("q", "")
    region_id = arg_id("region")
    stmt = org.search(_visible(Centre), Centre, q)
    if region_id:
        stmt = stmt.where(Centre.region_id == region_id)
    if request.args.get("pilot"):
        stmt = stmt.where(Centre.is_pilot.is_(True))
    stmt, sort = org.sort(stmt, {"name": Centre.name, "region": Centre.region_id}, request.args.get("sort"), "name")
    regions = db.session.scalars(_visible(Region).order_by(Region.name)).all()
    args = {"q": q, "region": region_id or "", "pilot": request.args.get("pilot", "")}
    return render(
        "admin/centres.html",
        "admin/_centres.html",
        page=paginate(stmt),
        q=q,
        sort=sort,
        regions=regions,
        args=args,
        region_id=region_id,
    )


@bp.route("/centres/new", methods=["GET", "POST"])
@bp.route("/centres/<int:centre_id>/edit", methods=["GET", "POST"])
@permission_required("org.manage")
def centre_edit(centre_id: int | None = None):
    centre = get_or_404(Centre, centre_id, "org.manage") if centre_id else None
    form = CentreForm(obj=centre)
    if request.method == "GET" and centre is not None:
        form.aliases.data = "; ".join(centre.aliases)
    if request.method == "GET" and centre is None:
        form.region_id.data = arg_id("region")
    form.region_id.choices = _choices(Region, "org.manage", blank="— выберите регион —")
    form.parent_id.choices = _choices(Centre, "org.manage", blank="— нет, самостоятельный центр —")
    if form.validate_on_submit():
        region = db.session.get(Region, form.region_id.data)
        parent = db.session.get(Centre, form.parent_id.data) if form.parent_id.data else None
        if region is None or not can(current_user, "org.manage", Scope(region.id, None)):
            form.region_id.errors.append("Выберите регион из списка.")
        elif problem := org.parent_problem(centre, region.id, parent):
            form.parent_id.errors.append(problem)
        else:
            centre = org.save(
                centre or Centre(),
                {
                    "name": form.name.data.strip(),
                    "aliases": _aliases(form.aliases.data),
                    "region_id": region.id,
                    "parent_id": parent.id if parent else None,
                    "address": form.address.data.strip(),
                    "working_hours": form.working_hours.data.strip(),
                    "is_pilot": form.is_pilot.data,
                    "is_modernised": form.is_modernised.data,
                    "is_flagship": form.is_flagship.data,
                },
                actor=_me(),
            )
            db.session.commit()
            flash("Центр сохранён.", "success")
            return redirect(url_for("admin.centre", centre_id=centre.id), 303)
    return render_template("admin/centre_form.html", form=form, centre=centre)


@bp.route("/centres/<int:centre_id>")
@permission_required("org.view")
def centre(centre_id: int):
    centre = get_or_404(Centre, centre_id, "org.view")
    contact_form = ContactForm(valid_from=date.today())
    contact_form.user_id.choices = _choices(User, "user.view", where=User.centre_id == centre.id)
    return render_template(
        "admin/centre.html",
        centre=centre,
        department_form=DepartmentForm(),
        contact_form=contact_form,
        contact=org.current_contact(centre),
        contacts=org.contact_history(centre),
        history=audit.history(centre),
    )


@bp.route("/centres/<int:centre_id>/departments", methods=["POST"])
@permission_required("org.manage")
def department_add(centre_id: int):
    centre = get_or_404(Centre, centre_id, "org.manage")
    form = DepartmentForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if any(d.name.lower() == name.lower() for d in centre.departments):
            flash("Такой отдел в центре уже есть.", "danger")
        else:
            org.save(Department(), {"name": name, "centre_id": centre.id}, actor=_me())
            db.session.commit()
            flash("Отдел добавлен.", "success")
    else:
        flash("Укажите название отдела (до 300 символов).", "danger")
    return redirect(url_for("admin.centre", centre_id=centre.id), 303)


@bp.route("/centres/<int:centre_id>/contact", methods=["POST"])
@permission_required("org.manage")
def centre_contact(centre_id: int):
    centre = get_or_404(Centre, centre_id, "org.manage")
    form = ContactForm()
    form.user_id.choices = _choices(User, "user.view", where=User.centre_id == centre.id)
    if form.validate_on_submit():
        user = get_or_404(User, form.user_id.data, "user.view")
        org.set_contact(centre, user, form.valid_from.data, actor=_me())
        db.session.commit()
        flash("Ответственное лицо назначено; прежнее сохранено в истории.", "success")
    else:
        flash("Выберите сотрудника центра и дату.", "danger")
    return redirect(url_for("admin.centre", centre_id=centre.id), 303)


# ---- users ---------------------------------------------------------------------------------


@bp.route("/users")
@permission_required("user.view")
def users():
    q = request.args.get("q", "")
    stmt = org.search_users(_visible(User, "user.view"), q, current_user)
    if request.args.get("role"):
        stmt = stmt.where(User.roles.any(RoleAssignment.role == request.args["role"]))
    stmt, sort = org.sort(
        stmt,
        {"name": User.full_name, "position": User.position, "login": User.last_login_at},
        request.args.get("sort"),
        "name",
    )
    page = paginate(stmt)
    personal_data.record_access(page.items, "view")
    db.session.commit()
    args = {"q": q, "role": request.args.get("role", "")}
    return render("admin/users.html", "admin/_users.html", page=page, q=q, sort=sort, args=args)


def _user_form(user: User | None) -> UserForm:
    form = UserForm(obj=user)
    form.region_id.choices = _choices(Region, "user.manage")
    form.centre_id.choices = _choices(Centre, "user.manage")
    form.department_id.choices = _choices(Department, "user.manage")
    return form


def _placement(form: UserForm) -> Scope:
    """Where a user works: the department decides the centre, the centre the region."""
    if form.department_id.data:
        department = db.session.get(Department, form.department_id.data)
        return Scope(department.region_id, department.centre_id)
    if form.centre_id.data:
        return Scope(db.session.get(Centre, form.centre_id.data).region_id, form.centre_id.data)
    return Scope(form.region_id.data or None, None)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required("user.manage")
def user_edit(user_id: int | None = None):
    user = get_or_404(User, user_id, "user.manage") if user_id else None
    form = _user_form(user)
    if user is not None and request.method == "GET":
        personal_data.record_access([user], "view")
        db.session.commit()
    if form.validate_on_submit():
        scope = _placement(form)
        if org.email_taken(form.email.data, user.id if user else None):
            form.email.errors.append("Сотрудник с такой электронной почтой уже есть.")
        elif not can(current_user, "user.manage", scope):
            form.centre_id.errors.append("Вы не можете размещать сотрудников в этой области.")
        else:
            is_new = user is None
            user = org.save(
                user or User(),
                {
                    "full_name": " ".join(form.full_name.data.split()),
                    "position": form.position.data.strip(),
                    "email": form.email.data.strip().lower(),
                    "phone": (form.phone.data or "").strip(),
                    "region_id": scope.region_id,
                    "centre_id": scope.centre_id,
                    "department_id": form.department_id.data or None,
                    "active": form.active.data,
                },
                actor=_me(),
            )
            if is_new and form.invite.data:
                auth.send_password_link(user, invitation=True, actor=_me())
            db.session.commit()
            flash(
                "Сотрудник сохранён." + (" Приглашение отправлено." if is_new and form.invite.data else ""), "success"
            )
            return redirect(url_for("admin.user", user_id=user.id), 303)
    return render_template("admin/user_form.html", form=form, user=user)


def _role_form() -> RoleForm:
    form = RoleForm()
    scopes = [("federation", "Федеральный уровень")] if can(current_user, "role.grant", FEDERATION) else []
    scopes += [
        (f"region:{r.id}", r.name) for r in db.session.scalars(_visible(Region, "role.grant").order_by(Region.name))
    ]
    scopes += [
        (f"centre:{c.id}", f"{c.name} ({c.region.name})")
        for c in db.session.scalars(_visible(Centre, "role.grant").order_by(Centre.name))
    ]
    scopes += [
        (f"department:{d.id}", f"{d.centre.name} / {d.name}")
        for d in db.session.scalars(_visible(Department, "role.grant").order_by(Department.name))
    ]
    form.scope.choices = choices(scopes)
    return form


@bp.route("/users/<int:user_id>")
@permission_required("user.view")
def user(user_id: int):
    user = get_or_404(User, user_id, "user.view")
    personal_data.record_access([user], "view")
    db.session.commit()
    return render_template(
        "admin/user.html",
        user=user,
        role_form=_role_form() if can(current_user, "role.grant") else None,
        history=audit.history(user),
    )


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@permission_required("role.grant")
def user_role_add(user_id: int):
    user = get_or_404(User, user_id, "user.view")
    form = _role_form()
    if form.validate_on_submit():
        kind, _, raw_id = form.scope.data.partition(":")
        ids = {
            "region": {"region_id": int(raw_id)} if raw_id else {},
            "centre": {"centre_id": int(raw_id)} if raw_id else {},
            "department": {"department_id": int(raw_id)} if raw_id else {},
        }.get(kind, {})
        try:
            org.assign_role(user, form.role.data, actor=_me(), **ids)
            db.session.commit()
            flash("Роль назначена.", "success")
        except org.OrgError as error:
            db.session.rollback()
            flash(str(error), "danger")
    else:
        flash("Выберите роль и область из списка.", "danger")
    return redirect(url_for("admin.user", user_id=user.id), 303)


@bp.route("/users/<int:user_id>/roles/<int:assignment_id>/delete", methods=["POST"])
@permission_required("role.grant")
def user_role_remove(user_id: int, assignment_id: int):
    user = get_or_404(User, user_id, "user.view")
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user.id:
        abort(404)
    try:
        org.remove_role(assignment, actor=_me())
        db.session.commit()
        flash("Роль снята.", "success")
    except org.OrgError as error:
        flash(str(error), "danger")
    return redirect(url_for("admin.user", user_id=user.id), 303)


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
@permission_required("user.manage")
def user_reset(user_id: int):
    user = get_or_404(User, user_id, "user.manage")
    auth.send_password_link(user, invitation=False, actor=_me())
    db.session.commit()
    flash(f"Ссылка для смены пароля отправлена на {user.email}.", "success")
    return redirect(url_for("admin.user", user_id=user.id), 303)
