"""The evaluation sheet (Đánh giá, xếp loại) of the XLSX workbook: numbers as numbers."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.evaluation import SOURCE_VI, Evaluation, formula_vi
from reports.evaluation_docx import NOTE_VI
from reports.xlsx_report import FONT, RATE_FORMAT, _body_row, _header

SHEET = "Đánh giá, xếp loại"
HEADERS = (
    "Xếp hạng",
    "Cơ quan, đơn vị chủ trì",
    "Nhiệm vụ có hạn trong kỳ",
    "Kỳ báo cáo định kỳ có hạn trong kỳ",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Quá hạn chưa hoàn thành",
    "Chưa đến hạn",
    "Tỷ lệ đúng hạn",
    "Số ngày làm việc chậm bình quân",
    "Điểm",
    "Xếp loại",
)
WIDTHS = (9, 40, 12, 14, 12, 12, 12, 10, 11, 14, 9, 28)


def evaluation_sheet(wb: Workbook, ev: Evaluation) -> None:
    ws = wb.create_sheet(SHEET)
    ws["A1"] = f"Đánh giá, xếp loại kết quả thực hiện nhiệm vụ của các cơ quan, {ev.period.label}"
    ws["A1"].font = Font(name=FONT, bold=True, size=13)
    ws["A2"] = ev.basis_vi
    ws["A2"].font = Font(name=FONT, italic=True, size=11)
    _header(ws, 4, HEADERS, WIDTHS)
    for n, r in enumerate(ev.rows, 1):
        values: list[Any] = [r.rank, r.name, r.tasks, r.periods, r.done_on_time, r.done_late]
        values += [r.overdue, r.not_yet_due, r.on_time_rate]
        values += [None if r.avg_late_days is None else round(r.avg_late_days, 1), r.score]
        values.append(r.grade)
        _body_row(ws, 4 + n, values, {9: RATE_FORMAT, 10: "0.0", 11: "0.0"})
    last = 4 + len(ev.rows)
    ws.auto_filter.ref = f"A4:{get_column_letter(len(HEADERS))}{max(last, 5)}"
    for i, note in enumerate((formula_vi(ev.formula), SOURCE_VI, NOTE_VI)):
        cell = ws.cell(row=last + 2 + i, column=1, value=note)
        cell.font = Font(name=FONT, italic=True, size=10)
