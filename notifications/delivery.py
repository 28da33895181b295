"""Gửi thư (delivery): drain the outbox over a few reused SMTP connections, never twice.

Rows are claimed in one statement (`UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
RETURNING`, the same statement on SQLite where BEGIN IMMEDIATE serialises writers), their
stored messages are read from `outbox_message` in the same transaction (no UPDATE here touches
those bytes), and the claim is committed before any network I/O; the next claim runs while the
last rows of this one are sent. Each row is marked sent only after the server accepted it, in
group commits at most 50 ms apart (notifications.smtp); 4xx replies and lost connections go back
to pending with exponential backoff, 5xx replies and refused recipients are failed with the
reason (as is a claimed row with no stored message). Rows left in `sending` by a dead worker
return to pending once their lease runs out (`reap`). A retried mail keeps its Message-ID.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

import sqlalchemy as sa
from sqlalchemy.orm import Session

from notifications.smtp import Outcome, Pending, SmtpConfig, send_all
from storage.db import Database, utcnow
from storage.models import OutboxMessageRow, OutboxRow

_T = OutboxRow.__table__
_M = OutboxMessageRow.__table__
LEASE = timedelta(minutes=15)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=2)
MAX_ATTEMPTS = 10


@dataclass
class DeliveryStats:
    reaped: int = 0
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int | list[str]]:
        return {
            "reaped": self.reaped, "claimed": self.claimed, "sent": self.sent,
            "retried": self.retried, "failed": self.failed, "errors": self.errors[:10],
        }  # fmt: skip


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the 1st, 2nd, 3rd … failed attempt, at most two hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def reap(db: Database, now: datetime, lease: timedelta = LEASE) -> int:
    """Return rows stuck in `sending` (a worker died mid-batch) to pending."""
    with db.write() as session:
        stmt = (
            sa.update(_T)
            .where(_T.c.status == "sending", _T.c.claimed_at < now - lease)
            .values(status="pending", claimed_at=None, claimed_by=None, next_attempt_at=now)
            .returning(_T.c.id)
        )
        return len(session.scalars(stmt).all())


def claim(db: Database, now: datetime, limit: int, worker: str) -> list[Pending]:
    """Claim up to `limit` due rows for `worker`; committed before this returns."""
    pick = (
        sa.select(_T.c.id)
        .where(_T.c.status == "pending", _T.c.next_attempt_at <= now)
        .order_by(_T.c.next_attempt_at, _T.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        sa.update(_T)
        .where(_T.c.id.in_(pick.scalar_subquery()))
        .values(status="sending", claimed_at=now, claimed_by=worker)
        .returning(_T.c.id, _T.c.recipient, _T.c.attempts)
    )
    with db.write() as session:
        claimed = session.execute(stmt).all()
        bodies = _messages(session, [r.id for r in claimed])
        missing = [r.id for r in claimed if r.id not in bodies]
        if missing:  # a row written around `enqueue`, which stores both: nothing to send
            session.execute(
                sa.update(_T)
                .where(_T.c.id.in_(missing))
                .values(status="failed", last_error="no stored message in outbox_message",
                        claimed_at=None, claimed_by=None)
            )  # fmt: skip
        return [Pending(r.id, r.recipient, bodies[r.id], r.attempts)
                for r in claimed if r.id in bodies]  # fmt: skip


def _messages(session: Session, ids: list[int]) -> dict[int, bytes]:
    """The stored messages of the claimed rows, read by id."""
    bodies: dict[int, bytes] = {}
    for start in range(0, len(ids), 500):  # SQLite caps bound parameters per statement
        read = sa.select(_M.c.outbox_id, _M.c.message)
        read = read.where(_M.c.outbox_id.in_(ids[start : start + 500]))
        bodies.update(session.execute(read).tuples().all())
    return bodies


def record(db: Database, outcomes: list[Outcome], now: datetime, worker: str) -> None:
    """Write what the server said; only rows this worker still holds are touched."""
    sent = [o.id for o in outcomes if o.status == "sent"]
    others = [_unsent(o, now) for o in outcomes if o.status != "sent"]
    with db.write() as session:
        if sent:
            _mark_sent(session.connection(), sent, now, worker)
        if others:
            session.execute(
                sa.update(_T)
                .where(_T.c.id == sa.bindparam("row_id"), _T.c.status == "sending",
                       _T.c.claimed_by == worker)
                .values(status=sa.bindparam("new_status"), attempts=sa.bindparam("tries"),
                        last_error=sa.bindparam("error"), next_attempt_at=sa.bindparam("at"),
                        claimed_at=None, claimed_by=None),
                others,
            )  # fmt: skip


_SENT = (
    "UPDATE outbox SET status = 'sent', sent_at = {p}, attempts = attempts + 1,"
    " last_error = NULL, claimed_at = NULL"
    " WHERE status = 'sending' AND claimed_by = {p} AND id {ids}"
)


def _mark_sent(conn: sa.Connection, ids: list[int], now: datetime, worker: str) -> None:
    """One plain driver statement per window of sends: SQLAlchemy's statement machinery costs
    several times this UPDATE, and it runs every tenth of a second while sending."""
    at = _T.c.sent_at.type.bind_processor(conn.dialect)(now)  # the column's own storage format
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_SENT.format(p="%s", ids="= ANY(%s)"), (at, worker, ids))
        return
    for start in range(0, len(ids), 500):  # SQLite caps bound parameters per statement
        chunk = ids[start : start + 500]
        sql = _SENT.format(p="?", ids=f"IN ({','.join('?' * len(chunk))})")
        conn.exec_driver_sql(sql, (at, worker, *chunk))


def _unsent(o: Outcome, now: datetime) -> dict[str, object]:
    attempts = o.attempts + 1
    status, error = o.status, o.error
    if attempts >= MAX_ATTEMPTS:
        status, error = "failed", f"gave up after {attempts} attempts: {o.error}"
    return {"row_id": o.id, "new_status": "failed" if status == "failed" else "pending",
            "tries": attempts, "error": error[:2000], "at": now + backoff(attempts)}  # fmt: skip


def deliver(
    db: Database,
    smtp: SmtpConfig,
    now: datetime | None = None,
    batch_size: int = 500,
    max_messages: int = 100_000,
    lease: timedelta = LEASE,
) -> DeliveryStats:
    """Send every due outbox row (bounded by `max_messages`); `now` fixed for tests."""
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    stats = DeliveryStats(reaped=reap(db, clock(), lease))
    worker = worker_id()
    sender = parseaddr(smtp.sender)[1]

    lock: asyncio.Lock | None = None  # one DB writer at a time here: SQLite's busy wait sleeps

    async def claims() -> list[Pending]:
        limit = min(batch_size, max_messages - stats.claimed)
        if limit <= 0:
            return []
        async with lock:
            rows = await asyncio.to_thread(claim, db, clock(), limit, worker)
        stats.claimed += len(rows)
        return rows

    async def write(outcomes: list[Outcome]) -> None:
        async with lock:
            await asyncio.to_thread(record, db, outcomes, clock(), worker)
        for o in outcomes:
            name = _counter(o)
            setattr(stats, name, getattr(stats, name) + 1)
            if o.status != "sent" and len(stats.errors) < 10:
                stats.errors.append(f"{o.id}: {o.error}")

    async def run() -> None:
        nonlocal lock
        lock = asyncio.Lock()
        await send_all(smtp, sender, claims, write)

    asyncio.run(run())
    return stats


def _counter(o: Outcome) -> str:
    if o.status == "sent":
        return "sent"
    return "retried" if o.status == "pending" and o.attempts + 1 < MAX_ATTEMPTS else "failed"
