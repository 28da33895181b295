"""The reminder policy on the real Vietnamese calendar (Tết 2025, the 2026 New Year swap)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from directives.calendar import DEFAULT_CALENDAR, TIMEZONE
from notifications.policy import (
    DayIndex,
    ReminderPolicy,
    TaskFacts,
    TaskPlan,
    plan_task,
    send_moment,
)

DAYS = DayIndex.from_calendar(DEFAULT_CALENDAR, date(2023, 1, 1), date(2028, 12, 31))
POLICY = ReminderPolicy()
FRESH = date(2030, 1, 1)  # progress reported "recently": keeps stale nudges out of the way


def plan(deadline: date | None, today: date, **kw) -> TaskPlan:  # noqa: ANN003
    facts = TaskFacts(
        state=kw.pop("state", "in_progress"),
        deadline=deadline,
        deadline_kind=kw.pop("kind", "fixed" if deadline else "none"),
        created_on=kw.pop("created", date(2024, 6, 3)),
        last_progress_on=kw.pop("progress", today),
    )
    return plan_task(facts, today, DAYS, kw.pop("policy", POLICY))


def kinds(p: TaskPlan) -> list[tuple[str, date]]:
    return sorted((e.kind, e.day) for e in p.events)


def test_task_due_just_after_tet_2025_is_reminded_before_the_holiday() -> None:
    deadline = date(2025, 2, 4)  # Tuesday after Tết (25/1–2/2/2025 off)
    assert kinds(plan(deadline, date(2025, 1, 21))) == [("before_5", date(2025, 1, 21))]
    p = plan(deadline, date(2025, 1, 24))  # last working day before Tết
    assert kinds(p) == [("before_2", date(2025, 1, 24))]
    assert p.next_day == date(2025, 2, 4)  # nothing during Tết
    assert kinds(plan(deadline, date(2025, 2, 4))) == [("due", date(2025, 2, 4))]


def test_deadline_on_a_saturday_is_due_on_monday() -> None:
    deadline = date(2025, 3, 15)  # Saturday -> Monday 17/3 (BLDS Điều 148)
    assert plan(deadline, date(2025, 3, 12)).next_day == date(2025, 3, 13)
    assert kinds(plan(deadline, date(2025, 3, 13))) == [("before_2", date(2025, 3, 13))]
    assert kinds(plan(deadline, date(2025, 3, 17))) == [("due", date(2025, 3, 17))]
    assert plan(deadline, date(2025, 3, 17)).next_day == date(2025, 3, 20)  # overdue +3


def test_2026_new_year_swap_friday_off_saturday_worked() -> None:
    deadline = date(2025, 12, 31)
    # +1 Mon 5/1 (1/1 holiday, 2/1 swapped off), +3 Wed 7/1, +5 Fri 9/1, +6 Sat 10/1 (worked)
    assert kinds(plan(deadline, date(2026, 1, 7))) == [("overdue", date(2026, 1, 7))]
    assert kinds(plan(deadline, date(2026, 1, 9))) == [
        ("escalation", date(2026, 1, 9)),
        ("overdue", date(2026, 1, 7)),  # within the window; the same key as on 7/1
    ]
    assert kinds(plan(deadline, date(2026, 1, 10)))[1] == ("overdue", date(2026, 1, 10))
    assert plan(deadline, date(2026, 1, 10)).next_day == date(2026, 1, 14)
    assert ("leader_escalation", date(2026, 1, 15)) in kinds(plan(deadline, date(2026, 1, 15)))
    # before the deadline of Mon 12/1/2026 the worked Saturday counts: -2 is Fri 9/1
    assert plan(date(2026, 1, 12), date(2026, 1, 6)).next_day == date(2026, 1, 9)


def test_catch_up_is_bounded_and_stale_slots_are_not_replayed() -> None:
    deadline = date(2025, 3, 17)  # Monday; before_2 Thu 13/3, overdue Thu 20/3, Tue 25/3
    # down on 13/3, back on Tue 18/3: the missed slots are caught up by the latest one
    assert kinds(plan(deadline, date(2025, 3, 18))) == [("due", date(2025, 3, 17))]
    # back only on Wed 26/3: before_2, due and the first overdue are stale, never replayed
    assert kinds(plan(deadline, date(2025, 3, 26))) == [
        ("escalation", date(2025, 3, 24)),
        ("overdue", date(2025, 3, 25)),
    ]
    narrow = ReminderPolicy(catch_up=0)
    assert plan(deadline, date(2025, 3, 18), policy=narrow).events == ()


def test_nothing_for_done_cancelled_paused_or_awaiting_confirmation() -> None:
    for state in ("done", "cancelled", "paused", "awaiting_confirmation"):
        p = plan(date(2025, 3, 17), date(2025, 3, 17), state=state)
        assert p == TaskPlan((), None)


def test_ongoing_tasks_get_a_monthly_progress_request_on_the_first_working_day() -> None:
    p = plan(None, date(2025, 2, 3), created=date(2024, 12, 10))
    assert kinds(p) == [("progress_request", date(2025, 2, 3))]  # 1/2/2025 is in Tết
    assert p.next_day == date(2025, 3, 3)  # 1/3/2025 is a Saturday
    quarterly = ReminderPolicy(progress_every_months=3)
    assert plan(None, date(2025, 2, 3), policy=quarterly).next_day == date(2025, 4, 1)
    assert plan(None, date(2025, 2, 3), created=date(2025, 2, 3)).events == ()  # not yet
    assert plan(None, date(2025, 2, 3), kind="event") == TaskPlan((), None)  # no date to chase


def test_stale_task_gets_a_nudge_after_30_days_without_a_report() -> None:
    p = plan(date(2025, 12, 31), date(2025, 6, 3), progress=date(2025, 5, 4))
    assert kinds(p) == [("stale", date(2025, 6, 3))]  # 4/5 + 30 days
    assert plan(date(2025, 12, 31), date(2025, 6, 2), progress=date(2025, 5, 4)).events == ()


def test_send_moment_keeps_working_hours() -> None:
    def local(d: date, h: int, m: int = 0) -> datetime:
        return datetime.combine(d, time(h, m), TIMEZONE)

    working = DEFAULT_CALENDAR.is_working_day
    assert send_moment(local(date(2026, 1, 9), 3), POLICY, working, TIMEZONE) == local(
        date(2026, 1, 9), 7, 30
    )
    assert send_moment(local(date(2026, 1, 9), 10), POLICY, working, TIMEZONE) == local(
        date(2026, 1, 9), 10
    )
    # Friday evening -> the worked Saturday 10/1/2026; Thursday 1/1 -> Monday 5/1
    assert send_moment(local(date(2026, 1, 9), 18), POLICY, working, TIMEZONE) == local(
        date(2026, 1, 10), 7, 30
    )
    assert send_moment(local(date(2026, 1, 1), 9), POLICY, working, TIMEZONE) == local(
        date(2026, 1, 5), 7, 30
    )


@settings(max_examples=150, deadline=None)
@given(
    deadline=st.dates(date(2024, 12, 1), date(2026, 6, 30)),
    start=st.dates(date(2024, 11, 1), date(2026, 6, 30)),
)
def test_following_next_day_misses_nothing_a_daily_sweep_would_send(
    deadline: date, start: date
) -> None:
    """Sweeping only when next_reminder_on has come sends exactly what daily sweeps send."""
    end = start + timedelta(days=120)
    daily, hinted = set(), set()
    next_day: date | None = start
    for day, working in DEFAULT_CALENDAR.days(start, end):
        if not working:
            continue
        p = plan(deadline, day, progress=FRESH)
        daily.update((e.kind, e.day) for e in p.events)
        if next_day is not None and next_day <= day:
            hinted.update((e.kind, e.day) for e in p.events)
            assert p.next_day is None or p.next_day > day
            next_day = p.next_day
    assert hinted == daily
    assert len({d for k, d in daily if k == "due"}) <= 1
