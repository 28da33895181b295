"""Benchmark: the leader's rollups over N tasks, cold, against a bare GROUP BY of the tasks.

Run on purpose, e.g. (full size: 1,000,000 tasks, compared with 100,000)
    .venv/bin/python -m bench.rollup --url postgresql://postgres@127.0.0.1:5432/dondoc_bench \
        --tasks 1000000 --compare-tasks 100000
    .venv/bin/python -m bench.rollup --url sqlite:////tmp/dondoc_bench.db \
        --tasks 1000000 --compare-tasks 100000
Each database is created and filled once (synth), then reused while it holds N tasks; the
comparison size gets its own database (the URL's name + "_<n>").

Every timed run opens a new engine and connection (no session cache, no warm-up query); the
figures are run in alternating order. Reported first: the medians; then each figure ÷ the
baseline (`SELECT lead_agency_id, state, count(*) FROM task GROUP BY 1, 2`, the shape of
Redmine's `Issue.by_assigned_to`), the large size ÷ the small one, and the cost of a status
update (completion reported) with the tally's triggers and without them; with --dashboard, the
leader's page under 4 readers (bench.dashboard). Prints one JSON object.
The web status update under load end to end: bench.web_load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from reports.html import write_html
from reports.model import Scope
from reports.rollup import build_rollup
from storage import data_stamp, tally
from storage.agencies import load_agencies, read_agency_file, shipped_agency_file
from storage.calendar import sync_calendar
from storage.db import Database
from storage.migrate import upgrade
from storage.models import AgencyRow, CalendarDay, TaskRow
from storage.succession_reads import agency_counts, agency_counts_direct
from storage.synth import synthesize
from storage.task_ops import Actor, report_completion

AS_OF = date(2025, 11, 20)  # synth issues directives up to 2026: the "issued by" rule matters
AS_OF_CURRENT = date(2027, 1, 15)  # after every directive, as a report of today
BASELINE = "SELECT lead_agency_id, state, count(*) FROM task GROUP BY lead_agency_id, state"


def prepare(url: str, n_tasks: int) -> tuple[Database, dict[str, Any]]:
    _create_pg_database(url)
    db = Database(url)
    upgrade(db)
    info: dict[str, Any] = {"synth_seconds": None}
    with db.write() as s:
        if not s.scalar(sa.select(sa.func.count()).select_from(CalendarDay)):
            sync_calendar(s)
        if not s.scalar(sa.select(sa.func.count()).select_from(AgencyRow)):
            load_agencies(s, read_agency_file(shipped_agency_file()))
    with db.read() as s:
        have = s.scalar(sa.select(sa.func.count()).select_from(TaskRow)) or 0
    if have < n_tasks:
        info["synth_seconds"] = round(synthesize(db, n_tasks - have, today=AS_OF)["seconds"], 1)
        if db.dialect == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE")
    with db.read() as s:
        info["tasks"] = s.scalar(sa.select(sa.func.count()).select_from(TaskRow))
        info["tally_rows"] = s.scalar(sa.text("SELECT count(*) FROM rollup_tally"))
    return db, info


def _create_pg_database(url: str) -> None:
    parsed = make_url(Database(url).url) if url.startswith("postgresql") else None
    if parsed is None:
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        )
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    admin.dispose()


def sized_url(url: str, n: int) -> str:
    """The URL of the database for the comparison size."""
    parsed = make_url(url)
    name = parsed.database or "dondoc_bench"
    if parsed.get_backend_name() == "sqlite":
        path = Path(name)
        return str(parsed.set(database=str(path.with_name(f"{path.stem}_{n}{path.suffix}"))))
    return parsed.set(database=f"{name}_{n}").render_as_string(hide_password=False)


def _report_html(s: Session) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_html(build_rollup(s, AS_OF), Path(tmp) / "r.html")


MEASURES: dict[str, Callable[[Session], Any]] = {
    "baseline_group_by": lambda s: s.execute(sa.text(BASELINE)).all(),
    "agency_x_bucket": lambda s: agency_counts(s, AS_OF, Scope()),
    "agency_x_bucket_current": lambda s: agency_counts(s, AS_OF_CURRENT, Scope()),
    "agency_x_bucket_from_tasks": lambda s: agency_counts_direct(s, AS_OF, Scope()),
    "full_rollup": lambda s: build_rollup(s, AS_OF),
    "report_html": _report_html,
}


def cold(url: str, fn: Callable[[Session], Any]) -> float:
    """One run on a new engine and connection; the connection itself is not timed."""
    db = Database(url)
    try:
        with db.read() as s:
            s.connection()
            started = time.perf_counter()
            fn(s)
            return time.perf_counter() - started
    finally:
        db.dispose()


def measure(url: str, repeat: int) -> dict[str, list[float]]:
    runs: dict[str, list[float]] = {name: [] for name in MEASURES}
    names = list(MEASURES)
    for i in range(repeat):
        for name in names if i % 2 == 0 else names[::-1]:
            runs[name].append(cold(url, MEASURES[name]))
    return runs


def report_process(url: str, repeat: int) -> list[float]:
    """The real `dondoc report --format html` process, start to exit (imports included)."""
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "dondoc", "report", "--as-of", AS_OF.isoformat(),
                 "--format", "html", "--out", f"{tmp}/r.html"],
                check=True, capture_output=True, env=_env(url),
            )  # fmt: skip
            runs.append(time.perf_counter() - started)
    return runs


def _env(url: str) -> dict[str, str]:
    import os

    return {**os.environ, "DONDOC_DATABASE_URL": url}


def write_cost(db: Database, updates: int) -> dict[str, Any]:
    """Completion reported on open tasks, one transaction each, in four blocks alternating
    between the summaries' triggers (the tallies' and the data stamp's) kept and dropped; the
    tally is rebuilt at the end. The first updates of a block are not timed: the DDL that
    switches the triggers makes every pooled connection plan its statements again, which a
    running server does once per connection."""
    with db.read() as s:
        ids = list(
            s.scalars(
                sa.select(TaskRow.id)
                .where(TaskRow.state.in_(("new", "in_progress")), TaskRow.recurrence.is_(None))
                .order_by(TaskRow.id)
                .limit(updates * 2)
            )
        )
    runs: dict[str, list[float]] = {"with_tally": [], "without_tally": []}
    block, warm = max(1, len(ids) // 4), 5
    try:
        for i in range(0, len(ids), block):
            mode = "with_tally" if (i // block) % 2 == 0 else "without_tally"
            with db.engine.begin() as conn:
                tally.drop_triggers(conn)
                data_stamp.drop_triggers(conn)
                if mode == "with_tally":
                    tally.create_triggers(conn)
                    data_stamp.create_triggers(conn)
            for k, task_id in enumerate(ids[i : i + block]):
                took = _complete(db, task_id)
                if k >= warm:
                    runs[mode].append(took)
    finally:
        with db.engine.begin() as conn:
            tally.drop_triggers(conn)
            tally.rebuild(conn)
            tally.create_triggers(conn)
            data_stamp.drop_triggers(conn)
            data_stamp.create_triggers(conn)
            data_stamp.renew(conn)
    medians = {k: round(statistics.median(v) * 1000, 3) for k, v in runs.items() if v}
    ratio = medians["with_tally"] / medians["without_tally"] if len(medians) == 2 else None
    return {"median_ms": medians, "ratio": round(ratio, 3) if ratio else None,
            "updates": {k: len(v) for k, v in runs.items()}}  # fmt: skip


def _complete(db: Database, task_id: int) -> float:
    started = time.perf_counter()
    with db.write() as s:
        report_completion(s, task_id, version=None, actor=Actor("bench"), done_on=AS_OF,
                          today=AS_OF)  # fmt: skip
    return time.perf_counter() - started


def summary(runs: dict[str, list[float]]) -> dict[str, float]:
    return {name: round(statistics.median(v), 4) for name, v in runs.items()}


def run_size(url: str, n_tasks: int, repeat: int) -> dict[str, Any]:
    db, info = prepare(url, n_tasks)
    db.dispose()
    runs = measure(url, repeat)
    medians = summary(runs)
    base = medians["baseline_group_by"] or 1e-9
    return {
        "medians_s": medians,
        "ratio_to_baseline": {k: round(v / base, 2) for k, v in medians.items()},
        **info,
        "best_s": {name: round(min(v), 4) for name, v in runs.items()},
        "runs_s": {name: [round(x, 4) for x in v] for name, v in runs.items()},
    }


def run(
    url: str, n_tasks: int, repeat: int, compare: int | None, updates: int, dashboard: bool = False
) -> dict:
    big = run_size(url, n_tasks, repeat)
    result: dict[str, Any] = {"dialect": make_url(url).get_backend_name(), "as_of": str(AS_OF),
                              "medians_s": big.pop("medians_s"), **big}  # fmt: skip
    if compare:
        small = run_size(sized_url(url, compare), compare, repeat)
        result["size_ratio"] = {
            "tasks": [compare, n_tasks],
            "large_over_small": {
                k: round(v / max(small["medians_s"][k], 1e-9), 2)
                for k, v in result["medians_s"].items()
            },
            "small_medians_s": small["medians_s"],
        }
    result["dondoc_report_html_process_s"] = round(statistics.median(report_process(url, 3)), 3)
    if updates:
        db = Database(url)
        result["status_update_write"] = write_cost(db, updates)
        db.dispose()
    if dashboard:
        from bench.dashboard import measure as dashboard_pages

        result["leader_page"] = dashboard_pages(url)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="sqlite:////tmp/dondoc_bench.db")
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--compare-tasks", type=int, default=None, help="e.g. 100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--updates", type=int, default=200, help="status updates timed; 0: none")
    parser.add_argument("--dashboard", action="store_true",
                        help="also the leader's page, 4 readers (bench.dashboard)")  # fmt: skip
    args = parser.parse_args()
    result = run(args.url, args.tasks, args.repeat, args.compare_tasks, args.updates,
                 args.dashboard)  # fmt: skip
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
