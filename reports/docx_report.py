"""The leader's report as DOCX in the NĐ 30/2020 form: summary, per-agency table with numbered
columns, chart, overdue tasks, extensions, proposals, signature and "Nơi nhận".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.shared import Mm

from directives.models import BUCKET_LABELS_VI, Bucket
from directives.vn_format import vn_date, vn_percent
from reports.chart_png import CHARTS_MISSING_VI, buckets_by_agency_png, charts_available
from reports.docx_form import (
    CENTER,
    JUSTIFY,
    Cell,
    FormOptions,
    append_rows,
    cell_margins,
    cell_text,
    header_block,
    new_document,
    repeat_as_header,
    set_widths,
    signature_block,
    write,
)
from reports.evaluation import Evaluation
from reports.labels import state_vi, summary_sentences, task_text
from reports.model import RATE_FORMULA_VI, Counts, Rollup, TaskLine
from reports.output import atomic_write
from reports.succession import NOTE_VI

AGENCY_WIDTHS = (11, 38, 14, 14, 14, 14, 14, 14, 14, 18)
TASK_WIDTHS = (12, 47, 24, 24, 24, 16, 18)
TASK_HEADERS = (
    "STT",
    "Nhiệm vụ",
    "Chủ trì",
    "Phối hợp",
    "Hạn xử lý",
    "Số ngày quá hạn",
    "Trạng thái",
)


def build_docx(
    rollup: Rollup,
    options: FormOptions = FormOptions(),
    tasks: Sequence[TaskLine] = (),
    evaluation: Evaluation | None = None,
) -> bytes:
    """The report as DOCX bytes; `tasks` adds an annex of every task (for a directive),
    `evaluation` a section ranking the agencies (reports.evaluation)."""
    doc = new_document()
    header_block(doc, options, rollup.as_of)
    write(doc, "BÁO CÁO", size=14, bold=True, align=CENTER)
    subject = f"Tình hình thực hiện nhiệm vụ {rollup.scope.title_vi}".replace("  ", " ").strip()
    write(doc, subject, size=14, bold=True, align=CENTER)
    write(
        doc,
        f"({rollup.period.label}, số liệu tính đến ngày {vn_date(rollup.as_of)})",
        size=14,
        align=CENTER,
        after=12,
    )
    _body(doc, "I. KẾT QUẢ CHUNG", summary_sentences(rollup))
    write(doc, "II. KẾT QUẢ THEO CƠ QUAN CHỦ TRÌ", bold=True, before=6, after=6, first_line_mm=10)
    _agency_table(doc, rollup)
    write(doc, f"(*) {RATE_FORMULA_VI}", size=11, italic=True, align=JUSTIFY, after=6)
    write(
        doc, f"(**) {NOTE_VI[rollup.scope.agency_at]}", size=11, italic=True, align=JUSTIFY, after=6
    )
    if rollup.by_agency and not charts_available():
        write(doc, CHARTS_MISSING_VI, size=11, italic=True, align=CENTER, after=6)
    elif rollup.by_agency:
        png = buckets_by_agency_png(rollup.by_agency, "Tình trạng nhiệm vụ theo cơ quan chủ trì")
        doc.add_picture(io.BytesIO(png), width=Mm(150))
        doc.paragraphs[-1].alignment = CENTER
    _overdue_section(doc, rollup)
    _periods_section(doc, rollup)
    _extension_section(doc, rollup)
    if evaluation is not None:
        from reports.evaluation_docx import evaluation_section

        evaluation_section(doc, evaluation, "V. ĐÁNH GIÁ, XẾP LOẠI CƠ QUAN, ĐƠN VỊ")
    _body(doc, f"{'VI' if evaluation else 'V'}. KIẾN NGHỊ, ĐỀ XUẤT", _proposals(rollup))
    if tasks:
        write(doc, "PHỤ LỤC: DANH SÁCH NHIỆM VỤ", bold=True, align=CENTER, before=12, after=6)
        _task_table(doc, tasks)
    signature_block(doc, options)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_docx(
    rollup: Rollup,
    path: Path,
    options: FormOptions = FormOptions(),
    tasks: Sequence[TaskLine] = (),
    evaluation: Evaluation | None = None,
) -> None:
    atomic_write(path, build_docx(rollup, options, tasks, evaluation))


def _body(doc: DocumentObject, heading: str, sentences: Sequence[str]) -> None:
    write(doc, heading, bold=True, before=6, after=6, first_line_mm=10)
    for sentence in sentences:
        write(doc, sentence, align=JUSTIFY, after=6, first_line_mm=10)


def _agency_table(doc: DocumentObject, rollup: Rollup) -> None:
    rows = rollup.by_agency
    table = doc.add_table(rows=3, cols=10, style="Table Grid")
    top, sub, numbers = table.rows
    spans = [
        (0, 0, "STT"),
        (1, 1, "Cơ quan, đơn vị chủ trì"),
        (2, 2, "Tổng số nhiệm vụ"),
        (3, 4, "Đã hoàn thành"),
        (5, 6, "Chưa hoàn thành"),
        (7, 7, "Thường xuyên"),
        (8, 8, "Chờ xác định thời hạn"),
        (9, 9, "Tỷ lệ hoàn thành đúng hạn (*)"),
    ]
    for first, last, text in spans:
        cell = top.cells[first].merge(top.cells[last])
        if first == last:
            cell = cell.merge(sub.cells[first])
        cell_text(cell, text, size=11, bold=True, align=CENTER)
    for i, text in zip((3, 4, 5, 6), ("Đúng hạn", "Quá hạn", "Trong hạn", "Quá hạn"), strict=True):
        cell_text(sub.cells[i], text, size=11, bold=True, align=CENTER)
    for i, cell in enumerate(numbers.cells):
        cell_text(cell, f"({i + 1})", italic=True, align=CENTER)
    repeat_as_header(table, 3)
    cell_margins(table)
    set_widths(table, AGENCY_WIDTHS)
    lines = [_counts_cells(str(n), row.label, row.counts) for n, row in enumerate(rows, 1)]
    lines.append(_counts_cells("", "Tổng cộng", rollup.totals, bold=True))
    append_rows(table, lines, AGENCY_WIDTHS)


def _counts_cells(number: str, label: str, c: Counts, bold: bool = False) -> list[Cell]:
    values = (
        number,
        label,
        c.total,
        c.done_on_time,
        c.done_late,
        c.open_on_time,
        c.open_overdue,
        c.ongoing,
        c.awaiting_deadline,
        vn_percent(c.on_time_rate),
    )
    return [Cell(str(v), "left" if i == 1 else "center", bold) for i, v in enumerate(values)]


def _overdue_section(doc: DocumentObject, rollup: Rollup) -> None:
    shown, total = len(rollup.overdue), rollup.overdue_total
    write(
        doc,
        "III. DANH SÁCH NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH",
        bold=True,
        before=6,
        after=6,
        first_line_mm=10,
    )
    if not total:
        write(doc, "Không có nhiệm vụ quá hạn chưa hoàn thành.", after=6, first_line_mm=10)
        return
    note = f"{total} nhiệm vụ, xếp theo thời gian quá hạn giảm dần"
    if shown < total:
        note += f"; liệt kê {shown} nhiệm vụ quá hạn lâu nhất"
    write(
        doc,
        f"({note}; số ngày quá hạn: ngày lịch (ngày làm việc))",
        size=12,
        italic=True,
        align=CENTER,
        after=4,
    )
    _task_table(doc, rollup.overdue)


PERIOD_HEADERS = ("STT", "Nhiệm vụ định kỳ", "Chủ trì", "Kỳ", "Hạn", "Hoàn thành", "Tình trạng")
PERIOD_WIDTHS = (12, 78, 40, 12, 25, 25, 38)


def _periods_section(doc: DocumentObject, rollup: Rollup) -> None:
    """Các kỳ của nhiệm vụ định kỳ có hạn trong kỳ báo cáo (only when there are some)."""
    if not rollup.periods_due:
        return
    write(
        doc,
        f"Các kỳ báo cáo định kỳ đến hạn trong {rollup.period.label.lower()}"
        f" ({len(rollup.periods_due)} kỳ):",
        bold=True,
        before=6,
        after=4,
        first_line_mm=10,
    )
    table = doc.add_table(rows=1, cols=len(PERIOD_HEADERS), style="Table Grid")
    for cell, text in zip(table.rows[0].cells, PERIOD_HEADERS, strict=True):
        cell_text(cell, text, bold=True, align=CENTER)
    repeat_as_header(table, 1)
    cell_margins(table)
    set_widths(table, PERIOD_WIDTHS)
    lines = [
        [
            Cell(str(n)),
            Cell(f"{p.content}\n(Văn bản số {p.directive_number}, mục {p.ref})", "left"),
            Cell(p.lead, "left"),
            Cell(str(p.seq)),
            Cell(vn_date(p.deadline)),
            Cell(vn_date(p.completed_on) if p.completed_on else ""),
            Cell(BUCKET_LABELS_VI[Bucket(p.bucket)], "left"),
        ]
        for n, p in enumerate(rollup.periods_due, 1)
    ]
    append_rows(table, lines, PERIOD_WIDTHS)


def _task_table(doc: DocumentObject, tasks: Sequence[TaskLine]) -> None:
    table = doc.add_table(rows=1, cols=len(TASK_HEADERS), style="Table Grid")
    for cell, text in zip(table.rows[0].cells, TASK_HEADERS, strict=True):
        cell_text(cell, text, bold=True, align=CENTER)
    repeat_as_header(table, 1)
    cell_margins(table)
    set_widths(table, TASK_WIDTHS)
    append_rows(table, [_task_cells(n, task) for n, task in enumerate(tasks, 1)], TASK_WIDTHS)


def _no_date(bucket: str | None) -> str:
    return "Chờ xác định thời hạn" if bucket == Bucket.AWAITING_DEADLINE.value else "Thường xuyên"


def _task_cells(n: int, task: TaskLine) -> list[Cell]:
    late = f"{task.days_calendar} ({task.days_working})" if task.days_calendar else ""
    deadline = vn_date(task.deadline) if task.deadline else _no_date(task.bucket)
    if task.original_deadline and task.deadline and task.original_deadline != task.deadline:
        deadline += f"\n(hạn đầu: {vn_date(task.original_deadline)})"
    coordinators = "; ".join(task.coordinators)
    return [
        Cell(str(n)),
        Cell(task_text(task), "left"),
        Cell(task.lead, "left"),
        Cell(coordinators, "left"),
        Cell(deadline),
        Cell(late),
        Cell(state_vi(task)),
    ]


def _extension_section(doc: DocumentObject, rollup: Rollup) -> None:
    write(doc, "IV. GIA HẠN THỰC HIỆN NHIỆM VỤ", bold=True, before=6, after=6, first_line_mm=10)
    text = (
        f"Trong {rollup.period.label.lower()}, đã đồng ý gia hạn {rollup.extensions_in_period}"
        f" nhiệm vụ; lũy kế đến ngày {vn_date(rollup.as_of)}: {len(rollup.extensions)} lượt"
        " gia hạn được đồng ý (hạn ban đầu vẫn được lưu để đối chiếu)."
    )
    write(doc, text, align=JUSTIFY, after=6, first_line_mm=10)


def _proposals(rollup: Rollup) -> list[str]:
    worst = [r for r in rollup.by_agency if r.counts.open_overdue][:3]
    if not worst:
        return [
            "Đề nghị các cơ quan, đơn vị tiếp tục duy trì tiến độ, hoàn thành nhiệm vụ đúng hạn."
        ]
    names = ", ".join(f"{r.label} ({r.counts.open_overdue} nhiệm vụ)" for r in worst)
    return [
        f"Đề nghị các cơ quan có nhiều nhiệm vụ quá hạn: {names} khẩn trương hoàn thành, báo cáo"
        " kết quả về Văn phòng UBND tỉnh; trường hợp không thể hoàn thành đúng hạn, phải có văn"
        " bản đề nghị gia hạn, nêu rõ lý do, trước khi hết hạn.",
    ]
