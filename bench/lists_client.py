"""The readers of bench.lists: raw keep-alive HTTP/1.1 connections (asyncio) to the app's own
uvicorn process, each reading the server's time from its Server-Timing header (bench.lists_app).

Raw on purpose, as bench.web_load found: httpx spent more CPU per request than the server, on the
same cores, so the clients would have measured themselves.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

_DUR = re.compile(r"app;dur=([0-9.]+)")


class Connection:
    def __init__(self, port: int, header: str) -> None:
        self.port, self.header = port, header.encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def get(self, path: str) -> tuple[int, float, int]:
        """(status, the server's ms, body bytes); once again on a new connection if the server
        closed this one while it was idle."""
        try:
            return await self._get(path)
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.open()
            return await self._get(path)

    async def _get(self, path: str) -> tuple[int, float, int]:
        assert self.reader is not None and self.writer is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n".encode() + self.header
                          + b"\r\n")  # fmt: skip
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *lines = raw.decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines if line)
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        else:  # chunked (a streamed template)
            body = await _chunks(self.reader)
        found = _DUR.search(headers.get("server-timing", ""))
        if headers.get("connection") == "close":
            self.writer.close()
            await self.open()
        return (
            int(status_line.split(" ", 2)[1]),
            float(found.group(1)) if found else -1.0,
            len(body),
        )

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _chunks(reader: asyncio.StreamReader) -> bytes:
    out = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        out += await reader.readexactly(size + 2)
        if size == 0:
            return out


@dataclass
class Times:
    client: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)
    body_bytes: int = 0


async def one_round(conns: list[Connection], path: str, into: Times, spread: float = 0.0) -> None:
    """Every reader asks for `path`: at once (spread 0: 20 readers, 20 concurrent requests), or
    the i-th of n after i/n of `spread` seconds, as people reading pages would."""

    async def ask(i: int, conn: Connection) -> None:
        await asyncio.sleep(spread * i / len(conns))
        started = time.perf_counter()
        status, server_ms, size = await conn.get(path)
        into.client.append((time.perf_counter() - started) * 1000)
        into.server.append(server_ms)
        into.body_bytes = size
        if status != 200:
            into.errors.append(status)

    await asyncio.gather(*(ask(i, c) for i, c in enumerate(conns)))
