"""The pilot report (Отчет о результатах пилотной апробации), its package for ФЦК, and submissions.

§1 is the roadmap's execution read from the roadmap itself (one row per item, in roadmap
order); §2 (remarks and proposals) and §3 (effects) are free numbered rows. The attachments
are every artefact the items cite as evidence plus the roadmap and what approved it. The
package is a ZIP of the report and each attachment in the forms the areas provide, built by
an RQ job. A region submits its order, working group, roadmap and report to ФЦК, which accepts
them or returns them with a «запрос недостающих данных».
"""

import io
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from docx import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.base import today
from app.models.documents import Document
from app.models.jobs import JobRun
from app.models.meetings import Meeting, WorkingGroup
from app.models.org import Region
from app.models.reports import (
    REPORT_SECTIONS,
    SUBMISSION_KINDS,
    SUBMISSION_STATUSES,
    PilotReport,
    ReportRow,
    Submission,
    SubmissionEvent,
)
from app.models.roadmap import Roadmap, RoadmapBlock, RoadmapItem, RoadmapItemDepartment, RoadmapItemPerson
from app.services import artefacts, audit, documents, files, meetings, order_docx, protocol_docx, roadmap
from app.services.policy import can, scoped

DEFAULT_TITLE = (
    "Отчет о результатах пилотной апробации элементов методики измерения показателей клиентоцентричности "
    "в работе службы занятости населения"
)
SECTION_ONE_TITLE = "Отчет о результатах исполнения мероприятий в соответствии с дорожной картой"
SECTION_ONE_HEADERS = (
    "№ п/п",
    "Мероприятие",
    "Результат",
    "Дата исполнения",
    "Примечание (дополнительные материалы, приложения)",
)
ROADMAP_HEADERS = ("№", "Мероприятие", "Срок", "Ответственный", "Результат", "Дата исполнения", "Статус")
MAX_ROW_TEXT = 5000
MAX_COMMENT = 5000
SHEET_TITLES = {"remarks": "2. Замечания и предложения", "effects": "3. Эффекты"}  # no «/» in a sheet name
PACKAGE_KIND = "report_package"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportError(ValueError):
    """A report or submission change was refused; the message is for the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# ---- the report and its §2/§3 rows -----------------------------------------------------------


def create(roadmap_: Roadmap, title: str, actor) -> PilotReport:
    """A report on a roadmap, in the roadmap's region and centre; audited."""
    title = (title or "").strip()
    if not title:
        raise ReportError("Укажите название отчёта.", "title")
    report = PilotReport(
        roadmap_id=roadmap_.id,
        title=title[:500],
        region_id=roadmap_.region_id,
        centre_id=roadmap_.centre_id,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        "report.create",
        report,
        after={"title": report.title, "roadmap": artefacts.title("roadmap", roadmap_.id)},
        actor=actor,
        label=report.title,
    )
    return report


def rename(report: PilotReport, title: str, actor) -> PilotReport:
    title = (title or "").strip()
    if not title:
        raise ReportError("Укажите название отчёта.", "title")
    if title != report.title:
        before = report.title
        report.title = title[:500]
        audit.record("report.update", report, before={"title": before}, after={"title": report.title}, actor=actor)
    return report


def _check_section(section: str) -> None:
    if section not in REPORT_SECTIONS:
        raise ReportError("Такого раздела в отчёте нет.")


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ReportError("Впишите текст строки.", "text")
    if len(text) > MAX_ROW_TEXT:
        raise ReportError(f"Текст строки длиннее {MAX_ROW_TEXT} символов: сократите его.", "text")
    return text


def add_row(report: PilotReport, section: str, text: str, actor) -> ReportRow:
    """A new numbered row at the end of §2 or §3."""
    _check_section(section)
    text = _check_text(text)
    position = max((row.position for row in report.section(section)), default=0) + 1
    row = ReportRow(section=section, position=position, text=text)
    report.rows.append(row)
    db.session.flush()
    audit.record(
        "report.update",
        report,
        after={"section": REPORT_SECTIONS[section], "number": position, "text": text},
        actor=actor,
        label=report.title,
    )
    return row


