"""The small reads around a rollup and an evaluation (reports/rollup.py, reports/evaluation.py):
names of the scope a user typed, labels of the groups listed, the agencies ended by a day, the
directives a scope counts, and the groups counted from the tasks that the tally does not keep.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.rollup_model import Scope
from storage import rollup_reads
from storage.models import AgencyRow, DirectiveRow, TaskRow


def directive_by_number(session: Session, number: str) -> sa.Row[Any] | None:
    """id, number, subject, issued_on, kind of one directive with this number (the first)."""
    stmt = _directive_columns().where(DirectiveRow.number == number.strip()).limit(1)
    return session.execute(stmt).first()


def leader_names(session: Session) -> list[str]:
    """Every leader who concluded a directive."""
    stmt = sa.select(DirectiveRow.leader).where(DirectiveRow.leader.is_not(None)).distinct()
    return [name for name in session.scalars(stmt).all() if name is not None]


def agency_names(session: Session, ids: Collection[int]) -> dict[int, str]:
    stmt = sa.select(AgencyRow.id, AgencyRow.name).where(AgencyRow.id.in_(ids))
    return dict(session.execute(stmt).tuples().all())


def ended_agency_ids(session: Session, day: date) -> set[int]:
    """Agencies whose last day was before `day`."""
    stmt = sa.select(AgencyRow.id).where(AgencyRow.valid_to.is_not(None), AgencyRow.valid_to < day)
    return set(session.scalars(stmt))


def directive_infos(session: Session, ids: Collection[int]) -> dict[int, sa.Row[Any]]:
    """id, number, subject, issued_on, kind by directive id."""
    stmt = _directive_columns().where(DirectiveRow.id.in_(ids))
    return {row.id: row for row in session.execute(stmt)}


def _directive_columns() -> sa.Select[Any]:
    return sa.select(
        DirectiveRow.id,
        DirectiveRow.number,
        DirectiveRow.subject,
        DirectiveRow.issued_on,
        DirectiveRow.kind,
    )


def directive_count(session: Session, as_of: date, scope: Scope) -> int:
    """Directives issued by `as_of` with a task in the scope (one probe of the task index per
    directive, not a read of every task)."""
    has_task = sa.exists().where(TaskRow.directive_id == DirectiveRow.id)
    if scope.agency_id is not None:
        has_task = has_task.where(TaskRow.lead_agency_id == scope.agency_id)
    stmt = sa.select(sa.func.count()).select_from(DirectiveRow).where(has_task)
    stmt = stmt.where(sa.or_(DirectiveRow.issued_on.is_(None), DirectiveRow.issued_on <= as_of))
    if scope.leader is not None:
        stmt = stmt.where(DirectiveRow.leader == scope.leader)
    if scope.directive_id is not None:
        stmt = stmt.where(DirectiveRow.id == scope.directive_id)
    return int(session.scalar(stmt) or 0)


def leader_counts_direct(session: Session, as_of: date, scope: Scope) -> rollup_reads.KeyedCounts:
    """Counts per leader (None: no leader) from the tasks (the tally's reference)."""
    keys = [DirectiveRow.leader]
    return rollup_reads.grouped_counts(session, as_of, scope, keys, with_directive=True)


def total_counts_direct(session: Session, as_of: date, scope: Scope) -> rollup_reads.KeyedCounts:
    """The one total (key 'all') from the tasks (the tally's reference)."""
    return rollup_reads.grouped_counts(session, as_of, scope, [sa.literal("all")])


def deadline_period_counts(
    session: Session, as_of: date, scope: Scope, periods: Sequence[tuple[str, date, date]]
) -> rollup_reads.KeyedCounts:
    """Counts per (key,) of the period (key, start, end) each task's current deadline falls in,
    bucketed at `as_of`; tasks due outside every period are left out."""
    which = sa.case(
        *((TaskRow.deadline.between(start, end), key) for key, start, end in periods),
        else_=sa.null(),
    )
    in_range = TaskRow.deadline.between(periods[0][1], periods[-1][2])
    return rollup_reads.grouped_counts(session, as_of, scope, [which], where=in_range)
