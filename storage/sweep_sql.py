"""The reminder policy as SQL, generated from the same `ReminderPolicy` values as `plan_task`.

What SQLite and PostgreSQL spell differently comes from `storage.sql_dialect` (compiled
constructs) and the `SweepDialect` picked once per dialect (locks, the coordinator join).

`due_select` mirrors `notifications.policy.plan_task` for every due task at once, working days
looked up in `calendar_day` (a day's index is work_index, +1 when the day is off, as
`DayIndex.index`; an index's day is the working day carrying it, as `DayIndex.day`; both clamped
to the table). Policy numbers are inlined, one cached SQL text per policy and dialect; the day's
values are bind parameters (`notifications.sweep.Anchors`).

Each due row carries its next index and, per track, the index (and kind) of the event due today,
already cut to the catch-up window. `events_select` unpivots those into one row per event with
its slot day, `recipients_select` expands events into (task, address, kind, slot, role, agency)
the way the digest addresses them: lead urged and coordinators informed, head, leader accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from directives import reminder_kinds as p
from directives.models import DeadlineKind, TaskState
from directives.roles import RecipientRole, Role
from storage.sql_dialect import spelling

FLOOR_SHIFT = 10_000_000
BIG = 2_147_483_647  # "no upcoming event on this track"; the deadline track always has one


class Policy(Protocol):
    """The numbers of `notifications.policy.ReminderPolicy` the SQL inlines (hashable)."""

    @property
    def before(self) -> tuple[int, ...]: ...
    @property
    def on_day(self) -> bool: ...
    @property
    def overdue_every(self) -> int: ...
    @property
    def head_after(self) -> int | None: ...
    @property
    def leader_after(self) -> int | None: ...
    @property
    def stale_after_days(self) -> int | None: ...
    def __hash__(self) -> int: ...


@dataclass(frozen=True)
class SweepDialect:
    """The sweep's per-dialect parts beside the spelled expressions."""

    name: str
    lock_tasks: str  # locks the due task rows (PostgreSQL: concurrent sweeps skip them)
    lock_periods: str
    coordinators: str  # ev x task_coordinator, see `event_ctes`


# PostgreSQL cannot estimate a CTE's task ids, guesses thousands of coordinators per event and
# hashes the whole task_coordinator table (722,000 rows at 1M tasks, 100 ms): a LATERAL
# subquery fenced by OFFSET 0 keeps it to an index probe per event. SQLite (no LATERAL) probes
# the primary key anyway.
DIALECTS = {
    "postgresql": SweepDialect(
        "postgresql", "FOR UPDATE OF t SKIP LOCKED", "FOR UPDATE OF p SKIP LOCKED",
        """ev e CROSS JOIN LATERAL (SELECT tc.agency_id FROM task_coordinator tc
        WHERE tc.task_id = e.task_id OFFSET 0) tc""",
    ),
    "sqlite": SweepDialect(
        "sqlite", "", "", "ev e JOIN task_coordinator tc ON tc.task_id = e.task_id"
    ),
}  # fmt: skip


class _Sql:
    """The spelled expressions the sweep composes, over one dialect's `Spelling`."""

    def __init__(self, dialect: str) -> None:
        self._s = spelling(dialect)
        self.days_between, self.plus_days = self._s.days_between, self._s.plus_days
        self.local_date, self.least, self.clamp = self._s.local_date, self._s.least, self._s.clamp

    def day_clamped(self, expr: str) -> str:
        return self.clamp(expr, ":first", ":last")

    def index_clamped(self, expr: str) -> str:
        return self.clamp(expr, ":lo", ":hi")

    def address(self, col: str) -> str:
        return f"lower({self._s.trim_space(col)})"

    def usable(self, col: str) -> str:
        return f"({col} IS NOT NULL AND {self.address(col)} <> '')"


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _floor_div(n: str, k: int) -> str:
    """Python's // for a possibly negative numerator; SQL integer division truncates.

    Shifting by k * FLOOR_SHIFT makes the numerator positive for any two dates (|n| < 4e6 days)
    while naming `n` once: SQLite repeats an inlined expression at every use.
    """
    return f"(({n} + {k * FLOOR_SHIFT}) / {k} - {FLOOR_SHIFT})"


def _index(alias: str) -> str:
    """DayIndex.index from a joined calendar_day row: a day off rolls to the next working day."""
    return f"({alias}.work_index + CASE WHEN {alias}.is_working THEN 0 ELSE 1 END)"


