"""The directives a rollup lists (theo văn bản): the `limit` with the most open overdue
subjects at the as-of date, then the most subjects, then the lowest id, counted only for the
directives that can make the list.

The open overdue subjects are found by two partial indexes (migration 0011): open tasks by
deadline, and done tasks by completion day (done after the as-of date: overdue then), plus the
periods by deadline. Their count per directive gives the N-th largest count; only directives
at or above it are counted in full (`storage.rollup_reads.grouped_counts`, by the directive_id
index).
Where fewer than `limit` directives have an overdue subject, every directive is ranked from
the tasks (a small or healthy province). Equal to `by_directive_direct`
(tests/storage/test_rollup_tally.py, `dondoc report --verify`).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.rollup_model import Scope
from storage import rollup_reads as sql
from storage.models import TaskRow
from storage.sql_dialect import spelling

OPEN = "t.state NOT IN ('done', 'cancelled')"  # literal: the partial index's predicate
DONE = "t.state = 'done'"
OPEN_INDEX, DONE_INDEX = "ix_task__open_deadline", "ix_task__done_completed_on"
MAX_LISTED = 2000  # candidate directives passed as a list of ids; more: found again in SQL


def _scope_sql(scope: Scope) -> tuple[str, dict[str, object]]:
    where = ["(d.issued_on IS NULL OR d.issued_on <= :as_of)"]
    params: dict[str, object] = {}
    if scope.leader is not None:
        where.append("d.leader = :leader")
        params["leader"] = scope.leader
    if scope.agency_id is not None:
        where.append("t.lead_agency_id = :agency_id")
        params["agency_id"] = scope.agency_id
    if scope.directive_id is not None:
        where.append("t.directive_id = :directive_id")
        params["directive_id"] = scope.directive_id
    return " AND ".join(where), params


def overdue_by_directive_sql(scope: Scope, dialect: str) -> tuple[str, dict[str, object]]:
    """SELECT directive_id, n: open overdue subjects at :as_of per directive (bucket rules of
    storage.rollup_reads.subject_bucket). SQLite is told the partial indexes (its planner, with
    no statistics, would walk the whole deadline index: `sql_dialect.index_hint`)."""
    where, params = _scope_sql(scope)

    def task(index: str) -> str:
        hint = spelling(dialect).index_hint(index)
        joined = f"FROM task t{hint} JOIN directive d ON d.id = t.directive_id"
        return f"{joined} WHERE {where} AND {no_period}"

    no_period = (
        "NOT EXISTS (SELECT 1 FROM task_periods p WHERE p.task_id = t.id AND p.starts <= :as_of)"
    )
    text = f"""
SELECT directive_id, count(*) AS n FROM (
  SELECT t.directive_id {task(OPEN_INDEX)} AND {OPEN} AND t.deadline < :as_of
  UNION ALL
  SELECT t.directive_id {task(DONE_INDEX)} AND {DONE} AND t.completed_on > :as_of
    AND t.deadline < :as_of
  UNION ALL
  SELECT t.directive_id {task(DONE_INDEX)} AND {DONE} AND t.completed_on IS NULL
    AND t.deadline < :as_of
  UNION ALL
  SELECT t.directive_id FROM task_periods p JOIN task t ON t.id = p.task_id
  JOIN directive d ON d.id = t.directive_id
  WHERE {where} AND p.deadline < :as_of AND p.starts <= :as_of AND p.state <> 'cancelled'
    AND NOT (p.state = 'done' AND p.completed_on IS NOT NULL AND p.completed_on <= :as_of)
) o GROUP BY directive_id"""
    return text, params


def top_directives(session: Session, as_of: date, scope: Scope, limit: int) -> sql.KeyedCounts:
    """by_directive's groups, worst first (the order of rollup_reads' worst-first limit)."""
    text, params = overdue_by_directive_sql(scope, session.get_bind().dialect.name)
    binds = [
        sa.bindparam("as_of", as_of, type_=sa.Date),
        *(sa.bindparam(k, v) for k, v in params.items()),
    ]
    overdue: dict[int, int] = dict(session.execute(sa.text(text).bindparams(*binds)).tuples().all())
    if len(overdue) < limit:
        return direct(session, as_of, scope, limit)
    cutoff = sorted(overdue.values(), reverse=True)[limit - 1]
    found = sorted(k for k, n in overdue.items() if n >= cutoff)
    candidates: sa.TextualSelect | list[int] = found  # the ids read once, sent back if few
    if len(found) > MAX_LISTED:
        candidates = (
            sa.text(f"SELECT directive_id FROM ({text}) o WHERE n >= :cutoff")
            .bindparams(*binds, sa.bindparam("cutoff", cutoff))
            .columns(sa.column("directive_id", sa.Integer))
        )
    return sql.grouped_counts(
        session, as_of, scope, [TaskRow.directive_id],
        where=TaskRow.directive_id.in_(candidates), worst_first_limit=limit,
    )  # fmt: skip


def direct(session: Session, as_of: date, scope: Scope, limit: int) -> sql.KeyedCounts:
    """The same from every task of the scope (the reference)."""
    return sql.grouped_counts(
        session, as_of, scope, [TaskRow.directive_id], worst_first_limit=limit
    )