def edit_row(row: ReportRow, text: str, actor) -> ReportRow:
    text = _check_text(text)
    if text != row.text:
        before = row.text
        row.text = text
        audit.record(
            "report.update",
            row.report,
            before={"section": REPORT_SECTIONS[row.section], "number": row.position, "text": before},
            after={"section": REPORT_SECTIONS[row.section], "number": row.position, "text": text},
            actor=actor,
            label=row.report.title,
        )
    return row


def remove_row(row: ReportRow, actor) -> None:
    """Delete a row; the rows after it move up so the numbering has no gaps."""
    report = row.report
    audit.record(
        "report.update",
        report,
        before={"section": REPORT_SECTIONS[row.section], "number": row.position, "text": row.text},
        actor=actor,
        label=report.title,
    )
    section, position = row.section, row.position
    report.rows.remove(row)
    for other in report.section(section):
        if other.position > position:
            other.position -= 1
    db.session.flush()


# ---- §1: the roadmap's execution -------------------------------------------------------------


@dataclass(frozen=True)
class ExecutionRow:
    """A row of §1: one roadmap item with its fact."""

    number: str
    title: str
    result: str
    done: str
    note_lines: tuple[str, ...]
    item_id: int

    @property
    def note(self) -> str:
        return "\n".join(self.note_lines)


def roadmap_items(roadmap_: Roadmap) -> list[RoadmapItem]:
    """Every item in roadmap order: block by block, each block's items by position.

    Blocks, items and their evidence are read in three queries, not one per item."""
    db.session.scalars(
        select(Roadmap)
        .where(Roadmap.id == roadmap_.id)
        .options(selectinload(Roadmap.blocks).selectinload(RoadmapBlock.items).selectinload(RoadmapItem.evidence))
    ).all()
    return [item for block in roadmap_.blocks for item in block.items]


def section_one(report: PilotReport) -> list[ExecutionRow]:
    """One row per roadmap item, in roadmap order; an item without a fact has an empty result and date."""
    rows = []
    for n, item in enumerate(roadmap_items(report.roadmap), 1):
        notes = [item.note] if item.note else []
        if item.not_done_reason:
            notes.append(f"Не выполнено: {item.not_done_reason}")
        notes += [artefacts.title(e.artefact_kind, e.artefact_id) for e in item.evidence]
        rows.append(
            ExecutionRow(
                number=item.number or str(n),
                title=item.title,
                result=item.result,
                done=roadmap.done_label(item),
                note_lines=tuple(notes),
                item_id=item.id,
            )
        )
    return rows


# ---- attachments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportAttachment:
    """A numbered attachment of the report (Приложение N) with its registration details."""

    number: int
    kind: str
    id: int | None
    title: str  # as documents cite it, with date and number
    registration_number: str
    approved_by: tuple[str, ...] = ()  # for the roadmap: the protocols and orders that approved it
    record: object = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        text = self.title
        if self.kind == "roadmap":
            text += f", утверждена: {'; '.join(self.approved_by)}" if self.approved_by else " (не утверждена)"
        return text


def _cited_title(kind: str, record) -> str:
    if kind == "document":
        return f"{record} «{record.title}»"
    return artefacts.title(kind, record.id)


def _registration(kind: str, record) -> str:
    if kind in ("document", "protocol"):
        return record.registration_number or ""
    return ""


def cited(report: PilotReport) -> list[tuple[str, int]]:
    """(kind, id) of what the report cites, in attachment order: the roadmap, what approved it,
    then each artefact cited as evidence in the order §1 first cites it; each once."""
    refs = [("roadmap", report.roadmap_id)]
    for approval in documents.approvals_of("roadmap", report.roadmap_id):
        if approval.document_id:
            refs.append(("document", approval.document_id))
        else:
            refs.append(("protocol", approval.decision.item.meeting_id))
    for item in roadmap_items(report.roadmap):
        refs += [(e.artefact_kind, e.artefact_id) for e in item.evidence]
    return list(dict.fromkeys(_as_protocol(kind, artefact_id) for kind, artefact_id in refs))


