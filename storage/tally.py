"""The rollup tally (sổ tổng hợp): signed counts of events by day, kept by database triggers.

Each counted subject (a task, or each period of a recurring task; rollup_reads.py) enters the
count on `enter` (its directive's issue date, a period's start if later) and then meets, at
most once each, these events, dated so that "the event has happened by as-of" is `day <= as_of`:

- `entered` (or `ongoing` / `awaiting` for a task with no deadline) on `enter`;
- `overdue` on max(enter, deadline + 1);
- `done_on_time` / `done_late` on max(enter, completed_on), when the state is done;
- `done_after` on max(enter, completed_on, deadline + 1), when the state is done.

At as-of: open_overdue = overdue − done_after, open_on_time = entered − done − open_overdue.
A subject counts under the task's lead at as-of (task_leads intervals, else task.lead_agency_id)
and only in its window (a recurring task's own row until its first period begins): each event
is +1 where the window opens, −1 where it closes. Rows are kept per day (`grain` 'd'), per
month ('m', dated the 1st) and per year ('y', dated 1 January), so a count at as-of reads the
years before its year, the months of its year before its month and the days of its month: a
GROUP BY over at most agencies × leaders × kinds × (years + 12 + 31) rows, whatever the tasks.

`rollup_task_event` keeps what each task added, so a trigger recomputes a task idempotently
(subtract what it added, add what it now adds): correct whatever the statement, rows or order.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from storage.paused_triggers import paused

Pred = Callable[[str], str]  # column name -> SQL predicate on it

KINDS = ("entered", "overdue", "done_on_time", "done_late", "done_after", "ongoing", "awaiting")
TASK_COLUMNS = ("directive_id", "lead_agency_id", "state", "deadline", "deadline_kind",
                "completed_on")  # fmt: skip
PERIOD_COLUMNS = ("task_id", "starts", "deadline", "state", "completed_on")
LEAD_COLUMNS = ("task_id", "agency_id", "valid_from", "valid_to")
DIRECTIVE_COLUMNS = ("issued_on", "leader")
EVENT_COLUMNS = "task_id, agency_id, leader, day, kind, dhalf, n"


@dataclass(frozen=True)
class _Dialect:
    greatest: str
    least: str
    lo: str
    hi: str

    @staticmethod
    def of(name: str) -> _Dialect:
        if name == "postgresql":
            return _Dialect("GREATEST", "LEAST", "DATE '1900-01-01'", "DATE '9999-12-31'")
        return _Dialect("max", "min", "'1900-01-01'", "'9999-12-31'")

    @property
    def pg(self) -> bool:
        return self.greatest == "GREATEST"

    def plus1(self, x: str) -> str:
        return f"({x} + 1)" if self.pg else f"date({x}, '+1 day')"

    def start_of(self, unit: str, x: str) -> str:
        if self.pg:
            return f"CAST(date_trunc('{unit}', {x}) AS date)"
        return f"date({x}, 'start of {unit}')"

    def half_of(self, x: str) -> str:
        """The 1st or the 15th on or before `x` (every period starts on one; reports.periods),
        `lo` for no date."""
        if self.pg:
            late = f"CASE WHEN extract(day FROM {x}) >= 15 THEN 14 ELSE 0 END"
            return f"coalesce({self.start_of('month', x)} + {late}, {self.lo})"
        day = f"CAST(strftime('%d', {x}) AS INTEGER)"
        late = f"CASE WHEN {day} >= 15 THEN '+14 days' ELSE '+0 days' END"
        return f"coalesce(date({x}, 'start of month', {late}), {self.lo})"


def _subjects(d: _Dialect, pred: Pred) -> str:
    return f"""
SELECT t.id AS task_id, coalesce(dr.leader, '') AS leader, t.deadline AS deadline,
       t.deadline AS tdl, t.deadline_kind AS dkind, t.state AS state,
       t.completed_on AS completed_on,
       coalesce(dr.issued_on, {d.lo}) AS w0,
       coalesce((SELECT min(p.starts) FROM task_periods p WHERE p.task_id = t.id), {d.hi}) AS w1
