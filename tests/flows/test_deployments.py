"""The Prefect deployments are generated from the job table and follow settings (no server)."""

from __future__ import annotations

import os
import tempfile
from datetime import time
from pathlib import Path

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="dondoc-prefect-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect.client.schemas.objects import ConcurrencyLimitStrategy  # noqa: E402
from prefect.client.schemas.schedules import CronSchedule  # noqa: E402

from dondoc.settings import Settings  # noqa: E402
from flows import prefect_flows  # noqa: E402
from flows.deployments import deployments  # noqa: E402
from flows.jobs import JOBS  # noqa: E402
from flows.scheduler import build_scheduler  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _crons(settings: Settings) -> dict[str, tuple[str, str]]:
    found = {}
    for d in deployments(settings, ROOT):
        (schedule,) = d.schedules
        assert isinstance(schedule.schedule, CronSchedule) and schedule.active
        found[d.name] = (schedule.schedule.cron, schedule.schedule.timezone)
    return found


def test_the_deployments_follow_the_send_time_and_time_zone() -> None:
    assert _crons(Settings(_env_file=None)) == {
        "dondoc-sweep": ("30 7 * * *", "Asia/Ho_Chi_Minh"),
        "dondoc-deliver": ("*/5 * * * *", "Asia/Ho_Chi_Minh"),
        "dondoc-weekly": ("0 7 * * mon", "Asia/Ho_Chi_Minh"),
    }
    later = Settings(_env_file=None, send_time=time(8, 5), timezone="Asia/Bangkok")
    assert _crons(later)["dondoc-sweep"] == ("5 8 * * *", "Asia/Bangkok")


def test_each_deployment_runs_its_flow_one_at_a_time_in_the_code_dir(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, code_dir=tmp_path)
    built = {d.name: d for d in deployments(settings)}
    assert set(built) == {job.deployment for job in JOBS if job.flow}
    for job in JOBS:
        d = built[job.deployment]
        path, name = d.entrypoint.split(":")
        assert (ROOT / path).is_file() and getattr(prefect_flows, name).name == job.deployment
        assert d.flow_name == job.deployment and d.parameters == job.parameters
        assert d.concurrency_limit == 1
        assert d.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.CANCEL_NEW
        assert d.storage.to_pull_step() == {
            "prefect.deployments.steps.set_working_directory": {"directory": str(tmp_path)}
        }
    assert built["dondoc-deliver"].parameters == {"lanes": 1}


def test_the_embedded_scheduler_runs_the_same_crons() -> None:
    settings = Settings(_env_file=None, send_time=time(8, 5))
    scheduler = build_scheduler(settings)
    triggers = {job.id: str(job.trigger) for job in scheduler.get_jobs()}
    # APScheduler's own rendering of the crons the deployments carry
    assert triggers["sweep"].startswith(
        "cron[month='*', day='*', day_of_week='*', hour='8', minute='5'"
    )
    assert "day_of_week='mon', hour='7', minute='0'" in triggers["leader_weekly"]