def _as_protocol(kind: str, artefact_id: int) -> tuple[str, int]:
    """A protocol's entry in the register is the protocol: cited either way, it is listed once."""
    if kind == "document":
        document = db.session.get(Document, artefact_id)
        if document is not None and document.meeting_id:
            return "protocol", document.meeting_id
    return kind, artefact_id


def attachments(report: PilotReport) -> list[ReportAttachment]:
    """The numbered list of attachments; an artefact deleted since it was cited is left out."""
    result = []
    for kind, artefact_id in cited(report):
        record = artefacts.load(kind, artefact_id)
        if record is None:
            continue
        approved_by = ()
        if kind == "roadmap":
            approved_by = tuple(
                dict.fromkeys(documents.approval_source(a)[0] for a in documents.approvals_of("roadmap", record.id))
            )
        result.append(
            ReportAttachment(
                number=len(result) + 1,
                kind=kind,
                id=artefact_id,
                title=_cited_title(kind, record),
                registration_number=_registration(kind, record),
                approved_by=approved_by,
                record=record,
            )
        )
    return result


# ---- DOCX and XLSX --------------------------------------------------------------------------


def _paragraph(document, text: str, *, bold=False, center=False, size=None):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _cell(cell, text: str, *, bold=False, center=False) -> None:
    """Cell text, one paragraph per line."""
    lines = (text or "").split("\n")
    cell.text = ""
    first = cell.paragraphs[0]
    for n, line in enumerate(lines):
        paragraph = first if n == 0 else cell.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = bold
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _scope_line(report: PilotReport) -> str:
    if report.centre_id and report.roadmap.centre:
        return report.roadmap.centre.name
    return report.region.name if report.region else ""


