"""Sửa nhiệm vụ and ghi chú: the secretariat edits a task's fields (old values kept in the
history); the lead or a coordinator adds a note. Re-exported by `storage.task_ops`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from directives.models import TaskState, UpdateKind
from directives.recurrence import UNTIL_BEFORE_START, RecurrenceError, validate_rule
from storage import periods
from storage.db import utcnow
from storage.history import record
from storage.models import AgencyRow, StatusUpdateRow, TaskRow
from storage.task_ops_common import (
    Actor,
    TaskOpError,
    add_update,
    finish,
    load_task,
)


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
    task = load_task(session, task_id, version)
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
    return finish(session, task, "edit", actor, at, changes, today)


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
    task = load_task(session, task_id, None)
    row = add_update(session, task, UpdateKind.NOTE, actor, at, note)
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
