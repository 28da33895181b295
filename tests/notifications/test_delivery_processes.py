"""Real processes against one database: concurrent sweeps and deliveries, a killed sender."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from notifications.delivery import LEASE, deliver
from notifications.mail_sink import MailSink, running_sink
from notifications.mime import Mail, build
from notifications.outbox import enqueue
from notifications.smtp import SmtpConfig
from storage.db import Database, utcnow
from storage.models import OutboxRow, ReminderRow
from tests.factories import add_task, setup

ROOT = Path(__file__).resolve().parents[2]
FROM = "Văn phòng UBND tỉnh <dondoc@langson.example.org>"
LEADS = ("so-ngoai-vu", "so-noi-vu", "so-vhttdl", "vp-ubnd", "ubnd-tinh")


@pytest.fixture
def sink() -> Iterator[MailSink]:
    with running_sink() as s:
        yield s


def dondoc(db: Database, sink: MailSink, *args: str, connections: int = 2) -> subprocess.Popen:
    env = {
        **os.environ,
        "DONDOC_DATABASE_URL": db.url,
        "DONDOC_SMTP_HOST": "127.0.0.1",
        "DONDOC_SMTP_PORT": str(sink.port),
        "DONDOC_SMTP_CONNECTIONS": str(connections),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "dondoc", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finish(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    return json.loads(out)


def fill_outbox(db: Database, n: int) -> None:
    now = utcnow()
    with db.write() as s:
        for i in range(n):
            key = f"leader_weekly:ld{i}@langson.example.org:2026-W02"
            message, mid = build(Mail(FROM, f"ld{i}@langson.example.org", "Báo cáo tuần", "x",
                                      "<p>x</p>", now, key, "langson.example.org"))  # fmt: skip
            enqueue(s, key=key, kind="leader_weekly", recipient=f"ld{i}@langson.example.org",
                    slot=date(2026, 1, 9), subject="Báo cáo tuần", message=message,
                    message_id=mid, now=now)  # fmt: skip


def statuses(db: Database) -> dict[str, int]:
    with db.read() as s:
        stmt = sa.select(OutboxRow.status, sa.func.count()).group_by(OutboxRow.status)
        return dict(s.execute(stmt).all())


def test_two_sweeps_and_two_deliveries_at_once_send_nothing_twice(
    db: Database, sink: MailSink, small_agencies
) -> None:
    ids = setup(db, small_agencies)
    for i in range(30):
        add_task(db, ids, date(2026, 1, 8) + timedelta(days=i % 5), lead=LEADS[i % 5],
                 coordinators=(LEADS[(i + 1) % 5],), content=f"Nhiệm vụ số {i}")  # fmt: skip
    fill_outbox(db, 150)
    procs = [dondoc(db, sink, "sweep", "--at", "2026-01-09T07:30", "--json") for _ in range(2)]
    procs += [dondoc(db, sink, "deliver", "--json") for _ in range(2)]
    sweeps, delivers = [finish(p) for p in procs[:2]], [finish(p) for p in procs[2:]]
    with db.read() as s:
        planned = s.scalar(sa.select(sa.func.count()).select_from(ReminderRow))
    assert sum(r["reminders"] for r in sweeps) == planned > 0  # each reminder written once
    assert sorted(r["digests"] for r in sweeps)[0] in (0, 5) and sum(
        r["digests"] for r in sweeps) == 5  # fmt: skip
    cfg = SmtpConfig("127.0.0.1", sink.port, FROM)
    late = deliver(db, cfg)  # whatever the sweeps committed after the deliveries finished
    assert sum(d["sent"] for d in delivers) + late.sent == 155
    assert statuses(db) == {"sent": 155}
    ids_at_sink = sink.message_ids()
    assert len(ids_at_sink) == len(set(ids_at_sink)) == 155


def test_a_sender_killed_mid_batch_loses_nothing_after_the_lease(
    db: Database, sink: MailSink
) -> None:
    fill_outbox(db, 30)
    sink.stall_after = 5
    proc = dondoc(db, sink, "deliver", connections=1)
    try:
        assert sink.stalled.wait(120), proc.stderr.read() if proc.poll() is not None else ""
        tick = threading.Event()
        for _ in range(400):  # the five accepted are marked sent right behind the sends
            if statuses(db).get("sent") == 5:
                break
            tick.wait(0.05)
    finally:
        proc.kill()
        proc.wait(timeout=60)
    stuck = statuses(db)
    assert stuck["sent"] == 5 and stuck["sending"] >= 1
    sink.stall_after = None
    sink.release()
    stats = deliver(db, SmtpConfig("127.0.0.1", sink.port, FROM), utcnow() + LEASE + LEASE)
    assert stats.reaped == stuck["sending"] and stats.sent == 25
    assert statuses(db) == {"sent": 30}
    assert len(sink.message_ids()) == len(set(sink.message_ids())) == 30
