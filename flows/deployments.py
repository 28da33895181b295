"""The Prefect deployments, generated from the one job table (`flows.jobs.JOBS`).

Orchestrated mode only (`dondoc[orchestrated]`): each job with a flow becomes a deployment of
flows/prefect_flows.py on the process work pool, its cron schedule made from settings (the sweep
at DONDOC_SEND_TIME) in DONDOC_TIMEZONE, one run at a time (a run that would overlap is
cancelled), working in DONDOC_CODE_DIR on the worker host. `dondoc deploy` applies them.
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from prefect import deploy
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import ObjectNotFound
from prefect.runner.storage import LocalStorage
from prefect.schedules import Cron
from prefect.workers.process import ProcessWorker

from dondoc.settings import Settings
from flows import prefect_flows
from flows.jobs import JOBS, ScheduledJob

POOL = "dondoc"
FLOWS_FILE = "flows/prefect_flows.py"  # relative to DONDOC_CODE_DIR on every worker host
ONE_AT_A_TIME = ConcurrencyLimitConfig(
    limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
)


def _deployment(job: ScheduledJob, settings: Settings, code_dir: Path) -> RunnerDeployment:
    deployment = getattr(prefect_flows, job.flow).to_deployment(
        name=job.deployment,
        schedules=[Cron(job.cron(settings), timezone=settings.timezone)],
        concurrency_limit=ONE_AT_A_TIME,
        parameters=dict(job.parameters),
        description=job.description,
    )
    deployment.entrypoint = f"{FLOWS_FILE}:{job.flow}"
    deployment.storage = LocalStorage(str(code_dir))  # pull step: set_working_directory
    return deployment


def deployments(settings: Settings, code_dir: Path | None = None) -> list[RunnerDeployment]:
    """One deployment per job of the table that has a flow (no server needed to build them)."""
    folder = (code_dir or settings.code_dir).resolve()
    return [_deployment(job, settings, folder) for job in JOBS if job.flow]


def ensure_pool(pool: str = POOL) -> bool:
    """Create the process work pool unless it exists; True when it was created."""
    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
            return False
        except ObjectNotFound:
            template = ProcessWorker.get_default_base_job_template()
            client.create_work_pool(
                WorkPoolCreate(name=pool, type="process", base_job_template=template)
            )
            return True


def apply(settings: Settings, pool: str = POOL, code_dir: Path | None = None) -> list[UUID]:
    """Create or update the deployments on the server at PREFECT_API_URL; every one or an error
    (Prefect's `deploy` only prints the ones it could not create)."""
    ensure_pool(pool)
    wanted = deployments(settings, code_dir)
    ids = deploy(  # a coroutine only when called from a running event loop
        *wanted,
        work_pool_name=pool,
        build=False,
        push=False,
        print_next_steps_message=False,
        ignore_warnings=True,
    )
    assert isinstance(ids, list)
    if len(ids) != len(wanted):
        raise RuntimeError(f"{len(wanted) - len(ids)} of {len(wanted)} deployments not created")
    return ids
