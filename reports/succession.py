"""Counting tasks per agency over the 2025 reorganisation (sắp xếp tổ chức bộ máy).

`asof` (default): each task counts under the agency responsible at the as-of date: its lead
then (from `task_leads`), and where that agency had ended by then (a task closed before the
handover), its default successor. `then`: under the agency that led it at the time, that is on
the day it was completed, or on its deadline, or on the as-of date, whichever comes first.
The counting is in storage/succession_reads.py; here are the modes and the notes reports print.
"""

from __future__ import annotations

MODES = ("asof", "then")
NOTE_VI = {
    "asof": "Nhiệm vụ được tính cho cơ quan chịu trách nhiệm tại ngày báo cáo (nhiệm vụ của cơ "
    "quan đã kết thúc hoạt động do sắp xếp tổ chức bộ máy được tính cho cơ quan kế thừa).",
    "then": "Nhiệm vụ được tính cho cơ quan chủ trì tại thời điểm thực hiện (ngày hoàn thành, "
    "hạn xử lý hoặc ngày báo cáo), kể cả cơ quan đã kết thúc hoạt động sau đó.",
}
