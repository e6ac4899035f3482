"""The document register: save and sign documents, the artefacts they approve, distribution and acknowledgement.

Signing a protocol registers it here as well, and both roads (a protocol's «утвердить» decision,
a signed order) end in `roadmap.artefact_approved`, which fills the roadmap items they deliver.
"""

from datetime import date

from sqlalchemy import or_, select

from app.extensions import db
from app.models.base import utcnow, year_problem
from app.models.documents import APPROVAL_VERBS, DOCUMENT_KINDS, Approval, Document, DocumentRecipient
from app.models.meetings import AgendaItem, Decision, Meeting
from app.models.org import User
from app.services import artefacts, audit, mail, notifications, roadmap
from app.services.policy import scope_filter

FIELDS = ("kind", "registration_number", "signed_on", "title", "issuer", "signatory", "appendices")
PILOT_ORDER_TITLE = (
    "О проведении пилотной апробации элементов методики измерения показателей клиентоцентричности "
    "в работе службы занятости населения"
)
PILOT_ORDER_APPENDICES = [
    "Приложение № 1. Состав рабочей группы",
    "Приложение № 2. Перечень центров занятости населения",
]


class DocumentError(ValueError):
    """A register change was refused; the message is for the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def ensure_draft(document: Document) -> None:
    if document.is_signed:
        raise DocumentError("Подписанный документ не изменяется.")


def _check(values: dict, document: Document | None) -> None:
    if not (values.get("title") or "").strip():
        raise DocumentError("Укажите заголовок документа.", "title")
    if values.get("kind") not in DOCUMENT_KINDS:
        raise DocumentError("Выберите вид документа.", "kind")
    if problem := year_problem(values.get("signed_on")):
        raise DocumentError(problem, "signed_on")
    number = (values.get("registration_number") or "").strip()
    if number:
        same = select(Document.id).where(
            Document.kind == values["kind"],
            Document.registration_number == number,
            Document.region_id == values.get("region_id"),  # None reads as IS NULL
        )
        if document is not None and document.id:
            same = same.where(Document.id != document.id)
        if db.session.scalar(same) is not None:
            raise DocumentError(
                f"{DOCUMENT_KINDS[values['kind']]} с номером {number} уже зарегистрирован.", "registration_number"
            )


def save(document: Document | None, values: dict, actor) -> Document:
    """Register a document or change a draft; audited."""
    if document is not None:
        ensure_draft(document)
        values = {"region_id": document.region_id, **values}
    _check(values, document)
    is_new = document is None
    if is_new:
        document = Document(created_by_id=getattr(actor, "id", None), status="draft")
        db.session.add(document)
    before = None if is_new else audit.snapshot(document, FIELDS)
    for name, value in values.items():
        setattr(document, name, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    audit.record(
        "document.create" if is_new else "document.update",
        document,
        before=before,
        after=audit.snapshot(document, FIELDS),
        actor=actor,
    )
    return document


def sign(document: Document, actor) -> Document:
    """Проект → подписан: needs its number and date; what it approves is approved on that date."""
    ensure_draft(document)
    missing = [
        label for value, label in ((document.registration_number, "номер"), (document.signed_on, "дату")) if not value
    ]
    if missing:
        raise DocumentError(f"Чтобы отметить документ подписанным, укажите {' и '.join(missing)}.")
    document.status = "signed"
    db.session.flush()
    audit.record("document.sign", document, after={"status": "signed"}, actor=actor)
    evidence = artefacts.Ref("document", document.id)
    for approval in approvals_by(document):
        approval.approved_on = document.signed_on
        roadmap.artefact_approved(approval.artefact_kind, approval.artefact_id, document.signed_on, evidence, actor)
    roadmap.artefact_approved("document", document.id, document.signed_on, evidence, actor)
    return document


def approvals_by(document: Document) -> list[Approval]:
    """What the document approves: by itself, or (a registered protocol) through its meeting's decisions."""
    if document.meeting_id is None:
        stmt = select(Approval).where(Approval.document_id == document.id)
    else:
        stmt = (
            select(Approval)
            .join(Decision, Approval.decision_id == Decision.id)
            .join(AgendaItem, Decision.item_id == AgendaItem.id)
            .where(AgendaItem.meeting_id == document.meeting_id)
        )
    return list(db.session.scalars(stmt.order_by(Approval.id)))


