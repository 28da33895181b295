"""Quét nhắc việc (the sweep): due tasks → reminder rows, and each task's next reminder date.

Reads only tasks whose indexed `next_reminder_on` is on or before the sweep day, in one query
(deadline working-day index joined from `calendar_day`), computes their events with the pure
policy, writes reminders insert-if-absent by (task, recipient, kind, slot) and moves
`next_reminder_on` on, all in a handful of set-based statements inside the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session, aliased

from directives.calendar import TIMEZONE
from notifications.policy import Audience, DayIndex, ReminderPolicy, TaskFacts, plan_task
from storage.models import (
    AgencyRow,
    CalendarDay,
    DirectiveRow,
    ReminderRow,
    TaskCoordinator,
    TaskRow,
    UserRow,
)

CHUNK = 1000


@dataclass(frozen=True)
class TaskInfo:
    """What a digest line shows about a task."""

    id: int
    ref: str
    content: str
    deadline: date | None
    delta: int | None  # working days past the deadline on the sweep day (negative: left)
    last_progress_on: date | None
    agency: str
    directive: str
    issued_on: date | None


@dataclass(frozen=True)
class NewReminder:
    id: int
    task_id: int
    recipient: str
    name: str  # how the digest greets the recipient
    kind: str
    slot: date
    role: str


@dataclass
class PlanResult:
    today: date
    tasks_read: int = 0
    reminders: list[NewReminder] = field(default_factory=list)
    tasks: dict[int, TaskInfo] = field(default_factory=dict)
    no_address: int = 0  # events with nobody to send to (no e-mail on file)


def load_days(session: Session) -> DayIndex:
    cd = CalendarDay
    return DayIndex(session.execute(sa.select(cd.day, cd.is_working, cd.work_index)).all())


def plan(
    session: Session,
    now: datetime,
    policy: ReminderPolicy | None = None,
    tz: ZoneInfo = TIMEZONE,
    days: DayIndex | None = None,
) -> PlanResult:
    """Write the reminders due at `now` (a working day) and advance `next_reminder_on`."""
    policy = policy or ReminderPolicy()
    days = days or load_days(session)
    today = now.astimezone(tz).date()
    result = PlanResult(today)
    if not days.is_working(today):
        return result
    rows = session.execute(_due_tasks(today)).all()
    result.tasks_read = len(rows)
    if not rows:
        return result
    coordinators = _coordinators(session, today)
    rows_out: dict[tuple[int, str, str, date], dict] = {}
    next_days: dict[date | None, list[int]] = defaultdict(list)
    plans = {}
    for r in rows:
        facts = TaskFacts(
            state=r.state,
            deadline=r.deadline,
            deadline_kind=r.deadline_kind,
            created_on=r.created_at.astimezone(tz).date(),
            last_progress_on=r.last_progress_at.astimezone(tz).date()
            if r.last_progress_at
            else None,
            deadline_index=None if r.work_index is None else r.work_index + (not r.is_working),
        )
        task_plan = plan_task(facts, today, days, policy)
        next_days[task_plan.next_day].append(r.id)
        if task_plan.events:
            plans[r.id] = (r, task_plan, facts)
    leaders = _leaders(session, {r.leader for r, p, _ in plans.values() if r.leader})
    t = days.index(today)
    for task_id, (r, task_plan, facts) in plans.items():
        d = facts.deadline_index if facts.deadline_index is not None else None
        if d is None and facts.deadline is not None:
            d = days.index(facts.deadline)
        result.tasks[task_id] = TaskInfo(
            r.id, r.ref, r.content, r.deadline, None if d is None else t - d,
            facts.last_progress_on, r.agency_name, r.number, r.issued_on,
        )  # fmt: skip
        for event in task_plan.events:
            people = _recipients(event.audience, r, coordinators.get(task_id, ()), leaders)
            if not people:
                result.no_address += 1
            for email, name, role, agency_id in people:
                key = (task_id, email, event.kind, event.day)
                rows_out.setdefault(key, _reminder(key, name, role, agency_id, now))
    result.reminders = _insert(session, list(rows_out.values()))
    _advance(session, next_days)
    return result


def _due_tasks(today: date) -> sa.Select:
    deadline_day = aliased(CalendarDay)
    return (
        sa.select(
            TaskRow.id,
            TaskRow.ref,
            TaskRow.content,
            TaskRow.state,
            TaskRow.deadline,
            TaskRow.deadline_kind,
            TaskRow.created_at,
            TaskRow.last_progress_at,
            TaskRow.lead_agency_id,
            AgencyRow.name.label("agency_name"),
            AgencyRow.email,
            AgencyRow.head_email,
            DirectiveRow.number,
            DirectiveRow.issued_on,
            DirectiveRow.leader,
            deadline_day.work_index,
            deadline_day.is_working,
        )  # fmt: skip
        .join(AgencyRow, AgencyRow.id == TaskRow.lead_agency_id)
        .join(DirectiveRow, DirectiveRow.id == TaskRow.directive_id)
        .outerjoin(deadline_day, deadline_day.day == TaskRow.deadline)
        .where(TaskRow.next_reminder_on <= today)
        # PostgreSQL: a concurrent sweep skips what this one holds; a web edit waits for it.
        .with_for_update(skip_locked=True, of=TaskRow)
    )


_Person = tuple[str, str, str, int | None]  # email, name, role, agency id


def _coordinators(session: Session, today: date) -> dict[int, list[_Person]]:
    due = sa.select(TaskRow.id).where(TaskRow.next_reminder_on <= today)
    stmt = (
        sa.select(TaskCoordinator.task_id, AgencyRow.id, AgencyRow.name, AgencyRow.email)
        .join(AgencyRow, AgencyRow.id == TaskCoordinator.agency_id)
        .where(TaskCoordinator.task_id.in_(due), AgencyRow.email.is_not(None))
    )
    out: dict[int, list[_Person]] = defaultdict(list)
    for task_id, agency_id, name, email in session.execute(stmt):
        out[task_id].append((_address(email), name, "coordinator", agency_id))
    return out


def _leaders(session: Session, names: set[str]) -> dict[str, list[_Person]]:
    if not names:
        return {}
    stmt = sa.select(UserRow.leader_name, UserRow.email, UserRow.full_name).where(
        UserRow.role == "leader",
        UserRow.active.is_(True),
        UserRow.email.is_not(None),
        UserRow.leader_name.in_(sorted(names)),
    )
    out: dict[str, list[_Person]] = defaultdict(list)
    for leader, email, full_name in session.execute(stmt):
        out[leader].append((_address(email), f"Đồng chí {full_name or leader}", "leader", None))
    return out


def _recipients(
    audience: Audience, r: sa.Row, coordinators: Sequence[_Person], leaders: dict
) -> list[_Person]:
    lead = [(_address(r.email), r.agency_name, "lead", r.lead_agency_id)] if r.email else []
    if audience is Audience.AGENCY:
        return lead + list(coordinators)
    if audience is Audience.LEAD:
        return lead
    if audience is Audience.HEAD:
        head = f"Thủ trưởng {r.agency_name}"
        return [(_address(r.head_email), head, "head", r.lead_agency_id)] if r.head_email else []
    return list(leaders.get(r.leader, ())) if r.leader else []


def _address(email: str) -> str:
    return email.strip().lower()


def _reminder(key: tuple, name: str, role: str, agency_id: int | None, now: datetime) -> dict:
    task_id, email, kind, slot = key
    return {
        "task_id": task_id, "recipient": email, "kind": kind, "slot": slot, "role": role,
        "agency_id": agency_id, "created_at": now, "_name": name,
    }  # fmt: skip


_PG_INSERT = sa.text("""
    INSERT INTO reminder (task_id, recipient, kind, slot, role, agency_id, created_at)
    SELECT * FROM unnest(CAST(:task_id AS integer[]), CAST(:recipient AS varchar[]),
        CAST(:kind AS varchar[]), CAST(:slot AS date[]), CAST(:role AS varchar[]),
        CAST(:agency_id AS integer[]), CAST(:created_at AS timestamptz[]))
    ON CONFLICT (task_id, recipient, kind, slot) DO NOTHING
    RETURNING id, task_id, recipient, kind, slot, role""")
_PG_ADVANCE = sa.text("""
    UPDATE task SET next_reminder_on = v.day
    FROM unnest(CAST(:ids AS integer[]), CAST(:days AS date[])) AS v(id, day)
    WHERE task.id = v.id""")
_COLUMNS = ("task_id", "recipient", "kind", "slot", "role", "agency_id", "created_at")


def _insert(session: Session, rows: list[dict]) -> list[NewReminder]:
    """Insert-if-absent; only the rows this call created come back (RETURNING).

    PostgreSQL: one statement over arrays (unnest). SQLite: one executemany, which SQLAlchemy
    batches into multi-row VALUES ("insertmanyvalues").
    """
    if not rows:
        return []
    names = {(r["task_id"], r["recipient"]): r.pop("_name") for r in rows}
    if session.get_bind().dialect.name == "postgresql":
        result = session.execute(_PG_INSERT, {c: [r[c] for r in rows] for c in _COLUMNS})
    else:
        table = ReminderRow.__table__
        stmt = (
            sqlite.insert(table)
            .on_conflict_do_nothing(index_elements=["task_id", "recipient", "kind", "slot"])
            .returning(table.c.id, table.c.task_id, table.c.recipient, table.c.kind,
                       table.c.slot, table.c.role)
        )  # fmt: skip
        result = session.execute(stmt, rows)
    return [
        NewReminder(rid, task_id, rcpt, names[task_id, rcpt], kind, slot, role)
        for rid, task_id, rcpt, kind, slot, role in result
    ]


def _advance(session: Session, next_days: dict[date | None, list[int]]) -> None:
    """Store each task's next date; bookkeeping, not an edit (updated_at, version kept)."""
    if session.get_bind().dialect.name == "postgresql":
        pairs = [(i, day) for day, ids in next_days.items() for i in ids]
        session.execute(_PG_ADVANCE, {"ids": [i for i, _ in pairs], "days": [d for _, d in pairs]})
        return
    table = TaskRow.__table__
    for day, ids in next_days.items():
        for chunk in _chunks(ids, 10 * CHUNK):
            session.execute(
                sa.update(table)
                .where(table.c.id.in_(chunk))
                .values(next_reminder_on=day, updated_at=table.c.updated_at)
            )


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
