"""Chính sách nhắc việc (reminder policy): which reminders fall due on a working day, and when.

Pure: dates and working-day indexes in, events out. Working-day arithmetic uses a `DayIndex`,
the running count of working days (the `calendar_day.work_index` column), so "5 working days
before the deadline" is plain integer arithmetic: `index(deadline) - 5`.

Each task has tracks (deadline, head escalation, leader escalation, stale, progress request).
On a sweep day T a track yields at most its latest event in [T - catch_up, T]: missed slots within
the window are caught up, older ones are stale and never replayed, and a track that missed
several slots sends one reminder, not a burst. The slot of an event is its nominal working day,
so re-evaluating a task never produces a second reminder for the same event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from directives.calendar import WorkCalendar
from directives.models import DeadlineKind
from directives.reminder_kinds import (  # re-exported: the policy's vocabulary
    DUE as DUE,
)
from directives.reminder_kinds import (
    ESCALATION as ESCALATION,
)
from directives.reminder_kinds import (
    LEADER_ESCALATION as LEADER_ESCALATION,
)
from directives.reminder_kinds import (
    OVERDUE as OVERDUE,
)
from directives.reminder_kinds import (
    PROGRESS_REQUEST as PROGRESS_REQUEST,
)
from directives.reminder_kinds import (
    REMINDED_STATES as REMINDED_STATES,
)
from directives.reminder_kinds import (
    STALE as STALE,
)
from directives.reminder_kinds import (
    Audience as Audience,
)
from directives.reminder_kinds import (
    before_kind as before_kind,
)


class ReminderPolicy(BaseModel):
    """Chính sách nhắc việc; every number is in working days unless named otherwise."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    before: tuple[int, ...] = (5, 2)
    on_day: bool = True
    overdue_every: int = Field(default=3, ge=1)
    head_after: int | None = Field(default=5, ge=1)  # None: no escalation to the head
    leader_after: int | None = Field(default=10, ge=1)
    progress_every_months: int = Field(default=1, ge=1)
    stale_after_days: int | None = Field(default=30, ge=1)  # calendar days without a report
    catch_up: int = Field(default=3, ge=0)
    send_time: time = time(7, 30)
    send_until: time = time(17, 0)


@dataclass(frozen=True)
class TaskFacts:
    state: str
    deadline: date | None
    deadline_kind: str
    created_on: date
    last_progress_on: date | None = None
    deadline_index: int | None = None  # index of the deadline when the caller joined it in SQL


@dataclass(frozen=True)
class Event:
    kind: str
    audience: Audience
    day: date  # the slot: the nominal working day of this reminder


@dataclass(frozen=True)
class TaskPlan:
    events: tuple[Event, ...]
    next_day: date | None  # None: nothing will ever be due unless the task changes


class DayIndex:
    """Working-day ordinals from (day, is_working, work_index) rows; clamped to the table."""

    def __init__(self, rows: Iterable[tuple[date, bool, int]]) -> None:
        self._index: dict[date, int] = {}
        self._days: dict[int, date] = {}
        for day, working, index in rows:
            self._index[day] = index if working else index + 1  # a day off rolls forward
            if working:
                self._days[index] = day
        if not self._days:
            raise ValueError("the working-day calendar is empty: run `dondoc init`")
        self.first, self.last = min(self._index), max(self._index)
        self._lo, self._hi = min(self._days), max(self._days)

    @classmethod
    def from_calendar(cls, calendar: WorkCalendar, start: date, end: date) -> DayIndex:
        rows, index = [], 0
        for day, working in calendar.days(start, end):
            index += working
            rows.append((day, working, index))
        return cls(rows)

    def index(self, day: date) -> int:
        """The index of `day`, or of the next working day when `day` is off (BLDS Điều 148)."""
        return self._index[min(max(day, self.first), self.last)]

    def day(self, index: int) -> date:
        return self._days[min(max(index, self._lo), self._hi)]

    def is_working(self, day: date) -> bool:
        return self._days.get(self._index.get(day, -1)) == day


