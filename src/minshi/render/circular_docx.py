"""The circular as a Word file, the way offices circulate it (python-docx, the `docx` extra,
imported inside the functions: a command that writes no Word file never loads it).

A4 portrait with the margins of official documents (GB/T 9704: 37 mm top, 35 bottom, 28 left,
26 right); the title in 方正小标宋简体, headings in 黑体 and 楷体_GB2312, the text in 仿宋_GB2312
(Word and WPS substitute what a machine lacks); the ranking as a table with a shaded header row.
Byte-identical for the same circular: the document is dated from the as-of day, and so are the
entries of its archive.
"""

from __future__ import annotations

import io
from typing import Any

from minshi.errors import InputError
from minshi.render.archive import fixed_moment, stable_zip
from minshi.render.circular_text import ranking, unit_lists
from minshi.render.circular_words import (
    RANK_RULE,
    TABLE_HEADERS,
    chinese_number,
    month_text,
    subtitle,
    summary_sentence,
    unit_heading,
    warning_text,
)
from minshi.render.plan_words import escalation_text
from minshi.render.text import safe_text
from minshi.report import Circular

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
HEADER_FILL = "D9E1F2"


def _docx() -> Any:
    try:
        import docx  # python-docx: Word files only (the docx extra)
    except ImportError:
        raise InputError(
            "writing a Word file needs python-docx: pip install 'minshi[docx]' "
            "(or choose --format html, markdown or text)"
        ) from None
    return docx


def _fonts(element: Any, east_asian: str, size: float | None = None, bold: bool = False) -> None:
    """Set the fonts of a style or a run: Latin text in LATIN_FONT, Chinese in `east_asian`."""
    from docx.oxml.ns import qn  # with python-docx, above
    from docx.shared import Pt  # with python-docx, above

    font = element.font
    font.name = LATIN_FONT
    font.bold = bold
    if size is not None:
        font.size = Pt(size)
    holder = element.element if hasattr(element, "style_id") else element._element
    fonts = holder.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def _paragraph(document: Any, text: str, font: str = BODY_FONT, **kw: Any) -> Any:
    """A paragraph of one run: text from the data, control characters made visible."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # with python-docx, above
    from docx.shared import Mm, Pt  # with python-docx, above

    paragraph = document.add_paragraph()
    run = paragraph.add_run(safe_text(text))
    _fonts(run, font, kw.get("size"), kw.get("bold", False))
    fmt = paragraph.paragraph_format
    if kw.get("center"):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.space_after = Pt(kw.get("after", 4))
    if kw.get("indent"):
        fmt.left_indent = Mm(kw["indent"])
    if kw.get("hang"):
        fmt.first_line_indent = -Mm(kw["hang"])
    return paragraph


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement  # with python-docx, above
    from docx.oxml.ns import qn  # with python-docx, above

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(document: Any, circular: Circular) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT  # with python-docx, above

    rows = ranking(circular)
    table = document.add_table(rows=1 + len(rows), cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, cells in enumerate([TABLE_HEADERS, *rows]):
        for c, text in enumerate(cells):
            cell = table.cell(r, c)
            cell.text = ""
            run = cell.paragraphs[0].add_run(safe_text(text))
            _fonts(run, HEADING_FONT if r == 0 else BODY_FONT, 10.5, bold=r == 0)
            if r == 0:
                _shade(cell, HEADER_FILL)


def _page(document: Any) -> None:
    from docx.shared import Mm  # with python-docx, above

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _fonts(document.styles["Normal"], BODY_FONT, 14)


def _properties(document: Any, circular: Circular) -> None:
    moment = fixed_moment(circular.as_of)
    props = document.core_properties
    props.title = safe_text(f"{circular.title}（{month_text(circular)}）")
    props.subject = safe_text(circular.notice.notice.doc_number)
    props.author = props.last_modified_by = "minshi"
    props.comments = props.keywords = props.category = ""
    props.created = props.modified = moment
    props.revision = 1
    props.language = "zh-CN"


def circular_docx(circular: Circular) -> bytes:
    """The Word file as bytes."""
    document = _docx().Document()
    _page(document)
    _properties(document, circular)
    _paragraph(document, circular.title, TITLE_FONT, size=22, center=True, after=2)
    _paragraph(document, f"（{month_text(circular)}）", SUBHEADING_FONT, size=16, center=True)
    _paragraph(document, subtitle(circular), BODY_FONT, size=10.5, center=True, after=10)
    _paragraph(document, summary_sentence(circular))
    _paragraph(document, "一、滞后单位排名", HEADING_FONT, size=16)
    _paragraph(document, RANK_RULE, BODY_FONT, size=12)
    if circular.units:
        _table(document, circular)
    else:
        _paragraph(document, "无")
    _paragraph(document, "二、各单位情况", HEADING_FONT, size=16)
    if not circular.units:
        _paragraph(document, "无")
    for n, section in enumerate(circular.units, start=1):
        heading = f"（{chinese_number(n)}）{unit_heading(section)}"
        _paragraph(document, heading, SUBHEADING_FONT, size=15, bold=True)
        for title, lines in unit_lists(section, circular):
            _paragraph(document, f"{title}：", BODY_FONT, bold=True, after=2)
            for k, line in enumerate(lines, start=1):
                _paragraph(document, f"{k}. {line}", indent=8, hang=6, size=12, after=2)
    part = 3
    if circular.warnings:
        _paragraph(document, f"{chinese_number(part)}、其他单位的预警", HEADING_FONT, size=16)
        for section in circular.warnings:
            _paragraph(document, f"{section.unit}：", BODY_FONT, bold=True, after=2)
            for k, item in enumerate(section.warnings, start=1):
                line = f"{k}. {warning_text(item, circular.as_of)}"
                _paragraph(document, line, indent=8, hang=6, size=12, after=2)
        part += 1
    _paragraph(document, f"{chinese_number(part)}、处置规则", HEADING_FONT, size=16)
    _paragraph(document, escalation_text(circular.rules))
    raw = io.BytesIO()
    document.save(raw)
    return stable_zip(raw.getvalue(), fixed_moment(circular.as_of))
