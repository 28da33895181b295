"""50 `kill -9` of a real `dondoc deliver` mid-send: nothing lost, at most one resend per open
connection per crash, and every resend is the same mail (same recipient, same Message-ID).

The SMTP server is aiosmtpd in a process of its own (bench.smtp_sink) that appends
"recipient<TAB>Message-ID" for each accepted mail to a file before answering 250; the test
follows that file to choose its moments. Each kill comes after a number of newly accepted mails
drawn from a seeded RNG (1 to 12, so the moment falls anywhere in a claim, a send or a mark);
each restart runs with `--at` one lease later, so it takes back the rows the killed process
held, as the next delivery would after the 15-minute lease. 1,500 digests keep the test within
a few minutes on a loaded 2-core machine (each restart costs a Python start-up).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.deliver import fill, messages
from notifications.delivery import LEASE
from storage.db import Database, utcnow
from storage.models import OutboxRow

ROOT = Path(__file__).resolve().parents[2]
DIGESTS, KILLS, CONNECTIONS, SEED = 1500, 50, 2, 20261202
RUN_LIMIT = 120.0  # seconds one run may take to reach its kill moment


class SinkProcess:
    """bench.smtp_sink in its own process, recording each accepted mail to a file."""

    def __init__(self, record: Path) -> None:
        self.record = record
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.smtp_sink", "--record", str(record)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())

    def count(self) -> int:
        return self.record.read_bytes().count(b"\n") if self.record.exists() else 0

    def received(self) -> list[tuple[str, str]]:
        lines = self.record.read_text().splitlines()
        return [tuple(line.split("\t", 1)) for line in lines]  # type: ignore[misc]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.communicate(timeout=60)


def start_deliver(db: Database, port: int, at: str) -> subprocess.Popen:
    env = {**os.environ, "DONDOC_DATABASE_URL": db.url, "DONDOC_SMTP_HOST": "127.0.0.1",
           "DONDOC_SMTP_PORT": str(port), "DONDOC_SMTP_CONNECTIONS": str(CONNECTIONS)}  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "dondoc", "deliver", "--json", "--at", at], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for(sink: SinkProcess, target: int, proc: subprocess.Popen) -> bool:
    """Poll the sink until `target` mails arrived; False if the run ended first."""
    tick, deadline = threading.Event(), time.monotonic() + RUN_LIMIT
    while sink.count() < target:
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline, "delivery made no progress"
        tick.wait(0.002)
    return True


def test_fifty_kills_lose_nothing_and_resend_at_most_one_per_connection(
    db: Database, tmp_path: Path
) -> None:
    fill(db, messages(DIGESTS))
    with db.read() as s:
        expected = dict(s.execute(sa.select(OutboxRow.message_id, OutboxRow.recipient)).all())
    sink, rng = SinkProcess(tmp_path / "received.tsv"), random.Random(SEED)
    moment, kills = utcnow() + timedelta(minutes=1), 0
    try:
        for _ in range(KILLS):
            proc = start_deliver(db, sink.port, moment.isoformat())
            moment += LEASE + timedelta(minutes=1)  # the next run takes back what this one held
            if not wait_for(sink, sink.count() + rng.randint(1, 12), proc):
                break
            proc.kill()
            proc.wait(timeout=60)
            kills += 1
        final = start_deliver(db, sink.port, moment.isoformat())
        assert final.wait(timeout=300) == 0, final.stderr.read() if final.stderr else ""
    finally:
        sink.stop()
    received = sink.received()
    copies = Counter(mid for _, mid in received)
    assert kills == KILLS
    assert set(copies) == set(expected)  # nothing lost, nothing foreign
    extra = len(received) - len(expected)
    assert extra <= CONNECTIONS * kills, f"{extra} resends over {kills} kills"
    assert all(rcpt == expected[mid] for rcpt, mid in received)  # a resend is the same mail
    with db.read() as s:
        stmt = sa.select(OutboxRow.status, sa.func.count()).group_by(OutboxRow.status)
        assert dict(s.execute(stmt).all()) == {"sent": DIGESTS}
    print(f"{db.dialect}: {kills} kills, {extra} resends, most copies {max(copies.values())}")