_Track = tuple[tuple[int, str, Audience] | None, int | None]  # (latest event, next index)


def plan_task(facts: TaskFacts, today: date, days: DayIndex, policy: ReminderPolicy) -> TaskPlan:
    """The events due on `today` (a working day) and the next day worth looking at again."""
    if facts.state not in REMINDED_STATES:
        return TaskPlan((), None)
    t = days.index(today)
    tracks: list[_Track] = []
    if facts.deadline is not None:
        d = facts.deadline_index if facts.deadline_index is not None else days.index(facts.deadline)
        tracks.append(_deadline_track(d, t, policy))
        tracks.append(_once(d, policy.head_after, t, ESCALATION, Audience.HEAD))
        tracks.append(_once(d, policy.leader_after, t, LEADER_ESCALATION, Audience.LEADER))
        if policy.stale_after_days:
            base = facts.last_progress_on or facts.created_on
            tracks.append(_stale_track(base, policy.stale_after_days, today, t, days))
    elif facts.deadline_kind != DeadlineKind.EVENT.value:  # ongoing: thường xuyên
        tracks.append(_progress_track(facts.created_on, policy, today, t, days))
    events = tuple(
        Event(kind, audience, days.day(i))
        for latest, _ in tracks
        if latest is not None
        for i, kind, audience in [latest]
        if i >= t - policy.catch_up
    )
    upcoming = [n for _, n in tracks if n is not None]
    return TaskPlan(events, days.day(min(upcoming)) if upcoming else None)


def _deadline_track(d: int, t: int, p: ReminderPolicy) -> _Track:
    points = sorted({(d - b, before_kind(b)) for b in p.before if b > 0})
    if p.on_day:
        points.append((d, DUE))
    latest = max(((i, k) for i, k in points if i <= t), default=None)
    upcoming = [i for i, _ in points if i > t]
    step = p.overdue_every
    if t >= d + step:
        latest = (d + (t - d) // step * step, OVERDUE)
    upcoming.append(d + step * max(1, (t - d) // step + 1))
    event = (latest[0], latest[1], Audience.AGENCY) if latest else None
    return event, min(upcoming)


def _once(d: int, after: int | None, t: int, kind: str, audience: Audience) -> _Track:
    if after is None:
        return None, None
    i = d + after
    return ((i, kind, audience), None) if i <= t else (None, i)


def _stale_track(base: date, every: int, today: date, t: int, days: DayIndex) -> _Track:
    k = (today - base).days // every
    if k >= 1 and days.index(base + timedelta(days=k * every)) > t:
        k -= 1  # the k-th mark is a day off that rolls past today
    upcoming = days.index(base + timedelta(days=(k + 1) * every))
    if k < 1:
        return None, upcoming
    return (days.index(base + timedelta(days=k * every)), STALE, Audience.LEAD), upcoming


def _progress_track(
    created: date, p: ReminderPolicy, today: date, t: int, days: DayIndex
) -> _Track:
    month = today.year * 12 + today.month - 1
    month -= month % p.progress_every_months
    i = days.index(_month_start(month))
    upcoming = days.index(_month_start(month + p.progress_every_months))
    if i > t or days.day(i) <= created:  # never ask before the task existed
        return None, upcoming
    return (i, PROGRESS_REQUEST, Audience.LEAD), upcoming


def _month_start(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def send_moment(
    moment: datetime, policy: ReminderPolicy, is_working: Callable[[date], bool], tz: ZoneInfo
) -> datetime:
    """`moment` if it falls in sending hours of a working day, else the next opening."""
    local = moment.astimezone(tz)
    day = local.date()
    if is_working(day) and local.time() < policy.send_until:
        if local.time() >= policy.send_time:
            return moment
        return datetime.combine(day, policy.send_time, tz)
    for _ in range(60):  # the longest run of days off (Tết) is well under this
        day += timedelta(days=1)
        if is_working(day):
            break
    return datetime.combine(day, policy.send_time, tz)
