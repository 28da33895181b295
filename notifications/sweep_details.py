"""What a digest shows about the reminders a sweep created: greetings and task lines.

Separate from `plan`, which only writes: reading names and task texts is the digest's need, and
only for the tasks that got a new reminder.
"""

from __future__ import annotations

from dataclasses import replace
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
    ids = [row.id for row in result.inserted]
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
    rows: list[Any] | None = None,
) -> tuple[list[NewReminder], Lines]:
    """The reminders (`rows`, or those `where` selects) with names, and their task lines."""
    r = ReminderRow
    if rows is None:
        rows = list(
            session.execute(
                sa.select(r.id, r.task_id, r.recipient, r.kind, r.slot, r.role, r.agency_id,
                          r.period_seq).where(where).order_by(r.id)
            )
        )  # fmt: skip
    if not rows:
        return [], {}
    tasks, leaders = _tasks(session, sa.select(r.task_id).where(where), result, tz)
    agencies = {
        a.id: a
        for a in session.execute(
            sa.select(AgencyRow.id, AgencyRow.name, AgencyRow.code).where(
                AgencyRow.id.in_({row.agency_id for row in rows if row.agency_id is not None})
            )
        )
    }
    people = _leader_names(session, set(leaders.values()))
    reminders = []
    for row in rows:
        if row.role == RecipientRole.LEADER:
            leader = leaders[row.task_id]
            name = f"Đồng chí {people.get((leader, row.recipient)) or leader}"
        elif row.role == RecipientRole.HEAD:
            name = f"Thủ trưởng {agencies[row.agency_id].name}"
        else:
            name = agencies[row.agency_id].name
        code = agencies[row.agency_id].code if row.agency_id is not None else None
        reminders.append(NewReminder(row.id, row.task_id, row.recipient, name, row.kind,
                                     row.slot, row.role, row.period_seq, code))  # fmt: skip
    subjects = {(row.task_id, row.period_seq) for row in rows}
    return reminders, _with_periods(session, tasks, subjects, result)


def _tasks(
    session: Session, task_ids: sa.Select[tuple[int]], result: PlanResult, tz: ZoneInfo
) -> tuple[dict[int, TaskInfo], dict[int, str]]:
    anchors = result.anchors
    assert anchors is not None
    dl = aliased(CalendarDay)
    clamped = sa.case(
        (TaskRow.deadline < anchors.first, anchors.first),
        (TaskRow.deadline > anchors.last, anchors.last),
        else_=TaskRow.deadline,
    )
    stmt = (
        sa.select(
            TaskRow.id,
            TaskRow.ref,
            TaskRow.content,
            TaskRow.deadline,
            TaskRow.last_progress_at,
            AgencyRow.name,
            DirectiveRow.number,
            DirectiveRow.issued_on,
            DirectiveRow.subject,
            DirectiveRow.kind,
            DirectiveRow.leader,
            dl.work_index,
            dl.is_working,
        )  # fmt: skip
        .join(AgencyRow, AgencyRow.id == TaskRow.lead_agency_id)
        .join(DirectiveRow, DirectiveRow.id == TaskRow.directive_id)
        .outerjoin(dl, dl.day == clamped)
        .where(TaskRow.id.in_(task_ids))
    )
    tasks, leaders = {}, {}
    for row in session.execute(stmt):
        d = None if row.work_index is None else row.work_index + (not row.is_working)
        progress = row.last_progress_at.astimezone(tz).date() if row.last_progress_at else None
        tasks[row.id] = TaskInfo(
            row.id, row.ref, row.content, row.deadline, None if d is None else anchors.t - d,
            progress, row.name, _label(row.number, row.issued_on, row.subject, row.kind),
            row.issued_on,
        )  # fmt: skip
        leaders[row.id] = row.leader
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
    for row in session.execute(stmt):
        if (row.task_id, row.seq) not in wanted:
            continue
        d = None if row.work_index is None else row.work_index + (not row.is_working)
        lines[row.task_id, row.seq] = replace(
            tasks[row.task_id], deadline=row.deadline,
            delta=None if d is None else anchors.t - d,
            period_seq=row.seq, period=period_label(row.seq, row.deadline),
        )  # fmt: skip
    return lines


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
    return {(leader, email.strip().lower()): full for leader, email, full in session.execute(stmt)}
