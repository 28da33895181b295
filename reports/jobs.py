"""Report jobs for the schedulers (APScheduler, Prefect) and the CLI; each opens its database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dondoc.settings import get_settings
from dondoc.wiring import database
from reports.weekly import enqueue_weekly_reports
from storage.db import utcnow


def weekly_rollup_job(now: datetime | None = None) -> dict[str, Any]:
    """Enqueue the weekly report of every leader (once per ISO week; delivery sends it)."""
    settings = get_settings()
    moment = now or utcnow()
    with database(settings).write() as session:
        queued = enqueue_weekly_reports(session, moment, settings)
    return {"at": moment.isoformat(), "leader_reports_queued": queued}
