"""Embedded runner: one APScheduler BackgroundScheduler ticking the jobs of flows/jobs.py.

One scheduler per installation (`dondoc serve` starts it, or `dondoc scheduler` in the
foreground). A memory job store is enough: the jobs are idempotent ticks and the schedule is
rebuilt from `JOBS` at every start; a second scheduler by mistake costs ticks, not mail. Each
job gets the settings the scheduler was built with.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from dondoc import wiring
from dondoc.settings import Settings
from flows.jobs import JOBS, ScheduledJob

MISFIRE_GRACE = 30 * 60  # seconds: a tick late by less than this still runs, once (coalesce)


def build_scheduler(settings: Settings, jobs: Sequence[ScheduledJob] = JOBS) -> BackgroundScheduler:
    """A configured, not yet started scheduler with one job per entry of `jobs`."""
    tz = wiring.timezone(settings)
    scheduler = BackgroundScheduler(
        timezone=tz,
        executors={"default": ThreadPoolExecutor(max_workers=max(len(jobs), 1))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
    )
    for job in jobs:
        scheduler.add_job(
            job.func,
            CronTrigger.from_crontab(job.cron(settings), timezone=tz),
            kwargs={"settings": settings},
            id=job.id,
            name=f"dondoc {job.id}",
            replace_existing=True,
        )
    return scheduler


def run_foreground(settings: Settings, stop: threading.Event | None = None) -> None:
    """Run the scheduler until `stop` is set or the process is interrupted (Ctrl-C)."""
    scheduler = build_scheduler(settings)
    scheduler.start()
    stop = stop or threading.Event()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown(wait=True)
