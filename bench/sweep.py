"""Sweep benchmark: N open tasks, exactly `--due` of them due, against the committed write bound.

Run `python -m bench.sweep --url sqlite:////tmp/sweep.db --tasks 1000000` (or a postgresql://
URL; the database is created when missing). Prints one JSON object, medians first: seconds of
the write bound (the yardstick), of plan only (reminders + next dates written, in its own
transaction), of describe (reading what the digests show about the new reminders) and of the
whole sweep in this process (plan + describe + digests rendered and enqueued), their ratios
(targets: plan ≤ 1.5× the write bound, sweep ≤ 2× plan), and the peak RSS of a real
`dondoc sweep --at …` process run on the same state (ru_maxrss of the waited children). The
filled database is reused when it already holds N tasks. Each measurement starts from the same
reset state; the write bound and the plan alternate which goes first from run to run.

The write bound is what any plan must commit, with no policy: the very reminder rows the plan
wrote (same count, same unique keys, read back from a first plan and kept aside), inserted
insert-if-absent into the real `reminder` table (its unique index and foreign keys) with their
ids returned, and `next_reminder_on` moved for every due task, in one committed transaction.
The sweep write bound is the same for a whole sweep: its digests (outbox rows and messages, kept
aside from a first sweep) and its reminders already pointing at them, with the next dates moved.
`sweep_vs_sweep_write_bound` and the CPU figures do not move when only the plan gets faster, as
`sweep_vs_plan` does (bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
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
        total = s.scalar(sa.select(sa.func.count()).where(TaskRow.state.in_(open_states))) or 0
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


KEY_COLUMNS = "task_id, period_seq, recipient, kind, slot, role, agency_id"


def keep_keys(db: Database) -> int:
    """Copy the reminders a plan wrote into `bench_keys` (untimed): the write bound's rows."""
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_keys")
        conn.exec_driver_sql(f"CREATE TABLE bench_keys AS SELECT {KEY_COLUMNS} FROM reminder")
        return conn.exec_driver_sql("SELECT count(*) FROM bench_keys").scalar_one()


MAIL_COLUMNS = "key, kind, recipient, slot, subject, status, attempts, next_attempt_at, message_id"


