"""Orchestrated mode with real processes: a Prefect server on PostgreSQL, two process workers,
the deployments of `dondoc deploy` and an SMTP server, then faults: a worker killed mid-delivery,
the mail server down for a while, and the embedded APScheduler runner at the same time.
Every due digest must arrive, and arrive once.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from collections import Counter
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

from bench.orchestra import wait_until
from storage.models import OutboxRow
from tests.e2e.harness import Env

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
COUNTS: dict[str, dict[str, int]] = {}


def at(day: str) -> datetime:
    """07:30 in Vietnam on a working day of 2025 (the send slot)."""
    return datetime.fromisoformat(f"{day}T07:30:00").replace(tzinfo=VN)


def run_flow(env: Env, name: str, when: datetime, **params: object) -> dict:
    run_id = env.orchestra.run(name, name, {"at": when.isoformat(), **params})
    state = env.orchestra.wait(run_id)
    assert state == "COMPLETED", f"{name} ended {state}: {env.orchestra.flow_run(run_id)['state']}"
    return env.orchestra.flow_run(run_id)


def outbox(env: Env) -> dict[str, str]:
    """message_id -> status of every outbox row."""
    with env.db.read() as s:
        return dict(s.execute(sa.select(OutboxRow.message_id, OutboxRow.status)).all())


def received(env: Env) -> Counter[str]:
    return Counter(env.smtp.sink.message_ids())


def assert_exactly_once(env: Env, label: str) -> None:
    rows, got = outbox(env), received(env)
    assert rows, "the sweep planned no digest: the scenario tests nothing"
    assert set(rows.values()) == {"sent"}, Counter(rows.values())
    assert set(got) == set(rows), "a due digest was lost, or a stranger arrived"
    assert max(got.values()) == 1, [m for m, n in got.items() if n > 1]
    COUNTS[label] = {"digests": len(rows), "received": sum(got.values()), "duplicates": 0}


def test_deployments_run_on_cron_in_vietnam_time(env: Env) -> None:
    start = datetime(2031, 3, 3, tzinfo=VN)  # a Monday, far from the runs the tests drive
    expected = {"dondoc-sweep": {(d, 7, 30) for d in range(3, 8)}, "dondoc-weekly": {(3, 7, 0)}}
    for name, times in expected.items():
        dep = env.orchestra.deployment(name, name)
        runs = env.orchestra.schedule_runs(
            dep["id"], start.isoformat(), (start + timedelta(days=4, hours=23)).isoformat()
        )
        when = {datetime.fromisoformat(r["expected_start_time"]).astimezone(VN) for r in runs}
        for run in runs:
            env.orchestra.delete_run(run["id"])
        assert {(w.day, w.hour, w.minute) for w in when} == times


def test_due_digests_arrive_exactly_once_with_two_workers(env: Env) -> None:
    run_flow(env, "dondoc-sweep", at("2025-03-03"))
    first = len(outbox(env))
    run_flow(env, "dondoc-sweep", at("2025-03-03"))  # a second sweep of the same slot
    assert len(outbox(env)) == first
    run_flow(env, "dondoc-deliver", at("2025-03-03"), lanes=2)
    assert_exactly_once(env, "two workers")


def test_weekly_leader_rollup_is_mailed_once_with_the_docx(env: Env) -> None:
    monday = at("2025-03-10")
    run_flow(env, "dondoc-weekly", monday)
    run_flow(env, "dondoc-weekly", monday)  # the same week again: nothing more
    run_flow(env, "dondoc-deliver", monday)
    leader = "lanhdao@langson.example.org"
    to_leader = [m for m in env.smtp.sink.parsed() if m["To"].addresses[0].addr_spec == leader]
    assert len(to_leader) == 1
    docx = [p for p in to_leader[0].iter_attachments() if p.get_filename().endswith(".docx")]
    assert len(docx) == 1 and docx[0].get_content()[:2] == b"PK"  # a real DOCX (zip)
    assert_exactly_once(env, "weekly rollup")


def test_smtp_down_for_a_while_loses_nothing_sends_nothing_twice(env: Env) -> None:
    run_flow(env, "dondoc-sweep", at("2025-03-06"))
    pending = [m for m, s in outbox(env).items() if s == "pending"]
    assert pending
    env.smtp.down()
    run_flow(env, "dondoc-deliver", at("2025-03-06"))
    assert {outbox(env)[m] for m in pending} == {"pending"}  # retried later, not failed
    env.smtp.up()
    run_flow(env, "dondoc-deliver", at("2025-03-06") + timedelta(hours=3))  # after the backoff
    assert_exactly_once(env, "smtp outage")


def _sender_and_worker(env: Env, run_id: str) -> tuple[int, int]:
    """The pid of the process running the flow and of the worker that started it."""
    pid = int(str(env.orchestra.flow_run(run_id)["infrastructure_pid"]).rsplit(":", 1)[-1])
    with open(f"/proc/{pid}/stat") as stat:
        parent = int(stat.read().rsplit(")", 1)[1].split()[1])
    return pid, parent


def test_worker_killed_mid_delivery_the_other_finishes(env: Env) -> None:
    run_flow(env, "dondoc-sweep", at("2025-03-11"))
    sink = env.smtp.sink
    sink.stalled.clear()
    sink.stall_after = len(sink.messages) + 2  # accept two, then hold the next DATA
    run_id = env.orchestra.run(
        "dondoc-deliver", "dondoc-deliver", {"at": at("2025-03-11").isoformat()}
    )
    assert sink.stalled.wait(120), "delivery never reached the mail server"
    accepted = set(sink.message_ids())
    # Marks follow acceptance by one database write (at-least-once in that window, same
    # Message-ID); the kill comes after them, so this checks loss, not that window.
    wait_until(lambda: {m for m, st in outbox(env).items() if st == "sent"} >= accepted, 60,
               "the accepted mails to be marked sent")  # fmt: skip
    sender, worker_pid = _sender_and_worker(env, run_id)
    worker = next(p for p in env.orchestra.procs if p.pid == worker_pid)
    os.kill(sender, signal.SIGKILL)
    worker.kill()
    sink.stall_after = None
    sink.release()  # the held DATA now gets a 4xx on a dead connection: not delivered
    assert "sending" in outbox(env).values()  # claimed by the dead worker
    survivor = [p for p in env.orchestra.procs if p.name.startswith("worker") and p.alive()]
    assert len(survivor) == 1
    # The dead run still reads RUNNING and holds the deployment's slot until its lease expires
    # (the flow engine renews it for 300 s). Marking it crashed, as Prefect's zombie automation
    # or an operator does, frees the slot at once.
    assert env.orchestra.state(run_id) == "RUNNING"
    env.orchestra.mark_crashed(run_id)
    wait_until(
        lambda: env.orchestra.active_slots("dondoc-deliver", "dondoc-deliver") == 0,
        120,
        "the dead run's deployment slot to be freed",
    )
    # after the 15-minute lease the survivor reaps the dead worker's rows and sends them
    run_flow(env, "dondoc-deliver", at("2025-03-11") + timedelta(minutes=20))
    assert_exactly_once(env, "worker killed")


def test_embedded_scheduler_at_the_same_time_sends_nothing_twice(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows import jobs
    from flows.scheduler import build_scheduler

    when = at("2025-03-14")
    for key in ("DONDOC_DATABASE_URL", "DONDOC_SMTP_HOST", "DONDOC_SMTP_PORT"):
        monkeypatch.setenv(key, env.orchestra.env[key])
    embedded = [
        jobs.ScheduledJob("sweep", partial(jobs.sweep_job, when), lambda s: "0 7 * * *"),
        jobs.ScheduledJob("deliver", partial(jobs.deliver_job, when), lambda s: "0 7 * * *"),
    ]
    jobs.get_settings.cache_clear()  # read the environment set above
    scheduler = build_scheduler(jobs.get_settings(), embedded)
    done, errors = threading.Event(), []
    finished: set[str] = set()

    def listener(event) -> None:  # type: ignore[no-untyped-def]
        if event.exception:
            errors.append(repr(event.exception))
        finished.add(event.job_id)
        if finished >= {"sweep", "deliver"}:
            done.set()

    scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start(paused=True)
    now = datetime.now(VN)
    scheduler.modify_job("sweep", next_run_time=now)
    scheduler.modify_job("deliver", next_run_time=now + timedelta(seconds=1))
    sweep_run = env.orchestra.run("dondoc-sweep", "dondoc-sweep", {"at": when.isoformat()})
    scheduler.resume()
    deliver_run = env.orchestra.run("dondoc-deliver", "dondoc-deliver", {"at": when.isoformat()})
    try:
        assert done.wait(180), "the embedded jobs did not run"
        assert errors == []
        assert env.orchestra.wait(sweep_run) == "COMPLETED"
        assert env.orchestra.wait(deliver_run) == "COMPLETED"
    finally:
        scheduler.shutdown(wait=True)
    run_flow(env, "dondoc-deliver", when)  # whatever the sweeps planned after the deliveries
    assert_exactly_once(env, "embedded runner too")


def test_print_counts(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print("\norchestrated e2e counts:", json.dumps(COUNTS, ensure_ascii=False))
    assert COUNTS  # the scenarios above ran in this process