def _day_of(index: str) -> str:
    """DayIndex.day as a scalar subquery: a join here would make PostgreSQL guess ~20 matches
    per row (an expression against a non-unique column) and plan the rest for millions."""
    return f"(SELECT cd.day FROM calendar_day cd WHERE cd.work_index = {index} AND cd.is_working)"


def _deadline_track(policy: Policy) -> tuple[str, str, str]:
    """(index, kind, next index) of `_deadline_track` with x = t - d working days late."""
    before = sorted({b for b in policy.before if b > 0})
    step = policy.overdue_every
    index = [f"WHEN x >= {step} THEN d + (x / {step}) * {step}"]
    kind = [f"WHEN x >= {step} THEN {_q(p.OVERDUE)}"]
    if policy.on_day:
        index.append("WHEN x >= 0 THEN d")
        kind.append(f"WHEN x >= 0 THEN {_q(p.DUE)}")
    for b in before:  # the latest point on or before today: the smallest b with d - b <= t
        index.append(f"WHEN -x <= {b} THEN d - {b}")
        kind.append(f"WHEN -x <= {b} THEN {_q(p.before_kind(b))}")
    upcoming = [f"WHEN -x > {b} THEN d - {b}" for b in reversed(before)]  # the earliest after t
    if policy.on_day:
        upcoming.append("WHEN x < 0 THEN d")
    upcoming.append(f"WHEN x < 0 THEN d + {step} ELSE d + {step} * (x / {step} + 1)")
    return (
        f"CASE {' '.join(index)} END",
        f"CASE {' '.join(kind)} END",
        f"CASE {' '.join(upcoming)} END",
    )


def _tracks(policy: Policy, sql: _Sql) -> str:
    """Level C: per task, each track's latest event index (NULL: none) and next index."""
    dl_i, dl_kind, dl_next = _deadline_track(policy)
    cols = [f"{dl_i} AS dl_i", f"{dl_kind} AS dl_kind"]
    nexts = [dl_next]
    for name, after in ((RecipientRole.HEAD, policy.head_after),
                        (RecipientRole.LEADER, policy.leader_after)):  # fmt: skip
        if after is None:
            cols.append(f"CAST(NULL AS integer) AS {name}_i")
            continue
        cols.append(f"CASE WHEN d + {after} <= :t THEN d + {after} END AS {name}_i")
        nexts.append(f"CASE WHEN d + {after} > :t THEN d + {after} ELSE {BIG} END")
    if policy.stale_after_days:
        cols.append("CASE WHEN k >= 1 THEN s_i END AS stale_i")
        nexts.append(f"COALESCE(s_next, {BIG})")
    else:
        cols.append("CAST(NULL AS integer) AS stale_i")
    nxt = sql.least(*nexts) if len(nexts) > 1 else nexts[0]
    return f"""
    SELECT id, pid, period_seq, lead_agency_id, leader, live, d, {", ".join(cols)},
      CASE WHEN live = 1 AND :p_ok = 1 AND ongoing = 1 AND created_on < :p_day THEN 1 END
        AS progress,
      CASE WHEN live = 0 THEN NULL WHEN d IS NOT NULL THEN {nxt}
           WHEN ongoing = 1 THEN :p_next END AS next_i
    FROM (SELECT b.*, :t - d AS x FROM ({{tasks}}) b) c"""


def _subjects(sql: _Sql, d: SweepDialect) -> str:
    """The due reminder subjects: task rows (each mirroring its current period, whose seq it
    carries; 0 when not recurring) and the open periods begun after a task's current one."""
    closed = ", ".join(_q(s) for s in (TaskState.DONE, TaskState.CANCELLED))
    current = (
        "(SELECT min(cp.seq) FROM task_periods cp WHERE cp.task_id = {task}"
        f" AND cp.state NOT IN ({closed}))"
    )
    return f"""
      SELECT * FROM (SELECT t.id, CAST(NULL AS integer) AS pid,
        COALESCE({current.format(task="t.id")}, 0) AS period_seq,
        t.lead_agency_id, t.directive_id, t.state, t.deadline, t.deadline_kind,
        {sql.local_date("t.created_at")} AS created_on, t.last_progress_at
      FROM task t WHERE t.next_reminder_on <= :today {d.lock_tasks}) tr
      UNION ALL
      SELECT * FROM (SELECT t.id, p.id, p.seq, t.lead_agency_id, t.directive_id, p.state,
        p.deadline, {_q(DeadlineKind.FIXED)}, p.starts, p.last_progress_at
      FROM task_periods p JOIN task t ON t.id = p.task_id
      WHERE p.next_reminder_on <= :today AND p.starts <= :today
        AND p.seq > {current.format(task="p.task_id")} {d.lock_periods}) pr"""


