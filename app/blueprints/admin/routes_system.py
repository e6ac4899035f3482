"""Audit log and its export, the mail outbox, site settings."""

import csv
import io
from datetime import datetime

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.blueprints.admin import bp
from app.blueprints.admin.forms import SettingsForm
from app.blueprints.htmx import render
from app.extensions import db
from app.models.audit import AuditEvent
from app.models.mail import OutboxMessage
from app.services import audit, personal_data
from app.services.policy import FEDERATION, can, permission_required, scoped

AUDIT_EXPORT_LIMIT = 100_000


def _audit_query():
    stmt = scoped(select(AuditEvent), AuditEvent, current_user, "audit.view")
    if request.args.get("action"):
        stmt = stmt.where(AuditEvent.action.startswith(request.args["action"], autoescape=True))
    if request.args.get("object_type"):
        stmt = stmt.where(AuditEvent.object_type == request.args["object_type"])
    for arg, op in (("date_from", "__ge__"), ("date_to", "__le__")):
        value = request.args.get(arg)
        if value:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                flash("Дата должна быть в формате ГГГГ-ММ-ДД.", "danger")
                continue
            if arg == "date_to":
                moment = moment.replace(hour=23, minute=59, second=59)
            stmt = stmt.where(getattr(AuditEvent.at, op)(moment))
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


@bp.route("/audit", endpoint="audit")
@permission_required("audit.view")
def audit_log():
    page = db.paginate(_audit_query(), per_page=50, error_out=False)
    args = {k: request.args.get(k, "") for k in ("action", "object_type", "date_from", "date_to")}
    return render("admin/audit.html", "admin/_audit.html", page=page, args=args)


@bp.route("/audit/export.csv")
@permission_required("audit.export")
def audit_export():
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Дата и время (UTC)", "Сотрудник", "Действие", "Объект", "ID", "Название", "До", "После", "IP"])
    for event in db.session.scalars(_audit_query().limit(AUDIT_EXPORT_LIMIT)):
        writer.writerow(
            [
                event.at.isoformat(sep=" ", timespec="seconds"),
                event.actor.full_name if event.actor else "система",
                event.action,
                event.object_type,
                event.object_id or "",
                event.object_label,
                event.before or "",
                event.after or "",
                event.ip or "",
            ]
        )
    audit.record(
        "audit.export",
        object_type="AuditEvent",
        label="Выгрузка журнала аудита",
        after={k: v for k, v in request.args.items()},
    )
    db.session.commit()
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit.csv"},
    )


def _federal_only(permission: str) -> None:
    """Mail is not scoped to a region: only federal-level holders may read it."""
    if not can(current_user, permission, FEDERATION):
        abort(403)


@bp.route("/outbox")
@permission_required("outbox.view")
def outbox():
    _federal_only("outbox.view")
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    page = db.paginate(stmt, per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("admin/outbox.html", page=page)


@bp.route("/outbox/<int:message_id>")
@permission_required("outbox.view")
def outbox_message(message_id: int):
    _federal_only("outbox.view")
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("admin/outbox_message.html", message=message)


@bp.route("/settings", methods=["GET", "POST"])
@permission_required("settings.manage")
def settings():
    form = SettingsForm()
    if request.method == "GET":
        form.retention_days.data = str(personal_data.retention_days())
    if form.validate_on_submit():
        days = int(form.retention_days.data)
        if not 30 <= days <= 36500:
            form.retention_days.errors.append("Укажите целое число дней (от 30 до 36500).")
        else:
            personal_data.set_retention_days(days, actor=current_user._get_current_object())
            db.session.commit()
            flash("Настройки сохранены.", "success")
            return redirect(url_for("admin.settings"), 303)
    return render_template("admin/settings.html", form=form)
