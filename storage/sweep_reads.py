"""The reads behind a digest's lines: the reminders a sweep created (or a pending digest holds),
their tasks, periods, agencies, directives and the leaders' names. Column tuples through the
session's connection: the ORM's entity loading around every row cost more than the rows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from directives.roles import Role
from storage.models import (
    AgencyRow,
    CalendarDay,
    DirectiveRow,
    ReminderRow,
    TaskPeriodRow,
    TaskRow,
    UserRow,
)


@dataclass(frozen=True)
class Picked:
    """Which reminders: one plan's insert (an id range; PostgreSQL sequences may interleave, and
    tasks of other rows are read but unused) or those already in one digest."""

    id_range: tuple[int, int] | None = None
    outbox_id: int | None = None

    def where(self) -> sa.ColumnElement[bool]:
        if self.id_range is not None:
            return ReminderRow.id.between(*self.id_range)
        return ReminderRow.outbox_id == self.outbox_id


@dataclass(frozen=True)
class DayBounds:
    """The sweep day's working-day anchors: today's work index `t` and the calendar's first and
    last day (deadlines outside are clamped, as the plan's day index does)."""

    t: int
    first: date
    last: date


def _core(session: Session) -> sa.Connection:
    return session.connection()


def reminder_rows(session: Session, pick: Picked) -> list[tuple[Any, ...]]:
    """(id, task_id, period_seq, recipient, kind, slot, role, agency_id), by id."""
    r = ReminderRow
    stmt = sa.select(r.id, r.task_id, r.period_seq, r.recipient, r.kind, r.slot, r.role,
                     r.agency_id).where(pick.where()).order_by(r.id)  # fmt: skip
    return list(_core(session).execute(stmt).tuples())


def agency_names_codes(session: Session, ids: Collection[int]) -> dict[int, tuple[str, str]]:
    stmt = sa.select(AgencyRow.id, AgencyRow.name, AgencyRow.code).where(AgencyRow.id.in_(ids))
    return {i: (name, code) for i, name, code in _core(session).execute(stmt)}


def agency_names(session: Session) -> dict[int, str]:
    stmt = sa.select(AgencyRow.id, AgencyRow.name)
    return dict(_core(session).execute(stmt).tuples().all())


def _clamped(column: Any, day: DayBounds) -> sa.ColumnElement[date]:
    return sa.case((column < day.first, day.first), (column > day.last, day.last), else_=column)


def task_rows(session: Session, pick: Picked, day: DayBounds) -> list[tuple[Any, ...]]:
    """(id, ref, content, deadline, working days late, last_progress_at, lead_agency_id,
    directive_id) of the picked reminders' tasks."""
    dl = aliased(CalendarDay)
    late = day.t - (dl.work_index + sa.case((dl.is_working, 0), else_=1))
    stmt = (
        sa.select(TaskRow.id, TaskRow.ref, TaskRow.content, TaskRow.deadline, late,
                  TaskRow.last_progress_at, TaskRow.lead_agency_id, TaskRow.directive_id)
        .outerjoin(dl, dl.day == _clamped(TaskRow.deadline, day))
        .where(TaskRow.id.in_(_task_ids(pick)))
    )  # fmt: skip
    return list(_core(session).execute(stmt).tuples())


def _task_ids(pick: Picked) -> sa.Select[tuple[int]]:
    return sa.select(ReminderRow.task_id).where(pick.where())


def directive_rows(session: Session, pick: Picked) -> list[tuple[Any, ...]]:
    """(id, number, issued_on, subject, kind, leader) of the picked reminders' directives."""
    d = DirectiveRow
    tasks = sa.select(TaskRow.directive_id).where(TaskRow.id.in_(_task_ids(pick)))
    stmt = sa.select(d.id, d.number, d.issued_on, d.subject, d.kind, d.leader)
    return list(_core(session).execute(stmt.where(d.id.in_(tasks))).tuples())


def period_rows(
    session: Session, task_ids: Collection[int], day: DayBounds
) -> Sequence[sa.Row[Any]]:
    """(task_id, seq, deadline, last_progress_at, work_index, is_working) of the tasks' periods,
    the working-day index of each deadline (clamped to the calendar)."""
    tp, dl = TaskPeriodRow, aliased(CalendarDay)
    stmt = (
        sa.select(tp.task_id, tp.seq, tp.deadline, tp.last_progress_at, dl.work_index,
                  dl.is_working)
        .outerjoin(dl, dl.day == _clamped(tp.deadline, day))
        .where(tp.task_id.in_(task_ids))
    )  # fmt: skip
    return _core(session).execute(stmt).all()


def leader_addresses(session: Session, names: Collection[str]) -> list[tuple[str, str, str]]:
    """(leader_name, e-mail, full name) of the active leader accounts with an address."""
    u = UserRow
    stmt = sa.select(u.leader_name, u.email, u.full_name).where(
        u.role == Role.LEADER, u.active.is_(True), u.email.is_not(None), u.leader_name.in_(names)
    )
    return [(leader, email, full) for leader, email, full in _core(session).execute(stmt)]
