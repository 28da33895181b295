"""The SQL sweep equals the pure policy: random tasks, sweep days and policies, both dialects.

The reference is `plan_task` (events and next day per task) with the digest's addressing rules
spelled out in Python: lead urged and coordinators informed (the lead first: a coordinator
sharing its address adds nothing), head, active leader accounts; blank addresses are none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import hypothesis
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from directives.calendar import DEFAULT_CALENDAR, TIMEZONE
from notifications.policy import Audience, DayIndex, ReminderPolicy, TaskFacts, plan_task
from notifications.sweep import load_days, plan
from storage.calendar import FIRST_DAY, LAST_DAY
from storage.db import Database
from storage.models import (
    AgencyRow,
    DirectiveRow,
    ReminderRow,
    TaskCoordinator,
    TaskPeriodRow,
    TaskRow,
    UserRow,
)

STATES = ["new", "in_progress", "done", "cancelled", "paused", "awaiting_confirmation"]
# Agency 4 shares agency 1's address (case and spaces differ); 3 has a blank one, 5 none.
EMAILS = ["a@x.vn", "B@X.vn", " c@x.vn\t", "A@x.VN ", "  ", None]
HEADS = ["h1@x.vn", None, "H3@x.vn ", "", "h5@x.vn", None]
LEADERS = ["Lãnh đạo A", "Lãnh đạo B", "Lãnh đạo C", None]
USERS = [  # (leader_name, email, role, active)
    ("Lãnh đạo A", "LD.a@x.vn ", "leader", True), ("Lãnh đạo A", "old@x.vn", "leader", False),
    ("Lãnh đạo A", "clerk@x.vn", "secretariat", True), ("Lãnh đạo B", None, "leader", True),
]  # fmt: skip


def _working(start: date, end: date) -> list[date]:
    return [d for d, w in DEFAULT_CALENDAR.days(start, end) if w]


DAYS = DayIndex.from_calendar(DEFAULT_CALENDAR, FIRST_DAY, LAST_DAY)  # as calendar_day
MONTH_STARTS = [  # the first working days of months: progress requests fall due
    d for d in _working(date(2024, 11, 1), date(2026, 3, 31)) if d.day <= 6
]
SWEEP_DAYS = (
    _working(date(2015, 1, 1), date(2015, 1, 20))  # near the calendar table's first day
    + _working(date(2024, 11, 1), date(2026, 3, 31))
    + _working(date(2035, 12, 1), date(2035, 12, 31))  # near its last day
)


@dataclass(frozen=True)
class FakeTask:
    state: str
    deadline_offset: int | None  # calendar days from the sweep day
    deadline_work: int | None  # else working days from the sweep day (hits the slots)
    deadline_eve: bool  # the calendar day before that working day (maybe a day off)
    kind: str
    created_back: int  # days before the sweep day
    created_clock: time
    progress_back: int | None
    lead: int
    coordinators: frozenset[int]
    leader: int
    due: bool


tasks_st = st.builds(
    FakeTask,
    state=st.sampled_from(["new", "in_progress"] * 4 + STATES),
    deadline_offset=st.one_of(
        st.integers(-30, 12),
        st.none(),
        st.integers(-90, 40),
        st.sampled_from([-4000, 4000, -9000, 9000]),  # beyond the calendar table
    ),
    deadline_work=st.none() | st.integers(-25, 12),
    deadline_eve=st.booleans(),
    kind=st.sampled_from(["fixed", "none", "event"]),
    created_back=st.integers(-3, 40) | st.integers(-3, 400),
    created_clock=st.sampled_from([time(0, 10), time(6, 59), time(7, 0), time(23, 50)]),
    progress_back=st.one_of(st.integers(0, 12), st.none(), st.integers(-40, 400)),
    lead=st.integers(0, 5),
    coordinators=st.frozensets(st.integers(0, 5), max_size=3),
    leader=st.integers(0, 3),
    due=st.booleans() | st.just(True),
)


def _task(**changes: object) -> FakeTask:
    base = FakeTask("in_progress", None, None, False, "fixed", 30, time(9, 0), 0, 0,
                    frozenset({1}), 0, True)  # fmt: skip
    return replace(base, **changes)


policies_st = st.builds(
    ReminderPolicy,
    before=st.just((5, 2)) | st.lists(st.integers(0, 9), max_size=3).map(tuple),
    on_day=st.booleans(),
    overdue_every=st.integers(1, 6),
    head_after=st.none() | st.integers(1, 8),
    leader_after=st.none() | st.integers(1, 12),
    progress_every_months=st.sampled_from([1, 2, 3, 12]),
    stale_after_days=st.none() | st.integers(1, 8) | st.integers(9, 45),
    catch_up=st.integers(0, 5),
)


def _seed(db: Database, today: date, tasks: list[FakeTask]) -> dict[int, tuple[FakeTask, dict]]:
    """Insert agencies, leader accounts and the tasks; the stored values by task id."""
    far = today + timedelta(days=1)
    stored: dict[int, tuple[FakeTask, dict]] = {}
    with db.write() as s:
        for i, (email, head) in enumerate(zip(EMAILS, HEADS, strict=True)):
            s.add(AgencyRow(id=i + 1, code=f"a{i}", name=f"Sở {i}", email=email, head_email=head))
        for n, (leader, email, role, active) in enumerate(USERS):
            name = "" if n else "Nguyễn Văn A"
            s.add(UserRow(username=f"u{n}", full_name=name, email=email, password_hash="x",
                          role=role, leader_name=leader, active=active))  # fmt: skip
        for n, task in enumerate(tasks, start=1):
            created = datetime.combine(
                today - timedelta(days=task.created_back), task.created_clock, TIMEZONE
            )
            deadline = _deadline(task, today)
            s.add(DirectiveRow(id=n, kind="TB", number=f"{n}/TB", leader=LEADERS[task.leader],
                               registered_by="t"))  # fmt: skip
            values = {
                "id": n, "directive_id": n, "ref": "1", "content": "x", "state": task.state,
                "lead_agency_id": task.lead + 1, "deadline": deadline,
                "deadline_kind": task.kind if deadline is None else "fixed",
                "created_at": created, "next_reminder_on": today if task.due else far,
                "last_progress_at": None if task.progress_back is None else datetime.combine(
                    today - timedelta(days=task.progress_back), time(23, 30), TIMEZONE),
            }  # fmt: skip
            s.execute(sa.insert(TaskRow), values)
            coordinators = set(task.coordinators) - {task.lead}
            if {0, 3} <= coordinators:  # two coordinators sharing one address: order-dependent
                coordinators.discard(3)
            for c in sorted(coordinators):
                s.execute(sa.insert(TaskCoordinator), {"task_id": n, "agency_id": c + 1})
            stored[n] = (task, {**values, "coordinators": sorted(coordinators)})
    return stored


def _deadline(task: FakeTask, today: date) -> date | None:
    if task.deadline_work is not None:
        day = DAYS.day(DAYS.index(today) + task.deadline_work)
        return day - timedelta(days=task.deadline_eve)
    return None if task.deadline_offset is None else today + timedelta(task.deadline_offset)


def _usable(email: str | None) -> bool:
    return bool(email and email.strip())


def _people(audience: Audience, v: dict, leader: str | None) -> list[tuple[str, str, int | None]]:
    lead = v["lead_agency_id"] - 1
    out = []
    if audience in (Audience.AGENCY, Audience.LEAD) and _usable(EMAILS[lead]):
        out.append((EMAILS[lead].strip().lower(), "lead", lead + 1))
    if audience is Audience.AGENCY:
        for c in v["coordinators"]:
            addr = EMAILS[c] and EMAILS[c].strip().lower()
            if _usable(EMAILS[c]) and addr not in [a for a, _, _ in out]:
                out.append((addr, "coordinator", c + 1))
    if audience is Audience.HEAD and _usable(HEADS[lead]):
        out.append((HEADS[lead].strip().lower(), "head", lead + 1))
    if audience is Audience.LEADER and leader:
        out += [(e.strip().lower(), "leader", None) for name, e, role, active in USERS
                if name == leader and role == "leader" and active and _usable(e)]  # fmt: skip
    return out


def _wipe(db: Database) -> None:
    with db.write() as s:
        for table in (
            ReminderRow,
            TaskPeriodRow,
            TaskCoordinator,
            TaskRow,
            DirectiveRow,
            UserRow,
            AgencyRow,
        ):
            s.execute(sa.delete(table))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(  # created on the month's first working day (Mon 3/3/2025): no request that month
    today=date(2025, 3, 4),
    policy=ReminderPolicy(),
    preexisting=0,
    tasks=[_task(deadline_offset=None, kind="none", created_back=1, created_clock=time(0, 10))],
)
@example(  # no points before the deadline nor on it: the first overdue slot is next
    today=date(2025, 3, 4),
    policy=ReminderPolicy(before=(), on_day=False),
    preexisting=0,
    tasks=[_task(deadline_work=2)],
)
@given(
    today=st.sampled_from(MONTH_STARTS) | st.sampled_from(SWEEP_DAYS),
    policy=policies_st,
    tasks=st.lists(tasks_st, min_size=1, max_size=12),
    preexisting=st.integers(0, 3),
)
def test_sql_plan_equals_the_python_policy(
    db: Database, today: date, policy: ReminderPolicy, tasks: list[FakeTask], preexisting: int
) -> None:
    _wipe(db)
    stored = _seed(db, today, tasks)
    with db.read() as s:
        days = load_days(s)  # the table itself, not DAYS: what the SQL reads
    expected, next_days, unaddressed = set(), {}, 0
    for n, (task, v) in stored.items():
        if not task.due:
            next_days[n] = today + timedelta(days=1)
            continue
        facts = TaskFacts(
            state=v["state"], deadline=v["deadline"], deadline_kind=v["deadline_kind"],
            created_on=v["created_at"].astimezone(TIMEZONE).date(),
            last_progress_on=v["last_progress_at"] and v["last_progress_at"].astimezone(
                TIMEZONE).date(),
        )  # fmt: skip
        result = plan_task(facts, today, days, policy)
        next_days[n] = result.next_day
        for event in result.events:
            people = _people(event.audience, v, LEADERS[task.leader])
            unaddressed += not people
            expected |= {(n, a, event.kind, event.day, role, aid) for a, role, aid in people}
    old = sorted(expected)[:preexisting]  # reminders an earlier sweep already wrote
    with db.write() as s:
        for n, a, kind, slot, role, aid in old:
            s.add(ReminderRow(task_id=n, recipient=a, kind=kind, slot=slot, role=role,
                              agency_id=aid))  # fmt: skip
    with db.write() as s:
        got = plan(s, datetime.combine(today, time(7, 30), TIMEZONE), policy)
    with db.read() as s:
        rows = s.execute(sa.select(ReminderRow.id, ReminderRow.task_id, ReminderRow.recipient,
                                   ReminderRow.kind, ReminderRow.slot, ReminderRow.role,
                                   ReminderRow.agency_id)).all()  # fmt: skip
        nexts = dict(s.execute(sa.select(TaskRow.id, TaskRow.next_reminder_on)).all())
    assert {tuple(r[1:]) for r in rows} == expected
    assert len(rows) == len(expected)
    assert sorted(got.reminder_ids) == sorted(r.id for r in rows if tuple(r[1:]) not in old)
    assert nexts == next_days
    assert got.tasks_read == sum(t.due for t in tasks)
    assert got.no_address == unaddressed
    hypothesis.event(f"reminders: {min(len(expected), 5)}, ids: {min(len(got.reminder_ids), 5)}")
    hypothesis.event(f"tracks: {sorted({k.split('_')[0] for _, _, k, *_ in expected})}")


@dataclass(frozen=True)
class FakePeriod:
    """A period of a recurring task (kỳ), placed around the sweep day."""

    state: str
    starts_back: int  # calendar days before the sweep day (negative: not begun yet)
    deadline_work: int  # working days from the sweep day
    progress_back: int | None
    due: bool


periods_st = st.lists(
    st.builds(
        FakePeriod,
        state=st.sampled_from(["new", "in_progress"] * 3 + STATES),
        starts_back=st.integers(-5, 60),
        deadline_work=st.integers(-25, 25),
        progress_back=st.none() | st.integers(0, 60),
        due=st.booleans() | st.just(True),
    ),
    max_size=4,
)


def _seed_periods(db: Database, today: date, periods: dict[int, list[FakePeriod]]) -> list[dict]:
    rows = []
    with db.write() as s:
        for task_id, spans in periods.items():
            for seq, fp in enumerate(spans, start=1):
                values = {
                    "task_id": task_id, "seq": seq, "state": fp.state, "progress": 0,
                    "starts": today - timedelta(days=fp.starts_back),
                    "deadline": DAYS.day(DAYS.index(today) + fp.deadline_work),
                    "next_reminder_on": today if fp.due else today + timedelta(days=1),
                    "last_progress_at": None if fp.progress_back is None else datetime.combine(
                        today - timedelta(days=fp.progress_back), time(10), TIMEZONE),
                }  # fmt: skip
                values["original_deadline"] = values["deadline"]
                s.execute(sa.insert(TaskPeriodRow), values)
                rows.append(values)
    return rows


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    today=st.sampled_from(SWEEP_DAYS[20:-20]),
    policy=policies_st,
    tasks=st.lists(tasks_st, min_size=1, max_size=6),
    spans=st.lists(periods_st, min_size=6, max_size=6),
)
def test_sql_plan_equals_the_python_policy_for_every_open_period(
    db: Database, today: date, policy: ReminderPolicy, tasks: list[FakeTask],
    spans: list[list[FakePeriod]],
) -> None:  # fmt: skip
    """Periods after a task's current one (its earliest open) that have begun are subjects of
    their own: the same policy, created on the period's start, reminders keyed by period."""
    _wipe(db)
    stored = _seed(db, today, tasks)
    period_rows = _seed_periods(db, today, dict(zip(stored, spans, strict=False)))
    with db.read() as s:
        days = load_days(s)
    expected: set[tuple] = set()
    next_days: dict[tuple[int, int], date | None] = {}
    local = lambda moment: moment and moment.astimezone(TIMEZONE).date()  # noqa: E731
    for n, (task, v) in stored.items():
        mine = [r for r in period_rows if r["task_id"] == n]
        open_seqs = [r["seq"] for r in mine if r["state"] not in ("done", "cancelled")]
        current = min(open_seqs, default=0)
        subjects = []
        if task.due:
            facts = TaskFacts(state=v["state"], deadline=v["deadline"],
                              deadline_kind=v["deadline_kind"], created_on=local(v["created_at"]),
                              last_progress_on=local(v["last_progress_at"]))  # fmt: skip
            subjects.append((current, facts, None))
        for r in mine:
            if (
                not open_seqs
                or r["seq"] <= current
                or r["starts"] > today
                or r["next_reminder_on"] > today
            ):
                next_days[n, r["seq"]] = r["next_reminder_on"]
                continue
            facts = TaskFacts(state=r["state"], deadline=r["deadline"], deadline_kind="fixed",
                              created_on=r["starts"],
                              last_progress_on=local(r["last_progress_at"]))  # fmt: skip
            subjects.append((r["seq"], facts, r["seq"]))
        for seq, facts, period in subjects:
            result = plan_task(facts, today, days, policy)
            if period is not None:
                next_days[n, period] = result.next_day
            for event in result.events:
                people = _people(event.audience, v, LEADERS[task.leader])
                expected |= {(n, seq, a, event.kind, event.day, role, aid)
                             for a, role, aid in people}  # fmt: skip
    with db.write() as s:
        got = plan(s, datetime.combine(today, time(7, 30), TIMEZONE), policy)
    r = ReminderRow
    with db.read() as s:
        rows = s.execute(sa.select(r.task_id, r.period_seq, r.recipient, r.kind, r.slot, r.role,
                                   r.agency_id)).all()  # fmt: skip
        nexts = {(t, q): d for t, q, d in s.execute(sa.select(
            TaskPeriodRow.task_id, TaskPeriodRow.seq, TaskPeriodRow.next_reminder_on))}  # fmt: skip
    assert {tuple(row) for row in rows} == expected
    assert len(rows) == len(expected) == len(got.reminder_ids)
    assert nexts == next_days
    hypothesis.event(f"period reminders: {min(sum(1 for e in expected if e[1]), 5)}")
