"""Orchestrated runner: Prefect flows as thin shells over the job functions of flows/jobs.py.

One task per job run (a run handles whole batches, never one row per task); no Session or SMTP
client crosses a task boundary (each job opens its own); NO_CACHE since the database, not
Prefect, is the source of idempotency. Deployed with cron schedules by flows/deployments.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows import jobs


def _threads(workers: int) -> TaskRunner[PrefectFuture[Any]]:
    # Prefect's stubs: flow() takes TaskRunner[PrefectFuture[Any]], an invariant parameter that
    # its own ThreadPoolTaskRunner (a TaskRunner[PrefectConcurrentFuture[R]]) does not match.
    return ThreadPoolTaskRunner(max_workers=workers)  # type: ignore[return-value]


@task(name="sweep", cache_policy=NO_CACHE, timeout_seconds=1800)
def sweep_task(at: datetime | None) -> dict[str, Any]:
    return jobs.sweep_job(at)


@task(name="deliver", cache_policy=NO_CACHE, timeout_seconds=1800)
def deliver_task(at: datetime | None, lane: int) -> dict[str, Any]:
    """One sender draining the outbox batch by batch; lanes claim disjoint rows."""
    return jobs.deliver_job(at)


@flow(name="dondoc-sweep", task_runner=_threads(1), log_prints=True)
def sweep_flow(at: datetime | None = None) -> dict[str, Any]:
    """Plan due reminders into the outbox (one digest per recipient)."""
    return sweep_task(at)


@flow(name="dondoc-deliver", task_runner=_threads(4), log_prints=True)
def deliver_flow(at: datetime | None = None, lanes: int = 1) -> dict[str, Any]:
    """Send what the outbox holds, over `lanes` parallel senders (at most 4)."""
    futures = deliver_task.map(unmapped(at), range(max(1, min(lanes, 4))))
    results = [f.result() for f in futures]
    keys = ("reaped", "claimed", "sent", "retried", "failed")
    total: dict[str, Any] = {k: sum(r[k] for r in results) for k in keys}
    total["errors"] = [e for r in results for e in r["errors"]][:10]
    return total


@task(name="leader-weekly", cache_policy=NO_CACHE, timeout_seconds=1800)
def weekly_task(at: datetime | None) -> dict[str, Any]:
    return jobs.weekly_rollup_job(at)


@flow(name="dondoc-weekly", task_runner=_threads(1), log_prints=True)
def weekly_flow(at: datetime | None = None) -> dict[str, Any]:
    """Enqueue each leader's weekly rollup (DOCX attached); the delivery flow sends it."""
    return weekly_task(at)