def report_docx(report: PilotReport) -> bytes:
    """The report as Word: title, §1 table (5 columns, numbered 1–5 under the header), §2, §3, attachments."""
    document = DocxDocument()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(12)
    page = document.sections[0]  # the five columns of §1 read better across a landscape page
    page.orientation = WD_ORIENT.LANDSCAPE
    page.page_width, page.page_height = Cm(29.7), Cm(21)
    page.left_margin = page.right_margin = Cm(2)
    _paragraph(document, report.title, bold=True, center=True, size=14)
    scope = _scope_line(report)
    if scope:
        _paragraph(document, scope, center=True)

    _paragraph(document, f"1. {SECTION_ONE_TITLE}", bold=True)
    rows = section_one(report)
    table = document.add_table(rows=2, cols=len(SECTION_ONE_HEADERS))
    table.style = "Table Grid"
    for n, header in enumerate(SECTION_ONE_HEADERS):
        _cell(table.rows[0].cells[n], header, bold=True, center=True)
        _cell(table.rows[1].cells[n], str(n + 1), center=True)
    for header_row in table.rows[:2]:  # the header and the column numbers repeat on every page
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_row._tr.get_or_add_trPr().append(repeat)
    for row in rows:
        cells = table.add_row().cells
        for n, value in enumerate((row.number, row.title, row.result, row.done, row.note)):
            _cell(cells[n], value)
    for n, width in enumerate((Cm(1.5), Cm(7), Cm(8), Cm(3), Cm(6.2))):
        for table_row in table.rows:
            table_row.cells[n].width = width

    for number, (section, label) in enumerate(REPORT_SECTIONS.items(), 2):
        _paragraph(document, "")
        _paragraph(document, f"{number}. {label}", bold=True)
        entries = report.section(section)
        if not entries:
            _paragraph(document, "Нет.")
        for row in entries:
            _paragraph(document, f"{row.position}. {row.text}")

    listed = attachments(report)
    _paragraph(document, "")
    _paragraph(document, "Приложения:", bold=True)
    for attachment in listed:
        _paragraph(document, f"{attachment.number}. {attachment.label}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value) -> Cell:
    """Text stays text: a cell starting with «=» is never a formula."""
    cell = Cell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _sheet(sheet, headers, rows, widths) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in rows:
        sheet.append([_text_cell(sheet, value) for value in values])
    for n, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    sheet.freeze_panes = "A2"


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_xlsx(report: PilotReport) -> bytes:
    """§1 as a sheet, §2 and §3 as sheets, and the attachments."""
    book = Workbook()
    sheet = book.active
    sheet.title = "1. Исполнение дорожной карты"
    _sheet(
        sheet,
        SECTION_ONE_HEADERS,
        [(r.number, r.title, r.result, r.done, r.note) for r in section_one(report)],
        (8, 50, 50, 16, 50),
    )
    for section, label in REPORT_SECTIONS.items():
        sheet = book.create_sheet(SHEET_TITLES[section])
        _sheet(sheet, ("№", label), [(row.position, row.text) for row in report.section(section)], (6, 100))
    sheet = book.create_sheet("Приложения")
    _sheet(
        sheet,
        ("№", "Приложение", "Регистрационный номер"),
        [(a.number, a.label, a.registration_number) for a in attachments(report)],
        (6, 90, 30),
    )
    return _save(book)


def _responsible(item: RoadmapItem) -> str:
    names = [item.responsible_text] if item.responsible_text else []
    names += [p.user.short_name for p in item.people]
    names += [d.department.name for d in item.departments]
    return ", ".join(names)


def roadmap_xlsx(roadmap_: Roadmap) -> bytes:
    """The roadmap with its plan and fact: block headings, then №, Мероприятие, Срок, Ответственный,
    Результат (expected), Дата исполнения, Статус."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Дорожная карта"
    sheet.append(list(ROADMAP_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    db.session.scalars(  # the responsible people and departments with the items, not one query per item
        select(RoadmapItem)
        .where(RoadmapItem.roadmap_id == roadmap_.id)
        .options(
            selectinload(RoadmapItem.people).selectinload(RoadmapItemPerson.user),
            selectinload(RoadmapItem.departments).selectinload(RoadmapItemDepartment.department),
        )
    ).all()
    for block in roadmap_.blocks:
        sheet.append([None, _text_cell(sheet, block.title)])
        sheet.cell(row=sheet.max_row, column=2).font = Font(bold=True)
        for item in block.items:
            values = (
                item.number,
                item.title,
                roadmap.deadline_label(item),
                _responsible(item),
                item.expected_result,
                roadmap.done_label(item),
                roadmap.status_of(item).label,
            )
            sheet.append([_text_cell(sheet, value) for value in values])
    for n, width in enumerate((8, 60, 22, 30, 40, 16, 22)):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    sheet.freeze_panes = "A2"
    return _save(book)


def download_name(report: PilotReport, extension: str) -> str:
    """«Отчет о результатах пилотной апробации — Нижегородская область.docx»."""
    scope = _scope_line(report)
    base = "Отчет о результатах пилотной апробации" + (f" — {scope}" if scope else "")
    return f"{safe_name(base)}.{extension}"


# ---- the package ----------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_name(text: str, limit: int = 120) -> str:
    """A file name from a title: no path or reserved characters, spaces collapsed, at most `limit`."""
    text = unicodedata.normalize("NFC", text or "")
    text = re.sub(r"\s+", " ", _UNSAFE.sub("-", text)).strip(" .-")
    return text[:limit].rstrip(" .-") or "file"


def signed_protocol_text(meeting: Meeting) -> str | None:
    """The protocol as signed (its last revision), or None if it was never signed."""
    if meeting.revisions:
        return meeting.revisions[-1].text
    return meetings.protocol_text(meeting) if meeting.is_signed else None


# Forms other areas provide for their artefacts: kind → record → [(extension, bytes)]. An area
# that lands a new artefact (portrait, KPI set, journey, solution map, measurements) adds its own.
RENDERERS: dict[str, Callable[[object], list[tuple[str, bytes]]]] = {
    "roadmap": lambda record: [("xlsx", roadmap_xlsx(record))],
}


def _protocol_files(meeting: Meeting) -> list[tuple[str, bytes]]:
    text = signed_protocol_text(meeting)
    return [("docx", protocol_docx.build(text))] if text is not None else []


def _document_files(document: Document) -> list[tuple[str, bytes]]:
    if document.meeting_id and document.meeting is not None:
        return _protocol_files(document.meeting)
    if order_docx.is_template_order(document):
        return [("docx", order_docx.build(document))]
    return []


def _rendered(attachment: ReportAttachment) -> list[tuple[str, bytes]]:
    if attachment.kind == "protocol":
        return _protocol_files(attachment.record)
    if attachment.kind == "document":
        return _document_files(attachment.record)
    renderer = RENDERERS.get(attachment.kind)
    return renderer(attachment.record) if renderer else []


def _scans(record) -> list:
    """Files (not links) attached to a cited document: its signed scan."""
    if not isinstance(record, Document):
        return []
    return [a for a in reversed(files.list_for(record)) if a.kind == "file"]


class _Zip:
    """A ZIP being written, with unique member names."""

    def __init__(self, target):
        self.archive = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)
        self.names: list[str] = []

    def _unique(self, name: str) -> str:
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        candidate, n = name, 1
        while candidate in self.names:
            n += 1
            candidate = f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})"
        self.names.append(candidate)
        return candidate

    def add(self, name: str, data: bytes) -> str:
        name = self._unique(name)
        self.archive.writestr(name, data)
        return name

    def add_stream(self, name: str, stream) -> str:
        name = self._unique(name)
        with self.archive.open(name, "w") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
        return name


def package_key(report: PilotReport, run: JobRun) -> str:
    return f"packages/{report.id}/{run.id}.zip"


def package_filename(report: PilotReport) -> str:
    scope = _scope_line(report)
    base = f"Пакет отчета о пилотной апробации — {scope}" if scope else "Пакет отчета о пилотной апробации"
    return f"{safe_name(base)} {today():%d.%m.%Y}.zip"


def build_package(report: PilotReport, run: JobRun, progress: Callable[[int, str], None] = lambda p, m: None) -> dict:
    """Write the ZIP of the report (DOCX, XLSX) and each attachment (as the areas render it, and the
    scans of cited documents), numbered as in the attachment list, with «Состав пакета.txt»; store it
    under `packages/<report>/<run>.zip` (a second run overwrites the same key) and return its key."""
    actor = run.created_by
    listed = attachments(report)
    manifest = [report.title, f"Состав пакета на {today():%d.%m.%Y}", ""]
    steps = len(listed) + 2
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        package = _Zip(spool)
        progress(5, "Отчёт: DOCX")
        base = safe_name(report.title, 100)
        manifest.append(package.add(f"00 {base}.docx", report_docx(report)))
        progress(100 // steps, "Отчёт: XLSX")
        manifest.append(package.add(f"00 {base}.xlsx", report_xlsx(report)))
        for step, attachment in enumerate(listed, 2):
            progress(100 * step // steps, f"Приложение {attachment.number} из {len(listed)}")
            prefix = f"{attachment.number:02d}"
            manifest += ["", f"Приложение {attachment.number}. {attachment.label}"]
            permission = artefacts.permission(attachment.kind) or "report.view"
            if actor is not None and not can(actor, permission, attachment.record):
                manifest.append("  — не включено: у собравшего пакет нет доступа к этой записи")
                continue
            added = []
            name = safe_name(attachment.title, 100)
            for extension, data in _rendered(attachment):
                added.append(package.add(f"{prefix} {name}.{extension}", data))
            for scan in _scans(attachment.record):
                original = safe_name(scan.original_name, 80)
                try:
                    with files.open_file(scan) as stream:
                        added.append(package.add_stream(f"{prefix} {name} — {original}", stream))
                except FileNotFoundError:
                    manifest.append(f"  — файл «{scan.original_name}» не найден в хранилище")
            manifest += [f"  {n}" for n in added] or ["  — электронной формы нет: приложите документ отдельно"]
        package.add("Состав пакета.txt", ("\n".join(manifest) + "\n").encode("utf-8"))
        package.archive.close()
        count = len(package.names)
        spool.seek(0)
        key = package_key(report, run)
        files.storage().save(key, spool)
    filename = package_filename(report)
    audit.record("report.package", report, after={"title": filename, "rows": count}, actor=actor, label=report.title)
    return {"key": key, "filename": filename}


def package_runs(report: PilotReport, limit: int = 50) -> list[JobRun]:
    """This report's package runs, newest first: the last runs of its kind and region, kept if theirs."""
    same_region = JobRun.region_id == report.region_id if report.region_id else JobRun.region_id.is_(None)
    stmt = select(JobRun).where(JobRun.kind == PACKAGE_KIND, same_region).order_by(JobRun.id.desc()).limit(limit)
    return [run for run in db.session.scalars(stmt) if belongs(run, report)]


def belongs(run: JobRun, report: PilotReport) -> bool:
    return run.kind == PACKAGE_KIND and (run.params or {}).get("report_id") == report.id


# ---- submissions to ФЦК ---------------------------------------------------------------------


class SubmittedKind(NamedTuple):
    """What a submission of a kind points at, who may see it and where its page is."""

    model: type
    permission: str
    endpoint: str
    id_arg: str


SUBMITTED = {
    "order": SubmittedKind(Document, "document.view", "documents.document", "document_id"),
    "working_group": SubmittedKind(WorkingGroup, "meeting.view", "meetings.group", "group_id"),
    "roadmap": SubmittedKind(Roadmap, "roadmap.view", "roadmap.roadmap", "roadmap_id"),
    "report": SubmittedKind(PilotReport, "report.view", "reports.report", "report_id"),
}
ORDER_KINDS = ("order", "directive")  # a region may set the pilot up by a приказ or a распоряжение
OPEN_FOR_SUBMISSION = ("not_submitted", "returned")


def submitted_title(kind: str, record) -> str:
    if record is None:
        return "запись удалена"
    if kind == "order":
        return f"{record} «{record.title}»"
    if kind == "working_group":
        return record.name
    if kind == "roadmap":
        return artefacts.title("roadmap", record.id)
    return f"{record.title} (№ {record.id} от {record.created_at:%d.%m.%Y})"


def submitted_record(submission: Submission):
    if submission.artefact_id is None:
        return None
    return db.session.get(SUBMITTED[submission.kind].model, submission.artefact_id)


def candidates(kind: str, region_id: int, user) -> list[tuple[int, str]]:
    """The region's records of a kind that may be submitted and that `user` may see, newest first."""
    spec = SUBMITTED[kind]
    model = spec.model
    stmt = scoped(select(model), model, user, spec.permission).where(model.region_id == region_id)
    if kind == "order":
        stmt = stmt.where(Document.kind.in_(ORDER_KINDS), Document.status == "signed")
    elif kind == "working_group":
        stmt = stmt.where(WorkingGroup.active.is_(True))
    elif kind == "roadmap":
        stmt = stmt.where(Roadmap.status == "approved")
    return [(record.id, submitted_title(kind, record)) for record in db.session.scalars(stmt.order_by(model.id.desc()))]


def _check_eligible(kind: str, record, region_id: int, user) -> None:
    spec = SUBMITTED[kind]
    if record is None or record.region_id != region_id or not can(user, spec.permission, record):
        raise ReportError("Выберите запись своего региона из списка.", "artefact_id")
    if kind == "order":
        if record.kind not in ORDER_KINDS:
            raise ReportError("Выберите приказ или распоряжение.", "artefact_id")
        if not record.is_signed:
            raise ReportError("Приказ ещё не подписан: отметьте его подписанным в реестре документов.", "artefact_id")
    elif kind == "working_group" and not record.active:
        raise ReportError("Эта рабочая группа больше не действует.", "artefact_id")
    elif kind == "roadmap" and not record.is_approved:
        raise ReportError("Дорожная карта ещё не утверждена.", "artefact_id")


def _comment(text: str | None, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ReportError("Напишите, каких данных не хватает: без запроса вернуть материалы нельзя.", "comment")
    if len(text) > MAX_COMMENT:
        raise ReportError(f"Комментарий длиннее {MAX_COMMENT} символов: сократите его.", "comment")
    return text


def get_submission(region_id: int, kind: str) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.region_id == region_id, Submission.kind == kind))