def _task_rows(sql: _Sql, d: SweepDialect) -> str:
    """Level A, materialized: the due subjects with what every track reads, each computed once."""
    reminded = ", ".join(_q(s) for s in sorted(p.REMINDED_STATES))
    base = f"COALESCE({sql.local_date('t.last_progress_at')}, t.created_on)"
    event = _q(DeadlineKind.EVENT)
    return f"""
      SELECT t.id, t.pid, t.period_seq, t.lead_agency_id,
        (SELECT dr.leader FROM directive dr WHERE dr.id = t.directive_id) AS leader,
        CASE WHEN t.state IN ({reminded}) THEN 1 ELSE 0 END AS live,
        CASE WHEN t.deadline IS NULL AND t.deadline_kind <> {event} THEN 1 ELSE 0 END
          AS ongoing,
        {_index("dl")} AS d, t.created_on, {base} AS base_on,
        {sql.days_between(base, ":today")} AS age
      FROM ({_subjects(sql, d)}) t
      LEFT JOIN calendar_day dl
        ON t.deadline IS NOT NULL AND dl.day = {sql.day_clamped("t.deadline")}"""


def _stale_marks(policy: Policy, sql: _Sql) -> str:
    """Level B: the stale track's latest mark k and the indexes of marks k and k + 1."""
    every = policy.stale_after_days
    if not every:
        none = "CAST(NULL AS integer)"
        return f"SELECT a.*, {none} AS k, {none} AS s_i, {none} AS s_next FROM a"
    k = _floor_div("a.age", every)
    mark = sql.plus_days("a.base_on", f"{k} * {every}")
    after = sql.plus_days("a.base_on", f"({k} + 1) * {every}")
    # Only live deadline tasks have a stale track. The policy's "k -= 1 when the k-th mark
    # rolls past today" cannot happen on a working day, the only days the sweep plans.
    applies = "a.live = 1 AND a.d IS NOT NULL"
    return f"""
      SELECT a.*, {k} AS k, {_index("sm")} AS s_i, {_index("sn")} AS s_next
      FROM a
      LEFT JOIN calendar_day sm ON {applies} AND sm.day = {sql.day_clamped(mark)}
      LEFT JOIN calendar_day sn ON {applies} AND sn.day = {sql.day_clamped(after)}"""


@lru_cache(maxsize=32)
def due_select(policy: Policy, dialect: str) -> str:
    """Level D: one row per due task; event indexes cut to the catch-up window; next day."""
    sql = _Sql(dialect)
    tracks = _tracks(policy, sql).replace("{tasks}", _stale_marks(policy, sql))
    window = "BETWEEN :since AND :t"
    # Materialized: SQLite inlines subquery columns into every use, and the tracks use each
    # column many times; this level holds the costly ones (dates in the zone, calendar joins).
    return f"""
    WITH a AS MATERIALIZED ({_task_rows(sql, DIALECTS[dialect])})
    SELECT c.id, c.pid, c.period_seq, c.lead_agency_id, c.leader,
      CASE WHEN c.next_i IS NOT NULL THEN {_day_of(sql.index_clamped("c.next_i"))} END
        AS next_day,
      CASE WHEN c.live = 1 AND c.dl_i {window} THEN c.dl_i END AS dl_i, c.dl_kind,
      CASE WHEN c.live = 1 AND c.head_i {window} THEN c.head_i END AS head_i,
      CASE WHEN c.live = 1 AND c.leader_i {window} THEN c.leader_i END AS leader_i,
      CASE WHEN c.live = 1 AND c.stale_i {window} THEN c.stale_i END AS stale_i,
      c.progress
    FROM ({tracks}) c
"""


def events_select(due: str, dialect: str) -> str:
    """One row per event of today: (task_id, lead_agency_id, leader, kind, audience, slot)."""
    a = p.Audience
    branches = [
        ("dl_kind", a.AGENCY, "dl_i"),
        (_q(p.ESCALATION), a.HEAD, "head_i"),
        (_q(p.LEADER_ESCALATION), a.LEADER, "leader_i"),
        (_q(p.STALE), a.LEAD, "stale_i"),
    ]
    parts = [
        f"SELECT id, period_seq, lead_agency_id, leader, {kind} AS kind, {_q(aud)} AS audience,"
        f" {col} AS i"
        f" FROM {due} WHERE {col} IS NOT NULL"
        for kind, aud, col in branches
    ]
    parts.append(
        f"SELECT id, period_seq, lead_agency_id, leader, {_q(p.PROGRESS_REQUEST)}, {_q(a.LEAD)},"
        " :p_i"
        f" FROM {due} WHERE progress = 1"
    )
    union = "\n      UNION ALL ".join(parts)
    return f"""
    SELECT e.id AS task_id, e.period_seq, e.lead_agency_id, e.leader, e.kind, e.audience,
      {_day_of(_Sql(dialect).index_clamped("e.i"))} AS slot
    FROM ({union}) e"""


