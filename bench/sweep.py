"""Sweep benchmark: N open tasks, exactly `--due` of them due, against a bare INSERT … SELECT floor.

Run `python -m bench.sweep --url sqlite:////tmp/sweep.db --tasks 1000000` (or a postgresql://
URL; the database is created when missing). Prints one JSON object: seconds of the floor (the
same due rows copied into a scratch table), of plan only (reminders + next dates written, in its
own transaction), of describe (reading what the digests show about the new reminders) and of the
whole sweep (plan + describe + digests rendered and enqueued), their ratios to the floor, and the
peak RSS of a child process that only measures. The filled database is reused when it already
holds N tasks. Each run resets the due rows, so floor and plan see the same database state.

Two yardsticks between the floor and the plan show what the floor leaves out: `unique_only`
(the floor's rows into a scratch table with only the reminder's unique key, insert-if-absent)
and `write_bound` (a reminder row per due task into the real table and every next date moved,
committed, no policy). Both are writes the issue itself asks the plan to make.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from directives.calendar import DEFAULT_CALENDAR, TIMEZONE
from dondoc.settings import Settings
from flows.jobs import sweep
from notifications.sweep import plan
from notifications.sweep_details import describe
from storage.agencies import load_agencies, read_agency_file, shipped_agency_file
from storage.calendar import sync_calendar
from storage.db import Database, UTCDateTime
from storage.migrate import upgrade
from storage.models import OutboxRow, ReminderRow, TaskRow
from storage.synth import synthesize

FAR = date(2099, 1, 1)
TODAY = sa.bindparam("today", type_=sa.Date())


def bench_day() -> date:
    day = datetime.now(TIMEZONE).date()
    while not DEFAULT_CALENDAR.is_working_day(day):
        day -= timedelta(days=1)
    return day


def ensure_database(url: str) -> None:
    parsed = make_url(Database(url).url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                           {"n": parsed.database}):  # fmt: skip
            conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    admin.dispose()


def fill(db: Database, n: int, day: date) -> dict[str, Any]:
    upgrade(db)
    with db.read() as s:
        have = s.scalar(sa.select(sa.func.count()).select_from(TaskRow))
        days = s.scalar(sa.text("SELECT count(*) FROM calendar_day"))
    if not days:
        with db.write() as s:
            sync_calendar(s)
    if have == n:
        return {"reused": True}
    if have:
        raise SystemExit(f"{db.url} holds {have} tasks, not {n}: use a fresh database")
    with db.write() as s:
        load_agencies(s, read_agency_file(shipped_agency_file()))
    return synthesize(db, n, today=day)


def reset(db: Database, due: int, day: date) -> None:
    """No reminders or mail; exactly `due` open tasks due on `day`, the rest far ahead."""
    open_states = ("new", "in_progress")
    with db.write() as s:
        s.execute(sa.delete(ReminderRow))
        s.execute(sa.delete(OutboxRow))
        s.execute(sa.update(TaskRow).values(next_reminder_on=None))
        s.execute(sa.update(TaskRow).where(TaskRow.state.in_(open_states)).values(
            next_reminder_on=FAR))  # fmt: skip
        total = s.scalar(sa.select(sa.func.count()).where(TaskRow.state.in_(open_states)))
        step = max(total // due, 1)
        pick = (sa.select(TaskRow.id).where(TaskRow.state.in_(open_states))
                .order_by(TaskRow.id).limit(due * step))  # fmt: skip
        ids = s.scalars(pick).all()[::step][:due]
        for start in range(0, len(ids), 5000):
            s.execute(sa.update(TaskRow).where(TaskRow.id.in_(ids[start : start + 5000]))
                      .values(next_reminder_on=day))  # fmt: skip
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum would have, after the fill
    else:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


COLUMNS = "task_id INTEGER, recipient VARCHAR(200), kind VARCHAR(30), slot DATE"
DUE_ROWS = ("SELECT id, 'x@example.org', 'overdue', next_reminder_on FROM task "
            "WHERE next_reminder_on <= :today")  # fmt: skip


def _scratch_insert(db: Database, day: date, table: str, ddl: str, suffix: str = "") -> float:
    """Seconds of one committed INSERT … SELECT of the due rows into a new scratch table."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        conn.exec_driver_sql(f"CREATE TABLE {table} ({ddl})")
        conn.commit()
        started = time.perf_counter()
        with conn.begin():
            insert = sa.text(f"INSERT INTO {table} {DUE_ROWS}{suffix}").bindparams(TODAY)
            conn.execute(insert, {"today": day})
        seconds = time.perf_counter() - started
        conn.exec_driver_sql(f"DROP TABLE {table}")
        conn.commit()
    return seconds


