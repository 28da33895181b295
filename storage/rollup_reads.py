"""Rollup aggregations in SQL (SQLite and PostgreSQL): only groups and short lists come back
(reports/rollup.py shapes them into the leader's report).

Every query starts from task JOIN directive, restricted to the scope and to directives issued
by the as-of date, so a figure at a past date does not count tasks assigned later.

Counts are of *subjects*: a task, or for a recurring task each of its periods (kỳ) begun by the
as-of date, each bucketed on its own (a monthly report sent late in March is one late period).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute, Session

from directives.calendar import TIMEZONE
from directives.collation import name_key
from directives.models import Bucket, TaskState
from directives.rollup_model import Counts, Scope
from storage import sql_dialect as _hints  # noqa: F401 (SQLite index hints)
from storage import tally
from storage.models import (
    AgencyRow,
    CalendarDay,
    DirectiveRow,
    ExtensionRow,
    TaskCoordinator,
    TaskPeriodRow,
    TaskRow,
)
from storage.queries import bucket_expr
from storage.sql_dialect import ROLLUP_SETTINGS

TP = sa.orm.aliased(TaskPeriodRow, name="tp")


def period_bucket_expr(as_of: date, tp: Any = TP) -> sa.ColumnElement[str | None]:
    """The bucket of a joined period (alias `tp`, or the alias given) at `as_of`:
    directives.buckets.bucket's rules; a period not begun by `as_of` has none."""
    done = sa.and_(
        tp.state == TaskState.DONE, tp.completed_on.is_not(None), tp.completed_on <= as_of
    )
    return sa.case(
        (tp.starts > as_of, sa.null()),
        (tp.state == TaskState.CANCELLED, sa.null()),
        (sa.and_(done, tp.completed_on <= tp.deadline), Bucket.DONE_ON_TIME.value),
        (done, Bucket.DONE_LATE.value),
        (tp.deadline < as_of, Bucket.OPEN_OVERDUE.value),
        else_=Bucket.OPEN_ON_TIME.value,
    )


def subject_bucket(as_of: date) -> sa.ColumnElement[str | None]:
    """A period's bucket where the task has periods joined, else the task's."""
    return sa.case((TP.id.is_not(None), period_bucket_expr(as_of)), else_=bucket_expr(as_of))


def with_periods(stmt: sa.Select[Any], as_of: date) -> sa.Select[Any]:
    """One row per period begun by `as_of` for recurring tasks; other tasks stay one row."""
    on = sa.and_(TP.task_id == TaskRow.id, TP.starts <= as_of)
    return stmt.outerjoin(TP, on)


KeyedCounts = list[tuple[tuple[Any, ...], Counts]]


def scoped(stmt: sa.Select[Any], scope: Scope, as_of: date) -> sa.Select[Any]:
    """Apply the scope and the "issued by as_of" rule to a statement over task JOIN directive."""
    stmt = stmt.where(sa.or_(DirectiveRow.issued_on.is_(None), DirectiveRow.issued_on <= as_of))
    if scope.leader is not None:
        stmt = stmt.where(DirectiveRow.leader == scope.leader)
    if scope.agency_id is not None:
        stmt = stmt.where(TaskRow.lead_agency_id == scope.agency_id)
    if scope.directive_id is not None:
        stmt = stmt.where(TaskRow.directive_id == scope.directive_id)
    return stmt


def tune_session(session: Session) -> None:
    """The dialect's settings for these short scans, for this transaction only
    (`storage.sql_dialect.ROLLUP_SETTINGS`)."""
    for setting in ROLLUP_SETTINGS[session.get_bind().dialect.name]:
        session.execute(sa.text(setting))


def latest_issued(session: Session) -> date | None:
    """The latest issue date of any directive, read once per session."""
    if "latest_issued" not in session.info:
        found = session.scalar(sa.select(sa.func.max(DirectiveRow.issued_on)))
        session.info["latest_issued"] = found
    latest: date | None = session.info["latest_issued"]
    return latest


def tasks_in_scope(
    session: Session,
    columns: Sequence[sa.ColumnElement[Any]],
    scope: Scope,
    as_of: date,
    *,
    with_directive: bool = False,
) -> sa.Select[Any]:
    """SELECT columns FROM task, joined to directive only when a leader is asked for or some
    directive was issued after `as_of` (the join costs a third of an agency rollup)."""
    stmt = sa.select(*columns).select_from(TaskRow)
    latest = latest_issued(session)
    if with_directive or scope.leader is not None or (latest is not None and latest > as_of):
        stmt = stmt.join(DirectiveRow, TaskRow.directive_id == DirectiveRow.id)
        return scoped(stmt, scope, as_of)
    if scope.agency_id is not None:
        stmt = stmt.where(TaskRow.lead_agency_id == scope.agency_id)
    if scope.directive_id is not None:
        stmt = stmt.where(TaskRow.directive_id == scope.directive_id)
    return stmt


