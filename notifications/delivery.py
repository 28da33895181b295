"""Gửi thư (delivery): drain the outbox over a few reused SMTP connections, never twice.

Rows are claimed in one statement (`UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
RETURNING`, the same statement on SQLite where BEGIN IMMEDIATE serialises writers), their
stored messages are read from `outbox_message` in the same transaction (no UPDATE here touches
those bytes), and the claim is committed before any network I/O; the next claim runs while the
last rows of this one are sent. Each row is marked sent right after the server accepted it,
before that connection sends again (notifications.smtp), so a killed worker resends at most
one mail per open connection; 4xx replies and lost connections go back
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
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from directives.models import OutboxStatus as Status
from notifications.smtp import Outcome, Pending, SmtpConfig, send_all
from storage import outbox_sql
from storage.db import Database, utcnow

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
    factor: int = 2 ** max(attempts - 1, 0)
    return min(BACKOFF_BASE * factor, BACKOFF_CAP)


def reap(db: Database, now: datetime, lease: timedelta = LEASE) -> int:
    """Return rows stuck in `sending` (a worker died mid-batch) to pending."""
    return outbox_sql.reap(db, now, lease)


def claim(db: Database, now: datetime, limit: int, worker: str) -> list[Pending]:
    """Claim up to `limit` due rows for `worker`; committed before this returns."""
    return [Pending(*row) for row in outbox_sql.claim(db, now, limit, worker)]


def record(db: Database, outcomes: list[Outcome], now: datetime, worker: str) -> None:
    """Write what the server said; only rows this worker still holds are touched."""
    sent = [o.id for o in outcomes if o.status == Status.SENT]
    others = [_unsent(o, now) for o in outcomes if o.status != Status.SENT]
    outbox_sql.record(db, sent, others, now, worker)


class Marks:
    """Acceptances written right after the server's 250, before that connection sends again.

    One driver connection held for the whole delivery, plain SQL and no ORM
    (storage.outbox_sql): this runs once per reply (grouped only with the replies of the other
    connections that came in meanwhile), so it must cost microseconds. Each commit outlives
    this process without waiting for a disk flush: SQLite runs in WAL mode with
    synchronous=NORMAL, PostgreSQL with synchronous_commit=off on this connection. Each mark is
    one autocommitted UPDATE: one statement, one round trip. A killed process loses no mark;
    only a crash of the database server or of its machine may, and then those mails go out
    once more with the same Message-ID.
    """

    def __init__(self, db: Database, worker: str) -> None:
        self._db = db
        self._worker = worker
        self._marks = outbox_sql.marks(db, worker)
        self.one_writer = self._marks.one_writer

    async def open(self) -> None:
        await self._marks.open()

    async def write(self, outcomes: list[Outcome], now: datetime) -> None:
        sent = [o.id for o in outcomes if o.status == Status.SENT]
        if sent:
            await self._marks.mark_sent(sent, now)
        if len(sent) < len(outcomes):  # failures and retries: rare, the ORM path is fine
            unsent = [o for o in outcomes if o.status != Status.SENT]
            if self.one_writer:
                record(self._db, unsent, now, self._worker)
            else:
                await asyncio.to_thread(record, self._db, unsent, now, self._worker)

    async def close(self) -> None:
        await self._marks.close()


def _unsent(o: Outcome, now: datetime) -> dict[str, object]:
    attempts = o.attempts + 1
    status, error = o.status, o.error
    if attempts >= MAX_ATTEMPTS:
        status, error = Status.FAILED, f"gave up after {attempts} attempts: {o.error}"
    new_status = Status.FAILED if status == Status.FAILED else Status.PENDING
    return {"row_id": o.id, "new_status": new_status,
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

    marks = Marks(db, worker)
    # One DB writer at a time where the database has one (SQLite: its busy wait sleeps); the
    # marks run on the event loop itself (a few microseconds), claims in a thread.
    lock: AbstractAsyncContextManager[object] = nullcontext()

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
            await marks.write(outcomes, clock())
        for o in outcomes:
            name = _counter(o)
            setattr(stats, name, getattr(stats, name) + 1)
            if o.status != Status.SENT and len(stats.errors) < 10:
                stats.errors.append(f"{o.id}: {o.error}")

    async def run() -> None:
        nonlocal lock
        lock = db.writer_lock()  # made on the loop that uses it
        await marks.open()
        try:
            await send_all(smtp, sender, claims, write)
        finally:
            await marks.close()

    asyncio.run(run())
    return stats


def _counter(o: Outcome) -> str:
    if o.status == Status.SENT:
        return "sent"
    return "retried" if o.status == Status.PENDING and o.attempts + 1 < MAX_ATTEMPTS else "failed"
