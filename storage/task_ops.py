"""Write operations on a task (cập nhật nhiệm vụ): one transaction each, history kept.

Every operation takes the `version` the caller saw; a mismatch, or a concurrent writer caught by
the version_id_col UPDATE, raises StaleTaskError. Any change of state or deadline sets
`next_reminder_on = today`, so the reminder engine's next sweep re-evaluates the task.
Callers own the transaction (`Database.write()`); nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from directives.calendar import DEFAULT_CALENDAR, WorkCalendar
from directives.models import OPEN_STATES, ExtensionDecision, TaskState, UpdateKind
from directives.recurrence import UNTIL_BEFORE_START, RecurrenceError, validate_rule
from storage import periods
from storage.db import utcnow
from storage.history import record
from storage.models import AgencyRow, ExtensionRow, StatusUpdateRow, TaskRow

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


def _load(session: Session, task_id: int, version: int | None) -> TaskRow:
    task = session.get(TaskRow, task_id)
    if task is None:
        raise TaskNotFound(task_id)
    if version is not None and task.version != version:
        raise StaleTaskError(task_id)
    return task


def _flush(session: Session, task_id: int) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise StaleTaskError(task_id) from None


def _set_state(task: TaskRow, state: TaskState, today: date) -> dict[str, Any]:
    old = task.state
    task.state = state
    task.next_reminder_on = today
    return {"state": [old, state]}


def _require(task: TaskRow, states: set[TaskState], message: str) -> None:
    if task.state not in states:
        raise TaskOpError(message)


def _update(
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


def _finish(
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
    _flush(session, task.id)
    return task


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
    task = _load(session, task_id, version)
    _require(task, {TaskState.NEW, TaskState.IN_PROGRESS}, "Nhiệm vụ không ở trạng thái thực hiện")
    changes: dict[str, Any] = {"progress": [task.progress, percent], "note": note}
    if task.state == TaskState.NEW:
        changes |= _set_state(task, TaskState.IN_PROGRESS, today)
    task.progress = percent
    task.last_progress_at = at
    _update(session, task, UpdateKind.PROGRESS, actor, at, note, percent, evidence)
    if evidence:
        changes["evidence"] = evidence.name
    return _finish(session, task, "progress", actor, at, changes, today)


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
    task = _load(session, task_id, version)
    _require(task, {TaskState.NEW, TaskState.IN_PROGRESS}, "Nhiệm vụ không ở trạng thái thực hiện")
    if done_on > today:
        raise TaskOpError("Ngày hoàn thành không được sau hôm nay", "done_on")
    changes = _set_state(task, TaskState.AWAITING_CONFIRMATION, today)
    changes |= {"reported_done_on": done_on, "progress": [task.progress, 100], "note": note}
    task.reported_done_on = done_on
    task.progress = 100
    task.last_progress_at = at
    _update(session, task, UpdateKind.COMPLETION, actor, at, note, 100, evidence)
    return _finish(session, task, "completion", actor, at, changes, today)


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
    task = _load(session, task_id, version)
    _require(task, {TaskState.AWAITING_CONFIRMATION}, "Nhiệm vụ không chờ xác nhận hoàn thành")
    changes = _set_state(task, TaskState.DONE, today)
    task.completed_on = task.reported_done_on or today
    changes["completed_on"] = task.completed_on
    _update(session, task, UpdateKind.CONFIRM, actor, at, note)
    return _finish(session, task, "confirm", actor, at, changes, today)


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
    task = _load(session, task_id, version)
    _require(task, {TaskState.AWAITING_CONFIRMATION}, "Nhiệm vụ không chờ xác nhận hoàn thành")
    changes = _set_state(task, TaskState.IN_PROGRESS, today)
    changes |= {"reported_done_on": [task.reported_done_on, None], "reason": reason}
    task.reported_done_on = None
    _update(session, task, UpdateKind.RETURN, actor, at, reason)
    return _finish(session, task, "return", actor, at, changes, today)


def request_extension(
    session: Session,
    task_id: int,
    *,
    version: int | None,
    actor: Actor,
    proposed: date,
    reason: str,
    at: datetime | None = None,
) -> ExtensionRow:
    """Đề nghị gia hạn: only for an open task with a deadline and no request pending."""
    at = at or utcnow()
    task = _load(session, task_id, version)
    if TaskState(task.state) not in OPEN_STATES or task.deadline is None:
        raise TaskOpError("Chỉ xin gia hạn được cho nhiệm vụ đang thực hiện và có thời hạn")
    if pending_extension(session, task_id) is not None:
        raise TaskOpError("Nhiệm vụ đã có đề nghị gia hạn đang chờ duyệt")
    if proposed <= task.deadline:
        raise TaskOpError("Ngày đề xuất phải sau hạn hiện tại", "proposed_deadline")
    ext = ExtensionRow(
        task_id=task.id,
        old_deadline=task.deadline,
        proposed_deadline=proposed,
        reason=reason,
        requested_by=actor.username,
        requested_at=at,
    )
    session.add(ext)
    changes = {"proposed_deadline": proposed, "reason": reason}
    _finish(session, task, "extension_request", actor, at, changes)
    return ext


def pending_extension(session: Session, task_id: int) -> ExtensionRow | None:
    stmt = sa.select(ExtensionRow).where(
        ExtensionRow.task_id == task_id, ExtensionRow.decision == ExtensionDecision.PENDING
    )
    return session.scalars(stmt.limit(1)).first()


def decide_extension(
    session: Session,
    extension_id: int,
    *,
    version: int | None,
    actor: Actor,
    approve: bool,
    new_deadline: date | None = None,
    note: str = "",
    today: date,
    at: datetime | None = None,
    calendar: WorkCalendar = DEFAULT_CALENDAR,
) -> ExtensionRow:
    """Duyệt gia hạn: approving moves the deadline (to a working day); the original stays."""
    at = at or utcnow()
    ext = session.get(ExtensionRow, extension_id)
    if ext is None:
        raise TaskNotFound(extension_id)
    task = _load(session, ext.task_id, version)
    if ext.decision != ExtensionDecision.PENDING:
        raise TaskOpError("Đề nghị gia hạn này đã được xử lý")
    decision = ExtensionDecision.APPROVED if approve else ExtensionDecision.REFUSED
    ext.decision, ext.decided_by, ext.decided_at = decision, actor.username, at
    ext.decision_note = note
    changes: dict[str, Any] = {"extension": ext.id, "decision": decision, "note": note}
    if approve:
        deadline = calendar.roll_forward(new_deadline or ext.proposed_deadline)
        ext.new_deadline = deadline
        changes["deadline"] = [task.deadline, deadline]
        task.deadline = deadline
        task.next_reminder_on = today
    _finish(session, task, "extension_decision", actor, at, changes, today)
    return ext


def edit_task(
    session: Session,
    task_id: int,
    *,
    version: int | None,
    actor: Actor,
    fields: dict[str, Any],
    today: date,
    at: datetime | None = None,
) -> TaskRow:
    """Sửa nhiệm vụ (secretariat): content, lead, coordinators, deadline, state; old values kept.

    `fields` may hold content, deadline_text, deadline, lead_agency_id, coordinator_ids, state,
    recurrence (a rule string; periods not yet touched are planned again), recurrence_until
    (the rule's end, not before the task's start; likewise re-plans the untouched periods).
    """
    at = at or utcnow()
    task = _load(session, task_id, version)
    changes: dict[str, Any] = {}
    recurring = fields.get("recurrence", task.recurrence)
    if recurring and "deadline" in fields and fields["deadline"] is None:
        raise TaskOpError("Nhiệm vụ định kỳ: mỗi kỳ có hạn theo quy tắc, không bỏ thời hạn được",
                          "deadline")  # fmt: skip
    for name in ("content", "deadline_text", "deadline", "lead_agency_id", "state", "progress"):
        if name in fields and getattr(task, name) != fields[name]:
            changes[name] = [getattr(task, name), fields[name]]
            setattr(task, name, fields[name])
    if "recurrence" in fields and (fields["recurrence"] or None) != task.recurrence:
        rule = fields["recurrence"] or None
        if rule is not None:
            try:
                rule = validate_rule(rule)
            except RecurrenceError as exc:
                raise TaskOpError(str(exc), "recurrence") from None
        changes["recurrence"] = [task.recurrence, rule]
        task.recurrence = rule
    if "recurrence_until" in fields and fields["recurrence_until"] != task.recurrence_until:
        until = fields["recurrence_until"]
        if until is not None and until < periods.first_start(session, task):
            raise TaskOpError(UNTIL_BEFORE_START, "recurrence_until")
        changes["recurrence_until"] = [task.recurrence_until, until]
        task.recurrence_until = until
    if {"recurrence", "recurrence_until"} & changes.keys() and task.recurrence is not None:
        periods.rule_changed(session, task, today)
    if "coordinator_ids" in fields:
        old = sorted(a.id for a in task.coordinators)
        new = sorted(set(fields["coordinator_ids"]) - {task.lead_agency_id})
        if old != new:
            changes["coordinator_ids"] = [old, new]
            task.coordinators = [session.get_one(AgencyRow, i) for i in new]
    if not changes:
        raise TaskOpError("Không có thay đổi nào")
    if "deadline" in changes and task.original_deadline is None:
        task.original_deadline = task.deadline
    if {"deadline", "state"} & changes.keys():
        task.next_reminder_on = today
    if changes.get("state", [None, None])[1] == TaskState.DONE and task.completed_on is None:
        task.completed_on = task.reported_done_on or today
    return _finish(session, task, "edit", actor, at, changes, today)


def add_note(
    session: Session,
    task_id: int,
    *,
    actor: Actor,
    note: str,
    at: datetime | None = None,
) -> StatusUpdateRow:
    """Ghi chú (lead or coordinator): no state change, so no version check."""
    at = at or utcnow()
    task = _load(session, task_id, None)
    row = _update(session, task, UpdateKind.NOTE, actor, at, note)
    record(
        session,
        entity="task",
        entity_id=task.id,
        task_id=task.id,
        action="note",
        actor=actor.username,
        changes={"note": note},
        at=at,
    )
    session.flush()
    return row