def floor(db: Database, day: date) -> float:
    """The issue's floor: the due rows copied by one INSERT … SELECT into a bare scratch table."""
    return _scratch_insert(db, day, "scratch", COLUMNS)


def unique_only(db: Database, day: date) -> float:
    """The floor's rows into a scratch table carrying only the reminder's unique key, insert-if-
    absent: what the issue's own "unique key, insert-if-absent" adds to the floor, no more."""
    ddl = f"{COLUMNS}, UNIQUE (task_id, recipient, kind, slot)"
    return _scratch_insert(db, day, "scratch_unique", ddl, " ON CONFLICT DO NOTHING")


def write_bound(db: Database, day: date, now: datetime) -> float:
    """Not the floor, a yardstick beside it: the bare writes every plan has to make, with no
    policy. One reminder row per due task into the real `reminder` table (its unique index and
    foreign keys) and `next_reminder_on` moved (the task table's indexes), committed as the plan
    is. The caller resets the database afterwards."""
    insert = sa.text(
        "INSERT INTO reminder (task_id, recipient, kind, slot, role, created_at) "
        "SELECT id, 'x@example.org', 'overdue', next_reminder_on, 'lead', :now FROM task "
        "WHERE next_reminder_on <= :today"
    ).bindparams(sa.bindparam("now", type_=UTCDateTime()), sa.bindparam("today", type_=sa.Date()))
    move = sa.text("UPDATE task SET next_reminder_on = :far WHERE next_reminder_on <= :today")
    with db.engine.connect() as conn:
        started = time.perf_counter()
        with conn.begin():
            conn.execute(insert, {"now": now, "today": day})
            conn.execute(move.bindparams(sa.bindparam("far", type_=sa.Date()),
                                         sa.bindparam("today", type_=sa.Date())),
                         {"far": FAR, "today": day})  # fmt: skip
        return time.perf_counter() - started


def measure(url: str, due: int, runs: int) -> dict[str, Any]:
    db = Database(url)
    day = bench_day()
    now = datetime.combine(day, clock(7, 30), TIMEZONE)
    settings = Settings(database_url=url)
    floors, uniques, bounds, plans, details, sweeps = [], [], [], [], [], []
    result: dict[str, Any] = {}
    for _ in range(runs):
        reset(db, due, day)
        floors.append(floor(db, day))
        uniques.append(unique_only(db, day))
        bounds.append(write_bound(db, day, now))
        reset(db, due, day)
        started = time.perf_counter()
        with db.write() as s:
            planned = plan(s, now)
        plans.append(time.perf_counter() - started)
        started = time.perf_counter()
        with db.read() as s:
            describe(s, planned)
        details.append(time.perf_counter() - started)
        reset(db, due, day)
        started = time.perf_counter()
        result = sweep(db, settings, now)
        sweeps.append(time.perf_counter() - started)
    f, u, b, p, d, w = (
        statistics.median(x) for x in (floors, uniques, bounds, plans, details, sweeps)
    )
    return {
        "dialect": db.dialect, "due": due, "tasks_read": result["tasks_read"],
        "reminders": result["reminders"], "digests": result["digests"],
        "planned_reminders": len(planned.reminder_ids), "floor_s": round(f, 4),
        "plan_s": round(p, 4), "describe_s": round(d, 4), "sweep_s": round(w, 4),
        "plans_s": [round(x, 4) for x in plans], "floors_s": [round(x, 4) for x in floors],
        "unique_only_s": round(u, 4), "unique_only_vs_floor": round(u / f, 2),
        "write_bound_s": round(b, 4), "write_bound_vs_floor": round(b / f, 2),
        "plan_vs_floor": round(p / f, 2),
        "plan_vs_write_bound": round(p / b, 2),
        "sweep_vs_floor": round(w / f, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="sqlite:////tmp/dondoc-bench-sweep.db")
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        print(json.dumps(measure(args.url, args.due, args.runs)))
        return
    ensure_database(args.url)
    db = Database(args.url)
    started = time.perf_counter()
    filled = fill(db, args.tasks, bench_day())
    fill_s = time.perf_counter() - started
    db.dispose()
    child = subprocess.run(
        [sys.executable, "-m", "bench.sweep", "--url", args.url, "--due", str(args.due),
         "--runs", str(args.runs), "--measure-only"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = {"tasks": args.tasks, "fill_s": round(fill_s, 1), "reused": bool(filled.get("reused"))}
    print(json.dumps({**out, **json.loads(child.stdout)}, indent=2))


if __name__ == "__main__":
    main()
