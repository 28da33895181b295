"""Benchmark of the task lists at volume, served by the app in its own process; JSON on stdout.

Data from `dondoc synth` (storage.synth.synthesize; the database is reused while it holds N
tasks). The app runs in a uvicorn process of its own (one worker, the deployment's default), as
bench.lists_app: the app plus a Server-Timing header, the time in the app from the request's
arrival to its response's start. This process holds the readers: `--readers` keep-alive
connections (bench.lists_client) asking at once, round after round, so 20 readers are 20
concurrent requests. Cases, each as JSON (/api/tasks) and as the HTML page (/tasks, with its
bucket tabs' counts):

- filtered_first_page: one agency (the busiest; lead or coordinator), deadline descending;
- search_page: "bien gioi" (no diacritics);
- first_page / page_500: every task by deadline, 20 a page, the first and the 500th (by cursor).

Each against the floor: a bare SQL query returning the same page's rows (no total, no
relations; the agency's page as a page from each of its two indexes, merged), run by
`--readers` threads of this process, in the same run, the order alternating round by round.
p50/p95 in milliseconds: server (its header), client (this side of the socket), floor; ratios
server/floor. The server's memory (VmHWM, VmRSS of its process, /proc) after each size: give
two sizes (`--tasks 20000 100000`) to see it flat. `--spread S` starts a round's readers over
S seconds instead of at once: 20 requests at the same instant queue behind each other in one
worker (the last waits for 19 others' CPU), readers of pages do not (bench/README.md).

Small runs (a loaded 2-core machine):
    .venv/bin/python -m bench.lists --db sqlite --tasks 20000 100000 --readers 20
    .venv/bin/python -m bench.lists --db postgresql --tasks 50000 200000 --readers 20
Full size: --db postgresql --tasks 100000 1000000 and --db sqlite --tasks 20000 100000.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import httpx
import sqlalchemy as sa

from bench.lists_client import Connection, Times, one_round
from bench.rollup import AS_OF, prepare
from bench.web_load import start_server
from directives.roles import Role
from notifications.mail_sink import free_port
from storage import task_list
from storage.db import Database
from storage.models import AgencyRow, TaskRow, UserRow
from storage.task_list import TaskQuery
from tests.factories import PASSWORD, add_user
from tests.web_testing import login
from web.accounts import create_token

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
    """The cursor that opens page `number` (read page by page: setup, not timed)."""
    cursor = None
    with db.read() as s:
        for _ in range(number - 1):
            cursor = task_list.page(s, replace(query, cursor=cursor)).next_cursor
            if cursor is None:
                raise SystemExit(f"fewer than {number} pages: raise --tasks")
    return cursor


USER = "bench-lists"


def cases(db: Database) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Each case: the list's query string and the bare SQL returning the same rows."""
    agency = _busiest_agency(db)
    with db.read() as s:
        code = s.scalar(sa.select(AgencyRow.code).where(AgencyRow.id == agency))
    # the agency's page by deadline, descending: a page from each half's index, merged
    half = f"SELECT {COLUMNS}, {{key}} AS k FROM {{source}} WHERE {{where}} ORDER BY {{key}} DESC, "
    half += "{last} DESC LIMIT 50"
    led = half.format(key=KEY, source="task t", where=f"t.lead_agency_id = {agency}", last="t.id")
    coordinated = half.format(
        key="c.deadline_key",
        last="c.task_id",
        source="task_coordinator c JOIN task t ON t.id = c.task_id",
        where=f"c.agency_id = {agency} AND t.lead_agency_id <> {agency}",
    )
    mine = f"SELECT * FROM ({led}) a UNION ALL SELECT * FROM ({coordinated}) b"
    if db.dialect == "sqlite":
        hit = (
            't.id IN (SELECT rowid FROM task_search WHERE task_search MATCH \'"bien" AND "gioi"\')'
        )
    else:
        hit = "t.search_key LIKE '%bien%' AND t.search_key LIKE '%gioi%'"
    far = TaskQuery(as_of=AS_OF, sort="deadline", limit=20)
    cursor = _cursor_of_page(db, far, 500)
    value, after, _ = task_list._decode(cursor or "", "deadline")
    day = {"as_of": AS_OF.isoformat()}
    every, theirs = day | {"sort": "deadline", "limit": "20"}, {"agency": code, "order": "desc"}
    return {
        "filtered_first_page": (urlencode(day | theirs | {"sort": "deadline"}),
                                f"SELECT t.* FROM ({mine}) t ORDER BY k DESC, id DESC LIMIT 50",
                                {}),
        "search_page": (urlencode(day | {"q": "bien gioi"}), f"SELECT {COLUMNS} FROM task t "
                        f"WHERE {hit} ORDER BY {KEY}, t.id LIMIT 50", {}),
        "first_page": (urlencode(every), f"SELECT {COLUMNS} FROM task t "
                       f"ORDER BY {KEY}, t.id LIMIT 20", {}),
        "page_500": (urlencode(every | {"cursor": cursor}), f"SELECT {COLUMNS} FROM task t "
                     f"WHERE ({KEY}, t.id) > (:v, :i) ORDER BY {KEY}, t.id LIMIT 20",
                     {"v": value, "i": after}),
    }  # fmt: skip