def approvals_of(kind: str, artefact_id: int) -> list[Approval]:
    """Dated approvals of an artefact, earliest first."""
    stmt = (
        select(Approval)
        .where(Approval.artefact_kind == kind, Approval.artefact_id == artefact_id, Approval.approved_on.is_not(None))
        .order_by(Approval.approved_on, Approval.id)
    )
    return list(db.session.scalars(stmt))


def approval_source(approval: Approval) -> tuple[str, str | None]:
    """«Протокол заседания … № …» or «Приказ от … № …», and the page it is on."""
    if approval.document_id:
        return str(approval.document), artefacts.url("document", approval.document_id)
    meeting = approval.decision.item.meeting
    return artefacts.protocol_title(meeting), artefacts.url("protocol", meeting.id)


def attach_artefact(document: Document, kind: str, artefact_id: int, verb: str, actor) -> Approval:
    """The draft document will approve (or agree) this artefact when signed."""
    ensure_draft(document)
    if verb not in APPROVAL_VERBS:
        raise DocumentError("Выберите: утверждается или согласуется.")
    if not artefacts.linkable(kind) or artefacts.load(kind, artefact_id) is None:
        raise DocumentError("Утверждаемый документ не найден.")
    if (kind, artefact_id) == ("document", document.id):
        raise DocumentError("Документ не может утверждать сам себя.")
    for approval in approvals_by(document):
        if (approval.artefact_kind, approval.artefact_id) == (kind, artefact_id):
            return approval
    approval = Approval(document_id=document.id, artefact_kind=kind, artefact_id=artefact_id, verb=verb)
    db.session.add(approval)
    db.session.flush()
    audit.record("document.approves", document, after={"approves": artefacts.title(kind, artefact_id)}, actor=actor)
    return approval


def detach_artefact(approval: Approval, actor) -> None:
    ensure_draft(approval.document)
    audit.record(
        "document.approves_remove",
        approval.document,
        before={"approves": artefacts.title(approval.artefact_kind, approval.artefact_id)},
        actor=actor,
    )
    db.session.delete(approval)
    db.session.flush()


def visible(stmt, user):
    """Narrow a query on documents to those in the user's "document.view" scope or sent to them."""
    clause = scope_filter(Document, user, "document.view")
    if clause is None:
        return stmt
    sent = select(DocumentRecipient.document_id).where(DocumentRecipient.user_id == user.id)
    return stmt.where(or_(clause, Document.id.in_(sent)))


# ---- protocols ------------------------------------------------------------------------------


def protocol_signed(meeting: Meeting, actor) -> None:
    """A signed protocol: in the register, its «утвердить» / «согласовать» decisions approve their
    artefacts on the meeting's date, and the roadmap items it delivers are filled."""
    on = meeting.starts_at.date()
    _register_protocol(meeting, on)
    evidence = artefacts.Ref("protocol", meeting.id)
    for item in meeting.items:
        for decision in item.decisions:
            if decision.verb not in APPROVAL_VERBS or not artefacts.linkable(decision.artefact_kind):
                continue
            if decision.artefact_id is None:
                continue
            exists = db.session.scalar(select(Approval.id).where(Approval.decision_id == decision.id))
            if exists is None:
                db.session.add(
                    Approval(
                        decision_id=decision.id,
                        artefact_kind=decision.artefact_kind,
                        artefact_id=decision.artefact_id,
                        verb=decision.verb,
                        approved_on=on,
                    )
                )
                db.session.flush()
                roadmap.artefact_approved(decision.artefact_kind, decision.artefact_id, on, evidence, actor)
    roadmap.artefact_approved("protocol", meeting.id, on, evidence, actor)