def keep_mail(db: Database) -> int:
    """Copy what a whole sweep wrote into `bench_mail` (its digests, messages included) and
    `bench_links` (its reminder rows with their digest's key), untimed: the sweep bound's rows."""
    with db.engine.begin() as conn:
        for table in ("bench_mail", "bench_links"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        conn.exec_driver_sql(
            f"CREATE TABLE bench_mail AS SELECT {MAIL_COLUMNS}, m.message"
            " FROM outbox o JOIN outbox_message m ON m.outbox_id = o.id"
        )
        keys = ", ".join(f"r.{c}" for c in KEY_COLUMNS.split(", "))
        conn.exec_driver_sql(
            f"CREATE TABLE bench_links AS SELECT {keys}, o.key AS mail_key"
            " FROM reminder r JOIN outbox o ON o.id = r.outbox_id"
        )
        return conn.exec_driver_sql("SELECT count(*) FROM bench_mail").scalar_one()


def drop_keys(db: Database) -> None:
    with db.engine.begin() as conn:
        for table in ("bench_keys", "bench_mail", "bench_links"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")


def sweep_bound(db: Database, day: date, now: datetime) -> float:
    """Seconds to commit everything a whole sweep writes, with no policy and no rendering: its
    digests (outbox rows insert-if-absent by key, ids returned, and their messages), its
    reminder rows already pointing at them (insert-if-absent, ids returned) and every due
    task's next date moved, in one transaction. The caller resets the database afterwards."""
    stamp = sa.bindparam("now", type_=UTCDateTime())
    mail = sa.text(
        f"INSERT INTO outbox ({MAIL_COLUMNS}, created_at) SELECT {MAIL_COLUMNS}, :now"
        " FROM bench_mail WHERE true ON CONFLICT (key) DO NOTHING RETURNING id"
    ).bindparams(stamp)
    bodies = sa.text(
        "INSERT INTO outbox_message (outbox_id, message)"
        " SELECT o.id, b.message FROM bench_mail b JOIN outbox o ON o.key = b.key"
    )
    cols = ", ".join(f"k.{c}" for c in KEY_COLUMNS.split(", "))
    reminders = sa.text(
        f"INSERT INTO reminder ({KEY_COLUMNS}, created_at, outbox_id) SELECT {cols}, :now, o.id"
        " FROM bench_links k JOIN outbox o ON o.key = k.mail_key WHERE true"
        " ON CONFLICT (task_id, period_seq, recipient, kind, slot) DO NOTHING RETURNING id"
    ).bindparams(stamp)
    move = sa.text(
        "UPDATE task SET next_reminder_on = :far WHERE next_reminder_on <= :today"
    ).bindparams(sa.bindparam("far", type_=sa.Date()), TODAY)
    with db.engine.connect() as conn:
        started = time.perf_counter()
        with conn.begin():
            conn.execute(mail, {"now": now}).scalars().all()
            conn.execute(bodies)
            conn.execute(reminders, {"now": now}).scalars().all()
            conn.execute(move, {"far": FAR, "today": day})
        return time.perf_counter() - started


def write_bound(db: Database, day: date, now: datetime) -> float:
    """Seconds to commit the plan's own reminder rows (from `bench_keys`) insert-if-absent on
    the reminder's unique key, ids returned, and every due task's next date moved. The caller
    resets the database afterwards."""
    insert = sa.text(
        f"INSERT INTO reminder ({KEY_COLUMNS}, created_at) SELECT {KEY_COLUMNS}, :now "
        "FROM bench_keys WHERE true "
        "ON CONFLICT (task_id, period_seq, recipient, kind, slot) DO NOTHING RETURNING id"
    ).bindparams(sa.bindparam("now", type_=UTCDateTime()))
    move = sa.text(
        "UPDATE task SET next_reminder_on = :far WHERE next_reminder_on <= :today"
    ).bindparams(sa.bindparam("far", type_=sa.Date()), TODAY)
    with db.engine.connect() as conn:
        started = time.perf_counter()
        with conn.begin():
            conn.execute(insert, {"now": now}).scalars().all()
            conn.execute(move, {"far": FAR, "today": day})
        return time.perf_counter() - started


def timed_plan(db: Database, now: datetime) -> tuple[float, float, Any]:
    """(seconds, this process's CPU seconds, the plan's result) of a committed plan."""
    started, cpu = time.perf_counter(), time.process_time()
    with db.write() as s:
        planned = plan(s, now)
    return time.perf_counter() - started, time.process_time() - cpu, planned


def sweep_process(url: str, now: datetime) -> float:
    """Seconds of a real `dondoc sweep` process (start-up included); its peak RSS is read by
    the caller from the waited children."""
    env = {**os.environ, "DONDOC_DATABASE_URL": url}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dondoc", "sweep", "--at", now.isoformat(), "--json"],
                   env=env, check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - started


def measure(url: str, due: int, runs: int) -> dict[str, Any]:
    db = Database(url)
    day = bench_day()
    now = datetime.combine(day, clock(7, 30), TIMEZONE)
    settings = Settings(database_url=url)
    reset(db, due, day)
    timed_plan(db, now)
    key_rows = keep_keys(db)
    reset(db, due, day)
    sweep(db, settings, now)
    mail_rows = keep_mail(db)
    bounds, plans, details, sweeps, processes, sweep_bounds = [], [], [], [], [], []
    plan_cpus, detail_cpus, sweep_cpus = [], [], []
    result: dict[str, Any] = {}
    for run in range(runs):
        order = ("bound", "plan") if run % 2 == 0 else ("plan", "bound")
        for step in order:
            reset(db, due, day)
            if step == "bound":
                bounds.append(write_bound(db, day, now))
                continue
            seconds, cpu, planned = timed_plan(db, now)
            plans.append(seconds)
            plan_cpus.append(cpu)
            started, cpu = time.perf_counter(), time.process_time()
            with db.read() as s:
                describe(s, planned)
            details.append(time.perf_counter() - started)
            detail_cpus.append(time.process_time() - cpu)
        for step in ("sweep_bound", "sweep") if run % 2 == 0 else ("sweep", "sweep_bound"):
            reset(db, due, day)
            if step == "sweep_bound":
                sweep_bounds.append(sweep_bound(db, day, now))
                continue
            started, cpu = time.perf_counter(), time.process_time()
            result = sweep(db, settings, now)
            sweeps.append(time.perf_counter() - started)
            sweep_cpus.append(time.process_time() - cpu)
    reset(db, due, day)
    db.dispose()
    processes.append(sweep_process(url, now))
    drop_keys(db)
    b, p, d, w, sb = (statistics.median(x) for x in (bounds, plans, details, sweeps, sweep_bounds))
    pc, dc, wc = (statistics.median(x) for x in (plan_cpus, detail_cpus, sweep_cpus))
    reminders = max(result["reminders"], 1)
    return {
        "dialect": db.dialect, "due": due,
        "plan_vs_write_bound": round(p / b, 2), "sweep_vs_plan": round(w / p, 2),
        "targets": {"plan_vs_write_bound": 1.5, "sweep_vs_plan": 2.0},
        # Yardsticks that do not move with the plan's own speed (see bench/README.md)
        "sweep_vs_write_bound": round(w / b, 2),
        "sweep_vs_sweep_write_bound": round(w / sb, 2),
        "sweep_write_bound_s": round(sb, 4),
        "sweep_minus_plan_ms_per_reminder": round((w - p) / reminders * 1000, 4),
        "write_bound_s": round(b, 4), "plan_s": round(p, 4), "describe_s": round(d, 4),
        "sweep_s": round(w, 4),
        # CPU of this process (SQLite's engine runs in it; PostgreSQL's server does not)
        "plan_cpu_s": round(pc, 4), "describe_cpu_s": round(dc, 4), "sweep_cpu_s": round(wc, 4),
        "sweep_process_s": round(processes[0], 4),
        "sweep_process_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "tasks_read": result["tasks_read"], "reminders": result["reminders"],
        "write_bound_rows": key_rows, "digests": result["digests"],
        "sweep_bound_digests": mail_rows,
        "runs": runs, "first_of_each_run": ["write_bound" if r % 2 == 0 else "plan"
                                            for r in range(runs)],
        "write_bounds_s": [round(x, 4) for x in bounds], "plans_s": [round(x, 4) for x in plans],
        "sweeps_s": [round(x, 4) for x in sweeps],
        "sweep_write_bounds_s": [round(x, 4) for x in sweep_bounds],
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
