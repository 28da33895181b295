"""SMTP side of delivery: K reused aiosmtplib connections draining a queue of stored messages.

Reply classes (aiosmtplib errors): 4xx and connection loss are transient (retry later),
5xx and refused recipients are permanent (failed with the reason).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from email.utils import parseaddr

import aiosmtplib
from aiosmtplib import (
    SMTPException,
    SMTPNotSupported,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPServerDisconnected,
)


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
    status: str  # sent | pending (retry later) | failed
    attempts: int  # before this try
    error: str = ""


Claims = Callable[[], Awaitable[list[Pending]]]
Writer = Callable[[list[Outcome]], Awaitable[None]]


class _Ledger:
    """Outcomes written behind the sends: at most one write in flight, the next one takes all
    that piled up meanwhile. Marks follow acceptance closely, so a crash re-sends very little."""

    def __init__(self, write: Writer) -> None:
        self._write = write
        self._pending: list[Outcome] = []
        self._task: asyncio.Task[None] | None = None

    def add(self, outcome: Outcome) -> None:
        self._pending.append(outcome)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            await self._write(batch)

    async def close(self) -> None:
        if self._task is not None:
            await self._task
        await self._drain()


async def send_all(cfg: SmtpConfig, sender: str, claims: Claims, write: Writer) -> None:
    """Claim, send and record until nothing is due or the server cannot be reached."""
    queue: asyncio.Queue[Pending | None] = asyncio.Queue(maxsize=2 * cfg.connections)
    ledger = _Ledger(write)
    down: list[str] = []  # set once connecting fails: the rest is retried later, not hammered
    workers = [
        asyncio.create_task(_worker(cfg, sender, queue, ledger, down))
        for _ in range(cfg.connections)
    ]
    try:
        while not down and (rows := await claims()):
            for row in rows:
                await queue.put(row)
    finally:
        for _ in workers:
            await queue.put(None)
        await asyncio.gather(*workers)
        await ledger.close()


async def _worker(
    cfg: SmtpConfig, sender: str, queue: asyncio.Queue, ledger: _Ledger, down: list[str]
) -> None:
    client: aiosmtplib.SMTP | None = None
    try:
        while (row := await queue.get()) is not None:
            outcome = None
            for _ in range(2):  # a dropped idle connection gets one fresh one
                if down:
                    outcome = Outcome(row.id, "pending", row.attempts, down[0])
                    break
                if client is None or not client.is_connected:
                    try:
                        client = await _connect(cfg)
                    except Exception as exc:  # noqa: BLE001 - any failure: server unreachable
                        down.append(f"connect {cfg.host}:{cfg.port}: {_describe(exc)}")
                        client = None
                        continue
                outcome, usable = await _send(client, sender, row)
                if usable:
                    break
                client = None
            ledger.add(outcome or Outcome(row.id, "pending", row.attempts, down[0]))
    finally:
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


async def _send(client: aiosmtplib.SMTP, sender: str, row: Pending) -> tuple[Outcome, bool]:
    """The outcome and whether the connection is still usable."""
    if not _plain_address(row.recipient):
        return Outcome(row.id, "failed", row.attempts, f"invalid address {row.recipient!r}"), True
    try:
        refused, _ = await client.sendmail(sender, [row.recipient], row.message)
    except SMTPRecipientsRefused as exc:
        codes = [r.code for r in exc.recipients]
        reason = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
        return _by_code(row, min(codes), f"recipient refused: {reason}"), True
    except SMTPResponseException as exc:
        return _by_code(row, exc.code, f"{type(exc).__name__}: {exc.code} {exc.message}"), True
    except (SMTPServerDisconnected, TimeoutError, OSError) as exc:
        with suppress(Exception):
            client.close()
        return Outcome(row.id, "pending", row.attempts, _describe(exc)), False
    except (ValueError, SMTPNotSupported) as exc:  # bad address, SMTPUTF8 not offered
        return Outcome(row.id, "failed", row.attempts, _describe(exc)), True
    except SMTPException as exc:
        return Outcome(row.id, "pending", row.attempts, _describe(exc)), False
    if refused:
        code, message = next(iter(refused.values()))
        return _by_code(row, code, f"recipient refused: {code} {message}"), True
    return Outcome(row.id, "sent", row.attempts), True


def _plain_address(address: str) -> bool:
    """A bare addr-spec with no control characters (nothing for the client to reinterpret)."""
    return address.isprintable() and " " not in address and parseaddr(address)[1] == address


def _by_code(row: Pending, code: int, reason: str) -> Outcome:
    status = "pending" if 400 <= code < 500 else "failed"
    return Outcome(row.id, status, row.attempts, reason)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:500]
