"""The app as bench.lists serves it: web.app.create_app with a `Server-Timing: app;dur=<ms>` header,
the time from the request's arrival in the app to its response's start (the whole handler: SQL,
rows, template or JSON), so the bench reads server time apart from its own clients' overhead.
Only for the bench (uvicorn --factory bench.lists_app:create_app); the app itself sends none."""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.app import create_app as create_web_app


class ServerTiming:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - started) * 1000
                message["headers"] = [*message.get("headers", []),
                                      (b"server-timing", f"app;dur={ms:.2f}".encode())]  # fmt: skip
            await send(message)

        await self.app(scope, receive, timed)


def create_app(**kwargs: Any) -> ASGIApp:
    return ServerTiming(create_web_app(**kwargs))
