"""One orchestrated day on PostgreSQL, end to end: sweep, deliver to a sink, weekly rollup,
deliver again — first by calling the job functions, then through a real Prefect server and a
process worker running the deployments of `dondoc deploy`. Prints one JSON object.

    python -m bench.orchestrated_day --url postgresql://postgres@127.0.0.1:5432/dondoc_bench_day \
        --tasks 1000000 --due 1000,10000

Prefect's overhead is shown beside each bare job, at each number of due tasks: it should be a
small constant (process start, API calls), not grow with the rows. The database is filled once
(`dondoc synth`, COPY) and reused; the Prefect server gets its own fresh database. Bounded: each
flow run must finish within `--timeout` seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from datetime import time as clock
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.orchestra import REPO, Orchestra
from bench.sweep import bench_day, ensure_database, fill, reset
from directives.calendar import TIMEZONE
from notifications.mail_sink import free_port
from storage.db import Database
from storage.models import UserRow

LEADERS = ["Dương Xuân Huyên", "Đoàn Thanh Sơn", "Lương Trọng Quỳnh", "Nguyễn Đăng Bình"]
DAY = [("sweep", "dondoc-sweep"), ("deliver", "dondoc-deliver"), ("weekly", "dondoc-weekly"),
       ("deliver_weekly", "dondoc-deliver")]  # fmt: skip


def start_sink() -> tuple[subprocess.Popen[str], int]:
    sink = subprocess.Popen([sys.executable, "-m", "bench.smtp_sink"], stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    assert sink.stdout is not None  # stdout=PIPE
    return sink, int(sink.stdout.readline())


def stop_sink(sink: subprocess.Popen[str]) -> dict[str, int]:
    sink.terminate()
    out, _ = sink.communicate(timeout=30)
    return json.loads(out.strip().splitlines()[-1])


def ensure_leaders(db: Database) -> None:
    """The leaders of the synthetic directives, with an address for the weekly rollup mail."""
    with db.write() as s:
        have = set(s.scalars(sa.select(UserRow.leader_name).where(UserRow.role == "leader")))
        for i, name in enumerate(LEADERS, 1):
            if name not in have:
                email = f"leader{i}@langson.example.org"
                s.add(UserRow(username=f"leader{i}", role="leader", leader_name=name,
                              email=email, password_hash="!"))  # fmt: skip


def bare_day(at: datetime) -> dict[str, float]:
    from flows import jobs

    calls = {"sweep": lambda: jobs.sweep_job(at), "deliver": lambda: jobs.deliver_job(at),
             "weekly": lambda: jobs.weekly_rollup_job(at),
             "deliver_weekly": lambda: jobs.deliver_job(at)}  # fmt: skip
    timings = {}
    for step, _ in DAY:
        started = time.perf_counter()
        calls[step]()
        timings[step] = round(time.perf_counter() - started, 3)
    return timings


def prefect_day(orchestra: Orchestra, at: datetime, timeout: float) -> dict[str, dict[str, float]]:
    timings = {}
    for step, deployment in DAY:
        started = time.perf_counter()
        run_id = orchestra.run(deployment, deployment, {"at": at.isoformat()})
        state = orchestra.wait(run_id, timeout)
        if state != "COMPLETED":
            raise SystemExit(f"{deployment} ended {state}")
        run = orchestra.flow_run(run_id)
        timings[step] = {"wall": round(time.perf_counter() - started, 3),
                         "run": round(run["total_run_time"], 3)}  # fmt: skip
    return timings


def start_orchestra(env: dict[str, str], admin_url: str, logs: Path) -> Orchestra:
    prefect_db = make_url(admin_url).set(database=f"dondoc_bench_prefect_{os.getpid()}")
    ensure_database(prefect_db.render_as_string(False))
    async_url = prefect_db.set(drivername="postgresql+asyncpg").render_as_string(False)
    orchestra = Orchestra({**env, "PREFECT_HOME": str(logs / "prefect-home"),
                           "PREFECT_SERVER_DATABASE_CONNECTION_URL": async_url,
                           "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                           "PREFECT_UI_ENABLED": "false", "PREFECT_WORKER_QUERY_SECONDS": "1"},
                          logs=logs, port=free_port())  # fmt: skip
    orchestra.start_server()
    orchestra.deploy()
    orchestra.start_worker("bench-worker", "dondoc")
    return orchestra


def run(url: str, n_tasks: int, dues: list[int], timeout: float) -> dict[str, Any]:
    ensure_database(url)
    db = Database(url)
    day = bench_day()
    filled = fill(db, n_tasks, day)
    ensure_leaders(db)
    at = datetime.combine(day, clock(7, 30), TIMEZONE)
    sink, port = start_sink()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DONDOC_"))}
    env |= {"DONDOC_DATABASE_URL": db.url, "DONDOC_SMTP_HOST": "127.0.0.1",
            "DONDOC_SMTP_PORT": str(port), "DONDOC_CODE_DIR": str(REPO)}  # fmt: skip
    os.environ.update({k: v for k, v in env.items() if k.startswith("DONDOC_")})
    result: dict[str, Any] = {"tasks": n_tasks, "day": day.isoformat(), "fill": filled}
    logs = Path(tempfile.mkdtemp(prefix="dondoc-bench-day-"))
    started = time.perf_counter()
    orchestra = start_orchestra(env, url, logs)
    result["prefect_setup_s"] = round(time.perf_counter() - started, 1)
    try:
        for due in dues:
            reset(db, due, day)
            bare = bare_day(at)
            reset(db, due, day)
            orchestrated = prefect_day(orchestra, at, timeout)
            result[f"due_{due}"] = {
                "bare_s": bare, "prefect_s": orchestrated,
                "bare_day_s": round(sum(bare.values()), 2),
                "prefect_day_s": round(sum(o["wall"] for o in orchestrated.values()), 2),
                "overhead_s": {k: round(orchestrated[k]["wall"] - bare[k], 2) for k in bare},
            }  # fmt: skip
    finally:
        orchestra.close()
        result["sink"] = stop_sink(sink)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/dondoc_bench_day")
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--due", default="1000,10000")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    print(json.dumps(run(args.url, args.tasks, [int(d) for d in args.due.split(",")],
                         args.timeout), ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
