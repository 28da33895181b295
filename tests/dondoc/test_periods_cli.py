"""The command line with time controlled: a notice with a monthly report ("gửi trước ngày 05 hằng
tháng") and an event-bound task registered on 4/1/2027, then `dondoc sweep --at` across Tết 2027,
`dondoc tasks --as-of` and `dondoc report`; SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from typer.testing import CliRunner

from directives.calendar import TIMEZONE
from dondoc.cli import app
from notifications.mail_sink import MailSink, running_sink
from storage.db import Database

NOTICE = Path(__file__).parents[1] / "fixtures" / "notices_recurring_tb.txt"
AGENCIES = Path(__file__).parents[1] / "fixtures" / "agencies_small.yaml"


@pytest.fixture
def env(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailSink]:
    with running_sink() as sink:
        for name, value in (("DATABASE_URL", db.url), ("SMTP_HOST", "127.0.0.1"),
                            ("SMTP_PORT", str(sink.port))):  # fmt: skip
            monkeypatch.setenv(f"DONDOC_{name}", value)
        yield sink


def run(*args: str) -> dict | list:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else {}


def test_registered_monthly_task_is_swept_per_period_across_tet(
    db: Database, env: MailSink
) -> None:
    run("agencies", "load", str(AGENCIES))
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=TIMEZONE), tick=False):
        run("register", str(NOTICE), "--yes")
    tasks = {t["ref"]: t for t in run("tasks", "--as-of", "2027-01-04", "--json")}
    assert tasks["1"]["deadline"] == "2027-01-05" and tasks["2"]["bucket"] == "awaiting_deadline"

    tet = run("sweep", "--at", "2027-02-05T07:30", "--json")
    assert tet["working_day"] is False and tet["reminders"] == 0
    after = run("sweep", "--at", "2027-02-11T07:30", "--json")  # Jan's period is overdue
    assert after["reminders"] >= 1
    listed = {t["ref"]: t for t in run("tasks", "--as-of", "2027-02-11", "--json")}
    assert (listed["1"]["deadline"], listed["1"]["bucket"]) == ("2027-01-05", "open_overdue")
    waiting = run("tasks", "--as-of", "2027-02-11", "--bucket", "awaiting_deadline", "--json")
    assert [t["ref"] for t in waiting] == ["2"]
    with time_machine.travel(datetime(2027, 2, 11, 8, tzinfo=TIMEZONE)):  # held until 07:30
        sent = run("deliver", "--json")
    assert sent["sent"] >= 1 and sent["failed"] == 0
    assert any("snv@langson.example.org" in m["To"] for m in env.parsed())
