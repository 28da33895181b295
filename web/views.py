"""Small presentation rules shared by the pages: deadline colours, task summaries."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from directives.buckets import TaskLike
from directives.buckets import bucket as task_bucket
from directives.calendar import DEFAULT_CALENDAR
from directives.labels import directive_label
from directives.models import CLOSED_STATES, OPEN_STATES, STATE_LABELS_VI, TaskState
from directives.vn_format import vn_date
from storage.models import TaskRow
from storage.task_rows import TaskItem
from web import messages_vi

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SOON_WORKING_DAYS = 3  # ≤ 3 working days left shows orange, as Vietnamese trackers do


@lru_cache(maxsize=8)
def _not_soon_from(today: date) -> date:
    """The first deadline more than SOON_WORKING_DAYS working days after `today`: a walk of a
    few days, not one over every day up to a deadline a year away (per row of a list)."""
    return DEFAULT_CALENDAR.add_working_days(today, SOON_WORKING_DAYS + 1)


def urgency(task: TaskLike, today: date) -> str:
    """ "overdue" (red), "soon" (orange) or "" for an open task's deadline."""
    if TaskState(task.state) not in OPEN_STATES or task.deadline is None:
        return ""
    if task.deadline < today:
        return "overdue"
    return "soon" if task.deadline < _not_soon_from(today) else ""


def deadline_note(task: TaskLike, today: date) -> str:
    """ "quá hạn N ngày" or "còn N ngày làm việc" for an open task with a deadline."""
    kind = urgency(task, today)
    if kind == "overdue" and task.deadline is not None:  # open: days_overdue's calendar days
        return f"quá hạn {(today - task.deadline).days} ngày"
    if kind == "soon" and task.deadline is not None:  # "soon" has a deadline
        left = DEFAULT_CALENDAR.working_days_between(today, task.deadline)
        return "đến hạn hôm nay" if left <= 0 else f"còn {left} ngày làm việc"
    return ""


def task_json(
    task: TaskRow | TaskItem,
    bucket: str | None = None,
    periods: list[dict[str, Any]] | None = None,
    as_of: date | None = None,
) -> dict[str, Any]:
    """The API's view of a task; its bucket at `as_of` (today) when the caller has none."""
    if bucket is None:
        found = task_bucket(task, as_of or date.today())
        bucket = found.value if found else None
    extra: dict[str, Any] = {}
    if periods is not None:
        extra["periods"] = periods
        current = [p["seq"] for p in periods if p["state"] not in CLOSED_STATES]
        extra["current_period"] = (
            current[0] if current else (periods[-1]["seq"] if periods else None)
        )
    return extra | {
        "id": task.id,
        "version": task.version,
        "directive": {
            "id": task.directive_id,
            "number": task.directive.number,
            "label": directive_label(
                task.directive.number,
                task.directive.issued_on,
                task.directive.subject,
                task.directive.kind,
            ),
            "issued": task.directive.issued_on,
            "leader": task.directive.leader,
        },
        "ref": task.ref,
        "content": task.content,
        "lead": {"code": task.lead.code, "name": task.lead.name},
        "coordinators": [{"code": a.code, "name": a.name} for a in task.coordinators],
        "state": task.state,
        "bucket": bucket,
        "progress": task.progress,
        "deadline": task.deadline,
        "original_deadline": task.original_deadline,
        "deadline_text": task.deadline_text,
        "reported_done_on": task.reported_done_on,
        "completed_on": task.completed_on,
        "deadline_kind": task.deadline_kind,
        "recurrence": task.recurrence,
        "recurrence_until": task.recurrence_until,
    }


def warning_vi(text: str) -> str:
    """The parser writes its warnings in English; the office reads them in Vietnamese."""
    return messages_vi.vietnamese(text)


_FIELDS_VI = {
    "ref": "Mục",
    "lead": "Chủ trì",
    "lead_agency_id": "Chủ trì",
    "coordinator_ids": "Phối hợp",
    "deadline": "Hạn xử lý",
    "deadline_text": "Diễn giải thời hạn",
    "content": "Nội dung",
    "state": "Trạng thái",
    "progress": "Tiến độ (%)",
    "note": "Nội dung",
    "evidence": "Tệp minh chứng",
    "reported_done_on": "Ngày báo hoàn thành",
    "period": "Kỳ",
    "recurrence": "Quy tắc định kỳ",
    "recurrence_until": "Định kỳ đến ngày",
    "completed_on": "Ngày hoàn thành",
    "proposed_deadline": "Hạn đề xuất",
    "reason": "Lý do",
    "decision": "Quyết định",
    "role": "Vai trò",
    "from": "Cơ quan cũ",
    "to": "Cơ quan kế thừa",
    "on": "Từ ngày",
}
_HIDDEN = ("from_code", "to_code")
_VALUES_VI = STATE_LABELS_VI | {"approved": "Đồng ý", "refused": "Không đồng ý",
                                "lead": "Chủ trì", "coordinator": "Phối hợp"}  # fmt: skip


def _value_vi(key: str, value: Any, agencies: dict[int, str]) -> str:
    if isinstance(value, list):
        return ", ".join(_value_vi(key, v, agencies) for v in value) or "—"
    if value is None or value == "":
        return "—"
    if key in ("lead_agency_id", "coordinator_ids") and isinstance(value, int):
        return agencies.get(value, str(value))
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return vn_date(date.fromisoformat(value))
    return str(_VALUES_VI.get(value, value))


def history_lines(changes: dict[str, Any], agencies: dict[int, str]) -> list[tuple[str, str]]:
    """A history row's changes as (label, "old → new") lines in Vietnamese."""
    lines = []
    for key, value in changes.items():
        if key == "extension" or key in _HIDDEN or value in ("", None):
            continue
        pair = key != "coordinator_ids" and isinstance(value, list) and len(value) == 2
        if key == "coordinator_ids" and len(value) == 2 and isinstance(value[0], list):
            pair = True
        text = (
            " → ".join(_value_vi(key, v, agencies) for v in value)
            if pair
            else _value_vi(key, value, agencies)
        )
        lines.append((_FIELDS_VI.get(key, key), text))
    return lines
