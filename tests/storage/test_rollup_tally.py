"""The rollup tally (storage/tally.py) equals the rollup counted from the tasks, on SQLite and
PostgreSQL, after random histories of real writes and at random as-of dates.

The writes go through the storage functions a user's action runs (completion reported and
confirmed, extension requested and granted, edits, cancellation, the handover's change of lead,
recurring periods planned and reported) and plain ORM writes (a directive's date or leader, a
period's state, a task deleted); the triggers keep the tally in each write's transaction. The
reference is the direct SQL over the tasks (storage.rollup_reads.grouped_counts and its callers).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reports.model import Counts, Scope
from reports.periods import Cutoff, PeriodKind, recent_periods
from reports.rollup import by_leader_direct, by_period, by_period_direct
from storage import directive_rank, periods, tally
from storage import rollup_reads as sql
from storage.db import Database
from storage.handover import _pass_lead
from storage.models import DeadlineTallyRow, DirectiveRow, TallyRow, TaskPeriodRow, TaskRow
from storage.succession_reads import agency_counts, agency_counts_direct, lead_at
from storage.task_ops import (
    Actor,
    StaleTaskError,
    TaskNotFound,
    TaskOpError,
    confirm_completion,
    decide_extension,
    edit_task,
    pending_extension,
    report_completion,
    request_extension,
)
from tests.db_reset import empty_tables as _empty
from tests.factories import add_task, setup

BASE = date(2024, 1, 1)
LEADERS = ["Đoàn Thanh Sơn", "Dương Xuân Huyên", None]
LEADS = ["so-ngoai-vu", "so-noi-vu", "so-vhttdl", "ubnd-huyen-trang-dinh", "ubnd-huyen-van-lang"]
OFFICE = Actor("vanphong")
OPS = ("add", "add", "recurring", "complete", "complete", "extend", "deadline", "cancel",
       "reopen", "handover", "handover", "directive", "period", "delete")  # fmt: skip
REFUSED = (TaskOpError, StaleTaskError, TaskNotFound)

op = st.tuples(st.sampled_from(OPS), *(st.integers(0, 10**6) for _ in range(3)))


def day(n: int) -> date:
    return BASE + timedelta(days=n % 900)


class History:
    """Applies the random operations; remembers the last handover day of each task (a handover
    moves forward in time, so a task's lead intervals do not overlap)."""

    def __init__(self, db: Database, ids: dict[str, int]) -> None:
        self.db, self.ids, self.tasks = db, ids, []  # type: list[int]
        self.handed: dict[int, date] = {}

    def apply(self, name: str, a: int, b: int, c: int) -> None:
        if name in ("add", "recurring"):
            self._add(name, a, b, c)
            return
        if not self.tasks:
            return
        task_id = self.tasks[a % len(self.tasks)]
        try:
            with self.db.write() as s:
                getattr(self, f"_{name}")(s, task_id, b, c)
        except REFUSED:
            pass

    def _add(self, name: str, a: int, b: int, c: int) -> None:
        deadline = None if a % 5 == 0 and name == "add" else day(a + b % 120)
        kind = "event" if deadline is None and b % 2 else None
        task_id = add_task(self.db, self.ids, deadline, lead=LEADS[b % len(LEADS)],
                           state=("new", "in_progress")[c % 2], created=day(a),
                           kind=kind)  # fmt: skip
        with self.db.write() as s:
            task = s.get(TaskRow, task_id)
            s.get(DirectiveRow, task.directive_id).leader = LEADERS[c % 3]
            if name == "recurring":
                task.recurrence = ("monthly:5", "quarterly:10")[b % 2]
                periods.materialise(s, task, day(a) + timedelta(days=c % 400), start=day(a))
        self.tasks.append(task_id)

    def _complete(self, s, task_id: int, b: int, c: int) -> None:  # type: ignore[no-untyped-def]
        done_on = day(b)
        report_completion(s, task_id, version=None, actor=Actor("cq"), done_on=done_on,
                          today=done_on)  # fmt: skip
        if c % 4:  # else left awaiting confirmation
            confirm_completion(s, task_id, version=None, actor=OFFICE, today=done_on)

    def _extend(self, s, task_id: int, b: int, c: int) -> None:  # type: ignore[no-untyped-def]
        task = s.get(TaskRow, task_id)
        if task.deadline is None:
            return
        new = task.deadline + timedelta(days=1 + b % 60)
        request_extension(s, task_id, version=None, actor=Actor("cq"), proposed=new, reason="x")
        ext = pending_extension(s, task_id)
        decide_extension(s, ext.id, version=None, actor=OFFICE, approve=bool(c % 3),
                         today=day(c))  # fmt: skip

    def _edit(self, s, task_id: int, fields: dict, c: int) -> None:  # type: ignore[no-untyped-def]
        edit_task(s, task_id, version=None, actor=OFFICE, fields=fields, today=day(c))

    def _deadline(self, s, task_id: int, b: int, c: int) -> None:  # type: ignore[no-untyped-def]
        self._edit(s, task_id, {"deadline": None if b % 7 == 0 else day(b)}, c)

    def _cancel(self, s, task_id: int, b: int, c: int) -> None:  # type: ignore[no-untyped-def]
        self._edit(s, task_id, {"state": "cancelled"}, c)

    def _reopen(self, s, task_id: int, b: int, c: int) -> None:  # type: ignore[no-untyped-def]
        self._edit(s, task_id, {"state": "in_progress"}, c)

    def _handover(self, s, task_id: int, b: int, c: int) -> None:  # type: ignore[no-untyped-def]
        task = s.get(TaskRow, task_id)
        on = self.handed.get(task_id, day(b)) + timedelta(days=1 + c % 90)
        new = self.ids[LEADS[b % len(LEADS)]]
        if new != task.lead_agency_id:
            _pass_lead(s, task, task.lead_agency_id, new, on)
            self.handed[task_id] = on

    def _directive(self, s, task_id: int, b: int, c: int) -> None:  # type: ignore[no-untyped-def]
        directive = s.get(DirectiveRow, s.get(TaskRow, task_id).directive_id)
        if b % 2:
            directive.issued_on = None if c % 5 == 0 else day(c)
        else:
            directive.leader = LEADERS[c % 3]

    def _period(self, s, task_id: int, b: int, c: int) -> None:  # type: ignore[no-untyped-def]
        rows = s.scalars(sa.select(TaskPeriodRow).where(TaskPeriodRow.task_id == task_id)).all()
        if rows:
            row = rows[b % len(rows)]
            row.state = ("done", "cancelled", "in_progress")[c % 3]
            row.completed_on = day(c) if row.state == "done" else None

    def _delete(self, s, task_id: int, b: int, c: int) -> None:  # type: ignore[no-untyped-def]
        if b % 3 == 0:
            s.delete(s.get(TaskRow, task_id))
            self.tasks.remove(task_id)


def _keyed(rows: sql.KeyedCounts) -> dict[tuple, Counts]:
    return {tuple(k if k is not None else "" for k in key): c for key, c in rows}


def assert_same(db: Database, as_of: date) -> None:
    with db.read() as s:
        for scope in [Scope()] + [Scope(leader=name) for name in LEADERS if name]:
            at_date = [lead_at(sa.literal(as_of, sa.Date))]
            direct = sql.grouped_counts(s, as_of, scope, at_date)
            assert _keyed(sql.tally_counts(s, as_of, scope, "agency_id")) == _keyed(direct)
            assert agency_counts(s, as_of, scope) == agency_counts_direct(s, as_of, scope)
            leaders = _keyed(sql.tally_counts(s, as_of, scope, "leader"))
            assert leaders == _keyed(by_leader_direct(s, as_of, scope))
            whole = sql.grouped_counts(s, as_of, scope, [sa.literal("all")])
            assert sql.total_counts(s, as_of, scope) == (whole[0][1] if whole else Counts())
            dates = [as_of - timedelta(days=k * 45) for k in range(3)][::-1]
            assert sql.trend_counts(s, scope, dates) == sql.trend_counts_direct(s, scope, dates)
            for kind, cutoff in ((PeriodKind.MONTH, Cutoff.CALENDAR), (PeriodKind.QUARTER,
                                 Cutoff.ND09), (PeriodKind.MONTH, Cutoff.ND09)):  # fmt: skip
                periods = recent_periods(as_of, kind, cutoff, 6)
                tallied = by_period(s, as_of, scope, periods)
                assert tallied == by_period_direct(s, as_of, scope, periods), (kind, cutoff)
        assert_same_directives(s, as_of)


def assert_same_directives(s, as_of: date) -> None:  # type: ignore[no-untyped-def]
    """The directives a rollup lists, found from the open overdue subjects, are those ranked
    from every task; at small limits the cut falls among ties and below the overdue ones."""
    agencies = s.scalars(sa.select(TaskRow.lead_agency_id).distinct()).all()
    scopes = [
        Scope(),
        *(Scope(leader=n) for n in LEADERS if n),
        *(Scope(agency_id=a) for a in agencies[:2]),
    ]
    for scope in scopes:
        for limit in (1, 2, 3, 200):
            found = directive_rank.top_directives(s, as_of, scope, limit)
            assert found == directive_rank.direct(s, as_of, scope, limit), (scope, limit)
        text, params = directive_rank.overdue_by_directive_sql(scope, s.get_bind().dialect.name)
        overdue = dict(s.execute(sa.text(text), {**params, "as_of": as_of}).all())
        every = directive_rank.direct(s, as_of, scope, 10**6)
        assert overdue == {k[0]: c.open_overdue for k, c in every if c.open_overdue}


def tally_rows(conn: sa.Connection) -> set[tuple]:
    found = set()
    for t in (TallyRow.__table__, DeadlineTallyRow.__table__):
        found |= {(t.name, *r) for r in conn.execute(sa.select(t).where(t.c.n != 0))}
    return found


def assert_rebuild_changes_nothing(db: Database) -> None:
    with db.engine.connect() as conn, conn.begin() as tx:
        kept = tally_rows(conn)
        tally.rebuild(conn)
        assert tally_rows(conn) == kept
        tx.rollback()


@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(ops=st.lists(op, min_size=1, max_size=30), dates=st.lists(st.integers(0, 1000), min_size=3,
                                                                  max_size=3))  # fmt: skip
def test_tally_equals_the_count_from_the_tasks(
    db: Database, small_agencies, ops: list[tuple], dates: list[int]
) -> None:
    _empty(db)
    ids = setup(db, small_agencies)
    history = History(db, ids)
    for step in ops:
        history.apply(*step)
    for n in dates:
        assert_same(db, BASE + timedelta(days=n))
    assert_rebuild_changes_nothing(db)


def test_migration_fills_the_tally_of_existing_tasks(db: Database, small_agencies) -> None:
    """Rows written with the triggers away (as before 0009) are counted once rebuilt."""
    ids = setup(db, small_agencies)
    with db.engine.begin() as conn:
        tally.drop_triggers(conn)
    try:
        add_task(db, ids, date(2025, 3, 1), created=date(2025, 1, 2))
        add_task(db, ids, None, created=date(2025, 1, 2), lead="so-noi-vu")
    finally:
        with db.engine.begin() as conn:
            tally.rebuild(conn)
            tally.create_triggers(conn)
    assert_same(db, date(2025, 3, 2))
    with db.read() as s:
        totals = sql.total_counts(s, date(2025, 3, 2), Scope())
    assert (totals.open_overdue, totals.ongoing) == (1, 1)


def test_parallel_status_updates_leave_the_tally_true(db: Database, small_agencies) -> None:
    """Eight writers complete and re-edit tasks of the same agencies and days at once."""
    ids = setup(db, small_agencies)
    tasks = [add_task(db, ids, date(2025, 3, 3), lead=LEADS[i % 2], created=date(2025, 1, 2))
             for i in range(40)]  # fmt: skip

    def work(mine: list[int]) -> None:
        for task_id in mine:
            with db.write() as s:
                report_completion(s, task_id, version=None, actor=Actor("cq"),
                                  done_on=date(2025, 3, 5), today=date(2025, 3, 5))  # fmt: skip
            with db.write() as s:
                confirm_completion(s, task_id, version=None, actor=OFFICE, today=date(2025, 3, 5))
            with db.write() as s:
                edit_task(s, task_id, version=None, actor=OFFICE, today=date(2025, 3, 6),
                          fields={"deadline": date(2025, 3, 10)})  # fmt: skip

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, [tasks[i::8] for i in range(8)]))
    assert_rebuild_changes_nothing(db)
    assert_same(db, date(2025, 3, 20))
    with db.read() as s:
        totals = sql.total_counts(s, date(2025, 3, 20), Scope())
    assert (totals.done_on_time, totals.total) == (40, 40)


def test_every_trigger_is_there_at_head(db: Database) -> None:
    """A later migration that rebuilds one of these tables on SQLite (batch mode) drops its
    triggers: it must create them again (storage.tally.create_triggers)."""
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            sql_text = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            expected = {f"rollup_{name}" for name in tally.SQLITE_TRIGGERS}
        else:
            sql_text = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            expected = {f"rollup_{table}_{suffix}" for table, suffix in tally.PG_TRIGGERS}
        found = set(conn.exec_driver_sql(sql_text).scalars())
    assert expected <= found
