"""Periods of a recurring task for the task page and the API, materialised up to today."""

from __future__ import annotations

from datetime import date
from typing import Any

from storage import periods
from storage.db import Database
from storage.models import TaskRow


def fresh_periods(db: Database, task_id: int, as_of: date) -> list[dict[str, Any]] | None:
    """The task's periods begun by `as_of` (added if missing), or None if not recurring."""
    with db.read() as session:
        task = session.get(TaskRow, task_id)
        if task is None or periods.rule_of(task) is None:
            return None
        rows = periods.load(session, task_id)
        if rows and rows[-1].deadline >= as_of:  # nothing new can have begun: no write
            return [periods.period_json(r, as_of) for r in rows]
    with db.write() as session:
        task = session.get(TaskRow, task_id)
        assert task is not None
        return [periods.period_json(r, as_of) for r in periods.materialise(session, task, as_of)]
