"""The production calendar: days the administrator makes working days or days off."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import extract, select
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.blueprints.admin import bp
from app.extensions import db
from app.forms import BaseForm, choices
from app.models.base import today
from app.models.calendar import CalendarOverride
from app.services import calendar
from app.services.policy import FEDERATION, can, permission_required


class OverrideForm(BaseForm):
    day = DateField("Дата", validators=[DataRequired("Укажите дату.")])
    is_working = SelectField("Этот день", choices=choices([("0", "выходной"), ("1", "рабочий")]))
    note = StringField("Основание", validators=[Length(max=300)], description="Например: постановление от … № …")
    submit = SubmitField("Сохранить")


def _federal_only() -> None:
    if not can(current_user, "settings.manage", FEDERATION):
        abort(403)  # one calendar for the whole federation


@bp.route("/calendar", methods=["GET", "POST"])
@permission_required("settings.manage")
def calendar_overrides():
    _federal_only()
    year = request.args.get("year", type=int) or today().year
    if not 1991 <= year <= 2100:
        year = today().year
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            calendar.set_override(form.day.data, form.is_working.data == "1", form.note.data, current_user)
        except calendar.CalendarError as error:
            db.session.rollback()
            form.note.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                f"{form.day.data:%d.%m.%Y} теперь {'рабочий' if form.is_working.data == '1' else 'выходной'} день.",
                "success",
            )
            return redirect(url_for("admin.calendar_overrides", year=form.day.data.year), 303)
    overrides = db.session.scalars(
        select(CalendarOverride).where(extract("year", CalendarOverride.date) == year).order_by(CalendarOverride.date)
    ).all()
    return render_template("admin/calendar.html", form=form, overrides=overrides, year=year)


@bp.route("/calendar/<day>/delete", methods=["POST"])
@permission_required("settings.manage")
def calendar_override_delete(day: str):
    _federal_only()
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    calendar.remove_override(parsed, current_user)
    db.session.commit()
    flash(f"Для {parsed:%d.%m.%Y} снова действует общий производственный календарь.", "success")
    return redirect(url_for("admin.calendar_overrides", year=parsed.year), 303)
