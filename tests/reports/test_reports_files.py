"""The DOCX, XLSX and HTML reports opened as a reader would open them, on both databases."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

from docx import Document
from docx.shared import Mm, Pt
from openpyxl import load_workbook

from reports.docx_form import FormOptions
from reports.docx_report import build_docx, write_docx
from reports.html import render_dashboard_css, render_dashboard_html
from reports.rollup import all_tasks, build_rollup, resolve_scope
from reports.xlsx_report import write_xlsx
from storage.db import Database
from tests.reports.test_reports_data import AS_OF, HUYEN, NGV, VH, seed


def _rollup(db: Database, **kwargs):  # type: ignore[no-untyped-def]
    seed(db)
    with db.read() as s:
        return build_rollup(s, AS_OF, **kwargs)


def _texts(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[c.text for c in row.cells] for row in table.rows]


def test_docx_has_the_nd30_form_and_the_figures(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bao-cao.docx"
    write_docx(_rollup(db), path, FormOptions(dated=date(2025, 3, 11)))
    doc = Document(str(path))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    header = _texts(doc.tables[0])
    assert header[0][0].split("\n")[:2] == ["UBND TỈNH LẠNG SƠN", "VĂN PHÒNG"]
    assert header[0][1].split("\n") == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert header[1][0].replace(" ", "") == "Số:/BC-VP"
    assert header[1][1] == "Lạng Sơn, ngày 11 tháng 3 năm 2025"
    motto = doc.tables[0].rows[0].cells[1].paragraphs[1].runs[0]
    assert motto.underline and motto.bold
    assert doc.tables[0].rows[1].cells[1].paragraphs[0].runs[0].italic
    # the header table is borderless: no grid style, no table or cell borders
    assert (
        "w:tblBorders" not in doc.tables[0]._tbl.xml and "w:tcBorders" not in doc.tables[0]._tbl.xml
    )
    assert doc.tables[0].style is None or doc.tables[0].style.name == "Normal Table"
    paragraphs = [p.text for p in doc.paragraphs]
    title = paragraphs.index("BÁO CÁO")
    assert paragraphs[title + 1] == "Tình hình thực hiện nhiệm vụ"
    assert all(r.bold for r in doc.paragraphs[title].runs)
    assert any("Tỷ lệ hoàn thành đúng hạn (*): 33,3% (2/6" in p for p in paragraphs)
    assert any(
        "Hoàn thành đúng hạn / (Hoàn thành đúng hạn + Hoàn thành quá hạn" in p for p in paragraphs
    )
    sizes = {r.font.size for p in doc.paragraphs for r in p.runs if r.text.strip()}
    assert sizes <= {Pt(11), Pt(12), Pt(13), Pt(14)}
    agencies = _texts(doc.tables[1])
    assert agencies[2] == [f"({i})" for i in range(1, 11)]
    assert agencies[3] == ["1", VH, "2", "0", "0", "0", "2", "0", "0", "0,0%"]
    assert agencies[-1] == ["", "Tổng cộng", "9", "2", "2", "2", "2", "1", "0", "33,3%"]
    overdue = _texts(doc.tables[2])
    assert overdue[0] == [
        "STT",
        "Nhiệm vụ",
        "Chủ trì",
        "Phối hợp",
        "Hạn xử lý",
        "Số ngày quá hạn",
        "Trạng thái",
    ]
    assert overdue[1][1].startswith("Kiểm tra di tích Đông Kinh")
    assert overdue[1][4:] == ["24/01/2025", "45 (26)", "Đang thực hiện"]
    assert overdue[2][3] == f"{NGV}; Sở Nội vụ" and overdue[2][6] == "Chờ xác nhận"
    signature = _texts(doc.tables[-1])[0]
    assert signature[0].startswith("Nơi nhận:")
    assert signature[1].startswith("KT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG")
    heading = doc.tables[-1].rows[0].cells[0].paragraphs[0].runs[0]
    assert heading.italic and heading.bold and heading.font.size == Pt(12)
    assert len(doc.inline_shapes) == 1 and doc.inline_shapes[0].width == Mm(150)


def test_docx_for_a_directive_lists_every_task(db: Database) -> None:
    seed(db)
    with db.read() as s:
        scope = resolve_scope(s, directive="45/TB-UBND")
        data = build_docx(build_rollup(s, AS_OF, scope), tasks=all_tasks(s, AS_OF, scope))
    doc = Document(io.BytesIO(data))
    assert any("theo Văn bản số 45/TB-UBND" in p.text for p in doc.paragraphs)
    annex = _texts(doc.tables[-2])
    assert len(annex) == 1 + 7  # the cancelled task is not listed
    extended = next(row for row in annex if row[1].startswith("Rà soát biên chế"))
    assert extended[4] == "20/03/2025\n(hạn đầu: 20/02/2025)"
    assert extended[6] == "Hoàn thành đúng hạn"


def test_xlsx_sheets_headers_dates_and_filters(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bao-cao.xlsx"
    write_xlsx(_rollup(db), path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Theo cơ quan", "Theo văn bản", "Theo lãnh đạo", "Theo kỳ", "Quá hạn"]
    agencies = wb["Theo cơ quan"]
    assert agencies.freeze_panes == "A5" and agencies.auto_filter.ref.startswith("A4:")
    header = [c.value for c in agencies[4]]
    assert header[:4] == ["STT", "Cơ quan chủ trì", "Tổng số", "Hoàn thành đúng hạn"]
    assert agencies["A4"].font.bold and agencies["A4"].fill.fgColor.rgb.endswith("DCE6F1")
    assert agencies["B5"].value == VH and agencies["G5"].value == 2
    assert agencies.column_dimensions["B"].width == 40
    rates = {row[1].value: row[9].value for row in agencies.iter_rows(min_row=5, max_row=7)}
    assert rates[NGV] == 0.5 and agencies["J5"].number_format == "0.0%"
    leaders = wb["Theo lãnh đạo"]
    assert {leaders.cell(r, 2).value: leaders.cell(r, 3).value for r in (5, 6)}[HUYEN] == 7
    overdue = wb["Quá hạn"]
    assert overdue.freeze_panes == "A5" and overdue.auto_filter.ref == "A4:K6"
    deadline = overdue["G5"]
    assert deadline.value == datetime(2025, 1, 24) and deadline.number_format == "dd/mm/yyyy"
    assert deadline.is_date
    assert (overdue["I5"].value, overdue["J5"].value) == (45, 26)
    assert wb["Theo kỳ"]["B10"].value == "Tháng 3/2025"


def test_html_dashboard_fragment_page_and_escaping(db: Database) -> None:
    seed(db)
    with db.write() as s:
        from storage.models import TaskRow

        task = s.query(TaskRow).filter(TaskRow.ref == "8").one()
        task.content = "Kiểm tra <script>alert(1)</script> di tích"
    with db.read() as s:
        rollup = build_rollup(s, AS_OF)
    page = render_dashboard_html(rollup, standalone=True)
    fragment = render_dashboard_html(rollup, standalone=False)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="vi">' in page
    assert "<html" not in fragment and fragment.lstrip().startswith("<section")
    assert "<style>" in render_dashboard_css() and "<style>" not in fragment
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count("<svg") == 3
    assert "Tỷ lệ hoàn thành đúng hạn theo cơ quan" in page
    assert (
        "33,3%" in page
        and VH in page
        and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