def grouped_counts(
    session: Session,
    as_of: date,
    scope: Scope,
    keys: Sequence[sa.ColumnElement[Any] | QueryableAttribute[Any]],
    *,
    where: sa.ColumnElement[bool] | None = None,
    worst_first_limit: int | None = None,
    with_directive: bool = False,
) -> KeyedCounts:
    """Counts per bucket for each value of `keys`.

    GROUP BY (keys, bucket) computes the bucket once per row; pivoting with one SUM(CASE) per
    bucket over the task rows would evaluate it five times (3× slower on PostgreSQL).
    """
    columns = [k.label(f"k{i}") for i, k in enumerate(keys)]
    columns.append(subject_bucket(as_of).label("bucket"))
    inner = tasks_in_scope(session, columns, scope, as_of, with_directive=with_directive)
    inner = with_periods(inner, as_of)
    if where is not None:
        inner = inner.where(where)
    sub = inner.subquery()
    key_cols = [sub.c[f"k{i}"] for i in range(len(keys))]
    counted = sa.select(*key_cols, sub.c.bucket, sa.func.count().label("n")).group_by(
        *key_cols, sub.c.bucket
    )
    n = len(keys)
    if worst_first_limit is None:
        pivot: dict[tuple[Any, ...], dict[str, int]] = {}
        for row in session.execute(counted):
            if row.bucket is not None:  # cancelled
                pivot.setdefault(tuple(row[:n]), {})[row.bucket] = row.n
        return [(k, Counts.of(v)) for k, v in pivot.items()]
    return _worst_first(session, counted.subquery(), n, worst_first_limit)


def _worst_first(session: Session, counted: sa.Subquery, n: int, limit: int) -> KeyedCounts:
    """Pivot the (keys, bucket, n) rows in SQL and keep the groups with most overdue tasks."""
    key_cols = [counted.c[f"k{i}"] for i in range(n)]
    sums = [
        sa.func.sum(sa.case((counted.c.bucket == b.value, counted.c.n), else_=0)).label(b.value)
        for b in Bucket
    ]
    stmt = (
        sa.select(*key_cols, *sums)
        .where(counted.c.bucket.is_not(None))
        .group_by(*key_cols)
        .order_by(
            sa.desc(Bucket.OPEN_OVERDUE.value), sa.desc(sa.func.sum(counted.c.n)), *key_cols
        )  # the keys last: the same groups at a tie, however the rows were read
        .limit(limit)
    )
    return [(tuple(row[:n]), Counts.of(row._mapping)) for row in session.execute(stmt)]


def totals_of(groups: KeyedCounts) -> Counts:
    """The sum of grouped counts (every task falls in exactly one group)."""
    sums = {b.value: sum(c.get(b) for _, c in groups) for b in Bucket}
    return Counts.of(sums)


def tally_serves(scope: Scope) -> bool:
    """The tally (storage/tally.py) is kept per lead agency at the date and leader; a scope on
    one agency (its current lead) or one directive is counted from the tasks (few rows)."""
    return scope.agency_id is None and scope.directive_id is None


def tally_counts(session: Session, as_of: date, scope: Scope, key: str) -> KeyedCounts:
    """grouped_counts from the tally: per 'agency_id' (the lead at `as_of`), 'leader' ('' for
    none) or '' (one total), for a scope `tally_serves`."""
    found = tally.sums(session, as_of, key, scope.leader)
    rows = [((k,), Counts.of(tally.buckets(kinds))) for k, kinds in found.items()]
    return [(k, c) for k, c in rows if c.total]


def total_counts(session: Session, as_of: date, scope: Scope) -> Counts:
    if tally_serves(scope):
        rows = tally_counts(session, as_of, scope, "")
    else:
        rows = grouped_counts(session, as_of, scope, [sa.literal("all")])
    return rows[0][1] if rows else Counts()


