"""Vietnamese wording shared by the renderers: dates, numbers, states, summary sentences."""

from __future__ import annotations

from directives.labels import cited
from directives.models import BUCKET_LABELS_VI, STATE_LABELS_VI, Bucket, TaskState
from directives.vn_format import vn_date, vn_int, vn_percent
from reports.model import Rollup, TaskLine


def state_vi(task: TaskLine) -> str:
    """The workflow state for open tasks (đang thực hiện, chờ xác nhận…), else the bucket."""
    if task.bucket in (Bucket.OPEN_ON_TIME.value, Bucket.OPEN_OVERDUE.value):
        return STATE_LABELS_VI.get(TaskState(task.state), task.state)
    return BUCKET_LABELS_VI[Bucket(task.bucket)]


def task_text(task: TaskLine) -> str:
    return f"{task.content}\n({cited(task.directive_number)}, mục {task.ref})"


def summary_sentences(rollup: Rollup) -> list[str]:
    n = vn_int
    c, p = rollup.totals, rollup.previous_totals
    sentences = [
        f"Tính đến ngày {vn_date(rollup.as_of)}, tổng số nhiệm vụ được giao là {n(c.total)}"
        f" nhiệm vụ (không kể nhiệm vụ đã hủy), trong đó: đã hoàn thành {n(c.done)} nhiệm vụ"
        f" (đúng hạn {n(c.done_on_time)}, quá hạn {n(c.done_late)}); chưa hoàn thành"
        f" {n(c.open_on_time + c.open_overdue)} nhiệm vụ (trong hạn {n(c.open_on_time)},"
        f" quá hạn {n(c.open_overdue)}); {n(c.ongoing)} nhiệm vụ thường xuyên, không thời hạn;"
        f" {n(c.awaiting_deadline)} nhiệm vụ chờ xác định thời hạn.",
        f"Tỷ lệ hoàn thành đúng hạn (*): {vn_percent(c.on_time_rate)}"
        f" ({n(c.done_on_time)}/{n(c.due)} nhiệm vụ đã đến hạn).",
        f"So với ngày {vn_date(rollup.previous_as_of)} (cuối kỳ trước): số nhiệm vụ quá hạn chưa"
        f" hoàn thành {change(p.open_overdue, c.open_overdue)}; tỷ lệ hoàn thành đúng hạn từ"
        f" {vn_percent(p.on_time_rate)} {_direction(p.on_time_rate, c.on_time_rate)}"
        f" {vn_percent(c.on_time_rate)}; số nhiệm vụ đã hoàn thành {change(p.done, c.done)}.",
    ]
    if rollup.overdue:
        longest = rollup.overdue[0]
        sentences.append(
            f"Nhiệm vụ quá hạn lâu nhất: {longest.days_calendar} ngày"
            f" ({longest.days_working} ngày làm việc), do {longest.lead} chủ trì."
        )
    return sentences


def change(before: int, after: int) -> str:
    """ "tăng 3 (từ 2 lên 5)", "giảm 1 (từ 4 xuống 3)", "không đổi (5)"."""
    if after > before:
        return f"tăng {vn_int(after - before)} (từ {vn_int(before)} lên {vn_int(after)})"
    if after < before:
        return f"giảm {vn_int(before - after)} (từ {vn_int(before)} xuống {vn_int(after)})"
    return f"không đổi ({vn_int(after)})"


def _direction(before: float | None, after: float | None) -> str:
    if (after or 0) > (before or 0):
        return "lên"
    return "xuống" if (after or 0) < (before or 0) else "giữ nguyên ở"
