"""SQL for the agency evaluation (đánh giá, xếp loại cơ quan, reports/evaluation.py): what fell
due in a window.

Two grouped reads, each starting from a deadline index (task.deadline, task_periods.deadline)
restricted to the window, so the cost follows what fell due in it, not what exists:
tasks that are not recurring (no row in task_periods), and periods (kỳ) of recurring tasks.
Each subject is bucketed at `as_of` with directives.buckets' rules; working days late come from
calendar_day.work_index (holidays and make-up days included): at completion for a task done
late, at `as_of` for one still overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.models import Bucket
from storage.models import CalendarDay, DirectiveRow, TaskPeriodRow, TaskRow
from storage.queries import bucket_expr
from storage.rollup_reads import period_bucket_expr
from storage.succession_reads import lead_at

TP = sa.orm.aliased(TaskPeriodRow, name="ev_tp")


@dataclass(frozen=True)
class DueGroup:
    """Subjects of one agency and one bucket: how many, and their working days late in all."""

    agency_id: int
    bucket: str
    kind: str  # "task" or "period"
    count: int
    late_days: int


def _late_days(
    bucket: sa.ColumnElement[str | None],
    deadline: sa.SQLColumnExpression[date | None],
    completed: sa.SQLColumnExpression[date | None],
    as_of: date,
) -> tuple[sa.ColumnElement[Any], list[tuple[Any, ...]]]:
    """Working days late (0 unless done late or overdue) and the two calendar joins it needs."""
    due_day, end_day = sa.orm.aliased(CalendarDay), sa.orm.aliased(CalendarDay)
    end = sa.case((bucket == Bucket.DONE_LATE.value, completed), else_=sa.literal(as_of, sa.Date))
    late = sa.case(
        (
            bucket.in_([Bucket.DONE_LATE.value, Bucket.OPEN_OVERDUE.value]),
            sa.func.coalesce(end_day.work_index - due_day.work_index, 0),
        ),
        else_=0,
    )
    return late, [(due_day, due_day.day == deadline), (end_day, end_day.day == end)]


def _scoped(
    stmt: sa.Select[Any], as_of: date, leader: str | None, directive_id: int | None
) -> sa.Select[Any]:
    """Directives issued by `as_of` (a figure at a past date ignores later ones), the scope."""
    stmt = stmt.join(DirectiveRow, DirectiveRow.id == TaskRow.directive_id).where(
        sa.or_(DirectiveRow.issued_on.is_(None), DirectiveRow.issued_on <= as_of)
    )
    if leader is not None:
        stmt = stmt.where(DirectiveRow.leader == leader)
    if directive_id is not None:
        stmt = stmt.where(TaskRow.directive_id == directive_id)
    return stmt


def _grouped(session: Session, inner: sa.Select[Any], kind: str) -> list[DueGroup]:
    sub = inner.subquery()
    stmt = (
        sa.select(sub.c.agency_id, sub.c.bucket, sa.func.count(), sa.func.sum(sub.c.late))
        .where(sub.c.bucket.is_not(None))
        .group_by(sub.c.agency_id, sub.c.bucket)
    )
    return [
        DueGroup(int(a), str(b), kind, int(n), int(late or 0))
        for a, b, n, late in session.execute(stmt)
    ]


def due_groups(
    session: Session,
    start: date,
    end: date,
    as_of: date,
    lead_day: date,
    *,
    leader: str | None = None,
    directive_id: int | None = None,
) -> list[DueGroup]:
    """Counts per (lead agency on `lead_day`, bucket at `as_of`) of the tasks and periods whose
    current deadline falls in [start, end]; cancelled ones are left out (no bucket)."""
    agency = lead_at(sa.literal(lead_day, sa.Date)).label("agency_id")
    task_bucket = bucket_expr(as_of)
    late, joins = _late_days(task_bucket, TaskRow.deadline, TaskRow.completed_on, as_of)
    has_periods = sa.exists().where(TaskPeriodRow.task_id == TaskRow.id)
    tasks = sa.select(agency, task_bucket.label("bucket"), late.label("late")).select_from(TaskRow)
    for target, on in joins:
        tasks = tasks.outerjoin(target, on)
    tasks = tasks.where(TaskRow.deadline.between(start, end), ~has_periods)
    tasks = _scoped(tasks, as_of, leader, directive_id)

    p_bucket = period_bucket_expr(as_of, TP)
    p_late, p_joins = _late_days(p_bucket, TP.deadline, TP.completed_on, as_of)
    periods = sa.select(agency, p_bucket.label("bucket"), p_late.label("late")).select_from(TP)
    periods = periods.join(TaskRow, TaskRow.id == TP.task_id)
    for target, on in p_joins:
        periods = periods.outerjoin(target, on)
    periods = periods.where(TP.deadline.between(start, end))
    periods = _scoped(periods, as_of, leader, directive_id)
    return _grouped(session, tasks, "task") + _grouped(session, periods, "period")
