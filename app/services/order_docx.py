"""The pilot order of seed 003 (Приложение 2) as a Word document, in the Russian administrative form.

`build(document)` renders an order made by `documents.pilot_order` (``document.template ==
"pilot_order"``) from its frozen `content`: the issuer, ПРИКАЗ, date and number (blank lines while
the draft has none), the title, the preamble, «п р и к а з ы в а ю:», clauses 1–4 with the deadline,
the region and the responsible persons filled in, the signatory, then Приложение № 1 (the working
group's roster) and Приложение № 2 (the centres with their addresses). `order_text` gives the same
clauses as plain paragraphs for the document's page.
"""

import io
import re
from datetime import date

from babel.dates import format_date
from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt

TEMPLATE = "pilot_order"
BLANK_DATE = "__________________"
BLANK_NUMBER = "________________"
REGION_PLACEHOLDER = "(указать субъект Российской Федерации)"
SUBJECT = "пилотной апробации элементов методики измерения показателей клиентоцентричности"
IN_SERVICE = "в работе службы занятости населения"
ROSTER_HEADERS = ("№", "ФИО", "ДОЛЖНОСТЬ", "КОНТАКТНЫЙ ТЕЛЕФОН", "ЭЛЕКТРОННАЯ ПОЧТА")
CENTRE_HEADERS = ("№ п/п", "Наименование центра занятости населения", "Адрес центра занятости населения")
ROSTER_HEADING = (
    "Состав рабочей группы",
    "по проведению пилотной апробации элементов методики измерения",
    "показателей клиентоцентричности в работе службы занятости населения",
)
CENTRES_HEADING = (
    "Перечень центров занятости населения",
    "в которых будет проводиться пилотная апробация элементов",
    "методики измерения показателей клиентоцентричности в работе",
    "службы занятости населения",
)

_TEXT_WIDTH = Cm(16.5)  # A4 less the 3 cm and 1.5 cm margins
_INITIALS = r"(?:[А-ЯЁ]\.\s?){1,2}"
_SIGNATURE = re.compile(  # «Руководитель управления А.М.Садулина» → the post, then the name
    rf"^(?P<post>.+?)\s+(?P<name>{_INITIALS}\s?[А-ЯЁ][а-яё-]+|[А-ЯЁ][а-яё-]+\s+{_INITIALS})$"
)


# ---- the region in the genitive: «в центрах занятости населения Нижегородской области» ----------

_HEAD_NOUNS = {"область": "области", "край": "края", "округ": "округа", "республика": "республики"}
_CITIES = {"москва": "Москвы", "санкт-петербург": "Санкт-Петербурга", "севастополь": "Севастополя"}


def _keep_case(word: str, lowered: str) -> str:
    return lowered[:1].upper() + lowered[1:] if word[:1].isupper() else lowered


def _genitive_word(word: str) -> str:
    low = word.lower()
    if low in _HEAD_NOUNS:
        return _keep_case(word, _HEAD_NOUNS[low])
    if low.endswith("ая"):
        return word[:-2] + "ой"
    if low.endswith(("кий", "гий", "хий", "ый", "ой")):
        return word[:-2] + "ого"
    if low.endswith("ий"):
        return word[:-2] + "его"
    return word


def region_genitive(name: str) -> str:
    """«Нижегородская область» → «Нижегородской области», «Республика Татарстан» → «Республики
    Татарстан», «Ямало-Ненецкий автономный округ» → «Ямало-Ненецкого автономного округа», «г. Москва»
    → «г. Москвы». A name of another shape is left as it is; an empty one keeps the template's blank."""
    name = " ".join((name or "").split())
    if not name:
        return REGION_PLACEHOLDER
    cut = min((i for i in (name.find(" — "), name.find(" (")) if i > 0), default=len(name))
    head, tail = name[:cut], name[cut:]
    words = head.split(" ")
    lowered = [w.lower() for w in words]
    if any(w in _HEAD_NOUNS for w in lowered) or "автономная" in lowered:
        if lowered[0] == "республика":  # «Республики Северная Осетия — Алания»: the name is not declined
            words[0] = _genitive_word(words[0])
        else:
            words = [_genitive_word(w) for w in words]
        return " ".join(words) + tail
    if lowered[-1] in _CITIES:
        words[-1] = _CITIES[lowered[-1]]
        return " ".join(words) + tail
    return name


# ---- the text --------------------------------------------------------------------------------


def is_template_order(document) -> bool:
    return getattr(document, "template", "") == TEMPLATE


def deadline_of(document) -> date | None:
    raw = (document.content or {}).get("deadline")
    try:
        return date.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def words_date(day: date | None) -> str:
    """«30 апреля 2022 г.», as orders write a deadline."""
    return f"{format_date(day, 'd MMMM y', locale='ru')} г." if day else BLANK_DATE


