"""A selection of tasks as an XLSX sheet (xuất danh sách nhiệm vụ): one row per task, dates as
real dates, Vietnamese headers, the order of the selection."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from directives.collation import name_key
from directives.labels import directive_label
from directives.models import STATE_LABELS_VI, TaskState
from storage.models import TaskRow

HEADERS = ("STT", "Mã nhiệm vụ", "Văn bản", "Mục", "Nội dung nhiệm vụ", "Chủ trì", "Phối hợp",
           "Hạn xử lý", "Hạn ban đầu", "Trạng thái", "Tiến độ (%)", "Ngày hoàn thành")  # fmt: skip
WIDTHS = (6, 10, 30, 7, 60, 30, 30, 12, 12, 18, 10, 14)
SHEET = "Nhiệm vụ"


def tasks_xlsx(tasks: Sequence[TaskRow]) -> bytes:
    wb = Workbook()
    ws = wb.worksheets[0]  # the active sheet of a new workbook
    ws.title = SHEET
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for n, t in enumerate(tasks, start=1):
        d = t.directive
        coordinators = "; ".join(sorted((a.name for a in t.coordinators), key=name_key))
        ws.append([
            n, t.id, directive_label(d.number, d.issued_on, d.subject, d.kind), t.ref, t.content,
            t.lead.name, coordinators, t.deadline, t.original_deadline,
            STATE_LABELS_VI.get(TaskState(t.state), t.state), t.progress, t.completed_on,
        ])  # fmt: skip
    for column, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    for letter in ("H", "I", "L"):
        for cell in ws[letter][1:]:
            cell.number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
