"""Gia hạn: an agency requests an extension, the pending request is looked up, the
secretariat (or the leader, storage/extension_flow.py) decides it. Re-exported by
`storage.task_ops`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.calendar import DEFAULT_CALENDAR, WorkCalendar
from directives.models import OPEN_STATES, ExtensionDecision, TaskState
from storage.db import utcnow
from storage.models import ExtensionRow
from storage.task_ops_common import (
    Actor,
    TaskNotFound,
    TaskOpError,
    finish,
    load_task,
)


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
    task = load_task(session, task_id, version)
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
    finish(session, task, "extension_request", actor, at, changes)
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
    task = load_task(session, ext.task_id, version)
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
    finish(session, task, "extension_decision", actor, at, changes, today)
    return ext