FROM task t JOIN directive dr ON dr.id = t.directive_id WHERE {pred("t.id")}
UNION ALL
SELECT t.id, coalesce(dr.leader, ''), p.deadline, t.deadline, 'fixed', p.state, p.completed_on,
       {d.greatest}(coalesce(dr.issued_on, {d.lo}), p.starts), {d.hi}
FROM task_periods p JOIN task t ON t.id = p.task_id JOIN directive dr ON dr.id = t.directive_id
WHERE {pred("t.id")}"""


def _events(d: _Dialect, pred: Pred) -> str:
    done = "s.deadline IS NOT NULL AND s.state = 'done' AND s.completed_on IS NOT NULL"
    after = d.plus1("s.deadline")
    return f"""
SELECT s.task_id, s.leader, s.w0, s.w1, {d.half_of("s.tdl")} AS dhalf,
  CASE e.k
    WHEN 1 THEN (CASE WHEN s.deadline IS NOT NULL THEN 'entered'
                      WHEN s.dkind = 'event' THEN 'awaiting' ELSE 'ongoing' END)
    WHEN 2 THEN (CASE WHEN s.deadline IS NOT NULL THEN 'overdue' END)
    WHEN 3 THEN (CASE WHEN {done} THEN (CASE WHEN s.completed_on <= s.deadline
                                             THEN 'done_on_time' ELSE 'done_late' END) END)
    ELSE (CASE WHEN {done} THEN 'done_after' END) END AS kind,
  CASE e.k WHEN 1 THEN s.w0 WHEN 2 THEN {d.greatest}(s.w0, {after})
    WHEN 3 THEN {d.greatest}(s.w0, s.completed_on)
    ELSE {d.greatest}(s.w0, s.completed_on, {after}) END AS day
FROM ({_subjects(d, pred)}) s
CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) e
WHERE s.state <> 'cancelled' AND s.w0 < s.w1"""


def _windows(d: _Dialect, pred: Pred) -> str:
    """Who leads when: the task's lead everywhere, and for each task_leads interval its agency
    +1 and the task's lead −1 (intervals of one task do not overlap; storage/handover.py)."""
    f, u = f"coalesce(l.valid_from, {d.lo})", f"coalesce({d.plus1('l.valid_to')}, {d.hi})"
    return f"""
SELECT t.id AS task_id, t.lead_agency_id AS agency_id, 1 AS sign, {d.lo} AS f, {d.hi} AS u
FROM task t WHERE {pred("t.id")}
UNION ALL
SELECT t.id, l.agency_id, 1, {f}, {u} FROM task_leads l JOIN task t ON t.id = l.task_id
WHERE {pred("t.id")}
UNION ALL
SELECT t.id, t.lead_agency_id, -1, {f}, {u} FROM task_leads l JOIN task t ON t.id = l.task_id
WHERE {pred("t.id")}"""


def task_events(dialect: str, pred: Pred) -> str:
    """SELECT task_id, agency_id, leader, day, kind, dhalf, n: what the tasks matching `pred`
    add; `dhalf` is the half month of the task's deadline (the key of by_period's tally)."""
    d = _Dialect.of(dialect)
    a, b = f"{d.greatest}(ev.w0, w.f)", f"{d.least}(ev.w1, w.u)"
    return f"""
SELECT c.task_id, c.agency_id, c.leader, c.day, c.kind, c.dhalf, SUM(c.n) AS n FROM (
  SELECT ev.task_id, w.agency_id, ev.leader, ev.kind, ev.dhalf,
         CASE x.k WHEN 1 THEN {d.greatest}(ev.day, {a}) ELSE {b} END AS day,
         CASE x.k WHEN 1 THEN w.sign ELSE -w.sign END AS n
  FROM ({_events(d, pred)}) ev
  JOIN ({_windows(d, pred)}) w ON w.task_id = ev.task_id
  CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2) x
  WHERE ev.kind IS NOT NULL AND {a} < {b} AND ev.day < {b} AND (x.k = 1 OR {b} < {d.hi})
) c GROUP BY c.task_id, c.agency_id, c.leader, c.day, c.kind, c.dhalf HAVING SUM(c.n) <> 0"""


