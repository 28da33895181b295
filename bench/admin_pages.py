"""Benchmark: the history page across tasks (/admin/history's query) and bulk actions at volume.

Run on purpose, e.g.
    .venv/bin/python -m bench.admin_pages --tasks 1000000 \
        --url postgresql://postgres@127.0.0.1:5432/dondoc_bench_admin
    .venv/bin/python -m bench.admin_pages --url sqlite:////tmp/dondoc_bench_admin.db --tasks 100000
The database is filled once (synth, then HISTORY_PER_TASK history rows a task), then reused.
Times: history page 1 unfiltered, page 500, by actor, by agency, by a week, by kind; a bulk
confirm and a bulk export of --bulk tasks (the confirm rolled back, so runs can repeat). Prints one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa

from bench.rollup import prepare
from bench.timing import timed
from reports.task_xlsx import tasks_xlsx
from storage import admin_reads, bulk
from storage.admin_reads import HistoryFilter
from storage.bulk import BulkAction, BulkParams
from storage.models import HistoryRow, TaskRow
from storage.task_ops import Actor

HISTORY_PER_TASK = 3
ACTORS = ["vanphong", "ngoaivu", "noivu", "tuphap", "congthuong", "lanhdao"]
ACTIONS = ["create", "progress", "note"]
START = datetime(2025, 1, 2, 1, 0, tzinfo=UTC)
CHUNK = 50_000


def fill_history(db: Any) -> float | None:
    with db.read() as s:
        have = s.scalar(sa.select(sa.func.count()).select_from(HistoryRow)) or 0
        tasks = s.scalar(sa.select(sa.func.count()).select_from(TaskRow)) or 0
        first = s.scalar(sa.select(sa.func.min(TaskRow.id))) or 1
    if have >= tasks * HISTORY_PER_TASK:
        return None
    started = time.perf_counter()
    table = HistoryRow.__table__
    rows: list[dict[str, Any]] = []
    with db.engine.begin() as conn:
        for n in range(tasks * HISTORY_PER_TASK):
            task_id = first + n // HISTORY_PER_TASK
            rows.append({
                "entity": "task", "entity_id": task_id, "task_id": task_id,
                "action": ACTIONS[n % 3], "actor": ACTORS[n % len(ACTORS)],
                "at": START + timedelta(minutes=n), "changes": {"note": "bench"},
            })  # fmt: skip
            if len(rows) == CHUNK:
                conn.execute(sa.insert(table), rows)
                rows = []
        if rows:
            conn.execute(sa.insert(table), rows)
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE history")
    return round(time.perf_counter() - started, 1)


def _bulk_confirm(db: Any, ids: list[int]) -> None:
    with db.engine.connect() as conn, conn.begin() as outer:
        from sqlalchemy.orm import Session

        session = Session(bind=conn, join_transaction_mode="create_savepoint")
        session.execute(sa.update(TaskRow).where(TaskRow.id.in_(ids))
                        .values(state="awaiting_confirmation"))  # fmt: skip
        bulk.run(session, BulkAction.CONFIRM, ids, BulkParams(), actor=Actor("vanphong"),
                 today=date(2025, 11, 20))  # fmt: skip
        session.close()
        outer.rollback()


def run(url: str, n_tasks: int, repeat: int, n_bulk: int) -> dict[str, Any]:
    db, info = prepare(url, n_tasks)
    result: dict[str, Any] = {"dialect": db.dialect, **info, "history_fill_s": fill_history(db)}
    with db.read() as s:
        result["history_rows"] = s.scalar(sa.select(sa.func.count()).select_from(HistoryRow))
        agency = s.scalar(sa.select(TaskRow.lead_agency_id).limit(1))
        ids = list(s.scalars(sa.select(TaskRow.id).order_by(TaskRow.id).limit(n_bulk)))
        week = HistoryFilter(since=START + timedelta(days=30), until=START + timedelta(days=37))
        cases = {
            "page_1": (HistoryFilter(), 0),
            "page_500": (HistoryFilter(), 499 * admin_reads.HISTORY_PAGE_SIZE),
            "by_actor": (HistoryFilter(actor="ngoaivu"), 0),
            "by_agency": (HistoryFilter(agency_id=agency), 0),
            "by_week": (week, 0),
            "by_kind": (HistoryFilter(action="note"), 0),
        }
        for name, (flt, offset) in cases.items():
            result[f"history_{name}"] = timed(
                partial(admin_reads.history_page, s, flt, offset), repeat
            )

        def export() -> bytes:
            found = bulk.check_selection(s, ids)
            return tasks_xlsx([found[i] for i in ids])

        result[f"bulk_export_{n_bulk}"] = timed(export, repeat)
    result[f"bulk_confirm_{n_bulk}"] = timed(lambda: _bulk_confirm(db, ids), repeat)
    db.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="sqlite:////tmp/dondoc_bench_admin.db")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bulk", type=int, default=500)
    args = parser.parse_args()
    print(json.dumps(run(args.url, args.tasks, args.repeat, args.bulk), ensure_ascii=False))


if __name__ == "__main__":
    main()
