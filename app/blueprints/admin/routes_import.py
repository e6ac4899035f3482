"""CSV import (bulk provisioning): upload, dry-run preview, confirmation, template download.

Between the preview and the confirmation the uploaded bytes wait on the server, in
FILE_STORAGE_DIR/imports/<actor id>/<random token>.csv (mode 0600). The confirmation form
carries only the token, so the file is neither re-sent nor alterable by the browser, and a
token is useless to anyone but the user who uploaded it. The confirmation checks the file
again against the current database before writing; the file is deleted when confirmed, and
unconfirmed uploads are swept after a day.
"""

import contextlib
import secrets
import time
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.blueprints.admin import bp
from app.blueprints.admin.import_forms import ConfirmImportForm, ImportForm
from app.services import org, provisioning
from app.services.policy import permission_required

STASH_SECONDS = 24 * 3600


def _me():
    return current_user._get_current_object()


def _stash_root() -> Path:
    return Path(current_app.config["FILE_STORAGE_DIR"]) / "imports"


def _stash(data: bytes) -> str:
    """Keep an uploaded file for its confirmation; returns the token naming it."""
    root = _stash_root()
    cutoff = time.time() - STASH_SECONDS
    for old in root.glob("*/*.*"):
        with contextlib.suppress(FileNotFoundError):
            if old.stat().st_mtime < cutoff:
                old.unlink()
    token = secrets.token_urlsafe(32)
    path = root / str(current_user.id) / f"{token}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(data)
    return token


def _claim(token: str) -> bytes | None:
    """Take the stashed file for this user's confirmation, once: a second, concurrent
    confirmation of the same file finds nothing (the rename is atomic)."""
    path = _stash_root() / str(current_user.id) / f"{token}.csv"
    claimed = path.with_suffix(f".claimed-{secrets.token_hex(8)}")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        return None
    data = claimed.read_bytes()
    claimed.unlink()
    return data


def _preview(plan, invite: bool, data: bytes | None = None):
    """The dry-run page; a confirmation form only for a fresh upload that is clean and changes something."""
    form = None
    if data is not None and not plan.errors and plan.has_changes:
        form = ConfirmImportForm(token=_stash(data), kind=plan.kind, invite=invite)
    return render_template("admin/import_preview.html", plan=plan, form=form, stale=data is None)


@bp.route("/import", methods=["GET", "POST"])
@permission_required("import.run")
def import_csv():
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read(provisioning.MAX_BYTES + 1)
        try:
            plan = provisioning.plan(form.kind.data, data, _me())
        except provisioning.ProvisioningError as error:
            form.file.errors.append(str(error))
        else:
            return _preview(plan, form.invite.data, data)
    return render_template("admin/import.html", form=form, formats=provisioning.FORMATS)


@bp.route("/import/apply", methods=["POST"])
@permission_required("import.run")
def import_apply():
    form = ConfirmImportForm()
    data = _claim(form.token.data) if form.validate_on_submit() else None
    if data is None:
        flash("Проверенный файл не найден или устарел: загрузите его ещё раз.", "danger")
        return redirect(url_for("admin.import_csv"), 303)
    try:
        plan = provisioning.plan(form.kind.data, data, _me())
    except provisioning.ProvisioningError as error:
        flash(str(error), "danger")
        return redirect(url_for("admin.import_csv"), 303)
    if plan.errors:
        return _preview(plan, form.invite.data)
    if plan.has_changes:
        try:
            counts = provisioning.apply(plan, _me(), invite=form.invite.data)
        except (org.OrgError, IntegrityError):
            flash("Данные изменились во время импорта: ничего не записано. Загрузите файл ещё раз.", "danger")
            return redirect(url_for("admin.import_csv"), 303)
        flash(
            f"Импорт выполнен: создано {counts['create']}, изменено {counts['update']}, без изменений "
            f"{counts['unchanged']}; приглашений отправлено: {counts['invited']}.",
            "success",
        )
    else:
        flash("Изменений нет: эти данные уже загружены.", "info")
    return redirect(url_for("admin.import_csv"), 303)


@bp.route("/import/template/<kind>.csv")
@permission_required("import.run")
def import_template(kind: str):
    if kind not in provisioning.FORMATS:
        abort(404)
    return Response(
        provisioning.template_csv(kind),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=cxm-{kind}.csv"},
    )
