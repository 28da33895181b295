"""The outbox's statements: mail enqueued insert-if-absent by key, delivery's claims, leases
and marks. Per-database parts (the INSERT … ON CONFLICT construct, how a mark is written) are
picked once by dialect name; see notifications/outbox.py and notifications/delivery.py for
what the rows mean.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from directives.models import OutboxStatus as Status
from storage.db import Database
from storage.models import OutboxMessageRow, OutboxRow
from storage.sql_dialect import upsert_insert

_T = OutboxRow.__table__
_M = OutboxMessageRow.__table__
CHUNK = 500  # SQLite caps bound parameters per statement


def key_taken(session: Session, key: str) -> bool:
    """Whether a mail with this key is in the outbox (any status)."""
    return session.scalar(sa.select(OutboxRow.id).where(OutboxRow.key == key)) is not None


def insert_mail(session: Session, row: dict[str, Any], message: bytes) -> int | None:
    """The ledger row and its message unless the key exists; the new id, or None."""
    stmt = (
        upsert_insert(session)(OutboxRow)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxRow.id)
    )
    outbox_id: int | None = session.scalar(stmt)
    if outbox_id is not None:
        session.execute(sa.insert(OutboxMessageRow).values(outbox_id=outbox_id, message=message))
    return outbox_id


def insert_mails(
    session: Session, rows: list[dict[str, Any]], messages: dict[str, bytes]
) -> dict[str, int]:
    """`insert_mail` for many rows (message by key): the ids inserted, by key."""
    ids: dict[str, int] = {}
    for start in range(0, len(rows), CHUNK):
        stmt = (
            upsert_insert(session)(_T)
            .values(rows[start : start + CHUNK])
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(_T.c.key, _T.c.id)
        )
        ids.update(session.execute(stmt).tuples().all())
    bodies = [{"outbox_id": i, "message": messages[k]} for k, i in ids.items()]
    if bodies:
        session.execute(sa.insert(_M), bodies)
    return ids


# The reminders a digest stands for point at it: one driver-level statement per database, not
# SQLAlchemy's executemany, whose per-row parameter processing cost more than the updates.
_LINKS = {
    "sqlite": "UPDATE reminder SET outbox_id = ? WHERE id = ?",
    "postgresql": "UPDATE reminder SET outbox_id = v.oid"
    " FROM unnest(%s::integer[], %s::integer[]) AS v(oid, rid) WHERE reminder.id = v.rid",
}


def link_reminders(session: Session, links: list[tuple[int, int]]) -> None:
    """Set each reminder's digest: (outbox id, reminder id) pairs."""
    if not links:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        oids, rids = (list(column) for column in zip(*links, strict=True))
        conn.exec_driver_sql(_LINKS["postgresql"], (oids, rids))
    else:
        conn.exec_driver_sql(_LINKS["sqlite"], links)


def reap(db: Database, now: datetime, lease: timedelta) -> int:
    """Rows stuck in `sending` longer than the lease back to pending; how many."""
    with db.write() as session:
        stmt = (
            sa.update(_T)
            .where(_T.c.status == Status.SENDING, _T.c.claimed_at < now - lease)
            .values(status=Status.PENDING, claimed_at=None, claimed_by=None, next_attempt_at=now)
            .returning(_T.c.id)
        )
        return len(session.scalars(stmt).all())


Claimed = tuple[int, str, bytes, int]  # id, recipient, message, attempts