def _upsert(d: _Dialect, source: str, table: str = "rollup_tally") -> str:
    """Add (agency_id, leader, day, kind, n) rows to the three grains of the tally, or
    (dhalf, leader, day, kind, n) rows, those with a deadline, to `rollup_deadline_tally`."""
    key = "agency_id" if table == "rollup_tally" else "dhalf"
    where = "" if key == "agency_id" else f" WHERE z.dhalf <> {d.lo}"
    return f"""
INSERT INTO {table} (grain, day, {key}, leader, kind, n)
SELECT g.grain, CASE g.grain WHEN 'd' THEN z.day WHEN 'm' THEN {d.start_of("month", "z.day")}
                  ELSE {d.start_of("year", "z.day")} END AS day,
       z.{key}, z.leader, z.kind, SUM(z.n)
FROM ({source}) z CROSS JOIN (SELECT 'd' AS grain UNION ALL SELECT 'm' UNION ALL SELECT 'y') g
{where}
GROUP BY 1, 2, 3, 4, 5 HAVING SUM(z.n) <> 0 ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (grain, day, {key}, leader, kind) DO UPDATE SET n = {table}.n + excluded.n"""


def recompute_statements(dialect: str, pred: Pred) -> list[str]:
    """Make the tally true again for the tasks matching `pred`, whatever they added before."""
    d = _Dialect.of(dialect)
    delta = f"""
SELECT agency_id, leader, day, kind, dhalf, n FROM ({task_events(dialect, pred)}) a
UNION ALL
SELECT agency_id, leader, day, kind, dhalf, -n FROM rollup_task_event WHERE {pred("task_id")}"""
    return [
        _upsert(d, delta),
        _upsert(d, delta, "rollup_deadline_tally"),
        f"DELETE FROM rollup_task_event WHERE {pred('task_id')}",
        f"INSERT INTO rollup_task_event ({EVENT_COLUMNS}) "
        f"SELECT * FROM ({task_events(dialect, pred)}) a",
    ]


def pg_recompute(pred: Pred) -> str:
    """PostgreSQL: the same in one pass over the events, the delta applied to both tables."""
    d = _Dialect.of("postgresql")
    key = "agency_id, leader, day, kind, dhalf"
    return f"""
WITH delta AS MATERIALIZED (
  SELECT {key}, SUM(n) AS n FROM (
    SELECT {key}, n FROM ({task_events("postgresql", pred)}) a
    UNION ALL SELECT {key}, -n FROM rollup_task_event WHERE {pred("task_id")}
  ) z GROUP BY {key} HAVING SUM(n) <> 0
), kept AS (
  INSERT INTO rollup_task_event (task_id, {key}, n)
  SELECT p_task, {key}, n FROM delta ORDER BY {key}
  ON CONFLICT (task_id, {key}) DO UPDATE SET n = rollup_task_event.n + excluded.n
), by_deadline AS ({_upsert(d, f"SELECT {key}, n FROM delta", "rollup_deadline_tally")}
)
{_upsert(d, f"SELECT {key}, n FROM delta")};
DELETE FROM rollup_task_event WHERE {pred("task_id")} AND n = 0"""


def rebuild(conn: sa.Connection) -> None:
    """Recompute the whole tally from the tasks (migration, bulk loads, restore, --verify)."""
    d = _Dialect.of(conn.dialect.name)
    for table in ("rollup_tally", "rollup_deadline_tally", "rollup_task_event"):
        conn.exec_driver_sql(f"DELETE FROM {table}")
    conn.exec_driver_sql(
        f"INSERT INTO rollup_task_event ({EVENT_COLUMNS}) "
        f"SELECT * FROM ({task_events(conn.dialect.name, lambda _: '1 = 1')}) a"
    )
    for table in ("rollup_tally", "rollup_deadline_tally"):
        conn.exec_driver_sql(_upsert(d, "SELECT * FROM rollup_task_event", table))


# ---------------------------------------------------------------- triggers


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)