def _locked(submission: Submission) -> Submission:
    """The row re-read under a lock (PostgreSQL): two reviewers at once act on its real status."""
    stmt = select(Submission).where(Submission.id == submission.id).with_for_update()
    return db.session.scalars(stmt.execution_options(populate_existing=True)).one()


def region_submissions(region_id: int) -> dict[str, Submission | None]:
    """The four kinds of a region, each with its submission or None."""
    found = {s.kind: s for s in db.session.scalars(select(Submission).where(Submission.region_id == region_id))}
    return {kind: found.get(kind) for kind in SUBMISSION_KINDS}


def _event(submission: Submission, action: str, comment: str, actor, before: str, record) -> None:
    submission.events.append(SubmissionEvent(action=action, comment=comment, actor_id=getattr(actor, "id", None)))
    after = {"status": submission.status_label, "title": submitted_title(submission.kind, record)}
    if comment:
        after["reason" if action == "return" else "note"] = comment
    db.session.flush()
    audit.record(
        f"submission.{action}",
        submission,
        before={"status": SUBMISSION_STATUSES[before]},
        after=after,
        actor=actor,
        label=f"{submission.region.name}: {submission.kind_label}",
    )


def submit(region: Region, kind: str, artefact_id: int | None, comment: str, actor) -> Submission:
    """Представить в ФЦК: a new submission, or the answer to a «запрос недостающих данных»."""
    if kind not in SUBMISSION_KINDS:
        raise ReportError("Выберите, что представляется.")
    comment = _comment(comment, required=False)
    record = db.session.get(SUBMITTED[kind].model, artefact_id) if artefact_id else None
    _check_eligible(kind, record, region.id, actor)
    submission = get_submission(region.id, kind)
    if submission is None:
        submission = Submission(region_id=region.id, kind=kind, status="not_submitted")
        db.session.add(submission)
        db.session.flush()
    else:
        submission = _locked(submission)
    if submission.status == "submitted":
        raise ReportError("Материалы уже представлены и ждут рассмотрения ФЦК.")
    if submission.status == "accepted":
        raise ReportError("Материалы уже приняты ФЦК.")
    before = submission.status
    submission.status, submission.artefact_id = "submitted", record.id
    _event(submission, "submit", comment, actor, before, record)
    return submission