def claim(db: Database, now: datetime, limit: int, worker: str) -> list[Claimed]:
    """Claim up to `limit` due rows for `worker` with their messages; committed on return. A
    claimed row with no stored message is failed with that reason, not returned."""
    pick = (
        sa.select(_T.c.id)
        .where(_T.c.status == Status.PENDING, _T.c.next_attempt_at <= now)
        .order_by(_T.c.next_attempt_at, _T.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        sa.update(_T)
        .where(_T.c.id.in_(pick.scalar_subquery()))
        .values(status=Status.SENDING, claimed_at=now, claimed_by=worker)
        .returning(_T.c.id, _T.c.recipient, _T.c.attempts)
    )
    with db.write() as session:
        claimed = session.execute(stmt).all()
        bodies = _messages(session, [r.id for r in claimed])
        missing = [r.id for r in claimed if r.id not in bodies]
        if missing:  # a row written around `insert_mail`, which stores both: nothing to send
            session.execute(
                sa.update(_T)
                .where(_T.c.id.in_(missing))
                .values(status=Status.FAILED, last_error="no stored message in outbox_message",
                        claimed_at=None, claimed_by=None)
            )  # fmt: skip
        return [(r.id, r.recipient, bodies[r.id], r.attempts) for r in claimed if r.id in bodies]


def _messages(session: Session, ids: list[int]) -> dict[int, bytes]:
    """The stored messages of the claimed rows, read by id."""
    bodies: dict[int, bytes] = {}
    for start in range(0, len(ids), CHUNK):
        read = sa.select(_M.c.outbox_id, _M.c.message)
        read = read.where(_M.c.outbox_id.in_(ids[start : start + CHUNK]))
        bodies.update(session.execute(read).tuples().all())
    return bodies


def record(
    db: Database, sent: list[int], unsent: list[dict[str, object]], now: datetime, worker: str
) -> None:
    """Sent rows marked, the others (row_id, new_status, tries, error, at) set back or failed;
    only rows this worker still holds are touched."""
    with db.write_connection() as conn:
        if conn.dialect.name == "postgresql":  # marks only: no need to wait for the flush
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        if sent:
            _MARK_SENT[conn.dialect.name](conn, sent, now, worker)
        if unsent:
            _mark_unsent(conn, unsent, worker)


def _mark_unsent(conn: sa.Connection, others: list[dict[str, object]], worker: str) -> None:
    conn.execute(
        sa.update(_T)
        .where(_T.c.id == sa.bindparam("row_id"), _T.c.status == Status.SENDING,
               _T.c.claimed_by == worker)
        .values(status=sa.bindparam("new_status"), attempts=sa.bindparam("tries"),
                last_error=sa.bindparam("error"), next_attempt_at=sa.bindparam("at"),
                claimed_at=None, claimed_by=None),
        others,
    )  # fmt: skip


_SENT = (
    f"UPDATE outbox SET status = '{Status.SENT}', sent_at = {{p}}, attempts = attempts + 1,"
    " last_error = NULL, claimed_at = NULL"
    f" WHERE status = '{Status.SENDING}' AND claimed_by = {{p}} AND id {{ids}}"
)
_SENT_PG = (
    _SENT.format(p="$1::timestamptz", ids="= ANY($3::int[])")
    .replace("claimed_by = $1::timestamptz", "claimed_by = $2")
    .encode()
)


def _sent_at_format(dialect: sa.Dialect) -> Callable[[datetime], Any]:
    """The sent_at column's own storage format (UTCDateTime always converts)."""
    process = _T.c.sent_at.type.bind_processor(dialect)
    assert process is not None
    return process


def _sent_at(dialect: sa.Dialect, now: datetime) -> Any:
    return _sent_at_format(dialect)(now)


def _mark_sent_pg(conn: sa.Connection, ids: list[int], now: datetime, worker: str) -> None:
    """One plain driver statement per window of sends: SQLAlchemy's statement machinery costs
    several times this UPDATE, and it runs every tenth of a second while sending."""
    sql = _SENT.format(p="%s", ids="= ANY(%s)")
    conn.exec_driver_sql(sql, (_sent_at(conn.dialect, now), worker, ids))


def _mark_sent_sqlite(conn: sa.Connection, ids: list[int], now: datetime, worker: str) -> None:
    at = _sent_at(conn.dialect, now)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        sql = _SENT.format(p="?", ids=f"IN ({','.join('?' * len(chunk))})")
        conn.exec_driver_sql(sql, (at, worker, *chunk))


_MARK_SENT = {"postgresql": _mark_sent_pg, "sqlite": _mark_sent_sqlite}


class SqliteMarks:
    """Acceptances on one pooled driver connection, on the event loop itself: a WAL commit
    without fsync (synchronous=NORMAL) takes microseconds, less than handing it to a thread.
    SQLite has one writer at a time: the caller serialises claims and marks."""

    one_writer = True

    def __init__(self, db: Database, worker: str) -> None:
        self._db, self._worker = db, worker
        self._at = _sent_at_format(db.engine.dialect)
        self._raw: Any = None

    async def open(self) -> None:
        self._raw = self._db.engine.raw_connection()

    async def mark_sent(self, ids: list[int], now: datetime) -> None:
        at, driver = self._at(now), self._raw.driver_connection
        for start in range(0, len(ids), CHUNK):  # one statement, one transaction (autocommit)
            chunk = ids[start : start + CHUNK]
            sql = _SENT.format(p="?", ids=f"IN ({','.join('?' * len(chunk))})")
            driver.execute(sql, (at, self._worker, *chunk))

    async def close(self) -> None:
        if self._raw is not None:
            self._raw.close()


class PostgresMarks:
    """Acceptances through libpq itself (psycopg's `pq`) without blocking the event loop:
    psycopg's cursor machinery (or its async one, or a thread) costs several times this
    UPDATE, and the other connections' replies are read while it runs. The connection writes
    only marks, each its own transaction with synchronous_commit=off (the server holds the
    commit and flushes it within wal_writer_delay)."""

    one_writer = False

    def __init__(self, db: Database, worker: str) -> None:
        self._db, self._worker = db, worker
        self._raw: Any = None

    async def open(self) -> None:
        self._raw = _open_pg(self._db.url)

    async def mark_sent(self, ids: list[int], now: datetime) -> None:
        params = [now.astimezone(UTC).isoformat().encode(), self._worker.encode(),
                  ("{" + ",".join(map(str, ids)) + "}").encode()]  # fmt: skip
        await _pg_exec(self._raw, _SENT_PG, params)

    async def close(self) -> None:
        if self._raw is not None:
            self._raw.finish()


MARKS: dict[str, type[SqliteMarks] | type[PostgresMarks]] = {
    "sqlite": SqliteMarks,
    "postgresql": PostgresMarks,
}


def marks(db: Database, worker: str) -> SqliteMarks | PostgresMarks:
    """The database's mark writer for `worker` (open it before use)."""
    return MARKS[db.dialect](db, worker)


def _open_pg(url: str) -> Any:
    """A libpq connection that writes only marks: each UPDATE is its own transaction and none
    waits for the WAL flush (what `SET LOCAL synchronous_commit = off` does for one
    transaction, here for every one, at no extra round trip)."""
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


def keys_taken(session: Session, keys: Collection[str]) -> set[str]:
    """Which of these keys are in the outbox already."""
    return set(session.scalars(sa.select(OutboxRow.key).where(OutboxRow.key.in_(keys))))


def locked_status(session: Session, key: str) -> sa.Row[tuple[int, Status]] | None:
    """(id, status) of the mail with `key`, row locked (FOR UPDATE on PostgreSQL: it waits for
    a delivery claim in progress; SQLite's writers are serialised already)."""
    stmt = sa.select(OutboxRow.id, OutboxRow.status).where(OutboxRow.key == key)
    return session.execute(stmt.with_for_update()).first()


def rewrite_mail(session: Session, outbox_id: int, message: bytes, subject: str) -> None:
    """A pending mail re-rendered: its MIME bytes and its subject."""
    session.execute(
        sa.update(OutboxMessageRow)
        .where(OutboxMessageRow.outbox_id == outbox_id)
        .values(message=message)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(OutboxRow)
        .where(OutboxRow.id == outbox_id)
        .values(subject=subject)
        .execution_options(synchronize_session=False)
    )