def _sqlite_triggers() -> list[str]:
    def body(pred: Pred) -> str:
        return ";\n".join(recompute_statements("sqlite", pred)) + ";"

    def by(ref: str) -> Pred:
        return lambda col: f"{col} = {ref}"

    def changed(cols: tuple[str, ...]) -> str:
        return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in cols)

    out = []
    for table, key, cols in (("task", "id", TASK_COLUMNS), ("task_periods", "task_id",
                             PERIOD_COLUMNS), ("task_leads", "task_id", LEAD_COLUMNS)):  # fmt: skip
        name = f"rollup_{table}"
        out += [
            f"CREATE TRIGGER {name}_ins AFTER INSERT ON {table} BEGIN {body(by(f'NEW.{key}'))} END",
            f"CREATE TRIGGER {name}_del AFTER DELETE ON {table} BEGIN {body(by(f'OLD.{key}'))} END",
            f"CREATE TRIGGER {name}_upd AFTER UPDATE OF {', '.join(cols)} ON {table} "
            f"WHEN {changed(cols)} BEGIN {body(by(f'NEW.{key}'))} END",
        ]
        if key == "task_id":
            out.append(
                f"CREATE TRIGGER {name}_mov AFTER UPDATE OF task_id ON {table} "
                f"WHEN NEW.task_id IS NOT OLD.task_id BEGIN {body(by('OLD.task_id'))} END"
            )
    of_directive: Pred = lambda col: f"{col} IN (SELECT id FROM task WHERE directive_id = NEW.id)"  # noqa: E731
    out.append(
        f"CREATE TRIGGER rollup_directive_upd AFTER UPDATE OF issued_on, leader ON directive "
        f"WHEN {changed(DIRECTIVE_COLUMNS)} BEGIN {body(of_directive)} END"
    )
    return out


def _pg_triggers() -> list[str]:
    recompute = pg_recompute(lambda col: f"{col} = p_task")
    out = [  # PL/pgSQL keeps the statements' plans for the session (an SQL function re-plans)
        "CREATE FUNCTION rollup_recompute(p_task integer) RETURNS void LANGUAGE plpgsql AS $$"
        f"BEGIN {recompute}; END $$",
        """CREATE FUNCTION rollup_row_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'task' THEN
    IF TG_OP <> 'INSERT' THEN PERFORM rollup_recompute(OLD.id); END IF;
    IF TG_OP = 'INSERT' OR NEW.id <> OLD.id THEN PERFORM rollup_recompute(NEW.id); END IF;
  ELSIF TG_TABLE_NAME = 'directive' THEN
    PERFORM rollup_recompute(id) FROM task WHERE directive_id = NEW.id;
  ELSE
    IF TG_OP <> 'INSERT' THEN PERFORM rollup_recompute(OLD.task_id); END IF;
    IF TG_OP = 'INSERT' OR NEW.task_id <> OLD.task_id THEN
      PERFORM rollup_recompute(NEW.task_id);
    END IF;
  END IF;
  RETURN NULL;
END $$""",
    ]
    for table, cols in (("task", TASK_COLUMNS), ("task_periods", PERIOD_COLUMNS),
                        ("task_leads", LEAD_COLUMNS)):  # fmt: skip
        out += [
            f"CREATE TRIGGER rollup_{table}_insdel AFTER INSERT OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION rollup_row_trg()",
            f"CREATE TRIGGER rollup_{table}_upd AFTER UPDATE OF {', '.join(cols)} ON {table} "
            f"FOR EACH ROW WHEN ({_changed(cols)}) EXECUTE FUNCTION rollup_row_trg()",
        ]
    out.append(
        "CREATE TRIGGER rollup_directive_upd AFTER UPDATE OF issued_on, leader ON directive "
        f"FOR EACH ROW WHEN ({_changed(DIRECTIVE_COLUMNS)}) EXECUTE FUNCTION rollup_row_trg()"
    )
    return out


SQLITE_TRIGGERS = ("task_ins", "task_del", "task_upd", "task_periods_ins", "task_periods_del",
                   "task_periods_upd", "task_periods_mov", "task_leads_ins", "task_leads_del",
                   "task_leads_upd", "task_leads_mov", "directive_upd")  # fmt: skip
PG_TRIGGERS = (("task", "insdel"), ("task", "upd"), ("task_periods", "insdel"),
               ("task_periods", "upd"), ("task_leads", "insdel"), ("task_leads", "upd"),
               ("directive", "upd"))  # fmt: skip