def _register_protocol(meeting: Meeting, on: date) -> Document:
    document = db.session.scalar(select(Document).where(Document.meeting_id == meeting.id))
    if document is None:
        document = Document(
            meeting_id=meeting.id, kind="protocol", region_id=meeting.region_id, centre_id=meeting.centre_id
        )
        db.session.add(document)
    document.title = f"Протокол заседания: {meeting.group.name}"[:500]
    document.registration_number = meeting.registration_number or ""
    document.signed_on, document.status = on, "signed"
    db.session.flush()
    return document


# ---- the pilot order of seed 003, Приложение 2 -----------------------------------------------


def pilot_order(values: dict, actor) -> Document:
    """A draft order from the template: deadline, the working group's roster (ФИО, должность, телефон,
    e-mail), the responsible persons and the centres with addresses, frozen as the order's content."""
    group, deadline = values["group"], values["deadline"]
    if deadline is None:
        raise DocumentError("Укажите, до какой даты провести апробацию.", "deadline")
    centres = values["centres"]
    if not centres:
        raise DocumentError("Выберите хотя бы один центр занятости.", "centre_ids")
    members = [m for m in group.members if m.valid_to is None]
    content = {
        "deadline": deadline.isoformat(),
        "region": group.region.name if group.region else "",
        "roster": [
            {
                "name": m.user.full_name,
                "position": m.position or m.user.position or "",
                "phone": m.user.phone or "",
                "email": m.user.email or "",
            }
            for m in members
        ],
        "responsible": [f"{u.full_name}, {u.position}" if u.position else u.full_name for u in values["responsible"]],
        "centres": [{"name": c.name, "address": c.address or ""} for c in centres],
        "group_id": group.id,
    }
    return save(
        None,
        {
            "kind": "order",
            "title": PILOT_ORDER_TITLE,
            "issuer": values.get("issuer", ""),
            "signatory": values.get("signatory", ""),
            "appendices": list(PILOT_ORDER_APPENDICES),
            "template": "pilot_order",
            "content": content,
            "region_id": group.region_id,
            "centre_id": group.centre_id,
        },
        actor,
    )


# ---- distribution and acknowledgement --------------------------------------------------------


def distribute(document: Document, users: list[User], due_on: date | None, actor) -> list[DocumentRecipient]:
    """Send the document to people who must read it by `due_on` («ознакомить под роспись»): each is
    told in-app and by e-mail; someone already on the list is not sent it twice."""
    if not users:
        raise DocumentError("Выберите, кому направить документ.", "user_ids")
    if problem := year_problem(due_on):
        raise DocumentError(problem, "due_on")
    already = {r.user_id for r in document.recipients}
    added = []
    link = notifications.path_for("documents.document", document_id=document.id)
    by = f" до {due_on:%d.%m.%Y}" if due_on else ""
    for user in users:
        if user.id in already:
            continue
        recipient = DocumentRecipient(user_id=user.id, due_on=due_on, sent_by_id=getattr(actor, "id", None))
        document.recipients.append(recipient)
        added.append(recipient)
        notifications.notify(user.id, f"Ознакомьтесь{by}: {document} «{document.title}».", link=link)
        if user.email:
            mail.send(
                user.email,
                f"Ознакомьтесь с документом: {document}",
                f"Вам направлен документ «{document.title}» ({document}).\n"
                f"Подтвердите ознакомление{by} на странице документа: {link}",
            )
    db.session.flush()
    if added:
        audit.record("document.distribute", document, after={"recipients": len(added)}, actor=actor)
    return added


def acknowledge(document: Document, user) -> DocumentRecipient:
    """The recipient confirms having read the document (an in-app «под роспись»); once."""
    recipient = next((r for r in document.recipients if r.user_id == user.id), None)
    if recipient is None:
        raise DocumentError("Этот документ вам не направлялся.")
    if recipient.acknowledged_at is None:
        recipient.acknowledged_at = utcnow()
        audit.record("document.acknowledge", document, after={"acknowledged": True}, actor=user)
    return recipient
