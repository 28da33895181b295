"""What a digest shows about the reminders a sweep created: greetings and task lines.

Separate from `plan`, which only writes: reading names and task texts is the digest's need, and
only for the tasks that got a new reminder.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from directives.calendar import TIMEZONE
from directives.labels import directive_label
from directives.roles import RecipientRole
from notifications.sweep import (
    Lines,
    NewReminder,
    PlanResult,
    TaskInfo,
    without_cycle_collection,
)
from storage import sweep_reads
from storage.sweep_reads import DayBounds, Picked

_label = lru_cache(maxsize=4096)(directive_label)  # one label per directive, not per task line


@without_cycle_collection()
def describe(session: Session, result: PlanResult, tz: ZoneInfo = TIMEZONE) -> PlanResult:
    """Fill `result.reminders` and `result.tasks` for the reminders `plan` created (the rows
    its insert returned: none is read back)."""
    if not result.inserted or result.anchors is None:
        return result
    ids = [row[0] for row in result.inserted]  # one statement's ids: a range
    mine = Picked(id_range=(min(ids), max(ids)))
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
    return _described(session, Picked(outbox_id=outbox_id), result, tz)


def _described(
    session: Session,
    pick: Picked,
    result: PlanResult,
    tz: ZoneInfo,
    rows: list[tuple[Any, ...]] | None = None,
) -> tuple[list[NewReminder], Lines]:
    """The reminders (`rows`, or those picked) with names, and their task lines."""
    if rows is None:
        rows = sweep_reads.reminder_rows(session, pick)
    if not rows:
        return [], {}
    tasks, leaders = _tasks(session, pick, result, tz)
    agencies = sweep_reads.agency_names_codes(session, {r[7] for r in rows if r[7] is not None})
    people = _leader_names(session, set(leaders.values()))
    names: dict[tuple[str, int | None], tuple[str, str | None]] = {}  # (role, agency) → shown
    for agency_id, (agency, agency_code) in agencies.items():
        names[RecipientRole.HEAD, agency_id] = f"Thủ trưởng {agency}", agency_code
        for own in (RecipientRole.LEAD, RecipientRole.COORDINATOR):
            names[own, agency_id] = agency, agency_code
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


def _bounds(result: PlanResult) -> DayBounds:
    anchors = result.anchors
    assert anchors is not None
    return DayBounds(anchors.t, anchors.first, anchors.last)


def _tasks(
    session: Session, pick: Picked, result: PlanResult, tz: ZoneInfo
) -> tuple[dict[int, TaskInfo], dict[int, str | None]]:
    # Agencies and directives are few: read once each, not joined onto every task row.
    directives = {
        i: (_label(number, issued_on, subject, kind), issued_on, leader)
        for i, number, issued_on, subject, kind, leader in sweep_reads.directive_rows(session, pick)
    }
    agencies = sweep_reads.agency_names(session)
    tasks: dict[int, TaskInfo] = {}
    leaders: dict[int, str | None] = {}
    rows = sweep_reads.task_rows(session, pick, _bounds(result))
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
    rows = sweep_reads.period_rows(session, {i for i, _ in wanted}, _bounds(result))
    for row in rows:
        if (row.task_id, row.seq) not in wanted:
            continue
        d = None if row.work_index is None else row.work_index + (not row.is_working)
        lines[row.task_id, row.seq] = tasks[row.task_id]._replace(
            deadline=row.deadline,
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
    return {
        (leader, email.strip().lower()): full
        for leader, email, full in sweep_reads.leader_addresses(session, names)
    }
