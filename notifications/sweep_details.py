"""What a digest shows about the reminders a sweep created: greetings and task lines.

Separate from `plan`, which only writes: reading names and task texts is the digest's need, and
only for the tasks that got a new reminder.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from directives.calendar import TIMEZONE
from directives.labels import directive_label
from directives.roles import RecipientRole, Role
from notifications.sweep import (
    Lines,
    NewReminder,
    PlanResult,
    TaskInfo,
    without_cycle_collection,
)
from storage.models import (
    AgencyRow,
    CalendarDay,
    DirectiveRow,
    ReminderRow,
    TaskPeriodRow,
    TaskRow,
    UserRow,
)

_label = lru_cache(maxsize=4096)(directive_label)  # one label per directive, not per task line


@without_cycle_collection()
def describe(session: Session, result: PlanResult, tz: ZoneInfo = TIMEZONE) -> PlanResult:
    """Fill `result.reminders` and `result.tasks` for the reminders `plan` created (the rows
    its insert returned: none is read back)."""
    if not result.inserted or result.anchors is None:
        return result
    r = ReminderRow
    # One statement's ids: a range (PostgreSQL sequences may interleave: extra tasks unused).
    ids = [row[0] for row in result.inserted]
    mine = r.id.between(min(ids), max(ids))
    reminders, tasks = _described(session, mine, result, tz, rows=result.inserted)
    result.reminders.extend(reminders)
    result.tasks = tasks
    return result


def describe_digest(
    session: Session, outbox_id: int, result: PlanResult, tz: ZoneInfo = TIMEZONE
) -> tuple[list[NewReminder], Lines]:
    """The reminders already in digest `outbox_id` (not yet sent), read as of `result`'s day:
    what a digest merged with this sweep's new reminders shows again."""
    if result.anchors is None:
        return [], {}
    return _described(session, ReminderRow.outbox_id == outbox_id, result, tz)


def _described(
    session: Session,
    where: sa.ColumnElement[bool],
    result: PlanResult,
    tz: ZoneInfo,
    rows: list[tuple[Any, ...]] | None = None,
) -> tuple[list[NewReminder], Lines]:
    """The reminders (`rows`, or those `where` selects) with names, and their task lines."""
    r = ReminderRow
    if rows is None:
        rows = list(
            _core(session).execute(
                sa.select(r.id, r.task_id, r.period_seq, r.recipient, r.kind, r.slot, r.role,
                          r.agency_id).where(where).order_by(r.id)
            ).tuples()
        )  # fmt: skip
    if not rows:
        return [], {}
    tasks, leaders = _tasks(session, sa.select(r.task_id).where(where), result, tz)
    agencies = {
        a.id: a
        for a in _core(session).execute(
            sa.select(AgencyRow.id, AgencyRow.name, AgencyRow.code).where(
                AgencyRow.id.in_({row[7] for row in rows if row[7] is not None})
            )
        )
    }
    people = _leader_names(session, set(leaders.values()))
    names: dict[tuple[str, int | None], tuple[str, str | None]] = {}  # (role, agency) → shown
    for agency_id, agency in agencies.items():
        names[RecipientRole.HEAD, agency_id] = f"Thủ trưởng {agency.name}", agency.code
        names[RecipientRole.LEAD, agency_id] = names[RecipientRole.COORDINATOR, agency_id] = (
            agency.name,
            agency.code,
        )
    reminders = []
    for rid, task_id, period_seq, recipient, kind, slot, role, agency_id in rows:
        if role == RecipientRole.LEADER:
            leader = leaders[task_id]
            name, code = f"Đồng chí {people.get((leader or '', recipient)) or leader}", None
        else:
            name, code = names[role, agency_id]
        reminders.append(NewReminder(rid, task_id, recipient, name, kind, slot, role,
                                     period_seq, code))  # fmt: skip
    subjects = {(row[1], row[2]) for row in rows}
    return reminders, _with_periods(session, tasks, subjects, result)


