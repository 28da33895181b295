"""Benchmark: rollup by agency × bucket over N tasks, the whole rollup, a DOCX of overdue tasks.

Run on purpose, e.g.
    .venv/bin/python -m bench.rollup --url postgresql://postgres@127.0.0.1:5432/dondoc_bench
    .venv/bin/python -m bench.rollup --url sqlite:////tmp/dondoc_bench.db
The database is created and filled once (synth), then reused while it holds N tasks.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from reports import sql
from reports.docx_report import write_docx
from reports.model import Scope
from reports.rollup import build_rollup
from storage.agencies import load_agencies, read_agency_file, shipped_agency_file
from storage.calendar import sync_calendar
from storage.db import Database
from storage.migrate import upgrade
from storage.models import AgencyRow, CalendarDay, TaskRow
from storage.synth import synthesize

AS_OF = date(2025, 11, 20)  # synth issues directives up to 2026: the "issued by" join is needed
AS_OF_CURRENT = date(2027, 1, 15)  # after every directive, as a report of today: no join


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


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return {"best_s": round(min(runs), 3), "median_s": round(statistics.median(runs), 3)}


def run(url: str, n_tasks: int, repeat: int) -> dict[str, Any]:
    db, info = prepare(url, n_tasks)
    result: dict[str, Any] = {"dialect": db.dialect, "as_of": AS_OF.isoformat(), **info}
    with db.read() as s:
        key = [TaskRow.lead_agency_id]
        result["groups"] = len(sql.grouped_counts(s, AS_OF, Scope(), key))
        sql.tune_session(s)
        result["agency_x_bucket"] = timed(
            lambda: sql.grouped_counts(s, AS_OF, Scope(), key), repeat
        )
        result["agency_x_bucket_current"] = timed(
            lambda: sql.grouped_counts(s, AS_OF_CURRENT, Scope(), key), repeat
        )
        result["full_rollup"] = timed(lambda: build_rollup(s, AS_OF), max(1, repeat // 3))
        rollup = build_rollup(s, AS_OF, overdue_limit=1000)
    result["overdue_in_docx"] = len(rollup.overdue)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.docx"
        result["docx_1000_overdue"] = timed(lambda: write_docx(rollup, out), repeat)
        result["docx_bytes"] = out.stat().st_size
    db.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="sqlite:////tmp/dondoc_bench.db")
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.url, args.tasks, args.repeat), ensure_ascii=False))


if __name__ == "__main__":
    main()
