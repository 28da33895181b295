"""Web load benchmark: status updates from 100 concurrent API clients against PostgreSQL.

Run on purpose: `python -m bench.web_load [--clients 100] [--updates 20] [--pace 1.0]
[--workers 1]`; prints one JSON object. A fresh PostgreSQL database is created (admin URL from
DONDOC_BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres) and dropped
afterwards. The app runs in its own uvicorn process (`--workers` processes) on a free loopback
port; this process is the load generator. Each client holds one keep-alive connection and
updates its own task with its API token:

- paced: one update every `pace` seconds on a fixed schedule, clients spread evenly over the
  first period; latency counts from the scheduled send time, so a late send is not hidden
  (no coordinated omission);
- closed loop: the next update as soon as the answer arrives, for throughput.

Each phase reports p50/p95/p99, throughput, errors, the server's CPU per update (all uvicorn
processes, from /proc), the PostgreSQL backends' (null when one exited mid-phase) and the load
generator's own CPU per request; the machine's load average is printed too, as other work on
the same cores shows up in every latency. Bounded in count and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from statistics import quantiles
from typing import Any

from sqlalchemy.engine import make_url

from bench.pgdb import create_pg_database, drop_pg_database
from directives.roles import Role
from notifications.mail_sink import free_port
from storage.agencies import load_agencies, read_agency_file, shipped_agency_file
from storage.calendar import sync_calendar
from storage.db import Database
from storage.migrate import upgrade
from tests.factories import add_user
from tests.web_testing import TEST_SECRET_KEY

ADMIN_URL = os.environ.get(
    "DONDOC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TIME_LIMIT = 120.0  # seconds for each phase


def _seed(url: str, clients: int) -> list[tuple[str, int]]:
    """One agency officer, one API token and one task per client."""
    from dondoc.demo import seed_notice_text
    from storage.agencies import agency_ids_by_code, registry_from_db
    from storage.registration import register_directive
    from web.accounts import create_token
    from web.notices import parse

    db = Database(url)
    upgrade(db)
    with db.write() as session:
        sync_calendar(session)
        load_agencies(session, read_agency_file(shipped_agency_file()))
    pairs: list[tuple[str, int]] = []
    with db.write() as session:
        registry = registry_from_db(session)
        draft = parse(seed_notice_text(), registry)
        ngv = agency_ids_by_code(session)["so-ngoai-vu"]
        task_ids: list[int] = []
        while len(task_ids) < clients:
            directive = register_directive(
                session,
                draft,
                registry,
                "bench",
                allow_duplicate=True,  # the same notice again
            )
            task_ids += [t.id for t in directive.tasks if t.lead_agency_id == ngv]
        for i, task_id in enumerate(task_ids[:clients]):
            add_user(session, f"u{i}", Role.AGENCY_OFFICER, "bench-password", agency_id=ngv)
            pairs.append((create_token(session, f"u{i}", "bench"), task_id))
    db.dispose()
    return pairs


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough HTTP for this API.

    A raw client on purpose: httpx spent ~33 ms of CPU per request, more than the server, on
    the same two cores, so the load generator measured itself. This costs well under 1 ms.
    """

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.auth = f"Authorization: Bearer {token}\r\n".encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {len(body)}\r\n"
        if body:
            head += "Content-Type: application/json\r\n"
        self.writer.write(head.encode() + self.auth + b"\r\n" + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *lines = raw.decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines if line)
        payload = await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("connection") == "close":
            self.writer.close()
            await self.open()
        return int(status_line.split(" ", 2)[1]), payload

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class Client:
    """One person's program: its task, the version it last saw, and its latencies."""

    def __init__(self, conn: Connection, task_id: int) -> None:
        self.conn, self.task_id, self.version, self.n = conn, task_id, 0, 0

    async def refresh(self) -> None:
        status, payload = await self.conn.request("GET", f"/api/tasks/{self.task_id}")
        if status != 200:
            raise RuntimeError(f"GET task {self.task_id}: {status} {payload[:200]!r}")
        self.version = json.loads(payload)["version"]

    async def update(self) -> int:
        self.n += 1
        note = f"cập nhật {self.n}"
        body = json.dumps({"version": self.version, "percent": self.n % 101, "note": note})
        status, payload = await self.conn.request(
            "POST", f"/api/tasks/{self.task_id}/progress", body.encode()
        )
        if status == 200:
            self.version = json.loads(payload)["version"]
        else:
            await self.refresh()
        return status


async def _run_client(
    client: Client, updates: int, pace: float, start: float, stop_at: float
) -> tuple[list[float], list[int]]:
    latencies: list[float] = []
    errors: list[int] = []
    for n in range(updates):
        due = start + n * pace
        if pace and due > time.perf_counter():
            await asyncio.sleep(due - time.perf_counter())
        if time.monotonic() > stop_at:
            break
        begin = due if pace else time.perf_counter()
        try:
            status = await client.update()
        except (OSError, asyncio.IncompleteReadError):
            status = 0
        latencies.append((time.perf_counter() - begin) * 1000)
        if status != 200:
            errors.append(status)
    return latencies, errors


