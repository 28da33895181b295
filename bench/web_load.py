"""Web load benchmark: status updates from 100 concurrent API clients against PostgreSQL.

Run on purpose: `python -m bench.web_load [--clients 100] [--updates 20] [--pace 0.5]`; prints one
JSON object. A fresh PostgreSQL database is created (admin URL from DONDOC_BENCH_POSTGRES_URL,
default postgresql://postgres@127.0.0.1:5432/postgres) and dropped afterwards. The app runs in
its own uvicorn process on a free loopback port; each client updates its own task with its API
token, every `pace` seconds (a person's update rate is far lower), then a closed-loop run with no
pause measures throughput. Bounded in count and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from statistics import quantiles
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from dondoc.wiring import read_agency_file, shipped_agency_file
from storage.agencies import load_agencies
from storage.calendar import sync_calendar
from storage.db import Database
from storage.migrate import upgrade
from web.accounts import Role
from web.testing import add_user

ADMIN_URL = os.environ.get(
    "DONDOC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TIME_LIMIT = 120.0  # seconds for each phase


def _create_db() -> str:
    name = f"dondoc_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(Database(ADMIN_URL).url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(Database(ADMIN_URL).url).set(database=name).render_as_string(False)


def _drop_db(url: str) -> None:
    admin = sa.create_engine(Database(ADMIN_URL).url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    admin.dispose()


def _seed(url: str, clients: int) -> list[tuple[str, int]]:
    """One agency officer, one API token and one task per client."""
    from storage.agencies import agency_ids_by_code, registry_from_db
    from storage.registration import register_directive
    from web.accounts import create_token
    from web.notices import parse
    from web.testing import seed_notice_text

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
            directive = register_directive(session, draft, registry, "bench")
            task_ids += [t.id for t in directive.tasks if t.lead_agency_id == ngv]
        for i, task_id in enumerate(task_ids[:clients]):
            add_user(session, f"u{i}", Role.AGENCY_OFFICER, "bench-password", agency_id=ngv)
            pairs.append((create_token(session, f"u{i}", "bench"), task_id))
    db.dispose()
    return pairs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _client(
    base: str, token: str, task_id: int, updates: int, pace: float, stop_at: float
) -> tuple[list[float], list[int]]:
    latencies, errors = [], []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        version = (await client.get(f"/api/tasks/{task_id}")).json()["version"]
        for n in range(updates):
            if time.monotonic() > stop_at:
                break
            body = {"version": version, "percent": n % 101, "note": f"cập nhật {n}"}
            started = time.perf_counter()
            response = await client.post(f"/api/tasks/{task_id}/progress", json=body)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                errors.append(response.status_code)
                version = (await client.get(f"/api/tasks/{task_id}")).json()["version"]
            else:
                version = response.json()["version"]
            if pace:
                await asyncio.sleep(pace)  # think time between one person's updates
    return latencies, errors


async def _phase(base: str, pairs: list[tuple[str, int]], updates: int, pace: float) -> dict:
    stop_at = time.monotonic() + TIME_LIMIT
    started = time.perf_counter()
    results = await asyncio.gather(
        *(_client(base, tok, tid, updates, pace, stop_at) for tok, tid in pairs)
    )
    elapsed = time.perf_counter() - started
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = [e for _, errs in results for e in errs]
    cuts = quantiles(latencies, n=100)
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
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument(
        "--pace", type=float, default=0.5, help="seconds between a client's updates"
    )
    args = parser.parse_args(argv)
    url = _create_db()
    server = None
    try:
        pairs = _seed(url, args.clients)
        port = _free_port()
        env = os.environ | {"DONDOC_DATABASE_URL": url, "DONDOC_UPLOAD_DIR": "/tmp/dondoc-bench"}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "web.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.1)  # bounded wait for the server process to listen
        paced = asyncio.run(_phase(base, pairs, args.updates, args.pace))
        closed = asyncio.run(_phase(base, pairs, max(args.updates // 2, 1), 0.0))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        _drop_db(url)
    report = {
        "benchmark": "web_status_updates",
        "database": "postgresql",
        "clients": args.clients,
        "paced": {"seconds_between_updates": args.pace, **paced},
        "closed_loop": closed,
        "target": {"p95_ms_below": 30, "errors": 0},
        "met": paced["p95_ms"] < 30 and paced["errors"] == 0 and closed["errors"] == 0,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return report


if __name__ == "__main__":
    main()
