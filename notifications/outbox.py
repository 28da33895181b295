"""The outbox ledger: enqueue a rendered mail once per key (insert-if-absent).

A mail is two rows written in the caller's transaction: the ledger row in `outbox` (status,
attempts, lease) and its MIME bytes in `outbox_message`, which delivery reads but never updates.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage import outbox_sql
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
    not_before: datetime | None = None,
) -> int | None:
    """Insert the mail (ledger row and message) unless its key exists; the new row's id, or
    None if it was there.

    `not_before` holds the mail back (e.g. until sending hours); by default it may go at once.
    """
    row = {
        "key": key, "kind": kind, "recipient": recipient, "slot": slot, "subject": subject,
        "message_id": message_id, "status": "pending", "next_attempt_at": not_before or now,
        "created_at": now,
    }  # fmt: skip
    return outbox_sql.insert_mail(session, row, message)


def enqueue_new(
    session: Session, mails: list[dict[str, Any]], *, kind: str, slot: date, now: datetime,
    not_before: datetime | None = None,
) -> dict[str, int]:  # fmt: skip
    """`enqueue` for many mails in three statements: each mail a dict of key, recipient,
    subject, message and message_id. The ids of the rows inserted, by key; a key already taken
    is left out (the caller handles it one by one)."""
    if not mails:
        return {}
    ledger = [
        {"key": m["key"], "kind": kind, "recipient": m["recipient"], "slot": slot,
         "subject": m["subject"], "message_id": m["message_id"], "status": "pending",
         "next_attempt_at": not_before or now, "created_at": now}
        for m in mails
    ]  # fmt: skip
    return outbox_sql.insert_mails(session, ledger, {m["key"]: m["message"] for m in mails})


def link_reminders(session: Session, links: list[tuple[int, int]]) -> None:
    """Point each reminder at the digest that carries it: (outbox id, reminder id) pairs."""
    outbox_sql.link_reminders(session, links)


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