def _processes() -> dict[int, tuple[int, float, str]]:
    """pid → (parent pid, user + system CPU seconds, command line), from /proc."""
    tick, found = os.sysconf("SC_CLK_TCK"), {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        found[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick, cmdline)
    return found


def _cpu_seconds(server_pid: int, database: str) -> tuple[float, dict[int, float]]:
    """CPU of the uvicorn process tree, and of each PostgreSQL backend serving `database`."""
    procs = _processes()
    server, todo = 0.0, [server_pid]
    while todo:
        pid = todo.pop()
        server += procs[pid][1] if pid in procs else 0.0
        todo += [child for child, (parent, _, _) in procs.items() if parent == pid]
    backends = {pid: cpu for pid, (_, cpu, cmd) in procs.items() if f" {database} " in cmd}
    return server, backends


def _postgres_ms(before: dict[int, float], after: dict[int, float], per: float) -> float | None:
    """None when a backend exited during the phase: its CPU left with it, the sum would lie."""
    if before.keys() - after.keys():
        return None
    return round((sum(after.values()) - sum(before.values())) * per, 2)


async def _phase(clients: list[Client], updates: int, pace: float, server: tuple) -> dict:
    stop_at = time.monotonic() + TIME_LIMIT
    cpu0, own0, started = _cpu_seconds(*server), time.process_time(), time.perf_counter()
    # Paced clients start spread evenly over one period, as independent people would.
    starts = [started + pace * i / len(clients) for i in range(len(clients))]
    results = await asyncio.gather(
        *(_run_client(c, updates, pace, s, stop_at) for c, s in zip(clients, starts, strict=True))
    )
    elapsed = time.perf_counter() - started
    cpu1, own_cpu = _cpu_seconds(*server), time.process_time() - own0
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = [e for _, errs in results for e in errs]
    cuts, per = quantiles(latencies, n=100), 1000 / len(latencies)
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "seconds": round(elapsed, 2),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(cuts[49], 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "max_ms": round(latencies[-1], 1),
        "server_cpu_ms_per_update": round((cpu1[0] - cpu0[0]) * per, 2),
        "postgres_cpu_ms_per_update": _postgres_ms(cpu0[1], cpu1[1], per),
        "client_cpu_ms_per_request": round(own_cpu * per, 2),
    }


async def _load(
    port: int, pairs: list[tuple[str, int]], args: argparse.Namespace, server: tuple[int, str]
) -> tuple[dict, dict]:
    clients = [Client(Connection(port, token), task_id) for token, task_id in pairs]
    random.Random(0).shuffle(clients)
    try:
        for c in clients:
            await c.conn.open()
            await c.refresh()
        paced = await _phase(clients, args.updates, args.pace, server)
        closed = await _phase(clients, max(args.updates // 2, 1), 0.0, server)
    finally:
        await asyncio.gather(*(c.conn.close() for c in clients))
    return paced, closed


def start_server(
    url: str, port: int, workers: int, keep_alive: int, factory: str = "web.app:create_app"
) -> subprocess.Popen[bytes]:
    """The app (`factory`, for uvicorn --factory) in uvicorn processes of its own on `port`,
    returned once it listens."""
    env = os.environ | {"DONDOC_DATABASE_URL": url, "DONDOC_UPLOAD_DIR": "/tmp/dondoc-bench"}
    env.setdefault("DONDOC_SECRET_KEY", TEST_SECRET_KEY)
    command = [sys.executable, "-m", "uvicorn", "--factory", factory]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    command += ["--workers", str(workers), "--timeout-keep-alive", str(keep_alive)]
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("server did not start") from None
            time.sleep(0.1)  # bounded wait for the server process to listen


def _load_average() -> float:
    return os.getloadavg()[0]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument(
        "--pace", type=float, default=1.0, help="seconds between a client's updates"
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args(argv)
    load_before = _load_average()
    url = create_pg_database(ADMIN_URL)
    server = None
    try:
        pairs = _seed(url, args.clients)
        port = free_port()
        server = start_server(url, port, args.workers, keep_alive=int(args.pace * 2) + 5)
        database = make_url(url).database or ""
        paced, closed = asyncio.run(_load(port, pairs, args, (server.pid, database)))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        drop_pg_database(ADMIN_URL, url)
    report = {
        "benchmark": "web_status_updates",
        "database": "postgresql",
        "clients": args.clients,
        "server_workers": args.workers,
        "machine": {"cores": os.cpu_count(), "load_1min": [load_before, _load_average()]},
        "paced": {"seconds_between_updates": args.pace, **paced},
        "closed_loop": closed,
        "target": {"p95_ms_below": 30, "errors": 0},
        "met": paced["p95_ms"] < 30 and paced["errors"] == 0 and closed["errors"] == 0,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return report


if __name__ == "__main__":
    main()
