"""The evaluation table (đánh giá, xếp loại cơ quan) in a DOCX report, in the NĐ 30/2020 form
of the other tables: numbered columns, header rows repeated on each page, notes in italics."""

from __future__ import annotations

from docx.document import Document as DocumentObject

from directives.vn_format import vn_decimal, vn_percent
from reports.docx_form import (
    CENTER,
    JUSTIFY,
    Cell,
    append_rows,
    cell_margins,
    cell_text,
    repeat_as_header,
    set_widths,
    write,
)
from reports.evaluation import SOURCE_VI, AgencyScore, Evaluation, formula_vi

HEADERS = (
    "Xếp hạng",
    "Cơ quan, đơn vị chủ trì",
    "Nhiệm vụ, kỳ có hạn trong kỳ",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Quá hạn chưa hoàn thành",
    "Tỷ lệ đúng hạn",
    "Số ngày làm việc chậm bình quân",
    "Điểm",
    "Xếp loại",
)
WIDTHS = (11, 36, 14, 13, 13, 13, 16, 14, 13, 22)


def evaluation_section(doc: DocumentObject, ev: Evaluation, heading: str) -> None:
    """A heading, the table of every agency ranked, and the notes: basis, formula, source."""
    for p in (
        write(doc, heading, bold=True, before=6, after=6, first_line_mm=10),
        write(doc, f"({ev.basis_vi})", size=12, italic=True, align=CENTER, after=4),
    ):
        p.paragraph_format.keep_with_next = True  # not left at a page's foot without its table
    if not ev.rows:
        write(doc, "Không có nhiệm vụ, kỳ nào có hạn trong kỳ đánh giá.", first_line_mm=10)
        return
    table = doc.add_table(rows=2, cols=len(HEADERS), style="Table Grid")
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        cell_text(cell, text, size=11, bold=True, align=CENTER)
    for i, cell in enumerate(table.rows[1].cells):
        cell_text(cell, f"({i + 1})", italic=True, align=CENTER)
    repeat_as_header(table, 2)
    cell_margins(table)
    set_widths(table, WIDTHS)
    append_rows(table, [row_cells(r) for r in ev.rows], WIDTHS)
    for i, note in enumerate((formula_vi(ev.formula), SOURCE_VI, NOTE_VI)):
        write(doc, note, size=11, italic=True, align=JUSTIFY, before=4 if i == 0 else 0, after=4)


NOTE_VI = (
    "Tính các nhiệm vụ và các kỳ của nhiệm vụ định kỳ có hạn xử lý (hạn hiện hành sau gia hạn)"
    " trong kỳ đánh giá, không tính nhiệm vụ đã hủy; số ngày chậm tính theo ngày làm việc (trừ"
    " ngày nghỉ, lễ, Tết), đến ngày hoàn thành hoặc đến ngày tính tình trạng nếu chưa hoàn thành."
)


def row_cells(r: AgencyScore) -> list[Cell]:
    values = (
        str(r.rank or ""),
        r.name,
        str(r.total),
        str(r.done_on_time),
        str(r.done_late),
        str(r.overdue),
        vn_percent(r.on_time_rate),
        vn_decimal(r.avg_late_days),
        vn_decimal(r.score),
        r.grade,
    )
    return [Cell(v, "left" if i in (1, 9) else "center") for i, v in enumerate(values)]
