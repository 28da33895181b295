"""Counts per agency over the 2025 reorganisation (sắp xếp tổ chức bộ máy), in SQL.

`asof`: each task under the agency responsible at the as-of date (its lead then, from
`task_leads`; an agency ended by then gives way to its default successor). `then`: under the
agency that led it on the day it was completed, or its deadline, or the as-of date, whichever
comes first (reports/succession.py has the notes reports print for each).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.rollup_model import Counts, Scope
from storage import rollup_reads
from storage.models import AgencyRow, TaskLeadRow, TaskRow
from storage.registry_version import cached_registry
from storage.rollup_reads import KeyedCounts


def lead_at(on: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The lead agency id of the current task row on the day `on` (SQL expression)."""
    interval = (
        sa.select(TaskLeadRow.agency_id)
        .where(
            TaskLeadRow.task_id == TaskRow.id,
            sa.or_(TaskLeadRow.valid_from.is_(None), TaskLeadRow.valid_from <= on),
            sa.or_(TaskLeadRow.valid_to.is_(None), TaskLeadRow.valid_to >= on),
        )
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(interval, TaskRow.lead_agency_id)


def _then_day(as_of: date) -> sa.ColumnElement[Any]:
    day = sa.func.coalesce(TaskRow.completed_on, TaskRow.deadline, sa.literal(as_of, sa.Date))
    return sa.case((day > as_of, sa.literal(as_of, sa.Date)), else_=day)


def agency_counts(session: Session, as_of: date, scope: Scope) -> KeyedCounts:
    """Counts per lead agency id (as a 1-tuple key) in the scope's counting mode.

    `asof` is read from the tally (storage/tally.py) where it serves the scope; `then` (the
    lead on a day that depends on each task) is counted from the tasks."""
    if scope.agency_at == "asof" and rollup_reads.tally_serves(scope):
        return _to_successors(
            session, as_of, rollup_reads.tally_counts(session, as_of, scope, "agency_id")
        )
    return agency_counts_direct(session, as_of, scope)


def agency_counts_direct(session: Session, as_of: date, scope: Scope) -> KeyedCounts:
    """agency_counts from the tasks, any scope and mode (the tally's reference)."""
    if scope.agency_at == "then":
        return rollup_reads.grouped_counts(session, as_of, scope, [lead_at(_then_day(as_of))])
    rows = rollup_reads.grouped_counts(session, as_of, scope, [lead_at(sa.literal(as_of, sa.Date))])
    return _to_successors(session, as_of, rows)


def _to_successors(session: Session, as_of: date, rows: KeyedCounts) -> KeyedCounts:
    ended = set(
        session.scalars(
            sa.select(AgencyRow.id).where(
                AgencyRow.valid_to.is_not(None), AgencyRow.valid_to < as_of
            )
        )
    )
    if not ended & {k[0] for k, _ in rows}:
        return rows
    registry = cached_registry(session)  # read again only when the stored one changed
    ids = dict(session.execute(sa.select(AgencyRow.code, AgencyRow.id)).tuples().all())
    code_of = {v: k for k, v in ids.items()}
    merged: dict[tuple[Any, ...], list[Counts]] = {}
    for k, counts in rows:
        target = k[0]
        if target in ended:
            heir = registry.default_successor(code_of[target], as_of)
            target = ids[heir.code] if heir else target
        merged.setdefault((target,), []).append(counts)
    return [(k, rollup_reads.totals_of([((), c) for c in cs])) for k, cs in merged.items()]
