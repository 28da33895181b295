"""Real processes for the orchestrated mode (end-to-end test and benchmark): a Prefect server on
PostgreSQL, a process work pool, workers, and the deployments of `dondoc deploy`. Every process is
started here, in its own session, and stopped by its own process group id.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def wait_until(check: Callable[[], Any], timeout: float, what: str, every: float = 0.25) -> Any:
    """Poll an outside process's state until `check` is truthy; bounded in time."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        pause.wait(every)  # polling another process, not waiting for time to pass
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


class Proc:
    """A child process in its own session, its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.log = logs / f"{name}.log"
        self._out = self.log.open("wb")
        self.popen = subprocess.Popen(
            args,
            env=env,
            cwd=REPO,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.alive():
            os.killpg(self.popen.pid, sig)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._out.close()

    def tail(self, n: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


class Orchestra:
    """A Prefect server, a work pool, deployments and workers, all on loopback."""

    def __init__(self, env: dict[str, str], logs: Path, port: int) -> None:
        self.env = env
        self.logs = logs
        self.api = f"http://127.0.0.1:{port}/api"
        self.env["PREFECT_API_URL"] = self.api
        self.port = port
        self.procs: list[Proc] = []
        self.http = httpx.Client(base_url=self.api, timeout=30)

    def start_server(self) -> None:
        server = self.spawn(
            "server",
            [
                str(BIN / "prefect"),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
        )
        wait_until(lambda: self._healthy() or not server.alive(), 120, "the Prefect server")
        if not server.alive():
            raise RuntimeError(f"prefect server died:\n{server.tail()}")

    def _healthy(self) -> bool:
        try:
            return self.http.get("/health").status_code == 200
        except httpx.HTTPError:
            return False

    def spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Proc:
        proc = Proc(name, args, {**self.env, **(env or {})}, self.logs)
        self.procs.append(proc)
        return proc

    def cli(self, *args: str) -> str:
        return self._run([str(BIN / "prefect"), "--no-prompt", *args], f"prefect {' '.join(args)}")

    def deploy(self) -> str:
        """`dondoc deploy`: the process work pool and the deployments of flows/jobs.py."""
        return self._run([sys.executable, "-m", "dondoc", "deploy"], "dondoc deploy")

    def _run(self, argv: list[str], what: str) -> str:
        done = subprocess.run(
            argv, env=self.env, cwd=REPO, capture_output=True, text=True, timeout=180
        )
        if done.returncode != 0:
            raise RuntimeError(f"{what} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start_worker(self, name: str, pool: str) -> Proc:
        return self.spawn(
            name,
            [
                str(BIN / "prefect"),
                "worker",
                "start",
                "--pool",
                pool,
                "--name",
                name,
                "--limit",
                "2",
            ],
        )

    def run(self, flow: str, deployment: str, parameters: dict[str, Any]) -> str:
        """Create a flow run of a deployment; returns its id."""
        dep = self.http.get(f"/deployments/name/{flow}/{deployment}")
        dep.raise_for_status()
        created = self.http.post(
            f"/deployments/{dep.json()['id']}/create_flow_run", json={"parameters": parameters}
        )
        created.raise_for_status()
        return created.json()["id"]

    def flow_run(self, run_id: str) -> dict[str, Any]:
        reply = self.http.get(f"/flow_runs/{run_id}")
        reply.raise_for_status()
        return reply.json()

    def state(self, run_id: str) -> str:
        return self.flow_run(run_id)["state"]["type"]

    def wait(self, run_id: str, timeout: float = 180) -> str:
        state = wait_until(
            lambda: (s := self.state(run_id)) in TERMINAL and s, timeout, f"flow run {run_id}"
        )
        return state

    def deployment(self, flow: str, deployment: str) -> dict[str, Any]:
        reply = self.http.get(f"/deployments/name/{flow}/{deployment}")
        reply.raise_for_status()
        return reply.json()

    def schedule_runs(self, deployment_id: str, start: str, end: str) -> list[dict[str, Any]]:
        """Let the server plan a deployment's cron runs in [start, end] (the scheduler's path)."""
        span = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
        window = {"start_time": start, "end_time": end, "min_time": span, "max_runs": 200}
        self.http.post(f"/deployments/{deployment_id}/schedule", json=window).raise_for_status()
        reply = self.http.post(
            "/flow_runs/filter",
            json={
                "deployments": {"id": {"any_": [deployment_id]}},
                "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
                "limit": 200,
            },
        )
        reply.raise_for_status()
        return reply.json()

    def delete_run(self, run_id: str) -> None:
        self.http.delete(f"/flow_runs/{run_id}").raise_for_status()

    def mark_crashed(self, run_id: str) -> None:
        """What Prefect's zombie-run automation or an operator does for a run whose process died."""
        reply = self.http.post(
            f"/flow_runs/{run_id}/set_state",
            json={"state": {"type": "CRASHED", "message": "process killed"}, "force": True},
        )
        reply.raise_for_status()

    def active_slots(self, flow: str, deployment: str) -> int:
        """Runs holding the deployment's concurrency slot (limit 1, flows/deployments.py)."""
        dep = self.http.get(f"/deployments/name/{flow}/{deployment}").json()
        return int((dep.get("global_concurrency_limit") or {}).get("active_slots", 0))

    def result_logs(self, run_id: str) -> list[str]:
        reply = self.http.post(
            "/logs/filter", json={"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200}
        )
        return [entry["message"] for entry in reply.json()]

    def close(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()
        self.http.close()
