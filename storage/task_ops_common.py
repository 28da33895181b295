"""What every write on a task shares (storage/task_ops.py): the errors, who acts (`Actor`), a
stored evidence file, loading a task with its version check, and the finish of each operation
(the recurring task's period kept in step, the history entry, the flush that catches a
concurrent writer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from directives.models import TaskState, UpdateKind
from storage import periods
from storage.history import record
from storage.models import StatusUpdateRow, TaskRow

STALE_MESSAGE = "Nhiệm vụ đã được người khác cập nhật, vui lòng tải lại"


class StaleTaskError(Exception):
    """The task changed since the caller read it (optimistic locking)."""

    def __init__(self, task_id: int) -> None:
        super().__init__(STALE_MESSAGE)
        self.task_id = task_id


class TaskOpError(ValueError):
    """The operation does not fit the task as it is; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TaskNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Actor:
    """Who acts: the username for history, and the agency for status updates."""

    username: str
    agency_id: int | None = None


@dataclass(frozen=True)
class Evidence:
    """A stored evidence file: the random name on disk and the user's file name."""

    path: str
    name: str


def load_task(session: Session, task_id: int, version: int | None) -> TaskRow:
    task = session.get(TaskRow, task_id)
    if task is None:
        raise TaskNotFound(task_id)
    if version is not None and task.version != version:
        raise StaleTaskError(task_id)
    return task


def flush_task(session: Session, task_id: int) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise StaleTaskError(task_id) from None


def set_state(task: TaskRow, state: TaskState, today: date) -> dict[str, Any]:
    old = task.state
    task.state = state
    task.next_reminder_on = today
    return {"state": [old, state]}


def require(task: TaskRow, states: set[TaskState], message: str) -> None:
    if task.state not in states:
        raise TaskOpError(message)


def add_update(
    session: Session,
    task: TaskRow,
    kind: UpdateKind,
    actor: Actor,
    at: datetime,
    note: str = "",
    percent: int | None = None,
    evidence: Evidence | None = None,
) -> StatusUpdateRow:
    row = StatusUpdateRow(
        task_id=task.id,
        kind=kind,
        percent=percent,
        note=note,
        evidence_path=evidence.path if evidence else None,
        evidence_name=evidence.name if evidence else None,
        author=actor.username,
        agency_id=actor.agency_id,
        at=at,
    )
    session.add(row)
    return row


def _plain(value: Any) -> Any:
    """JSON-safe history values: dates as ISO strings, also inside [old, new] pairs."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, date | datetime) else value


def finish(
    session: Session,
    task: TaskRow,
    action: str,
    actor: Actor,
    at: datetime,
    changes: dict[str, Any],
    today: date | None = None,
) -> TaskRow:
    task.updated_at = at  # always an UPDATE, so the version check guards every operation
    seq = periods.after_change(session, task, actor.username, at, today)  # recurring: the kỳ
    if seq is not None:
        changes["period"] = seq
    record(
        session,
        entity="task",
        entity_id=task.id,
        task_id=task.id,
        action=action,
        actor=actor.username,
        changes={k: _plain(v) for k, v in changes.items()},
        at=at,
    )
    flush_task(session, task.id)
    return task
