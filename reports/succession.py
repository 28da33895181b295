"""Counting tasks per agency over the 2025 reorganisation (sắp xếp tổ chức bộ máy).

`asof` (default): each task counts under the agency responsible at the as-of date: its lead
then (from `task_leads`), and where that agency had ended by then (a task closed before the
handover), its default successor. `then`: under the agency that led it at the time, that is on
the day it was completed, or on its deadline, or on the as-of date, whichever comes first.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reports import sql
from reports.model import Counts, Scope
from storage.models import AgencyRow, TaskLeadRow, TaskRow
from storage.registry_version import cached_registry

MODES = ("asof", "then")
NOTE_VI = {
    "asof": "Nhiệm vụ được tính cho cơ quan chịu trách nhiệm tại ngày báo cáo (nhiệm vụ của cơ "
    "quan đã kết thúc hoạt động do sắp xếp tổ chức bộ máy được tính cho cơ quan kế thừa).",
    "then": "Nhiệm vụ được tính cho cơ quan chủ trì tại thời điểm thực hiện (ngày hoàn thành, "
    "hạn xử lý hoặc ngày báo cáo), kể cả cơ quan đã kết thúc hoạt động sau đó.",
}


def lead_at(on: sa.ColumnElement) -> sa.ColumnElement:
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


def _then_day(as_of: date) -> sa.ColumnElement:
    day = sa.func.coalesce(TaskRow.completed_on, TaskRow.deadline, sa.literal(as_of, sa.Date))
    return sa.case((day > as_of, sa.literal(as_of, sa.Date)), else_=day)


def agency_counts(session: Session, as_of: date, scope: Scope) -> list[tuple[tuple, Counts]]:
    """Counts per lead agency id (as a 1-tuple key) in the scope's counting mode.

    `asof` is read from the tally (storage/tally.py) where it serves the scope; `then` (the
    lead on a day that depends on each task) is counted from the tasks."""
    if scope.agency_at == "asof" and sql.tally_serves(scope):
        return _to_successors(session, as_of, sql.tally_counts(session, as_of, scope, "agency_id"))
    return agency_counts_direct(session, as_of, scope)


def agency_counts_direct(session: Session, as_of: date, scope: Scope) -> list[tuple[tuple, Counts]]:
    """agency_counts from the tasks, any scope and mode (the tally's reference)."""
    if scope.agency_at == "then":
        return sql.grouped_counts(session, as_of, scope, [lead_at(_then_day(as_of))])
    rows = sql.grouped_counts(session, as_of, scope, [lead_at(sa.literal(as_of, sa.Date))])
    return _to_successors(session, as_of, rows)


def _to_successors(
    session: Session, as_of: date, rows: list[tuple[tuple, Counts]]
) -> list[tuple[tuple, Counts]]:
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
    merged: dict[tuple, list[Counts]] = {}
    for k, counts in rows:
        target = k[0]
        if target in ended:
            heir = registry.default_successor(code_of[target], as_of)
            target = ids[heir.code] if heir else target
        merged.setdefault((target,), []).append(counts)
    return [(k, sql.totals_of([((), c) for c in cs])) for k, cs in merged.items()]