def _tasks(
    session: Session, task_ids: sa.Select[tuple[int]], result: PlanResult, tz: ZoneInfo
) -> tuple[dict[int, TaskInfo], dict[int, str | None]]:
    anchors = result.anchors
    assert anchors is not None
    dl = aliased(CalendarDay)
    clamped = sa.case(
        (TaskRow.deadline < anchors.first, anchors.first),
        (TaskRow.deadline > anchors.last, anchors.last),
        else_=TaskRow.deadline,
    )
    delta = anchors.t - (dl.work_index + sa.case((dl.is_working, 0), else_=1))
    stmt = (
        sa.select(TaskRow.id, TaskRow.ref, TaskRow.content, TaskRow.deadline, delta,
                  TaskRow.last_progress_at, TaskRow.lead_agency_id, TaskRow.directive_id)
        .outerjoin(dl, dl.day == clamped)
        .where(TaskRow.id.in_(task_ids))
    )  # fmt: skip
    # Agencies and directives are few: read once each, not joined onto every task row.
    d = DirectiveRow
    directives = {
        i: (_label(number, issued_on, subject, kind), issued_on, leader)
        for i, number, issued_on, subject, kind, leader in _core(session)
        .execute(
            sa.select(d.id, d.number, d.issued_on, d.subject, d.kind, d.leader).where(
                d.id.in_(sa.select(TaskRow.directive_id).where(TaskRow.id.in_(task_ids)))
            )
        )
        .tuples()
    }
    agencies = dict(_core(session).execute(sa.select(AgencyRow.id, AgencyRow.name)).tuples().all())
    tasks: dict[int, TaskInfo] = {}
    leaders: dict[int, str | None] = {}
    rows = _core(session).execute(stmt).tuples()
    for task_id, ref, content, deadline, late, progress_at, agency_id, directive_id in rows:
        label, issued_on, leaders[task_id] = directives[directive_id]
        progress = progress_at.astimezone(tz).date() if progress_at else None
        tasks[task_id] = TaskInfo(task_id, ref, content, deadline, late, progress,
                                  agencies[agency_id], label, issued_on)  # fmt: skip
    return tasks, leaders


def _with_periods(
    session: Session, tasks: dict[int, TaskInfo], subjects: set[tuple[int, int]],
    result: PlanResult,
) -> Lines:  # fmt: skip
    """One line per (task, period): a period's line shows its own deadline and label."""
    lines: Lines = {(i, 0): tasks[i] for i, seq in subjects if seq == 0}
    wanted = {(i, seq) for i, seq in subjects if seq}
    if not wanted:
        return lines
    anchors = result.anchors
    assert anchors is not None
    tp, dl = TaskPeriodRow, aliased(CalendarDay)
    clamped = sa.case(
        (tp.deadline < anchors.first, anchors.first),
        (tp.deadline > anchors.last, anchors.last),
        else_=tp.deadline,
    )
    stmt = (
        sa.select(
            tp.task_id, tp.seq, tp.deadline, tp.last_progress_at, dl.work_index, dl.is_working
        )  # fmt: skip
        .outerjoin(dl, dl.day == clamped)
        .where(tp.task_id.in_({i for i, _ in wanted}))
    )
    for row in _core(session).execute(stmt):
        if (row.task_id, row.seq) not in wanted:
            continue
        d = None if row.work_index is None else row.work_index + (not row.is_working)
        lines[row.task_id, row.seq] = tasks[row.task_id]._replace(
            deadline=row.deadline,
            delta=None if d is None else anchors.t - d,
            period_seq=row.seq, period=period_label(row.seq, row.deadline),
        )  # fmt: skip
    return lines


def _core(session: Session) -> sa.Connection:
    """The session's connection: these reads are of columns, and the ORM's result layer
    (entity loading machinery around every row) cost more than the rows themselves."""
    return session.connection()


def period_label(seq: int, deadline: date) -> str:
    """Tên kỳ in a digest line: "kỳ 4, hạn 26/04/2027"."""
    return f"kỳ {seq}, hạn {deadline:%d/%m/%Y}"


def _leader_names(session: Session, leaders: set[str | None]) -> dict[tuple[str, str], str]:
    names = sorted(n for n in leaders if n)
    if not names:
        return {}
    u = UserRow
    stmt = sa.select(u.leader_name, u.email, u.full_name).where(
        u.role == Role.LEADER, u.active.is_(True), u.email.is_not(None), u.leader_name.in_(names)
    )
    return {
        (leader, email.strip().lower()): full
        for leader, email, full in _core(session).execute(stmt)
    }