def trend_counts(session: Session, scope: Scope, dates: Sequence[date]) -> list[Counts]:
    """Overdue, done on time and done late at several dates: from the tally, one small query a
    date, or else in one scan of the tasks."""
    if not tally_serves(scope):
        return trend_counts_direct(session, scope, dates)
    kept = (Bucket.OPEN_OVERDUE, Bucket.DONE_ON_TIME, Bucket.DONE_LATE)
    return [
        Counts.of({b.value: c.get(b) for b in kept})
        for c in (total_counts(session, day, scope) for day in dates)
    ]


def trend_counts_direct(session: Session, scope: Scope, dates: Sequence[date]) -> list[Counts]:
    """trend_counts from the tasks, in one scan (any scope; the tally's reference)."""
    latest = latest_issued(session)
    join = scope.leader is not None or (latest is not None and latest > min(dates))
    cols = []
    for i, day in enumerate(dates):
        issued = sa.or_(DirectiveRow.issued_on.is_(None), DirectiveRow.issued_on <= day)
        for b in (Bucket.OPEN_OVERDUE, Bucket.DONE_ON_TIME, Bucket.DONE_LATE):
            hit = subject_bucket(day) == b.value
            hit = sa.and_(issued, hit) if join else hit
            cols.append(sa.func.sum(sa.case((hit, 1), else_=0)).label(f"{b.value}_{i}"))
    stmt = sa.select(*cols).select_from(TaskRow)
    if join:
        stmt = scoped(
            stmt.join(DirectiveRow, TaskRow.directive_id == DirectiveRow.id), scope, max(dates)
        )
    else:
        stmt = tasks_in_scope(session, cols, scope, max(dates))
    row = session.execute(with_periods(stmt, max(dates))).one()._mapping
    return [
        Counts.of({b: row[f"{b}_{i}"] for b in ("open_overdue", "done_on_time", "done_late")})
        for i in range(len(dates))
    ]


def task_rows(
    session: Session, as_of: date, scope: Scope, *, overdue_only: bool, limit: int | None
) -> list[sa.Row[Any]]:
    """Tasks with their bucket and working days late (a join on calendar_day.work_index, at
    completion for done tasks, at `as_of` for open ones); longest overdue first."""
    bucket = bucket_expr(as_of)
    done = bucket.in_([Bucket.DONE_ON_TIME.value, Bucket.DONE_LATE.value])
    end_day = sa.case((done, TaskRow.completed_on), else_=sa.literal(as_of, sa.Date))
    deadline_day, last_day = sa.orm.aliased(CalendarDay), sa.orm.aliased(CalendarDay)
    stmt = (
        sa.select(
            TaskRow.id,
            DirectiveRow.number,
            DirectiveRow.issued_on.label("d_issued"),
            DirectiveRow.subject.label("d_subject"),
            DirectiveRow.kind.label("d_kind"),
            TaskRow.ref,
            TaskRow.content,
            AgencyRow.name,
            TaskRow.deadline,
            TaskRow.original_deadline,
            TaskRow.state,
            TaskRow.completed_on,
            bucket.label("bucket"),
            (last_day.work_index - deadline_day.work_index).label("working_days"),
        )
        .join_from(TaskRow, DirectiveRow, TaskRow.directive_id == DirectiveRow.id)
        .join(AgencyRow, AgencyRow.id == TaskRow.lead_agency_id)
        .outerjoin(deadline_day, deadline_day.day == TaskRow.deadline)
        .outerjoin(last_day, last_day.day == end_day)
    )
    if overdue_only:
        return _overdue_rows(session, scoped(stmt, scope, as_of), as_of, limit)
    stmt = stmt.where(bucket.is_not(None)).order_by(TaskRow.directive_id, TaskRow.id)
    stmt = scoped(stmt, scope, as_of)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.execute(stmt))


# literal: the predicates of the partial indexes of migration 0011 (a bound value would hide them)
OPEN_TASK = sa.text("task.state NOT IN ('done', 'cancelled')")
DONE_TASK = sa.text("task.state = 'done'")


def _overdue_rows(
    session: Session, stmt: sa.Select[Any], as_of: date, limit: int | None
) -> list[sa.Row[Any]]:
    """The open overdue tasks (bucket_expr's rules), longest overdue first: the first `limit`
    open tasks read in deadline order from their partial index, and the done tasks completed
    after `as_of` (or with no day) from theirs, merged."""
    late = TaskRow.deadline < as_of
    done_after = sa.or_(TaskRow.completed_on > as_of, TaskRow.completed_on.is_(None))
    hint = "INDEXED BY {}"  # SQLite, with no statistics, would walk the deadline index
    open_part = (
        stmt.where(OPEN_TASK, late)
        .with_hint(TaskRow, hint.format("ix_task__open_deadline"), "sqlite")
        .order_by(TaskRow.deadline, TaskRow.id)
        .limit(limit)
    )
    done_part = stmt.where(DONE_TASK, done_after, late).with_hint(
        TaskRow, hint.format("ix_task__done_completed_on"), "sqlite"
    )
    merged = sa.union_all(
        sa.select(open_part.subquery()), sa.select(done_part.subquery())
    ).subquery()
    found = sa.select(merged).order_by(merged.c.deadline, merged.c.id).limit(limit)
    return list(session.execute(found))