def event_ctes(due: str, dialect: str) -> str:
    """The CTEs `ev` (events) and `ev_coordinator` (agency events x coordinators): materialized,
    else PostgreSQL, guessing few events, crosses them with every agency before the coordinators
    (260,000 index probes for 5,000 rows at 1M tasks)."""
    source = DIALECTS[dialect].coordinators
    coordinators = f"""SELECT e.task_id, e.period_seq, e.kind, e.slot, e.lead_agency_id,
        tc.agency_id
      FROM {source}
      WHERE e.audience = {_q(p.Audience.AGENCY)}"""
    return (
        f"ev AS MATERIALIZED ({events_select(due, dialect)}),"
        f" ev_coordinator AS MATERIALIZED ({coordinators})"
    )


def _leader_accounts(sql: _Sql) -> str:  # the accounts of the directive's leader, by name
    return f"u.role = {_q(Role.LEADER)} AND u.active AND {sql.usable('u.email')}"


@lru_cache(maxsize=8)
def recipients_select(dialect: str) -> str:
    """(task_id, period_seq, recipient, kind, slot, role, agency_id) for every addressed event.

    The lead is addressed before its coordinators, so a coordinator sharing the lead's address
    adds no row (the old per-task loop kept the first row per key). Blank addresses count as none.
    """
    sql, a, r = _Sql(dialect), p.Audience, RecipientRole
    head = _q(r.HEAD)
    lead_mail, coord_mail = sql.address("a.email"), sql.address("c.email")
    return f"""
    SELECT e.task_id, e.period_seq, {lead_mail} AS recipient, e.kind, e.slot, {_q(r.LEAD)} AS role,
      a.id AS agency_id
    FROM ev e JOIN agency a ON a.id = e.lead_agency_id
    WHERE e.audience IN ({_q(a.AGENCY)}, {_q(a.LEAD)}) AND {sql.usable("a.email")}
    UNION ALL
    SELECT e.task_id, e.period_seq, {coord_mail}, e.kind, e.slot, {_q(r.COORDINATOR)}, c.id
    FROM ev_coordinator e JOIN agency c ON c.id = e.agency_id
    JOIN agency a ON a.id = e.lead_agency_id
    WHERE {sql.usable("c.email")}
      AND NOT ({sql.usable("a.email")} AND {lead_mail} = {coord_mail})
    UNION ALL
    SELECT e.task_id, e.period_seq, {sql.address("a.head_email")}, e.kind, e.slot, {head}, a.id
    FROM ev e JOIN agency a ON a.id = e.lead_agency_id
    WHERE e.audience = {_q(a.HEAD)} AND {sql.usable("a.head_email")}
    UNION ALL
    SELECT e.task_id, e.period_seq, {sql.address("u.email")}, e.kind, e.slot, {_q(r.LEADER)}, NULL
    FROM ev e JOIN app_user u ON u.leader_name = e.leader
    WHERE e.audience = {_q(a.LEADER)} AND {_leader_accounts(sql)}"""


@lru_cache(maxsize=8)
def unaddressed_count(dialect: str) -> str:
    """Events nobody can receive (no usable address on file), as the old sweep counted them."""
    sql, a = _Sql(dialect), p.Audience
    coordinator = (
        "EXISTS (SELECT 1 FROM task_coordinator tc JOIN agency c ON c.id = tc.agency_id"
        f" WHERE tc.task_id = e.task_id AND {sql.usable('c.email')})"
    )
    leader = "EXISTS (SELECT 1 FROM app_user u WHERE u.leader_name = e.leader AND {})"
    return f"""
    SELECT count(*) FROM ev e JOIN agency a ON a.id = e.lead_agency_id
    WHERE CASE e.audience
      WHEN {_q(a.AGENCY)} THEN NOT ({sql.usable("a.email")} OR {coordinator})
      WHEN {_q(a.LEAD)} THEN NOT {sql.usable("a.email")}
      WHEN {_q(a.HEAD)} THEN NOT {sql.usable("a.head_email")}
      ELSE NOT {leader.format(_leader_accounts(sql))} END"""
