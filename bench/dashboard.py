"""Benchmark: the leader's page (/leader, the rollup dashboard) under a few concurrent readers.

Run on purpose against a bench database that holds the tasks (bench.rollup fills it), e.g.
    .venv/bin/python -m bench.dashboard --url postgresql://postgres@127.0.0.1:5432/dondoc_bench
    .venv/bin/python -m bench.rollup --url ... --tasks 1000000 --dashboard
The app runs in its own uvicorn process on a free loopback port; a leader account
(`bench-leader`, the leader of the most directives) is added once. Each reader logs in through
the form and opens the page `--requests` times, one after the other, at the bench's as-of date;
the first page of the server (its imports and first plans) is opened before and not counted.
Prints p50/p95/max of every reader's pages together, in milliseconds, and the load average
(other work on the same cores shows up in every latency). httpx costs the client some CPU per
page on the same cores, so the figures are an upper bound.
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
from storage.models import DirectiveRow, UserRow
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


def _reader(base: str, path: str, requests: int) -> list[float]:
    took = []
    with httpx.Client(base_url=base, timeout=120) as client:
        login(client, USER)
        for _ in range(requests):
            started = time.perf_counter()
            page = client.get(path)
            took.append(time.perf_counter() - started)
            if page.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {page.status_code}")
    return took


def measure(url: str, readers: int = 4, requests: int = 10, as_of: date = AS_OF) -> dict[str, Any]:
    leader = ensure_leader(url)
    port = free_port()
    server = start_server(url, port, workers=1, keep_alive=30)
    base, path = f"http://127.0.0.1:{port}", f"/leader?as_of={as_of.isoformat()}"
    try:
        _reader(base, path, 1)  # the server's first page, not counted
        with ThreadPoolExecutor(readers) as pool:
            runs = [t for r in pool.map(lambda _: _reader(base, path, requests), range(readers))
                    for t in r]  # fmt: skip
    finally:
        server.terminate()
        server.wait(30)
    ms = sorted(t * 1000 for t in runs)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[-1] if len(ms) > 1 else ms[0]
    return {
        "leader": leader,
        "readers": readers,
        "pages": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(ms[-1], 1),
        "load_average": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="a bench database (bench.rollup)")
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=10, help="pages per reader")
    args = parser.parse_args()
    print(json.dumps(measure(args.url, args.readers, args.requests), ensure_ascii=False))


if __name__ == "__main__":
    main()
