"""Báo cáo tiến độ và hoàn thành: the lead agency reports progress or completion, the
secretariat confirms the completion (xác nhận) or returns it (trả lại). Re-exported by
`storage.task_ops`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from directives.models import TaskState, UpdateKind
from storage.db import utcnow
from storage.models import TaskRow
from storage.task_ops_common import (
    Actor,
    Evidence,
    TaskOpError,
    add_update,
    finish,
    load_task,
    require,
    set_state,
)


def report_progress(
    session: Session,
    task_id: int,
    *,
    version: int | None,
    actor: Actor,
    percent: int,
    note: str = "",
    evidence: Evidence | None = None,
    today: date,
    at: datetime | None = None,
) -> TaskRow:
    """Báo cáo tiến độ by the lead agency: percent, note, optional evidence."""
    at = at or utcnow()
    task = load_task(session, task_id, version)
    require(task, {TaskState.NEW, TaskState.IN_PROGRESS}, "Nhiệm vụ không ở trạng thái thực hiện")
    changes: dict[str, Any] = {"progress": [task.progress, percent], "note": note}
    if task.state == TaskState.NEW:
        changes |= set_state(task, TaskState.IN_PROGRESS, today)
    task.progress = percent
    task.last_progress_at = at
    add_update(session, task, UpdateKind.PROGRESS, actor, at, note, percent, evidence)
    if evidence:
        changes["evidence"] = evidence.name
    return finish(session, task, "progress", actor, at, changes, today)


def report_completion(
    session: Session,
    task_id: int,
    *,
    version: int | None,
    actor: Actor,
    done_on: date,
    note: str = "",
    evidence: Evidence | None = None,
    today: date,
    at: datetime | None = None,
) -> TaskRow:
    """Báo cáo hoàn thành: waits for the secretariat's confirmation (chờ xác nhận)."""
    at = at or utcnow()
    task = load_task(session, task_id, version)
    require(task, {TaskState.NEW, TaskState.IN_PROGRESS}, "Nhiệm vụ không ở trạng thái thực hiện")
    if done_on > today:
        raise TaskOpError("Ngày hoàn thành không được sau hôm nay", "done_on")
    changes = set_state(task, TaskState.AWAITING_CONFIRMATION, today)
    changes |= {"reported_done_on": done_on, "progress": [task.progress, 100], "note": note}
    task.reported_done_on = done_on
    task.progress = 100
    task.last_progress_at = at
    add_update(session, task, UpdateKind.COMPLETION, actor, at, note, 100, evidence)
    return finish(session, task, "completion", actor, at, changes, today)


def confirm_completion(
    session: Session,
    task_id: int,
    *,
    version: int | None,
    actor: Actor,
    note: str = "",
    today: date,
    at: datetime | None = None,
) -> TaskRow:
    """Văn phòng xác nhận hoàn thành: done, on the date the agency reported."""
    at = at or utcnow()
    task = load_task(session, task_id, version)
    require(task, {TaskState.AWAITING_CONFIRMATION}, "Nhiệm vụ không chờ xác nhận hoàn thành")
    changes = set_state(task, TaskState.DONE, today)
    task.completed_on = task.reported_done_on or today
    changes["completed_on"] = task.completed_on
    add_update(session, task, UpdateKind.CONFIRM, actor, at, note)
    return finish(session, task, "confirm", actor, at, changes, today)


def return_completion(
    session: Session,
    task_id: int,
    *,
    version: int | None,
    actor: Actor,
    reason: str,
    today: date,
    at: datetime | None = None,
) -> TaskRow:
    """Trả lại báo cáo hoàn thành: back to in progress, the report no longer counts."""
    at = at or utcnow()
    task = load_task(session, task_id, version)
    require(task, {TaskState.AWAITING_CONFIRMATION}, "Nhiệm vụ không chờ xác nhận hoàn thành")
    changes = set_state(task, TaskState.IN_PROGRESS, today)
    changes |= {"reported_done_on": [task.reported_done_on, None], "reason": reason}
    task.reported_done_on = None
    add_update(session, task, UpdateKind.RETURN, actor, at, reason)
    return finish(session, task, "return", actor, at, changes, today)