REVIEWS = {"return": ("returned", True, "Вернуть"), "accept": ("accepted", False, "Принять")}


def review(submission: Submission, action: str, comment: str, actor) -> Submission:
    """ФЦК returns the materials with a «запрос недостающих данных» (its text required) or accepts them."""
    status, required, verb = REVIEWS[action]
    comment = _comment(comment, required=required)
    submission = _locked(submission)
    if submission.status != "submitted":
        raise ReportError(f"{verb} можно только представленные материалы; сейчас: «{submission.status_label}».")
    submission.status = status
    _event(submission, action, comment, actor, "submitted", submitted_record(submission))
    return submission


def last_request(submission: Submission | None) -> SubmissionEvent | None:
    """The «запрос недостающих данных» a returned submission waits on."""
    if submission is None or submission.status != "returned":
        return None
    return next((e for e in reversed(submission.events) if e.action == "return"), None)


def review_regions(user):
    """Regions whose submissions `user` reviews, by name (a statement, to paginate)."""
    return scoped(select(Region), Region, user, "report.review").order_by(Region.name, Region.id)


def overview(region_ids) -> dict[int, dict[str, Submission]]:
    """Submissions of the regions by region and kind."""
    result: dict[int, dict[str, Submission]] = {region_id: {} for region_id in region_ids}
    if region_ids:
        for submission in db.session.scalars(select(Submission).where(Submission.region_id.in_(region_ids))):
            result[submission.region_id][submission.kind] = submission
    return result


def status_counts(user) -> dict[str, dict[str, int]]:
    """For each kind, how many regions in `user`'s review scope are at each status (none = not submitted)."""
    regions = review_regions(user).order_by(None).subquery()
    total = db.session.scalar(select(func.count()).select_from(regions))
    rows = db.session.execute(
        select(Submission.kind, Submission.status, func.count())
        .join(regions, regions.c.id == Submission.region_id)
        .group_by(Submission.kind, Submission.status)
    ).all()
    counts = {kind: dict.fromkeys(SUBMISSION_STATUSES, 0) for kind in SUBMISSION_KINDS}
    for kind, status, count in rows:
        if kind in counts and status in counts[kind]:
            counts[kind][status] += count
    for kind in counts:
        counts[kind]["not_submitted"] = total - sum(v for s, v in counts[kind].items() if s != "not_submitted")
    return counts