def _quantiles(values: list[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=20)
    return {"p50_ms": round(statistics.median(values), 2), "p95_ms": round(q[18], 2)}


def _floor_round(db: Database, pool: ThreadPoolExecutor, sql: str, params: dict[str, Any],
                 readers: int, into: list[float]) -> int:  # fmt: skip
    def bare(_: int) -> tuple[float, int]:
        started = time.perf_counter()
        with db.read() as s:
            n = len(s.execute(sa.text(sql), params).all())
        return (time.perf_counter() - started) * 1000, n

    got = list(pool.map(bare, range(readers)))
    into += [ms for ms, _ in got]
    return got[-1][1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (/proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_case(db: Database, conns: list[Connection], path: str, floor: tuple[str, dict[str, Any]],
             rounds: int, loop: asyncio.AbstractEventLoop, pid: int, spread: float
             ) -> dict[str, Any]:  # fmt: skip
    times, bare, rows = Times(), list[float](), 0
    loop.run_until_complete(one_round(conns, path, Times()))  # warm: templates, plans, pool
    cpu = cpu_seconds(pid)
    with ThreadPoolExecutor(len(conns)) as pool:
        for r in range(rounds):
            steps: list[Callable[[], Any]] = [
                lambda: loop.run_until_complete(one_round(conns, path, times, spread)),
                lambda: _floor_round(db, pool, *floor, len(conns), bare),
            ]
            for step in steps if r % 2 == 0 else steps[::-1]:
                got = step()
                rows = got if isinstance(got, int) else rows
    cpu = (cpu_seconds(pid) - cpu) * 1000 / len(times.server)
    server, floor_q = _quantiles(times.server), _quantiles(bare)
    return {
        "server": server,
        "server_cpu_ms_per_request": round(cpu, 1),  # the app's own work, whatever the queue
        "client": _quantiles(times.client),
        "floor": floor_q,
        "ratio_p50": round(server["p50_ms"] / max(floor_q["p50_ms"], 1e-6), 2),
        "ratio_p95": round(server["p95_ms"] / max(floor_q["p95_ms"], 1e-6), 2),
        "errors": len(times.errors),
        "floor_rows": rows,
        "body_bytes": times.body_bytes,
    }


def memory_mb(pid: int) -> dict[str, float]:
    """Peak (VmHWM) and current (VmRSS) resident memory of a process, in MB."""
    found: dict[str, float] = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                found[name] = round(int(value.split()[0]) / 1024, 1)
    return found


def _credentials(db: Database, port: int) -> tuple[str, str]:
    """(Authorization header, Cookie header) of an office account made for the bench."""
    with db.write() as s:
        if s.scalar(sa.select(UserRow.id).where(UserRow.username == USER)) is None:
            add_user(s, USER, Role.SECRETARIAT, PASSWORD)
        token = create_token(s, USER, "bench.lists")
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        assert login(client, USER).status_code == 303
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return f"Authorization: Bearer {token}\r\n", f"Cookie: {cookie}\r\n"


def run_size(url: str, n_tasks: int, readers: int, rounds: int, kinds: list[str],
             spread: float) -> dict[str, Any]:  # fmt: skip
    db, info = prepare(url, n_tasks)
    with db.read() as s:
        info["agencies"] = s.scalar(sa.select(sa.func.count()).select_from(AgencyRow))
    found, port = cases(db), free_port()
    # readers stay connected between rounds
    server = start_server(db.url, port, 1, 600, factory="bench.lists_app:create_app")
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        info["server_memory_at_start_mb"] = memory_mb(server.pid)
        auth, cookie = _credentials(db, port)
        out: dict[str, Any] = {}
        for kind in kinds:
            base, header = ("/api/tasks", auth) if kind == "api" else ("/tasks", cookie)
            conns = [Connection(port, header) for _ in range(readers)]
            loop.run_until_complete(asyncio.gather(*(c.open() for c in conns)))
            for name, (query, sql, params) in found.items():
                out[f"{kind}_{name}"] = run_case(db, conns, f"{base}?{query}", (sql, params),
                                                 rounds, loop, server.pid, spread)  # fmt: skip
            loop.run_until_complete(asyncio.gather(*(c.close() for c in conns)))
        info["server_memory_mb"] = memory_mb(server.pid)
    finally:
        loop.close()
        server.terminate()
        server.wait(timeout=30)
        db.dispose()
    return info | {"cases": out}


def _verdict(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    big = sizes[-1]["cases"]
    worst = max(c["server"]["p95_ms"] for c in big.values())
    far = {k: round(big[f"{k}_page_500"]["server"]["p50_ms"]
                    / max(big[f"{k}_first_page"]["server"]["p50_ms"], 1e-6), 2)
           for k in ("api", "html") if f"{k}_page_500" in big}  # fmt: skip
    peaks = [s["server_memory_mb"]["VmHWM"] for s in sizes]
    return {"worst_server_p95_ms": worst, "p95_below_100_ms": worst < 100,
            "page_500_over_first_p50": far,
            "server_peak_mb_by_size": dict(zip([s["tasks"] for s in sizes], peaks, strict=True)),
            "peak_largest_over_smallest": round(peaks[-1] / peaks[0], 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", default=None, help="default: a bench database per size")
    parser.add_argument("--tasks", type=int, nargs="+", default=[20_000])
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--kinds", nargs="+", choices=("api", "html"), default=["api", "html"])
    parser.add_argument(
        "--spread",
        type=float,
        default=0.0,
        help="seconds over which a round's readers start (0: all at once)",
    )
    args = parser.parse_args()
    load = [os.getloadavg()[0]]
    sizes = [run_size(args.url or _url(args.db, n), n, args.readers, args.rounds, args.kinds,
                      args.spread) for n in args.tasks]  # fmt: skip
    load.append(os.getloadavg()[0])
    result = {"dialect": args.db, "readers": args.readers, "rounds": args.rounds,
              "spread_s": args.spread,
              "server": "uvicorn, 1 worker (its own process)",
              "machine": {"cores": os.cpu_count(), "load_1min": load},
              "sizes": sizes, "verdict": _verdict(sizes)}  # fmt: skip
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
