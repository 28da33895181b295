"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 and a free port, recording what arrives.

Knobs drive the fault tests: refuse some recipients (4xx/5xx at RCPT), answer DATA with a
temporary error for a while, or stall DATA after N messages until released.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse: dict[str, str] = {}  # address -> RCPT reply, e.g. "550 5.1.1 No such user"
        self.data_replies: list[str] = []  # replies to the next DATA commands, then "250"
        self.stall_after: int | None = None  # accept this many, then hold DATA until released
        self.stalled = threading.Event()
        self.arrived = threading.Event()
        self.port = 0
        self._release: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        if self.data_replies:
            return self.data_replies.pop(0)
        if self.stall_after is not None and len(self.messages) >= self.stall_after:
            self._loop = asyncio.get_running_loop()
            self._release = self._release or asyncio.Event()
            self.stalled.set()
            await self._release.wait()
            return "451 4.3.0 released after stall"
        with self._lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        self.arrived.set()
        return "250 Message accepted"

    def release(self) -> None:
        if self._loop and self._release:
            self._loop.call_soon_threadsafe(self._release.set)

    def parsed(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[misc]
            for _, _, raw in self.messages
        ]

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]).strip() for m in self.parsed()]


@contextmanager
def running_sink() -> Iterator[Sink]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    sink.port = controller.port
    try:
        yield sink
    finally:
        sink.release()
        controller.stop()
