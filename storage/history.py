"""Append-only change history (nhật ký): every write path records who, when and what."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from storage.models import HistoryRow


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def record(
    session: Session,
    *,
    entity: str,
    entity_id: int,
    action: str,
    actor: str,
    changes: dict[str, Any] | None = None,
    task_id: int | None = None,
    at: datetime | None = None,
) -> HistoryRow:
    row = HistoryRow(
        entity=entity,
        entity_id=entity_id,
        task_id=task_id,
        action=action,
        actor=actor,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )
    if at is not None:
        row.at = at
    session.add(row)
    return row
