"""SMTP side of delivery: K reused aiosmtplib connections draining a queue of stored messages.

Reply classes (aiosmtplib errors): 4xx and connection loss are transient (retry later),
5xx and refused recipients are permanent (failed with the reason).
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from email.utils import parseaddr

import aiosmtplib
from aiosmtplib import (
    SMTPException,
    SMTPNotSupported,
    SMTPRecipientRefused,
    SMTPResponseException,
    SMTPServerDisconnected,
)

from directives.models import OutboxStatus as Status


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str  # From header value; the envelope sender is its address
    security: str = "none"  # none | starttls | tls
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    connections: int = 4
    local_hostname: str = "dondoc.local"


@dataclass(frozen=True)
class Pending:
    id: int
    recipient: str
    message: bytes
    attempts: int


@dataclass(frozen=True)
class Outcome:
    id: int
    status: Status  # sent | pending (retry later) | failed
    attempts: int  # before this try
    error: str = ""


Claims = Callable[[], Awaitable[list[Pending]]]
Writer = Callable[[list[Outcome]], Awaitable[None]]


class _Ledger:
    """Outcomes recorded right behind the server's reply, before that connection sends again.

    Each sender hands its outcome over and waits until the commit holding it returns; one write
    is in flight at a time and takes every outcome handed over meanwhile (a group commit of at
    most one outcome per connection, with no linger). So a crash can leave unrecorded only the
    mails the server accepted while their commit was pending: at most one per open connection.
    The commit itself survives the process's death without waiting for a disk flush (SQLite
    WAL with synchronous=NORMAL; PostgreSQL synchronous_commit=off for that transaction).
    A failed write is raised to every sender waiting on it, and to any later one: they stop,
    and the rows they hold wait for the lease."""

    def __init__(self, write: Writer) -> None:
        self._write = write
        self._pending: list[tuple[Outcome, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self.error: BaseException | None = None

    async def record(self, outcome: Outcome) -> None:
        """Return once `outcome` is committed (raise if the write failed)."""
        if self.error is not None:
            raise self.error
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((outcome, done))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self._write([o for o, _ in batch])
            except Exception as exc:  # noqa: BLE001 - handed to the waiting senders
                self.error = exc
            for _, done in batch:
                if self.error is not None:
                    done.set_exception(self.error)
                else:
                    done.set_result(None)


class _Feed:
    """Claimed rows for the senders; the next claim runs while the last rows of this one go."""

    def __init__(self, claims: Claims, down: list[str]) -> None:
        self._claims = claims
        self._down = down
        self._rows: deque[Pending] = deque()
        self._low = 0  # claim again when this few are left: half of the last claim
        self._claiming: asyncio.Task[None] | None = None
        self._done = False
        self.error: BaseException | None = None

    async def next(self) -> Pending | None:
        while True:
            if not self._done and self._claiming is None and len(self._rows) <= self._low:
                self._claiming = asyncio.create_task(self._claim())
            if self._rows:
                return self._rows.popleft()
            if self._claiming is None:
                return None
            await asyncio.wait([self._claiming])

    async def _claim(self) -> None:
        try:
            rows = [] if self._down else await self._claims()
        except Exception as exc:  # noqa: BLE001 - the senders finish what they hold, then it is raised
            self.error, rows = exc, []
        finally:
            self._claiming = None
        self._rows.extend(rows)
        self._low = len(rows) // 2
        self._done = not rows


async def send_all(cfg: SmtpConfig, sender: str, claims: Claims, write: Writer) -> None:
    """Claim, send and record until nothing is due or the server cannot be reached."""
    ledger = _Ledger(write)
    down: list[str] = []  # set once connecting fails: the rest is retried later, not hammered
    feed = _Feed(claims, down)
    workers = [_worker(cfg, sender, feed, ledger, down) for _ in range(cfg.connections)]
    results = await asyncio.gather(*workers, return_exceptions=True)
    if ledger.error is not None:
        raise ledger.error
    for result in results:
        if isinstance(result, BaseException):
            raise result
    if feed.error is not None:
        raise feed.error


async def _worker(
    cfg: SmtpConfig, sender: str, feed: _Feed, ledger: _Ledger, down: list[str]
) -> None:
    """One connection. The previous mail's mark is committed while this one's envelope (MAIL,
    RCPT) goes out, and awaited before its DATA: the server can accept this mail only once the
    last one is on record, so a crash finds at most one accepted, unrecorded mail here."""
    client: aiosmtplib.SMTP | None = None
    marked: asyncio.Task[None] | None = None  # the commit of this connection's last outcome
    try:
        while (row := await feed.next()) is not None:
            outcome = None
            for _ in range(2):  # a dropped idle connection gets one fresh one
                if down:
                    outcome = Outcome(row.id, Status.PENDING, row.attempts, down[0])
                    break
                if client is None or not client.is_connected:
                    try:
                        client = await _connect(cfg)
                    except Exception as exc:  # noqa: BLE001 - any failure: server unreachable
                        down.append(f"connect {cfg.host}:{cfg.port}: {_describe(exc)}")
                        client = None
                        continue
                outcome, usable = await _send(client, sender, row, marked)
                if usable:
                    break
                client = None
            if marked is not None:
                await marked  # done already unless this mail never reached DATA
            outcome = outcome or Outcome(row.id, Status.PENDING, row.attempts, down[0])
            marked = asyncio.ensure_future(ledger.record(outcome))
        if marked is not None:
            await marked
    finally:
        if marked is not None and not marked.done():
            marked.cancel()
        if client is not None and client.is_connected:
            with suppress(Exception):
                await client.quit()


async def _connect(cfg: SmtpConfig) -> aiosmtplib.SMTP:
    client = aiosmtplib.SMTP(
        hostname=cfg.host,
        port=cfg.port,
        timeout=cfg.timeout,
        use_tls=cfg.security == "tls",
        start_tls=cfg.security == "starttls",
        username=cfg.user,
        password=cfg.password,
        local_hostname=cfg.local_hostname,
    )
    await client.connect()
    return client


async def _send(
    client: aiosmtplib.SMTP, sender: str, row: Pending, marked: Awaitable[None] | None = None
) -> tuple[Outcome, bool]:
    """The outcome and whether the connection is still usable; DATA waits for `marked`."""
    if not _plain_address(row.recipient):
        return Outcome(
            row.id, Status.FAILED, row.attempts, f"invalid address {row.recipient!r}"
        ), True
    try:
        await _transaction(client, sender, row, marked)
    except SMTPRecipientRefused as exc:
        await _reset(client)
        reason = f"{exc.recipient}: {exc.code} {exc.message}"
        return _by_code(row, exc.code, f"recipient refused: {reason}"), True
    except SMTPResponseException as exc:
        await _reset(client)
        return _by_code(row, exc.code, f"{type(exc).__name__}: {exc.code} {exc.message}"), True
    except (SMTPServerDisconnected, TimeoutError, OSError) as exc:
        with suppress(Exception):
            client.close()
        return Outcome(row.id, Status.PENDING, row.attempts, _describe(exc)), False
    except (ValueError, SMTPNotSupported) as exc:  # bad address, SMTPUTF8 not offered
        await _reset(client)
        return Outcome(row.id, Status.FAILED, row.attempts, _describe(exc)), True
    except SMTPException as exc:
        return Outcome(row.id, Status.PENDING, row.attempts, _describe(exc)), False
    return Outcome(row.id, Status.SENT, row.attempts), True


async def _transaction(
    client: aiosmtplib.SMTP, sender: str, row: Pending, marked: Awaitable[None] | None
) -> None:
    """MAIL, RCPT, then, once the previous mark is committed, DATA (aiosmtplib's sendmail in
    three steps, for one recipient)."""
    if client.is_ehlo_or_helo_needed:
        await client.ehlo()
    await client.mail(sender)
    await client.rcpt(row.recipient)
    if marked is not None:
        await marked
    await client.data(row.message)


async def _reset(client: aiosmtplib.SMTP) -> None:
    """Clear a half-open envelope so the connection serves the next mail."""
    with suppress(SMTPException, OSError, TimeoutError):
        await client.rset()


# Common addresses, which parseaddr returns unchanged, skip it: it costs ~30 µs per mail.
_DOT_ATOM = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def _plain_address(address: str) -> bool:
    """A bare addr-spec with no control characters (nothing for the client to reinterpret)."""
    if _DOT_ATOM.fullmatch(address):
        return True
    return address.isprintable() and " " not in address and parseaddr(address)[1] == address


def _by_code(row: Pending, code: int, reason: str) -> Outcome:
    status = Status.PENDING if 400 <= code < 500 else Status.FAILED
    return Outcome(row.id, status, row.attempts, reason)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:500]