def date_and_number(document) -> tuple[str, str]:
    """«30.07.2021» and «№ 523-246/21П/од», or blank lines while the draft has none."""
    day = f"{document.signed_on:%d.%m.%Y}" if document.signed_on else BLANK_DATE
    number = (document.registration_number or "").strip() or BLANK_NUMBER
    return day, f"№ {number}"


def responsible_lines(document) -> list[str]:
    """The persons of clause 2.2, «ФИО, должность;» one a line, the last ending with a full stop."""
    people = [p for p in (document.content or {}).get("responsible", []) if p]
    return [f"– {person}{'.' if n == len(people) else ';'}" for n, person in enumerate(people, 1)]


def order_text(document) -> list[str]:
    """The order's body from the preamble to clause 4, with the template's blanks filled in."""
    content = document.content or {}
    region = region_genitive(content.get("region", ""))
    centres_of_region = f"в центрах занятости населения {region}"
    people = responsible_lines(document)
    return [
        f"Во исполнение пункта 1.1 перечня мероприятий программы {SUBJECT} {IN_SERVICE}, утвержденной "
        f"протоколом совещания рабочей группы ... от {BLANK_DATE} № {BLANK_NUMBER},",
        "п р и к а з ы в а ю:",
        f"1. Провести до {words_date(deadline_of(document))} {centres_of_region} пилотную апробацию элементов "
        f"методики измерения показателей клиентоцентричности {IN_SERVICE}.",
        f"2. Для проведения {SUBJECT} {IN_SERVICE}:",
        f"2.1 Утвердить прилагаемый состав рабочей группы по проведению {SUBJECT} {centres_of_region} "
        "(Приложение №1 к приказу).",
        f"2.2 Назначить ответственных лиц за обеспечение проведения {SUBJECT} {centres_of_region}:"
        + ("" if people else " указать перечень ответственных лиц."),
        *people,
        f"2.3 Утвердить прилагаемый перечень центров занятости населения {region}, в которых будет проводиться "
        f"пилотная апробация элементов методики измерения показателей клиентоцентричности {IN_SERVICE} "
        "(Приложение №2 к приказу).",
        "3. Настоящий приказ вступает в силу со дня его подписания.",
        "4. Контроль за исполнением настоящего приказа оставляю за собой.",
    ]


def roster_rows(document) -> list[tuple[str, str, str, str, str]]:
    return [
        (str(n), m.get("name", ""), m.get("position", ""), m.get("phone", ""), m.get("email", ""))
        for n, m in enumerate((document.content or {}).get("roster", []), 1)
    ]


def centre_rows(document) -> list[tuple[str, str, str]]:
    return [
        (str(n), c.get("name", ""), c.get("address", ""))
        for n, c in enumerate((document.content or {}).get("centres", []), 1)
    ]


# ---- the Word document -----------------------------------------------------------------------


def _paragraph(doc, text: str = "", *, bold=False, align=None, indent=False, size=None):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.25)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    return paragraph


def _split_line(doc, left: str, right: str, *, bold=False):
    """Two texts on one line: the left at the margin, the right against the right margin."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.tab_stops.add_tab_stop(_TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    run = paragraph.add_run(f"{left}\t{right}")
    run.bold = bold
    return paragraph


def _table(doc, headers, rows) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(12)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text or "").font.size = Pt(12)


def _appendix_header(doc, number: int, document) -> None:
    day, no = date_and_number(document)
    for line in (f"Приложение № {number}", "к приказу", f"от {day} {no}"):
        _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc)


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def build(document) -> bytes:
    """A .docx of an order made from the seed's template; any other document is a ValueError."""
    if not is_template_order(document):
        raise ValueError("Документ составлен не по шаблону приказа о пилотной апробации.")
    doc = WordDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(14)
    style.paragraph_format.space_after = Pt(0)

    if not document.is_signed:
        _paragraph(doc, "Проект", align=WD_ALIGN_PARAGRAPH.RIGHT)
    if document.issuer:
        _paragraph(doc, document.issuer, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc)
    _paragraph(doc, "ПРИКАЗ", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc)
    _split_line(doc, *date_and_number(document))
    _paragraph(doc)
    _paragraph(doc, document.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc)
    for text in order_text(document):
        if text == "п р и к а з ы в а ю:":
            _paragraph(doc)
            _paragraph(doc, text, bold=True)
            _paragraph(doc)
        else:
            _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _paragraph(doc)
    _paragraph(doc)
    signatory = " ".join((document.signatory or "").split())
    match = _SIGNATURE.match(signatory)
    if match:
        _split_line(doc, match["post"], match["name"])
    else:
        _paragraph(doc, signatory or "________________")

    _page_break(doc)
    _appendix_header(doc, 1, document)
    for line in ROSTER_HEADING:
        _paragraph(doc, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc)
    _table(doc, ROSTER_HEADERS, roster_rows(document))

    _page_break(doc)
    _appendix_header(doc, 2, document)
    for line in CENTRES_HEADING:
        _paragraph(doc, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc)
    _table(doc, CENTRE_HEADERS, centre_rows(document))

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
