"""Quét nhắc việc (the sweep): due tasks → reminder rows, and each task's next reminder date.

`plan` runs the reminder policy inside the database, set-based: the SQL generated from the
`ReminderPolicy` (storage/sweep_sql.py, mirroring the pure `plan_task`) computes every due
subject's events of the day and next date by joins on `calendar_day` (a subject is a task row,
or an open period begun after its task's current one), inserts the reminders insert-if-absent
by (task, period, recipient, kind, slot) and moves `next_reminder_on` on (storage/sweep_plan.py:
one statement on PostgreSQL, four on SQLite). No task row travels to Python.

`describe` then reads what a digest shows about the reminders `plan` created (names, task lines).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from directives.calendar import TIMEZONE
from directives.roles import RecipientRole
from notifications.policy import DayIndex, ReminderPolicy
from storage import sweep_plan
from storage.calendar import calendar_bounds, calendar_rows

WINDOW_SLACK = timedelta(days=60)  # past the next period start: the longest run of days off


@dataclass(frozen=True)
class Anchors:
    """The sweep day's constants (bind parameters of the generated SQL)."""

    today: date
    t: int  # work index of today (a working day)
    first: date  # calendar_day bounds, for clamping as DayIndex does; lo, hi: working indexes
    last: date
    lo: int
    hi: int
    progress_i: int  # index of the current progress-request period's first day
    progress_day: date  # its working day
    progress_next: int  # index of the next period's first day

    def params(self, policy: ReminderPolicy) -> dict[str, object]:
        since = self.t - policy.catch_up
        # The progress request is one event for every ongoing task; only "created before" varies.
        progress_ok = since <= self.progress_i <= self.t
        return {
            "today": self.today, "t": self.t, "since": since, "first": self.first,
            "last": self.last, "lo": self.lo, "hi": self.hi, "p_ok": int(progress_ok),
            "p_i": self.progress_i, "p_day": self.progress_day, "p_next": self.progress_next,
        }  # fmt: skip


class TaskInfo(NamedTuple):
    """What a digest line shows about a task (nhiệm vụ). Tuples, not frozen dataclasses: a
    sweep builds one per due subject, and a frozen dataclass's __init__ costs several times more."""

    id: int
    ref: str
    content: str
    deadline: date | None
    delta: int | None  # working days past the deadline on the sweep day (negative: left)
    last_progress_on: date | None
    agency: str
    directive: str
    issued_on: date | None
    period_seq: int = 0  # kỳ: the period of a recurring task the line is about (0: none)
    period: str | None = None  # how the digest names it: "kỳ 4, hạn 26/04/2027"


Lines = dict[tuple[int, int], "TaskInfo"]  # digest lines by (task id, period seq)


class NewReminder(NamedTuple):
    """Lời nhắc mới: a reminder this sweep created, as its digest addresses it."""

    id: int
    task_id: int
    recipient: str
    name: str  # how the digest greets the recipient
    kind: str
    slot: date
    role: RecipientRole
    period_seq: int = 0
    agency_code: str | None = None  # the agency it is mailed for (None: a leader's escalation)

    @property
    def subject(self) -> tuple[int, int]:
        """The digest line it belongs to: (task, period)."""
        return self.task_id, self.period_seq


@dataclass
class PlanResult:
    today: date
    tasks_read: int = 0
    reminder_ids: list[int] = field(default_factory=list)  # created by this plan
    # their rows as inserted (tuples of sweep_plan.NEW_COLUMNS): `describe` reads none back
    inserted: list[tuple[Any, ...]] = field(default_factory=list)
    no_address: int = 0  # events with nobody to send to (no e-mail on file)
    anchors: Anchors | None = None  # the day's working-day constants (None: a day off)
    reminders: list[NewReminder] = field(default_factory=list)  # filled by `describe`
    # filled by `describe`, by (task id, period seq)
    tasks: Lines = field(default_factory=dict)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """No cyclic garbage collection while the sweep builds its many acyclic objects (rows,
    task lines, reminders: about 100,000 at 10,000 due), which every pass walks again and none
    frees: half of `describe`'s CPU time, measured. Collection resumes after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_days(session: Session, around: date | None = None) -> DayIndex:
    """The working-day calendar; with `around`, only the days from it to the next opening after
    the longest run of days off (what `send_moment` asks), not the whole table (7,670 rows)."""
    if around is not None:
        start, end = around - timedelta(days=1), around + WINDOW_SLACK + timedelta(2)
        rows = calendar_rows(session, start, end)
        if rows:
            return DayIndex(rows)
    return DayIndex(calendar_rows(session))


@without_cycle_collection()
def plan(
    session: Session,
    now: datetime,
    policy: ReminderPolicy | None = None,
    tz: ZoneInfo = TIMEZONE,
) -> PlanResult:
    """Write the reminders due at `now` (a working day) and advance `next_reminder_on`."""
    policy = policy or ReminderPolicy()
    today = now.astimezone(tz).date()
    result = PlanResult(today)
    anchors = _anchors(session, today, policy)
    if anchors is None:  # a day off: nothing is planned, nothing moves
        return result
    result.anchors = anchors
    run = sweep_plan.planner(session)
    params = {**anchors.params(policy), **run.zone(tz), "now": now}
    result.tasks_read, result.no_address, rows = run.run(session, policy, params)
    result.inserted = rows
    result.reminder_ids = [r[0] for r in rows]
    return result


def _anchors(session: Session, today: date, policy: ReminderPolicy) -> Anchors | None:
    """The sweep day's working-day constants from `calendar_day`; None on a day off."""
    first, last, lo, hi = calendar_bounds(session)
    if first is None or not first <= today <= last:
        return None
    month = today.year * 12 + today.month - 1
    month -= month % policy.progress_every_months  # as policy._progress_track
    start, after = _month_start(month), _month_start(month + policy.progress_every_months)
    # same answers as the whole table here
    days = DayIndex(calendar_rows(session, max(start, first), after + WINDOW_SLACK))
    if not days.is_working(today):
        return None
    return Anchors(
        today=today, t=days.index(today), first=first, last=last, lo=lo, hi=hi,
        progress_i=days.index(start), progress_day=days.day(days.index(start)),
        progress_next=days.index(after),
    )  # fmt: skip


def _month_start(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)
