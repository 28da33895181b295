"""Report buckets at an as-of date and days overdue (phân loại tình trạng nhiệm vụ)."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from directives.calendar import DEFAULT_CALENDAR, WorkCalendar
from directives.models import Bucket, TaskState


class TaskLike(Protocol):
    @property
    def state(self) -> str: ...
    @property
    def deadline(self) -> date | None: ...
    @property
    def completed_on(self) -> date | None: ...


EVENT_KIND = "event"  # DeadlineKind.EVENT: "ngay sau khi …", the secretariat sets the date


def bucket(task: TaskLike, as_of: date) -> Bucket | None:
    """The bucket of a task at `as_of`, against its current approved deadline.

    Cancelled tasks have no bucket. A task bound to an event with no date yet waits for the
    secretariat to set one (awaiting_deadline), apart from ongoing tasks (thường xuyên).
    Completion counts only once confirmed (state done) and only from its confirmed date on; a
    completion awaiting confirmation or returned is not done.
    """
    if task.state == TaskState.CANCELLED:
        return None
    if task.deadline is None:
        if getattr(task, "deadline_kind", None) == EVENT_KIND:
            return Bucket.AWAITING_DEADLINE
        return Bucket.ONGOING
    completed = task.completed_on if task.state == TaskState.DONE else None
    if completed is not None and completed <= as_of:
        return Bucket.DONE_ON_TIME if completed <= task.deadline else Bucket.DONE_LATE
    return Bucket.OPEN_OVERDUE if as_of > task.deadline else Bucket.OPEN_ON_TIME


def days_overdue(
    task: TaskLike, as_of: date, calendar: WorkCalendar = DEFAULT_CALENDAR
) -> tuple[int, int]:
    """(calendar days, working days) past the deadline at `as_of`, or at completion if done."""
    if task.deadline is None:
        return 0, 0
    end = as_of
    if (
        task.state == TaskState.DONE
        and task.completed_on is not None
        and task.completed_on <= as_of
    ):
        end = task.completed_on
    if end <= task.deadline:
        return 0, 0
    return (end - task.deadline).days, calendar.working_days_between(task.deadline, end)
