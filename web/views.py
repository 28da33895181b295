"""Small presentation rules shared by the pages: deadline colours, task summaries."""

from __future__ import annotations

from datetime import date
from typing import Any

from directives.buckets import days_overdue
from directives.calendar import DEFAULT_CALENDAR
from directives.models import OPEN_STATES, TaskState
from storage.models import TaskRow

SOON_WORKING_DAYS = 3  # ≤ 3 working days left shows orange, as Vietnamese trackers do


def urgency(task: TaskRow, today: date) -> str:
    """ "overdue" (red), "soon" (orange) or "" for an open task's deadline."""
    if TaskState(task.state) not in OPEN_STATES or task.deadline is None:
        return ""
    if task.deadline < today:
        return "overdue"
    if DEFAULT_CALENDAR.working_days_between(today, task.deadline) <= SOON_WORKING_DAYS:
        return "soon"
    return ""


def deadline_note(task: TaskRow, today: date) -> str:
    """ "quá hạn N ngày" or "còn N ngày làm việc" for an open task with a deadline."""
    kind = urgency(task, today)
    if kind == "overdue":
        return f"quá hạn {days_overdue(task, today)[0]} ngày"
    if kind == "soon":
        left = DEFAULT_CALENDAR.working_days_between(today, task.deadline)  # type: ignore[arg-type]
        return "đến hạn hôm nay" if left <= 0 else f"còn {left} ngày làm việc"
    return ""


def task_json(task: TaskRow, bucket: str | None = None) -> dict[str, Any]:
    """The API's view of a task."""
    return {
        "id": task.id,
        "version": task.version,
        "directive": {
            "id": task.directive_id,
            "number": task.directive.number,
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
    }
