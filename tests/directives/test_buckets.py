"""Buckets at an as-of date and days overdue, across the boundaries a report shows."""

from dataclasses import dataclass
from datetime import date

import pytest

from directives.buckets import bucket, days_overdue
from directives.models import Bucket, TaskState

DEADLINE = date(2024, 6, 28)  # a Friday


@dataclass
class Task:
    """What bucket() reads of a task (directives.buckets.TaskLike), and the original deadline."""

    state: str
    deadline: date | None
    completed_on: date | None
    original_deadline: date | None = None


def task(state: TaskState, deadline: date | None = DEADLINE, done: date | None = None) -> Task:
    return Task(state=state, deadline=deadline, completed_on=done)


@pytest.mark.parametrize(
    ("t", "as_of", "expected"),
    [
        (task(TaskState.IN_PROGRESS), date(2024, 6, 28), Bucket.OPEN_ON_TIME),  # due today
        (task(TaskState.IN_PROGRESS), date(2024, 6, 29), Bucket.OPEN_OVERDUE),
        (task(TaskState.DONE, done=DEADLINE), date(2024, 7, 1), Bucket.DONE_ON_TIME),
        (task(TaskState.DONE, done=date(2024, 6, 29)), date(2024, 7, 1), Bucket.DONE_LATE),
        # done later than the as-of date: at as-of it was still open
        (task(TaskState.DONE, done=date(2024, 7, 5)), date(2024, 7, 1), Bucket.OPEN_OVERDUE),
        # reported done but not yet confirmed by the secretariat: not done
        (task(TaskState.AWAITING_CONFIRMATION), date(2024, 7, 1), Bucket.OPEN_OVERDUE),
        (task(TaskState.IN_PROGRESS, deadline=None), date(2024, 7, 1), Bucket.ONGOING),
        (task(TaskState.CANCELLED), date(2024, 7, 1), None),
    ],
)
def test_bucket(t: Task, as_of: date, expected: Bucket | None) -> None:
    assert bucket(t, as_of) == expected


def test_extension_moves_the_current_deadline_but_keeps_the_original() -> None:
    t = task(TaskState.DONE, done=date(2024, 7, 10))
    t.original_deadline, t.deadline = DEADLINE, date(2024, 7, 15)
    assert bucket(t, date(2024, 7, 31)) == Bucket.DONE_ON_TIME
    assert t.original_deadline == DEADLINE


def test_days_overdue_in_calendar_and_working_days() -> None:
    # Friday 28/6 -> Monday 8/7/2024: 10 calendar days, 6 working days
    assert days_overdue(task(TaskState.IN_PROGRESS), date(2024, 7, 8)) == (10, 6)
    assert days_overdue(task(TaskState.IN_PROGRESS), DEADLINE) == (0, 0)
    # once done, the count stops at completion
    late = task(TaskState.DONE, done=date(2024, 7, 1))
    assert days_overdue(late, date(2024, 12, 31)) == (3, 1)
