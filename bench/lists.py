"""Benchmark of the task list (storage/task_list.py) at volume, JSON on stdout.

Data from `dondoc synth` (storage.synth.synthesize; the database is reused while it holds N
tasks). Three pages, each as the /tasks and /api/tasks handlers read it server-side (the page,
its relations, its total; no HTML): a filtered sorted first page (one agency, deadline
descending), a search page ("bien gioi", no diacritics) and the 500th page reached by cursor.
Each is timed with `--readers` concurrent readers against the floor: a bare SQL query that
returns the same page's rows (no total, no relations), in the same run, the order alternating
round by round. p50/p95 per call in milliseconds, and the ratios to the floor.

Small runs (a loaded 2-core machine):
    .venv/bin/python -m bench.lists --db sqlite --tasks 20000 --readers 20
    .venv/bin/python -m bench.lists --db postgresql --tasks 50000 --readers 20
Full size: --db postgresql --tasks 1000000 and --db sqlite --tasks 100000.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from bench.rollup import prepare
from storage import task_list
from storage.db import Database
from storage.models import AgencyRow, TaskRow
from storage.task_list import TaskQuery

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
COLUMNS = "t.id, t.content, t.deadline, t.state, t.lead_agency_id"
KEY = "coalesce(t.deadline, '9999-12-31')"


def _url(dialect: str, n_tasks: int) -> str:
    if dialect == "sqlite":
        return f"sqlite:////tmp/dondoc_bench_lists_{n_tasks}.db"
    base = os.environ.get("DONDOC_BENCH_POSTGRES_URL", PG_DEFAULT)
    return base.rsplit("/", 1)[0] + f"/dondoc_bench_lists_{n_tasks}"


def _busiest_agency(db: Database) -> int:
    with db.read() as s:
        stmt = sa.select(TaskRow.lead_agency_id).group_by(TaskRow.lead_agency_id)
        return int(s.scalar(stmt.order_by(sa.func.count().desc()).limit(1)) or 0)


def _cursor_of_page(db: Database, query: TaskQuery, number: int) -> str | None:
    cursor = None
    with db.read() as s:
        for _ in range(number - 1):
            cursor = task_list.page(s, replace(query, cursor=cursor)).next_cursor
            if cursor is None:
                raise SystemExit(f"fewer than {number} pages: raise --tasks")
    return cursor


def cases(db: Database, as_of: Any) -> dict[str, tuple[TaskQuery, str, dict[str, Any]]]:
    """Each case: the list's query and the bare SQL returning the same rows."""
    agency = _busiest_agency(db)
    mine = f"(t.lead_agency_id = {agency} OR t.id IN (SELECT task_id FROM task_coordinator "
    mine += f"WHERE agency_id = {agency}))"
    filtered = TaskQuery(as_of=as_of, agency_id=agency, sort="deadline", desc=True)
    if db.dialect == "sqlite":
        hit = (
            't.id IN (SELECT rowid FROM task_search WHERE task_search MATCH \'"bien" AND "gioi"\')'
        )
    else:
        hit = "t.search_key LIKE '%bien%' AND t.search_key LIKE '%gioi%'"
    far = TaskQuery(as_of=as_of, sort="deadline", limit=20)
    far = replace(far, cursor=_cursor_of_page(db, far, 500))
    value, after, _ = task_list._decode(far.cursor or "", "deadline")
    return {
        "filtered_first_page": (filtered, f"SELECT {COLUMNS} FROM task t WHERE {mine} "
                                f"ORDER BY {KEY} DESC, t.id DESC LIMIT 50", {}),
        "search_page": (TaskQuery(as_of=as_of, q="bien gioi"), f"SELECT {COLUMNS} FROM task t "
                        f"WHERE {hit} ORDER BY {KEY}, t.id LIMIT 50", {}),
        "page_500": (far, f"SELECT {COLUMNS} FROM task t WHERE ({KEY}, t.id) > (:v, :i) "
                     f"ORDER BY {KEY}, t.id LIMIT 20", {"v": value, "i": after}),
    }  # fmt: skip


def _timed(fn: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    rows = fn()
    return (time.perf_counter() - started) * 1000, rows


def run_case(db: Database, query: TaskQuery, floor: str, params: dict[str, Any], readers: int,
             rounds: int) -> dict[str, Any]:  # fmt: skip
    def ours() -> int:
        with db.read() as s:
            return len(task_list.page(s, query).rows)

    def bare() -> int:
        with db.read() as s:
            return len(s.execute(sa.text(floor), params).all())

    times: dict[str, list[float]] = {"list": [], "floor": []}
    rows: dict[str, int] = {}
    with ThreadPoolExecutor(readers) as pool:
        for r in range(rounds):
            order = [("list", ours), ("floor", bare)]
            for name, fn in order if r % 2 == 0 else order[::-1]:
                for ms, n in pool.map(lambda _, f=fn: _timed(f), range(readers)):
                    times[name].append(ms)
                    rows[name] = n
    out: dict[str, Any] = {"rows": rows}
    for name, values in times.items():
        q = statistics.quantiles(values, n=20)
        out[name] = {"p50_ms": round(statistics.median(values), 2), "p95_ms": round(q[18], 2)}
    out["ratio_p50"] = round(out["list"]["p50_ms"] / max(out["floor"]["p50_ms"], 1e-6), 2)
    out["ratio_p95"] = round(out["list"]["p95_ms"] / max(out["floor"]["p95_ms"], 1e-6), 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", default=None, help="default: a bench database per size")
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    from bench.rollup import AS_OF

    db, info = prepare(args.url or _url(args.db, args.tasks), args.tasks)
    with db.read() as s:
        info["agencies"] = s.scalar(sa.select(sa.func.count()).select_from(AgencyRow))
    result: dict[str, Any] = {"dialect": db.dialect, "readers": args.readers,
                              "rounds": args.rounds, **info, "cases": {}}  # fmt: skip
    for name, (query, floor, params) in cases(db, AS_OF).items():
        result["cases"][name] = run_case(db, query, floor, params, args.readers, args.rounds)
    db.dispose()
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
