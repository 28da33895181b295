"""The job functions. Each is written once and called by the CLI, APScheduler and Prefect alike.

Every job opens its own Database from settings and is an idempotent tick: running it twice, or
from two schedulers at once, plans and sends nothing twice (unique keys and claimed rows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dondoc import wiring
from dondoc.settings import Settings, get_settings
from notifications.awaiting import enqueue_awaiting
from notifications.delivery import deliver
from notifications.digest import compose
from notifications.policy import send_moment
from notifications.sweep import load_days, plan
from notifications.sweep_details import describe
from reports.weekly import enqueue_weekly_reports
from storage import periods
from storage.db import Database, utcnow


def sweep(db: Database, settings: Settings, now: datetime) -> dict[str, Any]:
    """Plan the reminders due at `now` and enqueue one digest per recipient, in one transaction."""
    policy = wiring.reminder_policy(settings)
    tz = wiring.timezone(settings)
    with db.write() as session:
        days = load_days(session, around=now.astimezone(tz).date())
        periods.materialise_due(session, now.astimezone(tz).date())  # kỳ begun by today
        result = describe(session, plan(session, now, policy, tz), tz)
        send_at = send_moment(now, policy, days.is_working, tz)
        cfg = wiring.mail_config(settings, send_at)
        outbox_ids = compose(session, result, cfg, now)
        awaiting = enqueue_awaiting(session, result.today, cfg, now) if result.anchors else []
    return {
        "slot": result.today.isoformat(),
        "working_day": days.is_working(result.today),
        "tasks_read": result.tasks_read,
        "reminders": len(result.reminders),
        "digests": len(outbox_ids),
        "no_address": result.no_address,
        "awaiting_deadline_mails": len(awaiting),
        "send_at": send_at.astimezone(tz).isoformat() if outbox_ids else None,
    }


def sweep_job(now: datetime | None = None, settings: Settings | None = None) -> dict[str, Any]:
    """Plan due reminders into the outbox (idempotent)."""
    settings = settings or get_settings()
    return sweep(wiring.database(settings), settings, now or utcnow())


def weekly_rollup_job(
    now: datetime | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """Enqueue the weekly report of every leader (once per ISO week; delivery sends it)."""
    settings = settings or get_settings()
    moment = now or utcnow()
    with wiring.database(settings).write() as session:
        queued = enqueue_weekly_reports(session, moment, settings)
    return {"at": moment.isoformat(), "leader_reports_queued": queued}


def deliver_job(now: datetime | None = None, settings: Settings | None = None) -> dict[str, Any]:
    """Send what the outbox holds (claims rows, so parallel runs never send twice)."""
    settings = settings or get_settings()
    return deliver(wiring.database(settings), wiring.smtp_config(settings), now).as_dict()


@dataclass(frozen=True)
class ScheduledJob:
    """A job, its cron schedule (five fields, local time zone) and its Prefect deployment.

    `func` takes `now` and `settings` keywords. The embedded runner (flows/scheduler.py) and the
    Prefect deployments (flows/deployments.py) are both built from this table, so a schedule is
    written once and follows settings; this module does not import Prefect (`flow` names a
    function of flows/prefect_flows.py).
    """

    id: str
    func: Callable[..., dict[str, Any]]
    cron: Callable[[Settings], str]
    flow: str = ""  # flows/prefect_flows.py function; "" = embedded only
    deployment: str = ""
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)


def _at_send_time(settings: Settings) -> str:
    # Every day, not mon-fri: make-up Saturdays are worked; the sweep skips days off itself.
    return f"{settings.send_time.minute} {settings.send_time.hour} * * *"


JOBS: list[ScheduledJob] = [
    ScheduledJob(
        "sweep", sweep_job, _at_send_time, "sweep_flow", "dondoc-sweep",
        "Plan due reminders into the outbox, one digest per recipient (DONDOC_SEND_TIME daily;"
        " the job skips days off and works make-up Saturdays).",
    ),
    ScheduledJob(
        "deliver", deliver_job, lambda s: "*/5 * * * *", "deliver_flow", "dondoc-deliver",
        "Send what the outbox holds; transient failures retried with backoff.", {"lanes": 1},
    ),
    ScheduledJob(
        "leader_weekly", weekly_rollup_job, lambda s: "0 7 * * mon", "weekly_flow",
        "dondoc-weekly",
        "Each leader's weekly rollup of the directives he concluded, DOCX attached, through the"
        " outbox (sent even when nothing is overdue).",
    ),
]  # fmt: skip
