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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
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


def _sent_at_format(dialect: sa.Dialect) -> Callable[[datetime], Any]:
    """The sent_at column's own storage format (UTCDateTime always converts)."""
    process = _T.c.sent_at.type.bind_processor(dialect)
    assert process is not None
    return process


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the 1st, 2nd, 3rd … failed attempt, at most two hours."""
    factor: int = 2 ** max(attempts - 1, 0)
    return min(BACKOFF_BASE * factor, BACKOFF_CAP)


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
    with db.write_connection() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        if sent:
            _mark_sent(conn, sent, now, worker)
        if others:
            _mark_unsent(conn, others, worker)


def _mark_unsent(conn: sa.Connection, others: list[dict[str, object]], worker: str) -> None:
    conn.execute(
        sa.update(_T)
        .where(_T.c.id == sa.bindparam("row_id"), _T.c.status == "sending",
               _T.c.claimed_by == worker)
        .values(status=sa.bindparam("new_status"), attempts=sa.bindparam("tries"),
                last_error=sa.bindparam("error"), next_attempt_at=sa.bindparam("at"),
                claimed_at=None, claimed_by=None),
        others,
    )  # fmt: skip


class Marks:
    """Acceptances written right after the server's 250, before that connection sends again.

    One driver connection held for the whole delivery, plain SQL and no ORM: this runs once per
    reply (grouped only with the replies of the other connections that came in meanwhile), so
    it must cost microseconds. Each commit outlives this process without waiting for a disk
    flush: SQLite runs in WAL mode with synchronous=NORMAL (the commit is in the WAL file, in
    the OS's cache), PostgreSQL with synchronous_commit=off on this connection, which writes
    nothing but marks (the server holds the commit and flushes it within wal_writer_delay).
    Each mark is one autocommitted UPDATE: one statement, one round trip. A killed process
    loses no mark; only a crash of the database server or
    of its machine may, and then those mails go out once more
    with the same Message-ID.
    """

    def __init__(self, db: Database, worker: str) -> None:
        self._db = db
        self._worker = worker
        self._pg = db.dialect == "postgresql"
        self._at = _sent_at_format(db.engine.dialect)
        self._raw: Any = None  # SQLite: a pooled driver connection; PostgreSQL: psycopg async

    async def open(self) -> None:
        if self._pg:
            self._raw = _open_pg(self._db.url)
        else:
            self._raw = self._db.engine.raw_connection()

    async def write(self, outcomes: list[Outcome], now: datetime) -> None:
        sent = [o.id for o in outcomes if o.status == "sent"]
        if sent:
            await self._mark_pg(sent, now) if self._pg else self._mark_sqlite(sent, now)
        if len(sent) < len(outcomes):  # failures and retries: rare, the ORM path is fine
            unsent = [o for o in outcomes if o.status != "sent"]
            if self._pg:
                await asyncio.to_thread(record, self._db, unsent, now, self._worker)
            else:
                record(self._db, unsent, now, self._worker)

    async def _mark_pg(self, ids: list[int], now: datetime) -> None:
        """One statement, one round trip, through libpq itself without blocking the event
        loop: psycopg's cursor machinery (or its async one, or a thread) costs several times
        this UPDATE, and the other connections' replies are read while it runs."""
        params = [now.astimezone(UTC).isoformat().encode(), self._worker.encode(),
                  ("{" + ",".join(map(str, ids)) + "}").encode()]  # fmt: skip
        await _pg_exec(self._raw, _SENT_PG, params)

    def _mark_sqlite(self, ids: list[int], now: datetime) -> None:
        """On the event loop itself: a WAL commit without fsync takes microseconds, less than
        handing it to a thread."""
        at, driver = self._at(now), self._raw.driver_connection
        for start in range(0, len(ids), 500):  # one statement, one transaction (autocommit)
            chunk = ids[start : start + 500]
            sql = _SENT.format(p="?", ids=f"IN ({','.join('?' * len(chunk))})")
            driver.execute(sql, (at, self._worker, *chunk))

    async def close(self) -> None:
        if self._raw is not None:
            self._raw.finish() if self._pg else self._raw.close()


_SENT = (
    "UPDATE outbox SET status = 'sent', sent_at = {p}, attempts = attempts + 1,"
    " last_error = NULL, claimed_at = NULL"
    " WHERE status = 'sending' AND claimed_by = {p} AND id {ids}"
)


def _open_pg(url: str) -> Any:
    """A libpq connection (psycopg's `pq`) that writes only marks: each UPDATE is its own
    transaction and none waits for the WAL flush (what `SET LOCAL synchronous_commit = off`
    does for one transaction, here for every one, at no extra round trip)."""
    from psycopg import pq

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(False)
    pgconn = pq.PGconn.connect(conninfo.encode())
    if pgconn.status != pq.ConnStatus.OK:
        raise RuntimeError(f"connecting for marks failed: {_pg_error(pgconn.error_message)}")
    result = pgconn.exec_(b"SET synchronous_commit = off")
    if result.status != pq.ExecStatus.COMMAND_OK:
        raise RuntimeError(f"SET synchronous_commit failed: {_pg_error(result.error_message)}")
    pgconn.nonblocking = 1
    return pgconn


async def _pg_exec(pgconn: Any, sql: bytes, params: list[bytes]) -> None:
    """Send, then wait for the socket to be readable until libpq has the whole reply."""
    from psycopg import pq

    loop = asyncio.get_running_loop()
    pgconn.send_query_params(sql, params)
    while pgconn.flush():  # the query did not fit the socket buffer: wait until it drains
        await _ready(loop, pgconn.socket, write=True)
    pgconn.consume_input()
    while pgconn.is_busy():
        await _ready(loop, pgconn.socket)
        pgconn.consume_input()
    failed = None
    while (result := pgconn.get_result()) is not None:
        if result.status != pq.ExecStatus.COMMAND_OK:
            failed = _pg_error(result.error_message)
    if failed is not None:
        raise RuntimeError(f"marking sent mail failed: {failed}")


async def _ready(loop: asyncio.AbstractEventLoop, fd: int, write: bool = False) -> None:
    done = loop.create_future()

    def wake() -> None:
        if not done.done():
            done.set_result(None)

    (loop.add_writer if write else loop.add_reader)(fd, wake)
    try:
        await done
    finally:
        (loop.remove_writer if write else loop.remove_reader)(fd)


def _pg_error(message: bytes | None) -> str:
    return (message or b"").decode(errors="replace").strip()


_SENT_PG = (
    _SENT.format(p="$1::timestamptz", ids="= ANY($3::int[])")
    .replace("claimed_by = $1::timestamptz", "claimed_by = $2")
    .encode()
)


def _mark_sent(conn: sa.Connection, ids: list[int], now: datetime, worker: str) -> None:
    """One plain driver statement per window of sends: SQLAlchemy's statement machinery costs
    several times this UPDATE, and it runs every tenth of a second while sending."""
    at = _sent_at_format(conn.dialect)(now)
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

    marks = Marks(db, worker)
    # SQLite: one DB writer at a time here, as its busy wait sleeps; the marks run on the event
    # loop itself (a few microseconds), claims in a thread. PostgreSQL needs no such lock.
    lock = asyncio.Lock() if db.dialect == "sqlite" else _NoLock()

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
            if o.status != "sent" and len(stats.errors) < 10:
                stats.errors.append(f"{o.id}: {o.error}")

    async def run() -> None:
        await marks.open()
        try:
            await send_all(smtp, sender, claims, write)
        finally:
            await marks.close()

    asyncio.run(run())
    return stats


class _NoLock:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *_: object) -> None:
        return None


def _counter(o: Outcome) -> str:
    if o.status == "sent":
        return "sent"
    return "retried" if o.status == "pending" and o.attempts + 1 < MAX_ATTEMPTS else "failed"
