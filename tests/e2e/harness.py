"""The parts of the orchestrated test that are tests' own: a switchable SMTP server, the env."""

from __future__ import annotations

from dataclasses import dataclass

from aiosmtpd.controller import Controller
from smtp_sink import Sink, free_port

from bench.orchestra import Orchestra
from storage.db import Database


class SwitchableSmtp:
    """A real SMTP server on a fixed loopback port that can go down and come back."""

    def __init__(self) -> None:
        self.sink = Sink()
        self.port = free_port()
        self.sink.port = self.port
        self._controller: Controller | None = None

    def up(self) -> None:
        self._controller = Controller(
            self.sink, hostname="127.0.0.1", port=self.port, ready_timeout=10
        )
        self._controller.start()

    def down(self) -> None:
        if self._controller is not None:
            self.sink.release()
            self._controller.stop()
            self._controller = None


@dataclass
class Env:
    orchestra: Orchestra
    db: Database
    smtp: SwitchableSmtp
    app_url: str
