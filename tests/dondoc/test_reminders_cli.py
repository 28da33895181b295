"""`dondoc sweep/deliver/outbox`, the embedded APScheduler runner."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.settings import Settings
from flows.scheduler import MISFIRE_GRACE, build_scheduler
from notifications.mail_sink import MailSink
from storage.db import Database
from tests.cli_testing import run_json
from tests.factories import add_task, at, setup

ROOT = Path(__file__).resolve().parents[2]
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_sweep_deliver_and_outbox_commands_show_what_a_clerk_needs(
    db: Database, cli_mail: MailSink, small_agencies
) -> None:
    ids = setup(db, small_agencies)
    add_task(db, ids, date(2026, 1, 12), coordinators=("so-noi-vu",))
    cli_mail.refuse["snv@langson.example.org"] = "550 5.1.1 Mailbox unavailable"
    planned = run_json("sweep", "--at", "2026-01-09T07:30", "--json")
    assert (planned["slot"], planned["reminders"], planned["digests"]) == ("2026-01-09", 2, 2)
    assert run_json("sweep", "--at", "2026-01-09T09:00+07:00", "--json")["reminders"] == 0
    sent = run_json("deliver", "--json")
    assert (sent["sent"], sent["failed"], sent["retried"]) == (1, 1, 0)
    shown = run_json("outbox", "--json")
    assert shown["counts"] == {"sent": 1, "failed": 1}
    (failed,) = shown["rows"]
    assert failed["recipient"] == "snv@langson.example.org"
    assert "550 5.1.1 Mailbox unavailable" in failed["last_error"]
    assert len(run_json("outbox", "--json", "--all")["rows"]) == 2
    text = CliRunner().invoke(app, ["outbox"]).stdout
    assert "failed 1, sent 1" in text and "550" in text


def test_bad_at_is_one_line_on_stderr_and_exit_2(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "dondoc", "sweep", "--at", "yesterday"], cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DONDOC_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: --at 'yesterday': expected an ISO date-time, e.g. 2026-01-12T07:30"
    ]


def test_scheduler_jobs_have_ids_zone_and_misfire_policy() -> None:
    scheduler = build_scheduler(Settings())
    scheduler.start(paused=True)  # job defaults apply once the scheduler has started
    jobs = {job.id: job for job in scheduler.get_jobs()}
    scheduler.shutdown(wait=False)
    assert set(jobs) == {"sweep", "deliver", "leader_weekly"}
    assert str(scheduler.timezone) == "Asia/Ho_Chi_Minh"
    for job in jobs.values():
        assert (job.coalesce, job.max_instances) == (True, 1)
        assert job.misfire_grace_time == MISFIRE_GRACE
        assert job.trigger.timezone == VN
    friday_evening = datetime(2026, 1, 9, 18, 0, tzinfo=VN)
    assert jobs["sweep"].trigger.get_next_fire_time(None, friday_evening) == datetime(
        2026, 1, 10, 7, 30, tzinfo=VN
    )  # the job itself checks the calendar: 10/1/2026 is a worked Saturday
    assert jobs["leader_weekly"].trigger.get_next_fire_time(None, friday_evening) == datetime(
        2026, 1, 12, 7, 0, tzinfo=VN
    )  # Monday morning


def test_scheduler_runs_the_same_jobs_end_to_end(
    db: Database, cli_mail: MailSink, small_agencies
) -> None:
    ids = setup(db, small_agencies)
    add_task(db, ids, date(2026, 1, 12))
    done: dict[str, threading.Event] = {"sweep": threading.Event(), "deliver": threading.Event()}
    errors: list[BaseException] = []

    def listen(event: JobExecutionEvent) -> None:
        if event.exception:
            errors.append(event.exception)
        done[event.job_id].set()

    with time_machine.travel(at(date(2026, 1, 9)), tick=True):
        scheduler = build_scheduler(Settings())
        scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        scheduler.start(paused=True)
        try:
            scheduler.modify_job("sweep", next_run_time=datetime.now(VN))
            scheduler.resume()
            assert done["sweep"].wait(60) and not errors
            scheduler.modify_job("deliver", next_run_time=datetime.now(VN))
            assert done["deliver"].wait(60) and not errors, errors
        finally:
            scheduler.shutdown(wait=True)
    assert [rcpts for _, rcpts, _ in cli_mail.messages] == [["sngv@langson.example.org"]]
