"""The one SMTP sink of dondoc: a real SMTP server (aiosmtpd) on 127.0.0.1 for the demo, tests
and benchmarks, and the one free-port helper.

It records what arrives (in memory, as .eml files in a folder, or as "recipient<TAB>Message-ID"
lines in a file another process follows) and has knobs for the fault tests: refuse some
recipients at RCPT, answer DATA with given replies for a while, or hold DATA after N messages
until released. aiosmtpd is imported when a sink starts, so importing this module needs nothing
beyond the standard library.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any, BinaryIO

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (aiosmtpd cannot report the port 0 it was given)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MailSink:
    """aiosmtpd handler and server: `with MailSink() as sink:` listens on `sink.port`."""

    def __init__(
        self,
        *,
        port: int | None = None,
        keep: bool = True,
        folder: Path | None = None,
        record: BinaryIO | None = None,
    ) -> None:
        self.port = port or free_port()
        self.keep, self.folder, self.record = keep, folder, record
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.count = 0
        self.ids: set[bytes] = set()
        self.refuse: dict[str, str] = {}  # address -> RCPT reply, e.g. "550 5.1.1 No such user"
        self.data_replies: list[str] = []  # replies to the next DATA commands, then "250"
        self.stall_after: int | None = None  # accept this many, then hold DATA until released
        self.stalled = threading.Event()
        self.arrived = threading.Event()
        self._release: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._controller: Any = None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.data_replies:
            return self.data_replies.pop(0)
        if self.stall_after is not None and self.count >= self.stall_after:
            self._loop = asyncio.get_running_loop()
            self._release = self._release or asyncio.Event()
            self.stalled.set()
            await self._release.wait()
            return "451 4.3.0 released after stall"
        self._store(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        self.arrived.set()
        return "250 Message accepted"

    def _store(self, sender: str, rcpts: list[str], raw: bytes) -> None:
        with self._lock:
            self.count += 1
            found = _MESSAGE_ID.search(raw[:4096])
            mid = found.group(1) if found else b"?%d" % self.count
            self.ids.add(mid)
            if self.keep:
                self.messages.append((sender, rcpts, raw))
            if self.folder is not None:
                (self.folder / f"{self.count:03d}.eml").write_bytes(raw)
            if self.record is not None:  # flushed before the 250 goes back
                self.record.write(",".join(rcpts).encode() + b"\t" + mid + b"\n")
                self.record.flush()

    def start(self) -> MailSink:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self.release()
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> MailSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def release(self) -> None:
        if self._loop and self._release:
            self._loop.call_soon_threadsafe(self._release.set)

    def parsed(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(raw, policy=email.policy.default)
            for _, _, raw in self.messages
        ]

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]).strip() for m in self.parsed()]


@contextmanager
def running_sink() -> Iterator[MailSink]:
    with MailSink() as sink:
        yield sink
