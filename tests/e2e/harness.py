"""The parts of the orchestrated test that are tests' own: a switchable SMTP server, the env."""

from __future__ import annotations

from dataclasses import dataclass

from bench.orchestra import Orchestra
from notifications.mail_sink import MailSink
from storage.db import Database


class SwitchableSmtp:
    """A real SMTP server on a fixed loopback port that can go down and come back."""

    def __init__(self) -> None:
        self.sink = MailSink()
        self.port = self.sink.port

    def up(self) -> None:
        self.sink.start()

    def down(self) -> None:
        self.sink.stop()


@dataclass
class Env:
    orchestra: Orchestra
    db: Database
    smtp: SwitchableSmtp
    app_url: str
