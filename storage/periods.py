"""Kỳ của nhiệm vụ định kỳ: periods of recurring tasks, materialised up to an as-of date.

A recurring task (`task.recurrence` holds a rule, see directives.recurrence) has one row per
period in `task_periods`. The task row mirrors its *current* period, the earliest one not done:
its deadline, state, progress and completion. So the task actions (progress, completion,
confirmation, extension) and the task list work on the current period unchanged; the reminder
sweep reminds the task row and, besides, every open period begun after the current one (each
period has its own `next_reminder_on`; reminders carry the period's seq);
after every change `after_change` writes the task's values back into that period and moves the
task on to the next period that has begun. `materialise` is idempotent: it adds the periods that
have begun by `as_of` and re-mirrors; the sweep, registration and reads call it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.buckets import bucket
from directives.calendar import DEFAULT_CALENDAR, TIMEZONE, WorkCalendar
from directives.models import Bucket, TaskState
from directives.recurrence import RecurrenceError, Rule, parse_rule, periods
from storage.models import TaskPeriodRow, TaskRow

CLOSED = frozenset({TaskState.DONE, TaskState.CANCELLED})
_MIRRORED = ("deadline", "state", "progress", "reported_done_on", "completed_on")


def rule_of(task: TaskRow) -> Rule | None:
    """The task's recurrence rule, or None (not recurring, or a rule no longer valid)."""
    if not task.recurrence:
        return None
    try:
        return parse_rule(task.recurrence)
    except RecurrenceError:
        return None


def load(session: Session, task_id: int) -> list[TaskPeriodRow]:
    stmt = sa.select(TaskPeriodRow).where(TaskPeriodRow.task_id == task_id)
    return list(session.scalars(stmt.order_by(TaskPeriodRow.seq)))


def current(rows: Sequence[TaskPeriodRow]) -> TaskPeriodRow | None:
    """The period the task row mirrors: the earliest not closed, else the last."""
    for row in rows:
        if row.state not in CLOSED:
            return row
    return rows[-1] if rows else None


def materialise(
    session: Session,
    task: TaskRow,
    as_of: date,
    start: date | None = None,
    calendar: WorkCalendar = DEFAULT_CALENDAR,
) -> list[TaskPeriodRow]:
    """Add the periods begun by `as_of` (at least the first) and mirror the current one.

    The first period starts on `start` (registration day), else the day the task was created.
    """
    rule = rule_of(task)
    if rule is None:
        return []
    rows = load(session, task.id)
    if task.state == TaskState.CANCELLED and rows:
        return rows
    if rows:
        resume = rows[-1].deadline + timedelta(days=1)
    else:
        resume = start or task.created_at.astimezone(TIMEZONE).date()
    until = max(as_of, resume) if not rows else as_of
    for span in periods(rule, resume, until, task.recurrence_until, calendar):
        row = TaskPeriodRow(
            task_id=task.id,
            seq=(rows[-1].seq if rows else 0) + 1,
            starts=span.starts,
            original_deadline=span.deadline,
            deadline=span.deadline,
            state=TaskState.NEW,
            progress=0,
            next_reminder_on=span.starts,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    _mirror(task, current(rows), as_of)
    return rows


def after_change(
    session: Session, task: TaskRow, actor: str, at: datetime, today: date | None = None
) -> int | None:
    """Write the task's values into its current period, then move to the next begun period.

    Returns the seq of the period written (None when the task is not recurring).
    """
    if rule_of(task) is None:
        return None
    rows = load(session, task.id)
    row = current(rows)
    if row is None:
        return None
    today = today or at.astimezone(TIMEZONE).date()
    if task.deadline is None:  # a period always has a date: clearing it keeps the rule's
        task.deadline = row.deadline
    for name in (*_MIRRORED, "last_progress_at"):
        setattr(row, name, getattr(task, name))
    if row.state == TaskState.DONE and row.confirmed_at is None:
        row.confirmed_by, row.confirmed_at = actor, at
    if task.state == TaskState.CANCELLED:  # the recurrence ends with the task
        for other in rows:
            if other.state not in CLOSED:
                other.state = TaskState.CANCELLED
        session.flush()
        return row.seq
    session.flush()
    materialise(session, task, today)
    return row.seq


def rule_changed(session: Session, task: TaskRow, today: date) -> None:
    """A new rule or end: the trailing periods nobody has touched are dropped and planned again."""
    rows = load(session, task.id)
    start = rows[0].starts if rows else None
    while rows and _untouched(rows[-1]):
        session.delete(rows.pop())
    session.flush()
    materialise(session, task, today, start=start)


def first_start(session: Session, task: TaskRow) -> date:
    """The task's start: its first period's first day, else the day it was created."""
    rows = load(session, task.id)
    return rows[0].starts if rows else task.created_at.astimezone(TIMEZONE).date()


def _untouched(row: TaskPeriodRow) -> bool:
    return row.state == TaskState.NEW and not row.progress and row.last_progress_at is None


def materialise_due(session: Session, as_of: date) -> int:
    """Materialise every recurring task whose next period may have begun by `as_of`."""
    newer = sa.select(TaskPeriodRow.id).where(
        TaskPeriodRow.task_id == TaskRow.id, TaskPeriodRow.deadline >= as_of
    )
    stmt = sa.select(TaskRow).where(
        TaskRow.recurrence.is_not(None),
        TaskRow.state != TaskState.CANCELLED,
        ~sa.exists(newer),
    )
    count = 0
    for task in session.scalars(stmt):
        before = len(load(session, task.id))
        count += len(materialise(session, task, as_of)) - before
    return count


def period_bucket(row: TaskPeriodRow, as_of: date) -> Bucket | None:
    """Bucket of one period at `as_of` (a period not yet begun has none)."""
    if row.starts > as_of:
        return None
    return bucket(row, as_of)


def period_json(row: TaskPeriodRow, as_of: date) -> dict[str, Any]:
    b = period_bucket(row, as_of)
    return {
        "seq": row.seq,
        "starts": row.starts,
        "deadline": row.deadline,
        "original_deadline": row.original_deadline,
        "state": row.state,
        "progress": row.progress,
        "reported_done_on": row.reported_done_on,
        "completed_on": row.completed_on,
        "confirmed_by": row.confirmed_by,
        "bucket": b.value if b else None,
    }


def _mirror(task: TaskRow, row: TaskPeriodRow | None, today: date) -> None:
    if row is None:
        return
    changed = False
    for name in (*_MIRRORED, "original_deadline"):
        if getattr(task, name) != getattr(row, name):
            setattr(task, name, getattr(row, name))
            changed = name in ("deadline", "state") or changed
    if changed:
        task.next_reminder_on = today