def create_triggers(conn: sa.Connection) -> None:
    statements = _pg_triggers() if conn.dialect.name == "postgresql" else _sqlite_triggers()
    for statement in statements:
        conn.exec_driver_sql(statement)


def drop_triggers(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        for table, suffix in PG_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS rollup_{table}_{suffix} ON {table}")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS rollup_row_trg()")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS rollup_recompute(integer)")
        return
    for name in SQLITE_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS rollup_{name}")


def triggers_off(conn: sa.Connection) -> AbstractContextManager[None]:
    """For a bulk load in this transaction: no per-row upkeep, one rebuild at the end."""
    return paused(conn, drop_triggers, create_triggers, rebuild)


# ---------------------------------------------------------------- reading


def _ranges(as_of: date) -> list[tuple[int, str, date, date]]:
    """(sign, grain, from, before) whose signed sums make the events dated <= as_of: its days
    counted forward from the 1st or back from the month's end, on the months before (or up to)
    its month counted forward from January or back from December, on the years before; which
    ever reads fewer rows (at most years + 6 months + 16 days; at a month's end, no day)."""
    year, month = as_of.replace(month=1, day=1), as_of.replace(day=1)
    next_year = year.replace(year=year.year + 1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    after = as_of + timedelta(days=1)
    if as_of.day > (next_month - month).days // 2:
        upto, days = next_month, [(-1, "d", after, next_month)]
    else:
        upto, days = month, [(1, "d", month, after)]
    months_in = 12 if upto == next_year else upto.month - 1  # months of the year before `upto`
    if months_in <= 6:
        out = [(1, "y", date.min, year), (1, "m", year, upto)]
    else:
        out = [(1, "y", date.min, next_year), (-1, "m", upto, next_year)]
    return [r for r in out + days if r[2] < r[3]]


def sums(
    conn: sa.Connection | sa.orm.Session,
    as_of: date,
    key: str,
    leader: str | None = None,
    deadlines: tuple[date, date] | None = None,
) -> dict[object, dict[str, int]]:
    """Σn per kind for each value of `key` ('agency_id', 'leader' or '' for one total) of the
    events that happened by `as_of`; with `deadlines` (first, last), key 'dhalf': per half
    month of the tasks' deadlines in [first, last] (`rollup_deadline_tally`)."""
    where = "" if leader is None else " AND leader = :leader"
    params: dict[str, object] = {} if leader is None else {"leader": leader}
    table = "rollup_tally"
    if deadlines is not None:
        table, where = "rollup_deadline_tally", where + " AND dhalf >= :d0 AND dhalf <= :d1"
        params |= {"d0": deadlines[0], "d1": deadlines[1]}
    parts = []
    for i, (sign, grain, lo, hi) in enumerate(_ranges(as_of)):
        parts.append(
            f"SELECT {key or repr('all')} AS k, kind, {sign} * n AS n FROM {table} "
            f"WHERE grain = '{grain}' AND day >= :lo{i} AND day < :hi{i}{where}"
        )
        params |= {f"lo{i}": lo, f"hi{i}": hi}
    union = "\n  UNION ALL\n  ".join(parts)
    stmt = sa.text(f"SELECT k, kind, SUM(n) AS n FROM (\n  {union}\n) z GROUP BY k, kind")
    out: dict[object, dict[str, int]] = {}
    for k, kind, n in conn.execute(stmt, params):
        out.setdefault(k, {})[kind] = int(n)
    return out


def buckets(kinds: dict[str, int]) -> dict[str, int]:
    """The buckets (directives.models.Bucket values) of one group's event sums."""
    on_time, late = kinds.get("done_on_time", 0), kinds.get("done_late", 0)
    overdue = kinds.get("overdue", 0) - kinds.get("done_after", 0)
    return {
        "open_on_time": kinds.get("entered", 0) - on_time - late - overdue,
        "open_overdue": overdue,
        "done_on_time": on_time,
        "done_late": late,
        "ongoing": kinds.get("ongoing", 0),
        "awaiting_deadline": kinds.get("awaiting", 0),
    }
