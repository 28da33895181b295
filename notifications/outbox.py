"""The outbox ledger: enqueue a rendered mail once per key (insert-if-absent)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import OutboxRow


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: str,
    slot: date,
    subject: str,
    message: bytes,
    message_id: str,
    now: datetime,
) -> int | None:
    """Insert the mail unless its key exists; the new row's id, or None if it was there."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(OutboxRow)
        .values(
            key=key,
            kind=kind,
            recipient=recipient,
            slot=slot,
            subject=subject,
            message=message,
            message_id=message_id,
            status="pending",
            next_attempt_at=now,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxRow.id)
    )
    return session.scalar(stmt)
