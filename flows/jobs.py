"""The job functions. Each is written once and called by the CLI, APScheduler and Prefect alike.

Every job opens its own Database from settings and is an idempotent tick: running it twice, or
from two schedulers at once, plans and sends nothing twice (unique keys and claimed rows).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from dondoc.errors import UserError
from dondoc.settings import Settings, get_settings
from notifications.awaiting import enqueue_awaiting
from notifications.delivery import deliver
from notifications.digest import MailConfig, compose
from notifications.policy import ReminderPolicy, send_moment
from notifications.smtp import SmtpConfig
from notifications.sweep import load_days, plan
from notifications.sweep_details import describe
from reports.weekly import enqueue_weekly_reports
from storage import periods
from storage.db import Database, shared_database, utcnow

POLICY_ENV = "DONDOC_REMINDER_POLICY"  # JSON object overriding ReminderPolicy fields


def reminder_policy(settings: Settings) -> ReminderPolicy:
    """The policy: defaults, `send_time` from settings, overrides from DONDOC_REMINDER_POLICY."""
    try:
        overrides = json.loads(os.environ.get(POLICY_ENV) or "{}")
        return ReminderPolicy(**{"send_time": settings.send_time, **overrides})
    except (ValueError, TypeError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise UserError(f"{POLICY_ENV}: {first}") from None


def smtp_config(settings: Settings) -> SmtpConfig:
    domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "dondoc.local"
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        security=settings.smtp_security.value,
        user=settings.smtp_user,
        password=password,
        timeout=settings.smtp_timeout,
        connections=settings.smtp_connections,
        local_hostname=domain,
    )


def sweep(db: Database, settings: Settings, now: datetime) -> dict[str, Any]:
    """Plan the reminders due at `now` and enqueue one digest per recipient, in one transaction."""
    policy = reminder_policy(settings)
    tz = ZoneInfo(settings.timezone)
    with db.write() as session:
        days = load_days(session, around=now.astimezone(tz).date())
        periods.materialise_due(session, now.astimezone(tz).date())  # kỳ begun by today
        result = describe(session, plan(session, now, policy, tz), tz)
        send_at = send_moment(now, policy, days.is_working, tz)
        cfg = MailConfig(
            settings.smtp_from,
            settings.smtp_reply_to,
            settings.base_url,
            send_at,
            policy,
            tz,
            max_lines=settings.digest_max_tasks,
        )
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


def sweep_job(now: datetime | None = None) -> dict[str, Any]:
    """Plan due reminders into the outbox (idempotent)."""
    settings = get_settings()
    return sweep(shared_database(settings.database_url), settings, now or utcnow())


def weekly_rollup_job(now: datetime | None = None) -> dict[str, Any]:
    """Enqueue the weekly report of every leader (once per ISO week; delivery sends it)."""
    settings = get_settings()
    moment = now or utcnow()
    with shared_database(settings.database_url).write() as session:
        queued = enqueue_weekly_reports(session, moment, settings)
    return {"at": moment.isoformat(), "leader_reports_queued": queued}


def deliver_job(now: datetime | None = None) -> dict[str, Any]:
    """Send what the outbox holds (claims rows, so parallel runs never send twice)."""
    settings = get_settings()
    return deliver(shared_database(settings.database_url), smtp_config(settings), now).as_dict()


@dataclass(frozen=True)
class ScheduledJob:
    """A job and its cron fields (APScheduler CronTrigger keywords, local time zone)."""

    id: str
    func: Callable[[], dict[str, Any]]
    cron: Callable[[Settings], dict[str, str]]


def _at_send_time(settings: Settings) -> dict[str, str]:
    # Every day, not mon-fri: make-up Saturdays are worked; the sweep skips days off itself.
    return {"hour": str(settings.send_time.hour), "minute": str(settings.send_time.minute)}


# The schedule of the embedded runner (flows/scheduler.py); prefect.yaml mirrors it.
JOBS: list[ScheduledJob] = [
    ScheduledJob("sweep", sweep_job, _at_send_time),
    ScheduledJob("deliver", deliver_job, lambda s: {"minute": "*/5"}),
    ScheduledJob("leader_weekly", weekly_rollup_job, lambda s: {"day_of_week": "mon", "hour": "7"}),
]
