"""Benchmark: the leader's page (/leader, the rollup dashboard) under a few concurrent readers.

Run on purpose against a bench database that holds the tasks (bench.rollup fills it), e.g.
    .venv/bin/python -m bench.dashboard --url postgresql://postgres@127.0.0.1:5432/dondoc_bench
    .venv/bin/python -m bench.rollup --url ... --tasks 1000000 --dashboard
The app runs in its own uvicorn process on a free loopback port; a leader account
(`bench-leader`, the leader of the most directives) is added once. The readers log in through
the form, then, round after round, all open the page at once at the bench's as-of date, two
ways in alternating halves: `reading` (nothing changes: the dashboard is built once and kept,
web/dashboard_cache.py) and `after_a_write` (one task's progress changed before every round, so
the data stamp moves and each round's pages wait for one new build: the cost of a page that
follows a change). The server's first page (its imports and first plans) is not counted.
Prints p50/p95/max of each way in milliseconds and the load average (other work on the same
cores shows up in every latency). httpx costs the client some CPU on the same cores, so the
figures are an upper bound.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import httpx
import sqlalchemy as sa

from bench.web_load import start_server
from directives.roles import Role
from notifications.mail_sink import free_port
from storage.db import Database
from storage.models import DirectiveRow, TaskRow, UserRow
from tests.factories import PASSWORD, add_user
from tests.web_testing import login

USER = "bench-leader"
AS_OF = date(2025, 11, 20)  # bench.rollup's


def ensure_leader(url: str) -> str:
    """The bench leader's name (the leader of the most directives), his account made once."""
    db = Database(url)
    try:
        with db.write() as s:
            name = s.scalar(
                sa.select(DirectiveRow.leader)
                .where(DirectiveRow.leader.is_not(None))
                .group_by(DirectiveRow.leader)
                .order_by(sa.func.count().desc(), DirectiveRow.leader)
                .limit(1)
            )
            if s.scalar(sa.select(UserRow.id).where(UserRow.username == USER)) is None:
                add_user(s, USER, Role.LEADER, PASSWORD, leader_name=name)
            return str(name)
    finally:
        db.dispose()


def _page(client: httpx.Client, path: str) -> float:
    started = time.perf_counter()
    page = client.get(path)
    if page.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {page.status_code}")
    return time.perf_counter() - started


def _write(db: Database, round_no: int) -> None:
    """One task's progress changed (a write every report reads: the data stamp moves)."""
    with db.write() as s:
        task = s.scalar(sa.select(TaskRow).where(TaskRow.state == "in_progress").limit(1))
        if task is not None:
            task.progress = round_no % 100


def _rounds(db: Database, clients: list[httpx.Client], path: str, rounds: int, write: bool,
            pool: ThreadPoolExecutor) -> list[float]:  # fmt: skip
    """`rounds` times: (a write, if asked, then) every reader opens the page at once."""
    took: list[float] = []
    for r in range(rounds):
        if write:
            _write(db, r)
        took += pool.map(lambda c: _page(c, path), clients)
    return took


def _summary(runs: list[float]) -> dict[str, Any]:
    ms = sorted(t * 1000 for t in runs)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[-1] if len(ms) > 1 else ms[0]
    return {"pages": len(ms), "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(p95, 1), "max_ms": round(ms[-1], 1)}  # fmt: skip


def measure(url: str, readers: int = 4, requests: int = 10, as_of: date = AS_OF) -> dict[str, Any]:
    """The page under `readers` at once, `requests` rounds each way, alternating: reading only
    (the dashboard built once, then kept: web/dashboard_cache.py) and a write before every round
    (each round's pages wait for one new build)."""
    leader = ensure_leader(url)
    port = free_port()
    server = start_server(url, port, workers=1, keep_alive=30)
    base, path = f"http://127.0.0.1:{port}", f"/leader?as_of={as_of.isoformat()}"
    db = Database(url)
    clients = [httpx.Client(base_url=base, timeout=120) for _ in range(readers)]
    found: dict[str, list[float]] = {"reading": [], "after_a_write": []}
    try:
        for c in clients:
            login(c, USER)
        _page(clients[0], path)  # the server's first page, not counted
        with ThreadPoolExecutor(readers) as pool:
            for half in range(2):  # alternate: half the rounds each way, twice
                for name in ("reading", "after_a_write")[:: 1 if half == 0 else -1]:
                    found[name] += _rounds(db, clients, path, max(1, requests // 2),
                                           name == "after_a_write", pool)  # fmt: skip
    finally:
        for c in clients:
            c.close()
        server.terminate()
        server.wait(30)
        db.dispose()
    return {"leader": leader, "readers": readers,
            **{name: _summary(runs) for name, runs in found.items()},
            "load_average": round(os.getloadavg()[0], 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="a bench database (bench.rollup)")
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=10, help="rounds per reader, each way")
    args = parser.parse_args()
    print(json.dumps(measure(args.url, args.readers, args.requests), ensure_ascii=False))


if __name__ == "__main__":
    main()
