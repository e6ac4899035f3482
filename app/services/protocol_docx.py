"""The protocol as a Word document (python-docx), laid out in the Russian administrative form."""

import io
import re

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

_SECTION_WORDS = ("СЛУШАЛИ:", "ВЫСТУПИЛИ:", "РЕШИЛИ:", "Присутствовали:", "Отсутствовали:", "Повестка дня:")
_ITEM_HEADING = re.compile(r"^[IVXL]+\. ")


def build(text: str) -> bytes:
    """A .docx of the protocol text from `meetings.protocol_text` (or a signed revision of it)."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(14)
    in_agenda = False
    for line in text.splitlines():
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line)
        if line.startswith("ПРОТОКОЛ"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = True
        elif line in _SECTION_WORDS:
            run.bold = True
            in_agenda = line == "Повестка дня:"
        elif _ITEM_HEADING.match(line) and not in_agenda:
            run.bold = True
        elif not line:
            in_agenda = False
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