def period_rows(
    session: Session, start: date, end: date, as_of: date, scope: Scope, limit: int = 500
) -> list[sa.Row[Any]]:
    """Periods of recurring tasks whose deadline falls in [start, end], with their bucket."""
    bucket = period_bucket_expr(as_of)
    stmt = (
        sa.select(
            TaskRow.id,
            DirectiveRow.number,
            TaskRow.ref,
            TaskRow.content,
            AgencyRow.name,
            TP.seq,
            TP.deadline,
            TP.state,
            TP.completed_on,
            bucket.label("bucket"),
        )  # fmt: skip
        .join_from(TP, TaskRow, TP.task_id == TaskRow.id)
        .join(DirectiveRow, TaskRow.directive_id == DirectiveRow.id)
        .join(AgencyRow, AgencyRow.id == TaskRow.lead_agency_id)
        .where(TP.deadline.between(start, end), bucket.is_not(None))
        .order_by(TP.deadline, TaskRow.id)
        .limit(limit)
    )
    return list(session.execute(scoped(stmt, scope, as_of)))


def coordinator_names(session: Session, task_ids: Sequence[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for start in range(0, len(task_ids), 500):
        stmt = (
            sa.select(TaskCoordinator.task_id, AgencyRow.name)
            .join(AgencyRow, AgencyRow.id == TaskCoordinator.agency_id)
            .where(TaskCoordinator.task_id.in_(task_ids[start : start + 500]))
            .order_by(TaskCoordinator.task_id, AgencyRow.name)
        )
        for task_id, name in session.execute(stmt):
            names.setdefault(task_id, []).append(name)
    return {task_id: sorted(found, key=name_key) for task_id, found in names.items()}


def end_of_day_utc(day: date) -> datetime:
    """The first instant after `day` in Vietnam, for comparing with UTC timestamps."""
    return datetime.combine(day + timedelta(days=1), time(), TIMEZONE)


def extension_rows(
    session: Session, as_of: date, scope: Scope, limit: int = 200
) -> list[sa.Row[Any]]:
    """Approved extensions decided by `as_of`, the latest first."""
    stmt = (
        sa.select(
            TaskRow.id,
            DirectiveRow.number,
            DirectiveRow.issued_on.label("d_issued"),
            DirectiveRow.subject.label("d_subject"),
            DirectiveRow.kind.label("d_kind"),
            TaskRow.content,
            AgencyRow.name,
            ExtensionRow.old_deadline,
            ExtensionRow.new_deadline,
            ExtensionRow.decided_at,
        )
        .join_from(ExtensionRow, TaskRow, ExtensionRow.task_id == TaskRow.id)
        .join(DirectiveRow, TaskRow.directive_id == DirectiveRow.id)
        .join(AgencyRow, AgencyRow.id == TaskRow.lead_agency_id)
        .where(ExtensionRow.decision == "approved")
        .where(
            sa.or_(
                ExtensionRow.decided_at.is_(None), ExtensionRow.decided_at < end_of_day_utc(as_of)
            )
        )
        .order_by(ExtensionRow.decided_at.desc(), ExtensionRow.id.desc())
        .limit(limit)
    )
    return list(session.execute(scoped(stmt, scope, as_of)))


def extensions_between(session: Session, start: date, end: date, scope: Scope) -> int:
    stmt = (
        sa.select(sa.func.count())
        .select_from(ExtensionRow)
        .join(TaskRow, ExtensionRow.task_id == TaskRow.id)
        .join(DirectiveRow, TaskRow.directive_id == DirectiveRow.id)
        .where(ExtensionRow.decision == "approved")
        .where(ExtensionRow.decided_at >= end_of_day_utc(start - timedelta(days=1)))
        .where(ExtensionRow.decided_at < end_of_day_utc(end))
    )
    return int(session.scalar(scoped(stmt, scope, end)) or 0)


def local_day(moment: datetime | None) -> date | None:
    return moment.astimezone(TIMEZONE).date() if moment is not None else None
