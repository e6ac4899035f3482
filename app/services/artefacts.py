"""Artefacts: the records a protocol or an order approves and a roadmap item delivers, named by kind and id.

Kinds the product does not hold as records yet (portrait, KPI set, journey, solution map,
measurement results) can be named as what an item delivers; their areas register a model here
when they land, and from then on they can be linked and approved like the others.
"""

from typing import NamedTuple

from sqlalchemy import select

from app.extensions import db
from app.models.documents import Document
from app.models.meetings import Meeting
from app.models.roadmap import Roadmap
from app.services import notifications
from app.services.policy import scoped

ARTEFACT_KINDS = {
    "protocol": "Протокол",
    "document": "Документ",
    "roadmap": "Дорожная карта",
    "portrait": "Портрет клиента",
    "kpi_set": "Клиентские показатели эффективности",
    "journey": "Карта пути клиента",
    "solution_map": "Карта решений",
    "measurement": "Результаты замеров",
}


class Kind(NamedTuple):
    model: type
    endpoint: str  # the record's page
    id_arg: str
    permission: str  # to see it


# Kinds held as records, by kind.
RECORDS = {
    "protocol": Kind(Meeting, "meetings.meeting", "meeting_id", "meeting.view"),
    "document": Kind(Document, "documents.document", "document_id", "document.view"),
    "roadmap": Kind(Roadmap, "roadmap.roadmap", "roadmap_id", "roadmap.view"),
}


class Ref(NamedTuple):
    """An artefact named by kind and, when it is a record, id."""

    kind: str
    id: int | None = None

    @property
    def kind_label(self) -> str:
        return ARTEFACT_KINDS.get(self.kind, self.kind)


def linkable(kind: str) -> bool:
    return kind in RECORDS


def load(kind: str, artefact_id: int | None):
    """The record, or None for a kind without records, a missing id or a deleted record."""
    spec = RECORDS.get(kind)
    if spec is None or artefact_id is None:
        return None
    return db.session.get(spec.model, artefact_id)


def title(kind: str, artefact_id: int | None) -> str:
    """How documents cite it: «Протокол заседания … от 05.08.2021 № …», «Дорожная карта «…»»."""
    record = load(kind, artefact_id)
    label = ARTEFACT_KINDS.get(kind, kind)
    if record is None:
        return label
    if kind == "protocol":
        return protocol_title(record)
    if kind == "roadmap":
        named = record.title.lstrip('«"').lower().startswith(label.lower())  # «Дорожная карта» по …
        return record.title if named else f"{label} «{record.title}»"
    return str(record)


def protocol_title(meeting: Meeting) -> str:
    """«Протокол заседания рабочей группы от 05.08.2021 № Сл-523-452756/21»."""
    text = f"Протокол заседания рабочей группы от {meeting.starts_at:%d.%m.%Y}"
    number = meeting.registration_number or (str(meeting.number) if meeting.number else "")
    return f"{text} № {number}" if number else text


def url(kind: str, artefact_id: int | None) -> str | None:
    spec = RECORDS.get(kind)
    if spec is None or artefact_id is None:
        return None
    return notifications.path_for(spec.endpoint, **{spec.id_arg: artefact_id}) or None  # jobs have no request


def permission(kind: str) -> str | None:
    spec = RECORDS.get(kind)
    return spec.permission if spec else None


def choices(user, region_id: int | None, limit: int = 200) -> list[tuple[str, str]]:
    """Options for «what is approved / delivered»: every kind by name, then the region's roadmaps and
    documents the user may see, as "kind" or "kind:id" values (`parse`)."""
    kinds = [(kind, f"{label} (без ссылки на запись)") for kind, label in ARTEFACT_KINDS.items()]
    return [("", "—"), *kinds, *records(user, region_id, limit=limit)]


def records(user, region_id: int | None, protocols: bool = False, limit: int = 200) -> list[tuple[str, str]]:
    """The region's roadmaps and documents (and, if asked, signed protocols) the user may see, newest
    first, as "kind:id" options."""
    options = []
    if protocols:
        meetings = scoped(select(Meeting), Meeting, user, "meeting.view").where(
            Meeting.region_id == region_id, Meeting.status == "signed"
        )
        for meeting in db.session.scalars(meetings.order_by(Meeting.starts_at.desc()).limit(limit)):
            options.append((f"protocol:{meeting.id}", protocol_title(meeting)))
    roadmaps = scoped(select(Roadmap), Roadmap, user, "roadmap.view").where(Roadmap.region_id == region_id)
    for roadmap in db.session.scalars(roadmaps.order_by(Roadmap.id.desc()).limit(limit)):
        options.append((f"roadmap:{roadmap.id}", title("roadmap", roadmap.id)))
    documents = scoped(select(Document), Document, user, "document.view").where(
        Document.region_id == region_id, Document.kind != "protocol"
    )
    for document in db.session.scalars(documents.order_by(Document.id.desc()).limit(limit)):
        options.append((f"document:{document.id}", f"{document} «{document.title}»"))
    return options


def parse(value: str | None) -> Ref | None:
    """ "roadmap:12" → Ref("roadmap", 12); "journey" → Ref("journey"); "" → None; anything else → ValueError."""
    if not value:
        return None
    kind, _, number = value.partition(":")
    if kind not in ARTEFACT_KINDS or (number and not number.isdigit()):
        raise ValueError(value)
    return Ref(kind, int(number) if number else None)
