"""API v1: the document register (orders, protocols, letters, approval sheets) — read only.

A caller sees the documents in the scope of their document.view right and, wherever they are, the
documents sent to them for acknowledgement (the policy's grant). Who a document went to and who
has confirmed reading it is shown to those who may manage the document; a recipient sees their own
row. Every address answers GET alone: PUT, PATCH, POST and DELETE get a 405.
"""

from flask import g, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.blueprints.api import bp, schemas
from app.blueprints.api.routes import NOT_FOUND, ApiError, _choice_arg, _page, _page_json
from app.extensions import db
from app.models.documents import DOCUMENT_KINDS, DOCUMENT_STATUSES, Document, DocumentRecipient
from app.services import documents, org
from app.services.policy import can

PERMISSION = "document.view"


@bp.get("/documents")
def document_list():
    """The register as the caller may see it, latest signed first, drafts last."""
    user = g.api_user
    stmt = org.search(documents.visible(select(Document), user), Document, request.args.get("q"))
    kind, status = _choice_arg("kind", DOCUMENT_KINDS), _choice_arg("status", DOCUMENT_STATUSES)
    if kind is not None:
        stmt = stmt.where(Document.kind == kind)
    if status is not None:
        stmt = stmt.where(Document.status == status)
    stmt = stmt.options(selectinload(Document.region), selectinload(Document.centre))
    page = _page(stmt.order_by(Document.signed_on.desc().nulls_last(), Document.id.desc()))
    return _page_json(page, [schemas.document(d) for d in page.items])


@bp.get("/documents/<int:document_id>")
def document_detail(document_id: int):
    """A document with what it approves and what approved it, and its distribution for managers."""
    user = g.api_user
    document = db.session.scalar(
        select(Document)
        .where(Document.id == document_id)
        .options(selectinload(Document.recipients).selectinload(DocumentRecipient.user))
    )
    if document is None or not can(user, PERMISSION, document):
        raise ApiError(404, NOT_FOUND)
    return jsonify(
        schemas.document_detail(
            document,
            user,
            documents.approvals_by(document),
            documents.approvals_of("document", document.id),
            can(user, "document.manage", document),
        )
    )
