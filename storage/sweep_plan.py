"""The sweep's write statements, one planner per database, picked once by dialect (`planner`).

PostgreSQL plans in one statement (data-modifying CTEs, due rows locked SKIP LOCKED); SQLite in
four, around a temporary table of the due rows. Both insert the reminders insert-if-absent by
(task, period, recipient, kind, slot) and move `next_reminder_on` on; no task row travels out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage import sweep_sql as q
from storage.db import UTCDateTime

_TYPES: list[sa.BindParameter[Any]] = [
    *(sa.bindparam(n, type_=sa.Date()) for n in ("today", "first", "last", "p_day")),
    sa.bindparam("now", type_=UTCDateTime()),
]

# A reminder inserted, as a tuple: id, task_id, period_seq, recipient, kind, slot, role, agency_id
NEW_COLUMNS = "id, task_id, period_seq, recipient, kind, slot, role, agency_id"
# (tasks read, events nobody can receive, the reminders inserted, by id)
Planned = tuple[int, int, list[tuple[Any, ...]]]


def _text(sql: str, names: set[str]) -> sa.TextClause:
    return sa.text(sql).bindparams(*(b for b in _TYPES if b.key in names))


def _returning(sql: str, names: set[str]) -> sa.TextualSelect:
    return _text(sql, names).columns(slot=sa.Date())


_INSERT = (
    """INSERT INTO reminder
      (task_id, period_seq, recipient, kind, slot, role, agency_id, created_at)
    SELECT task_id, period_seq, recipient, kind, slot, role, agency_id, :now FROM ({recipients}) r
    WHERE true ON CONFLICT (task_id, period_seq, recipient, kind, slot) DO NOTHING
    RETURNING """
    + NEW_COLUMNS
)


class Planner(Protocol):
    def zone(self, tz: ZoneInfo) -> dict[str, str]: ...

    def run(self, session: Session, policy: q.Policy, params: Mapping[str, Any]) -> Planned: ...


class PostgresPlanner:
    def zone(self, tz: ZoneInfo) -> dict[str, str]:
        return {"tz": tz.key}

    @staticmethod
    @lru_cache(maxsize=16)
    def statement(policy: q.Policy) -> sa.TextualSelect:
        dialect = "postgresql"
        recipients = q.recipients_select(dialect)
        sql = f"""WITH due AS ({q.due_select(policy, dialect)}),
    {q.event_ctes("due", dialect)},
    ins AS ({_INSERT.format(recipients=recipients)}),
    moved AS (UPDATE task SET next_reminder_on = due.next_day FROM due
              -- the indexed condition again: else a hash join reads the whole task table
              WHERE task.id = due.id AND due.pid IS NULL AND task.next_reminder_on <= :today
              RETURNING task.id),
    moved_p AS (UPDATE task_periods SET next_reminder_on = due.next_day FROM due
                WHERE task_periods.id = due.pid RETURNING task_periods.id)
    SELECT c.tasks_read, c.no_address, i.id, i.task_id, i.period_seq, i.recipient, i.kind,
      i.slot, i.role, i.agency_id
    FROM (SELECT (SELECT count(*) FROM moved) + (SELECT count(*) FROM moved_p) AS tasks_read,
                 ({q.unaddressed_count(dialect)}) AS no_address) c
    LEFT JOIN ins i ON true ORDER BY i.id"""
        return _returning(sql, {"today", "first", "last", "p_day", "now"})

    def run(self, session: Session, policy: q.Policy, params: Mapping[str, Any]) -> Planned:
        # Its row estimates are rough and high, so PostgreSQL JIT-compiles it: 11 s measured
        # at 100k tasks, several times the run itself. SET LOCAL ends with the transaction.
        session.execute(sa.text("SET LOCAL jit = off"))
        rows = session.execute(self.statement(policy), params).all()
        # One row per reminder inserted, the counts on each; one row of counts when none.
        return (
            rows[0].tasks_read,
            rows[0].no_address,
            [tuple(r)[2:] for r in rows if r.id is not None],
        )


@dataclass(frozen=True)
class SqliteStatements:
    create: sa.TextClause
    insert: sa.TextualSelect
    count: sa.TextClause
    advance: sa.TextClause
    advance_periods: sa.TextClause


class SqlitePlanner:
    def zone(self, tz: ZoneInfo) -> dict[str, str]:
        return {"tz_shift": _fixed_shift(tz)}

    @staticmethod
    @lru_cache(maxsize=16)
    def statements(policy: q.Policy) -> SqliteStatements:
        dialect, due = "sqlite", "temp.sweep_due"
        events = f"WITH {q.event_ctes(due, dialect)}"
        recipients = q.recipients_select(dialect)
        return SqliteStatements(
            create=_text(
                f"CREATE TEMP TABLE sweep_due AS {q.due_select(policy, dialect)}",
                {"today", "first", "last", "p_day"},
            ),
            insert=_returning(f"{events} {_INSERT.format(recipients=recipients)}", {"now"}),
            count=_text(
                f"{events} SELECT (SELECT count(*) FROM {due}), ({q.unaddressed_count(dialect)})",
                set(),
            ),
            # Bookkeeping, not an edit: updated_at and version stay as they are.
            advance=sa.text(
                f"UPDATE task SET next_reminder_on = d.next_day FROM {due} d"
                " WHERE task.id = d.id AND d.pid IS NULL"
            ),
            advance_periods=sa.text(
                f"UPDATE task_periods SET next_reminder_on = d.next_day FROM {due} d"
                " WHERE task_periods.id = d.pid"
            ),
        )

    def run(self, session: Session, policy: q.Policy, params: Mapping[str, Any]) -> Planned:
        st = self.statements(policy)
        session.execute(sa.text("DROP TABLE IF EXISTS temp.sweep_due"))
        session.execute(st.create, params)
        rows = sorted(session.execute(st.insert, params).tuples().all())  # by id
        tasks_read, no_address = session.execute(st.count, params).one()
        session.execute(st.advance)
        session.execute(st.advance_periods)
        session.execute(sa.text("DROP TABLE temp.sweep_due"))
        return tasks_read, no_address, rows


POSTGRESQL, SQLITE = PostgresPlanner(), SqlitePlanner()
PLANNERS: dict[str, Planner] = {"postgresql": POSTGRESQL, "sqlite": SQLITE}


def planner(session: Session) -> Planner:
    """The planner of the session's database."""
    return PLANNERS[session.get_bind().dialect.name]


@lru_cache(maxsize=8)
def _fixed_shift(tz: ZoneInfo) -> str:
    """SQLite has no time zones: a zone without DST since 2000 is a fixed shift of UTC."""
    offsets = {
        datetime(year, month, 1, tzinfo=tz).utcoffset()
        for year in range(2000, 2040)
        for month in (1, 7)
    }
    if len(offsets) != 1:
        raise ValueError(f"the SQLite sweep needs a zone without DST; {tz.key} has {offsets}")
    (offset,) = offsets
    assert offset is not None
    return f"{int(offset.total_seconds()) // 60:+d} minutes"
