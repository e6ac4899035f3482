"""Attachments panel, upload, download, preview and delete for any registered record."""

from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from app.blueprints.files import bp
from app.blueprints.files.forms import UploadForm
from app.blueprints.htmx import render, wants_partial
from app.extensions import db, talisman
from app.models.files import Attachment
from app.services import files
from app.services.policy import can

# Served files get their own policy: Chromium's PDF viewer is an <embed> of the PDF itself, which
# the site-wide object-src 'none' blocks (crbug.com/271452); nothing else may load.
FILE_CSP = {
    "default-src": "'none'",
    "img-src": "'self'",
    "object-src": "'self'",
    "style-src": "'unsafe-inline'",
    "frame-ancestors": "'none'",
}


def _owner_or_404(object_type: str, object_id: int):
    """The owner record, if its type is registered and the user may view its attachments."""
    owner = files.load_owner(object_type, object_id)
    if owner is None or not can(current_user, "attachment.view", owner):
        abort(404)
    return owner


def _attachment_or_404(attachment_id: int) -> tuple[Attachment, object]:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.deleted_at is not None:
        abort(404)
    return attachment, _owner_or_404(attachment.object_type, attachment.object_id)


def _require_manage(owner) -> None:
    if not can(current_user, "attachment.manage", owner):
        abort(403)


def _panel_url(owner) -> str:
    return url_for("files.panel", object_type=type(owner).__name__, object_id=owner.id)


def _back(owner) -> str:
    """Where a plain form post returns: the referring page of this site, else the panel page."""
    target = urlsplit(request.referrer or "")
    if target.scheme in {"http", "https"} and target.netloc == request.host:
        return target.path + (f"?{target.query}" if target.query else "")
    return _panel_url(owner)


def _done(owner, message: str):
    """Answer a successful change: 303 to the panel (htmx) or back to the page."""
    flash(message, "success")
    return redirect(_panel_url(owner) if wants_partial() else _back(owner), 303)


def _render_panel(owner, form: UploadForm | None = None):
    object_type = type(owner).__name__
    return render(
        "files/panel_page.html",
        "files/_panel.html",
        owner=owner,
        object_type=object_type,
        attachments=files.list_for(owner),
        partial=wants_partial(),
        upload_form=form or UploadForm(id_prefix=f"att-{object_type}-{owner.id}"),
        can_manage=can(current_user, "attachment.manage", owner),
        limits_hint=files.limits_hint(),
        size_label=files.size_label,
        coordinates_label=files.coordinates_label,
        can_inline=files.can_inline,
        is_web_url=files.is_web_url,
    )


@bp.route("/panel/<object_type>/<int:object_id>")
@login_required
def panel(object_type: str, object_id: int):
    return _render_panel(_owner_or_404(object_type, object_id))


@bp.route("/upload/<object_type>/<int:object_id>", methods=["POST"])
@login_required
def upload(object_type: str, object_id: int):
    owner = _owner_or_404(object_type, object_id)
    _require_manage(owner)
    form = UploadForm(id_prefix=f"att-{object_type}-{owner.id}")
    if form.validate_on_submit():
        try:
            if form.file.data:
                attachment = files.attach_file(owner, form.file.data, current_user, form.description.data)
            else:
                attachment = files.attach_url(owner, form.url.data, current_user, form.description.data)
            db.session.commit()
            return _done(owner, f"Вложение «{attachment.label}» добавлено.")
        except files.FileRejected as error:
            db.session.rollback()
            (form.file if form.file.data else form.url).errors.append(str(error))
    if wants_partial():
        return _render_panel(owner, form)
    for errors in form.errors.values():
        for message in errors:
            flash(message, "danger")
    return redirect(_back(owner), 303)


@bp.route("/<int:attachment_id>/download")
@talisman(content_security_policy=FILE_CSP)
@login_required
def download(attachment_id: int):
    attachment, _ = _attachment_or_404(attachment_id)
    if attachment.kind != "file":  # links are shown in the panel as they are, never redirected through cxm
        abort(404)
    inline = request.args.get("inline") == "1" and files.can_inline(attachment)
    try:
        stream = files.open_file(attachment)
    except FileNotFoundError:
        abort(404)
    response = send_file(
        stream,
        mimetype=attachment.content_type,
        as_attachment=not inline,
        download_name=attachment.original_name,
        etag=attachment.sha256,
        last_modified=attachment.created_at,
    )
    response.cache_control.private = True
    return response


@bp.route("/<int:attachment_id>/preview")
@login_required
def preview(attachment_id: int):
    attachment, _ = _attachment_or_404(attachment_id)
    stream = files.thumbnail(attachment) if attachment.kind == "file" and attachment.is_image else None
    if stream is None:
        abort(404)
    response = send_file(stream, mimetype="image/jpeg", etag=f"{attachment.sha256}-thumb", max_age=3600)
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@bp.route("/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete(attachment_id: int):
    attachment, owner = _attachment_or_404(attachment_id)
    _require_manage(owner)
    files.remove(attachment, current_user)
    db.session.commit()
    return _done(owner, f"Вложение «{attachment.label}» удалено.")
