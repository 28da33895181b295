"""The outbox ledger: enqueue a rendered mail once per key (insert-if-absent).

A mail is two rows written in the caller's transaction: the ledger row in `outbox` (status,
attempts, lease) and its MIME bytes in `outbox_message`, which delivery reads but never updates.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import OutboxMessageRow, OutboxRow


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
    not_before: datetime | None = None,
) -> int | None:
    """Insert the mail (ledger row and message) unless its key exists; the new row's id, or
    None if it was there.

    `not_before` holds the mail back (e.g. until sending hours); by default it may go at once.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(OutboxRow)
        .values(
            key=key,
            kind=kind,
            recipient=recipient,
            slot=slot,
            subject=subject,
            message_id=message_id,
            status="pending",
            next_attempt_at=not_before or now,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxRow.id)
    )
    outbox_id: int | None = session.scalar(stmt)
    if outbox_id is not None:
        session.execute(sa.insert(OutboxMessageRow).values(outbox_id=outbox_id, message=message))
    return outbox_id


def enqueue_new(
    session: Session, mails: list[dict[str, Any]], *, kind: str, slot: date, now: datetime,
    not_before: datetime | None = None,
) -> dict[str, int]:  # fmt: skip
    """`enqueue` for many mails in three statements: each mail a dict of key, recipient,
    subject, message and message_id. The ids of the rows inserted, by key; a key already taken
    is left out (the caller handles it one by one)."""
    if not mails:
        return {}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    ledger = [
        {"key": m["key"], "kind": kind, "recipient": m["recipient"], "slot": slot,
         "subject": m["subject"], "message_id": m["message_id"], "status": "pending",
         "next_attempt_at": not_before or now, "created_at": now}
        for m in mails
    ]  # fmt: skip
    ids: dict[str, int] = {}
    for start in range(0, len(ledger), 500):  # bounded bind parameters per statement
        stmt = (
            dialect.insert(OutboxRow.__table__)
            .values(ledger[start : start + 500])
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(OutboxRow.__table__.c.key, OutboxRow.__table__.c.id)
        )
        ids.update(session.execute(stmt).tuples().all())
    bodies = [
        {"outbox_id": ids[m["key"]], "message": m["message"]} for m in mails if m["key"] in ids
    ]
    if bodies:
        session.execute(sa.insert(OutboxMessageRow.__table__), bodies)
    return ids


def status_counts(session: Session) -> dict[str, int]:
    """Rows per status (pending, sending, sent, failed)."""
    stmt = sa.select(OutboxRow.status, sa.func.count()).group_by(OutboxRow.status)
    return {status: n for status, n in session.execute(stmt)}


def problems(session: Session, include_sent: bool = False, limit: int = 500) -> list[OutboxRow]:
    """Mail not yet delivered (pending, sending) and failed mail with its reason, failed first."""
    stmt = sa.select(OutboxRow)
    if not include_sent:
        stmt = stmt.where(OutboxRow.status != "sent")
    failed_first = sa.case((OutboxRow.status == "failed", 0), else_=1)
    return list(session.scalars(stmt.order_by(failed_first, OutboxRow.id).limit(limit)))
