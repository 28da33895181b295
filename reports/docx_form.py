"""The administrative form of Nghị định 30/2020/NĐ-CP (Phụ lục I) with python-docx: A4, margins,
Times New Roman, the two-column header block, the signature block and "Nơi nhận".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from directives.vn_format import vn_long_date, vn_long_date_blank

FONT = "Times New Roman"
TEXT_WIDTH_MM = 165  # A4 210 mm minus left 30 mm and right 15 mm
CENTER, LEFT, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


@dataclass(frozen=True)
class FormOptions:
    """Who issues and signs; defaults are those of the Văn phòng UBND tỉnh Lạng Sơn."""

    parent_body: str = "UBND TỈNH LẠNG SƠN"
    issuer: str = "VĂN PHÒNG"
    symbol: str = "BC-VP"
    place: str = "Lạng Sơn"
    signing_for: str = "KT. CHÁNH VĂN PHÒNG"
    signer_title: str = "PHÓ CHÁNH VĂN PHÒNG"
    signer_name: str = "………………………"
    recipients: tuple[str, ...] = (
        "- Chủ tịch, các PCT UBND tỉnh (b/c);",
        "- CVP, các PCVP UBND tỉnh;",
        "- Các sở, ban, ngành tỉnh;",
        "- Lưu: VT, TH.",
    )
    dated: date | None = None  # None: the day is left blank for the clerk, as in drafts


def new_document() -> DocumentObject:
    """A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman 14 pt."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    for name in ("Normal", "Table Grid"):
        style = doc.styles[name]
        style.font.name = FONT
        # East Asian and complex-script slots too, or Word falls back for Vietnamese letters.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
    doc.styles["Normal"].font.size = Pt(14)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after, normal.line_spacing = Pt(0), Pt(0), 1.0
    _page_numbers_from_page_two(doc)
    return doc


def _page_numbers_from_page_two(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    run.font.size = Pt(13)


def write(
    target: DocumentObject | _Cell,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    after: float = 0,
    before: float = 0,
    first_line_mm: float | None = None,
    paragraph: Paragraph | None = None,
) -> Paragraph:
    """One paragraph (or a run appended to `paragraph`) in the given style."""
    p = paragraph or target.add_paragraph()
    run = p.add_run(text)
    run.font.size, run.bold, run.italic, run.underline = Pt(size), bold, italic, underline
    if paragraph is None:
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(after)
        p.paragraph_format.space_before = Pt(before)
        if first_line_mm is not None:
            p.paragraph_format.first_line_indent = Mm(first_line_mm)
    return p


def cell_text(
    cell: _Cell,
    text: str,
    *,
    size: float = 12,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> None:
    """Write into a cell's first (empty) paragraph."""
    p = cell.paragraphs[0]
    write(cell, text, size=size, bold=bold, italic=italic, paragraph=p)
    if align is not None:
        p.alignment = align


@dataclass(frozen=True)
class Cell:
    text: str
    align: str = "center"  # w:jc value: left, center, right, both
    bold: bool = False


def append_rows(
    table: Table, rows: Sequence[Sequence[Cell]], widths_mm: Sequence[float], size: float = 12
) -> None:
    """Append rows as ready-made WordprocessingML: python-docx's per-element API takes
    seconds for a 1,000-row table (each insert scans siblings), this takes milliseconds.
    Rows are kept on one page; lines of a cell become paragraphs."""
    widths = [int(Mm(w).twips) for w in widths_mm]
    half_points = int(size * 2)
    for row in rows:
        cells = "".join(_cell_xml(c, w, half_points) for c, w in zip(row, widths, strict=True))
        table._tbl.append(
            parse_xml(f"<w:tr {nsdecls('w')}><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
        )


def _cell_xml(cell: Cell, width: int, half_points: int) -> str:
    bold = "<w:b/>" if cell.bold else ""
    paragraphs = "".join(
        f'<w:p><w:pPr><w:jc w:val="{cell.align}"/></w:pPr><w:r><w:rPr>{bold}'
        f'<w:sz w:val="{half_points}"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
        for line in cell.text.split("\n")
    )
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{paragraphs}</w:tc>'


def set_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths in the grid and on every cell (Word reads one, LibreOffice the other)."""
    table.autofit = False  # w:tblLayout fixed
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    twips = [Mm(width) for width in widths_mm]
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, twips, strict=False):
            tc.width = width


def cell_margins(table: Table, side_mm: float = 1.0) -> None:
    """Narrow left/right cell padding, so dates and numbers fit narrow columns."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(Mm(side_mm).twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    look = table._tbl.tblPr.find(qn("w:tblLook"))  # the schema wants tblCellMar before it
    if look is not None:
        look.addprevious(margins)
    else:
        table._tbl.tblPr.append(margins)


def repeat_as_header(table: Table, rows: int) -> None:
    """Repeat the first rows on every printed page, and keep every row on one page."""
    for i, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if i < rows:
            flag = OxmlElement("w:tblHeader")
            flag.set(qn("w:val"), "true")
            properties.append(flag)


def _short_rule(p: Paragraph, width_mm: float, column_mm: float) -> None:
    """A short line under the issuer's name: a bottom border on an indented empty paragraph."""
    indent = Mm((column_mm - width_mm) / 2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = indent
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (
        ("w:val", "single"),
        ("w:sz", "6"),
        ("w:space", "1"),
        ("w:color", "000000"),
    ):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)
    p.paragraph_format.line_spacing = Pt(4)  # the empty line itself stays thin
    p.paragraph_format.space_after = Pt(10)


def place_date(place: str, day: date | None, fallback: date) -> str:
    """ "Lạng Sơn, ngày 05 tháng 01 năm 2025"; the day left blank when the date is not known."""
    if day is None:
        return f"{place}, {vn_long_date_blank(fallback.year, fallback.month)}"
    return f"{place}, {vn_long_date(day)}"


def header_block(doc: DocumentObject, opts: FormOptions, fallback_day: date) -> None:
    """Tên cơ quan (left) and Quốc hiệu, Tiêu ngữ (right); then Số and the place-date line."""
    left_mm, right_mm = 62.0, 108.0
    table = doc.add_table(rows=2, cols=2)  # no style: borderless
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, [left_mm, right_mm])
    left, right = table.rows[0].cells
    cell_text(left, opts.parent_body, size=13, align=CENTER)
    write(left, opts.issuer, size=13, bold=True, align=CENTER)
    _short_rule(left.add_paragraph(), 22, left_mm)
    cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12.5, bold=True, align=CENTER)
    write(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, underline=True, align=CENTER)
    number, dated = table.rows[1].cells
    cell_text(number, f"Số:        /{opts.symbol}", size=13, align=CENTER)
    cell_text(
        dated, place_date(opts.place, opts.dated, fallback_day), size=13, italic=True, align=CENTER
    )
    write(doc, "", size=8)


def signature_block(doc: DocumentObject, opts: FormOptions) -> None:
    """Nơi nhận (left, 12 pt bold italic heading, 11 pt lines) and the signer (right)."""
    write(doc, "", size=8)
    table = doc.add_table(rows=1, cols=2)
    set_widths(table, [85, 80])
    recipients, signer = table.rows[0].cells
    cell_text(recipients, "Nơi nhận:", size=12, bold=True, italic=True)
    for line in opts.recipients:
        write(recipients, line, size=11)
    cell_text(signer, opts.signing_for, size=14, bold=True, align=CENTER)
    write(signer, opts.signer_title, size=14, bold=True, align=CENTER)
    for _ in range(4):
        write(signer, "", size=14)
    write(signer, opts.signer_name, size=14, bold=True, align=CENTER)
