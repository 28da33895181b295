"""The rollup as an XLSX workbook (openpyxl): one sheet per grouping and the overdue list."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from directives.models import BUCKET_LABELS_VI, Bucket
from directives.vn_format import vn_date
from reports.evaluation import Evaluation
from reports.labels import state_vi
from reports.model import RATE_FORMULA_VI, GroupRow, Rollup
from reports.output import atomic_write
from reports.succession import NOTE_VI

FONT = "Times New Roman"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_FORMAT = "dd/mm/yyyy"
RATE_FORMAT = "0.0%"
COUNT_HEADERS = (
    "Tổng số",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Đang thực hiện trong hạn",
    "Quá hạn chưa hoàn thành",
    "Thường xuyên",
    "Chờ xác định thời hạn",
    "Tỷ lệ hoàn thành đúng hạn",
)
COUNT_WIDTHS = (10, 13, 13, 13, 13, 12, 13, 13)
OVERDUE_HEADERS = (
    "STT",
    "Văn bản",
    "Mục",
    "Nhiệm vụ",
    "Chủ trì",
    "Phối hợp",
    "Hạn xử lý",
    "Hạn ban đầu",
    "Số ngày quá hạn",
    "Số ngày làm việc quá hạn",
    "Trạng thái",
)
OVERDUE_WIDTHS = (6, 16, 7, 60, 30, 30, 12, 12, 10, 12, 16)


def build_xlsx(rollup: Rollup, evaluation: Evaluation | None = None) -> bytes:
    """The workbook; `evaluation` adds the sheet ranking the agencies (reports.evaluation)."""
    wb = Workbook()
    first = wb.worksheets[0]  # the new workbook's empty sheet
    _group_sheet(wb, "Theo cơ quan", "Cơ quan chủ trì", rollup.by_agency, rollup, previous=True)
    _group_sheet(wb, "Theo văn bản", "Văn bản", rollup.by_directive, rollup, detail="Trích yếu")
    _group_sheet(wb, "Theo lãnh đạo", "Lãnh đạo chỉ đạo", rollup.by_leader, rollup)
    _group_sheet(wb, "Theo kỳ", "Kỳ (theo hạn xử lý)", rollup.by_period, rollup)
    _overdue_sheet(wb, rollup)
    if rollup.periods_due:
        _periods_sheet(wb, rollup)
    if evaluation is not None:
        from reports.evaluation_xlsx import evaluation_sheet

        evaluation_sheet(wb, evaluation)
    wb.remove(first)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_xlsx(rollup: Rollup, path: Path, evaluation: Evaluation | None = None) -> None:
    atomic_write(path, build_xlsx(rollup, evaluation))


def _title(ws: Worksheet, text: str, rollup: Rollup) -> None:
    scope = rollup.scope.title_vi
    ws["A1"] = f"{text}{' ' + scope if scope else ''}"
    ws["A1"].font = Font(name=FONT, bold=True, size=13)
    ws["A2"] = f"{rollup.period.label}; số liệu tính đến ngày {vn_date(rollup.as_of)}"
    ws["A2"].font = Font(name=FONT, italic=True, size=11)


def _header(ws: Worksheet, row: int, headers: Sequence[str], widths: Sequence[float]) -> None:
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), 1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = Font(name=FONT, bold=True, size=11)
        cell.fill, cell.border = HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[row].height = 45
    ws.freeze_panes = ws.cell(row=row + 1, column=1).coordinate


def _body_row(ws: Worksheet, row: int, values: Sequence[Any], formats: dict[int, str]) -> None:
    for col, value in enumerate(values, 1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font, cell.border = Font(name=FONT, size=11), BORDER
        cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))
        if col in formats:
            cell.number_format = formats[col]


def _group_sheet(
    wb: Workbook,
    name: str,
    label: str,
    rows: list[GroupRow],
    rollup: Rollup,
    *,
    detail: str | None = None,
    previous: bool = False,
) -> None:
    ws = wb.create_sheet(name)
    _title(ws, f"Tình hình thực hiện nhiệm vụ {name.lower()}", rollup)
    headers = ["STT", label, *([detail] if detail else []), *COUNT_HEADERS]
    widths = [6, 40, *([60] if detail else []), *COUNT_WIDTHS]
    if previous:
        headers += [f"Quá hạn tại {vn_date(rollup.previous_as_of)}", "Tăng (+) / giảm (−)"]
        widths += [14, 12]
    _header(ws, 4, headers, widths)
    rate_col = len(headers) - (2 if previous else 0)
    for n, group in enumerate(rows, 1):
        c = group.counts
        values: list[Any] = [n, group.label, *([group.detail] if detail else [])]
        values += [c.total, c.done_on_time, c.done_late, c.open_on_time, c.open_overdue]
        values += [c.ongoing, c.awaiting_deadline, c.on_time_rate]
        if previous and group.previous is not None:
            values += [group.previous.open_overdue, c.open_overdue - group.previous.open_overdue]
        _body_row(ws, 4 + n, values, {rate_col: RATE_FORMAT})
    last = 4 + len(rows)
    ws.auto_filter.ref = f"A4:{get_column_letter(len(headers))}{max(last, 5)}"
    note = ws.cell(row=last + 2, column=1, value=f"(*) {RATE_FORMULA_VI}")
    note.font = Font(name=FONT, italic=True, size=10)
    if previous:  # the summary sheet (by agency) says how tasks are counted over a reorganisation
        mode = ws.cell(row=last + 3, column=1, value=f"(**) {NOTE_VI[rollup.scope.agency_at]}")
        mode.font = Font(name=FONT, italic=True, size=10)


PERIOD_HEADERS = ("STT", "Văn bản", "Mục", "Nhiệm vụ định kỳ", "Chủ trì", "Kỳ", "Hạn",
                  "Ngày hoàn thành", "Tình trạng")  # fmt: skip
PERIOD_WIDTHS = (6, 16, 7, 60, 30, 6, 12, 12, 24)


def _periods_sheet(wb: Workbook, rollup: Rollup) -> None:
    """Các kỳ định kỳ: the periods of recurring tasks due in the report period."""
    ws = wb.create_sheet("Kỳ định kỳ")
    _title(ws, "Các kỳ báo cáo định kỳ đến hạn trong kỳ", rollup)
    _header(ws, 4, PERIOD_HEADERS, PERIOD_WIDTHS)
    for n, p in enumerate(rollup.periods_due, 1):
        values = (n, p.directive_number, p.ref, p.content, p.lead, p.seq, p.deadline,
                  p.completed_on, BUCKET_LABELS_VI[Bucket(p.bucket)])  # fmt: skip
        _body_row(ws, 4 + n, values, {7: DATE_FORMAT, 8: DATE_FORMAT})
    ws.auto_filter.ref = f"A4:{get_column_letter(len(PERIOD_HEADERS))}{4 + len(rollup.periods_due)}"


def _overdue_sheet(wb: Workbook, rollup: Rollup) -> None:
    ws = wb.create_sheet("Quá hạn")
    _title(ws, "Danh sách nhiệm vụ quá hạn chưa hoàn thành", rollup)
    _header(ws, 4, OVERDUE_HEADERS, OVERDUE_WIDTHS)
    for n, t in enumerate(rollup.overdue, 1):
        coordinators = "; ".join(t.coordinators)
        values = (
            n,
            t.directive_number,
            t.ref,
            t.content,
            t.lead,
            coordinators,
            t.deadline,
            t.original_deadline,
            t.days_calendar,
            t.days_working,
            state_vi(t),
        )
        _body_row(ws, 4 + n, values, {7: DATE_FORMAT, 8: DATE_FORMAT})
    last = 4 + len(rollup.overdue)
    ws.auto_filter.ref = f"A4:{get_column_letter(len(OVERDUE_HEADERS))}{max(last, 5)}"
    if len(rollup.overdue) < rollup.overdue_total:
        shown = f"{len(rollup.overdue)}/{rollup.overdue_total}"
        ws.cell(row=last + 2, column=1, value=f"Liệt kê {shown} nhiệm vụ quá hạn lâu nhất.")
