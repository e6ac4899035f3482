"""The user's notifications: list, open (marks read, then goes to the internal link), mark read, settings."""

from dataclasses import asdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.blueprints.htmx import render
from app.blueprints.listing import paginate
from app.blueprints.notifications import bp
from app.blueprints.notifications.forms import ReminderRuleForm
from app.extensions import db
from app.services import notifications, reminders, tasks


def _me():
    return current_user._get_current_object()


def _own_or_404(notification_id: int):
    """Only the addressee may open or mark a notification; anyone else gets a 404, not a 403."""
    notification = notifications.get_own(current_user, notification_id)
    if notification is None:
        abort(404)
    return notification


@bp.route("/")
@login_required
def index():
    unread_only = request.args.get("unread") == "1"
    page = paginate(notifications.for_user(current_user, unread_only=unread_only))
    return render(
        "notifications/index.html",
        "notifications/_list.html",
        page=page,
        unread_only=unread_only,
        unread=notifications.unread_count(current_user),
        args={"unread": "1"} if unread_only else {},
    )


@bp.route("/<int:notification_id>/open")
@login_required
def open_link(notification_id: int):
    """Mark the notification read and follow its link — a path on this site, never anything else."""
    notification = _own_or_404(notification_id)
    notifications.mark_read(notification)
    db.session.commit()
    link = notifications.internal_link(notification.link)
    if link is None:
        if notification.link:
            flash("Ссылка уведомления ведёт за пределы cxm и не открыта.", "warning")
        return redirect(url_for("notifications.index"), 303)
    return redirect(request.script_root + link, 303)


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    notification = _own_or_404(notification_id)
    notifications.mark_read(notification)
    db.session.commit()
    return redirect(url_for("notifications.index", **_back_args()), 303)


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read():
    count = notifications.mark_all_read(_me())
    db.session.commit()
    flash("Все уведомления отмечены прочитанными." if count else "Непрочитанных уведомлений нет.", "success")
    return redirect(url_for("notifications.index"), 303)


def _back_args() -> dict:
    """The list page the form was sent from (its filter and page), to return to."""
    args = {}
    if request.form.get("unread") == "1":
        args["unread"] = "1"
    page = request.form.get("page", type=int)
    if page and 1 < page <= 100_000:
        args["page"] = page
    return args


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    rule = reminders.rule_for(current_user)
    form = ReminderRuleForm(data=asdict(rule))
    if form.validate_on_submit():
        try:
            reminders.save_rule(
                _me(),
                {
                    "on_due_day": form.on_due_day.data,
                    "days_before": form.days_before.data,
                    "overdue_every": form.overdue_every.data,
                    "email_digest": form.email_digest.data,
                },
            )
        except reminders.ReminderError as error:
            form.days_before.errors.append(str(error))
        else:
            db.session.commit()
            flash("Правила напоминаний сохранены.", "success")
            return redirect(url_for("notifications.settings"), 303)
    return render_template(
        "notifications/settings.html",
        form=form,
        escalate_after=tasks.working_days_text(reminders.escalate_after()),
    )
