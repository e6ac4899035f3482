"""Audit log and its export, the mail outbox, site settings."""

import csv
import io
import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, StringField
from wtforms.validators import Optional, ValidationError

from app.blueprints.admin import bp
from app.blueprints.admin.forms import SettingsForm
from app.blueprints.htmx import render
from app.blueprints.listing import paginate
from app.extensions import db
from app.forms import BaseForm
from app.models.mail import OutboxMessage
from app.services import audit, personal_data
from app.services.policy import FEDERATION, can, permission_required

AUDIT_EXPORT_LIMIT = 100_000
AUDIT_FILTERS = ("action", "object_type", "date_from", "date_to")
DATE_MESSAGE = "Дата должна быть в формате ГГГГ-ММ-ДД."
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Date(DateField):
    """A yyyy-mm-dd date (what <input type=date> sends) with a Russian message when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(DATE_MESSAGE) from error


class AuditFilterForm(BaseForm):
    """Filters of the audit log; dates are Moscow dates, both ends included."""

    class Meta:
        csrf = False

    action = StringField("Действие начинается с", validators=[Optional()])
    object_type = StringField("Тип объекта", validators=[Optional()])
    date_from = _Date("С даты", validators=[Optional()], format="%Y-%m-%d")
    date_to = _Date("По дату", validators=[Optional()], format="%Y-%m-%d")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Дата «по» не может быть раньше даты «с».")


def _audit_filters() -> AuditFilterForm:
    form = AuditFilterForm(formdata=request.args)
    form.validate()
    return form


def _audit_query(form: AuditFilterForm):
    """Events the current user may see, filtered by the valid fields of `form`."""

    def valid(field):
        return None if field.errors else field.data

    return audit.search(
        current_user,
        action=valid(form.action),
        object_type=valid(form.object_type),
        first=valid(form.date_from),
        last=valid(form.date_to),
        zone=current_app.config.get("BABEL_DEFAULT_TIMEZONE", audit.LOCAL_ZONE),
    )


def _render_audit_log(form: AuditFilterForm, status: int = 200):
    page = paginate(_audit_query(form), per_page=50)
    args = {k: request.args[k] for k in AUDIT_FILTERS if request.args.get(k)}
    return render("admin/audit.html", "admin/_audit.html", page=page, args=args, form=form), status


@bp.route("/audit", endpoint="audit")
@permission_required("audit.view")
def audit_log():
    return _render_audit_log(_audit_filters())


def csv_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_PREFIXES) else text


def _json(values) -> str:
    return json.dumps(values, ensure_ascii=False) if values else ""


@bp.route("/audit/export.csv")
@permission_required("audit.export")
def audit_export():
    form = _audit_filters()
    if form.errors:  # an export must not silently widen to everything
        return _render_audit_log(form, 400)
    viewer = current_user._get_current_object()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Дата и время (UTC)", "Сотрудник", "Действие", "Объект", "ID", "Название", "До", "После", "IP"])
    for event in db.session.scalars(_audit_query(form).limit(AUDIT_EXPORT_LIMIT)):
        row = [
            event.at.isoformat(sep=" ", timespec="seconds"),
            personal_data.shown(event.actor, "full_name", viewer) if event.actor else "система",
            event.action,
            event.object_type,
            event.object_id or "",
            personal_data.shown_label(event, viewer),
            _json(audit.masked_values(event, event.before, viewer)),
            _json(audit.masked_values(event, event.after, viewer)),
            event.ip or "",
        ]
        writer.writerow([csv_cell(cell) for cell in row])
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
    page = paginate(stmt)
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
