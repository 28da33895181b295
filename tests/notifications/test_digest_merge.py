"""One digest per recipient per send moment, whatever sweeps ran before (SQLite and PostgreSQL).

The evening catch-up (sweep at 20:00, then the morning sweep at 06:00) used to leave two
digests to one agency, both going out at 07:30 the next morning. Reminders are now put into the
digest of their send moment: the second sweep merges into the first one's pending mail.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import selectinload
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.settings import Settings
from dondoc.wiring import smtp_config
from flows.jobs import sweep
from notifications.delivery import deliver
from notifications.mail_sink import MailSink, running_sink
from storage.db import Database
from storage.models import OutboxMessageRow, OutboxRow, ReminderRow, TaskRow
from tests.factories import at

SEED = Path(__file__).parents[1] / "fixtures" / "notices" / "tb-ubnd-2024-03-27-so-ngoai-vu.txt"


@pytest.fixture
def cli_env(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailSink]:
    with running_sink() as sink:
        for name, value in (("DATABASE_URL", db.url), ("SMTP_HOST", "127.0.0.1"),
                            ("SMTP_PORT", str(sink.port))):  # fmt: skip
            monkeypatch.setenv(f"DONDOC_{name}", value)
        yield sink


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def digests(db: Database) -> list[OutboxRow]:
    with db.read() as s:
        stmt = sa.select(OutboxRow).where(OutboxRow.kind == "digest")
        return list(s.scalars(stmt.options(selectinload(OutboxRow.body)).order_by(OutboxRow.id)))


def plain(raw: bytes) -> str:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    return parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def register_seed(db: Database) -> None:
    """The seed registered; its assignment notices (thông báo giao nhiệm vụ) are dropped here:
    these tests count digests."""
    cli("agencies", "load")
    cli("register", str(SEED), "--yes")
    with db.write() as s:
        s.execute(sa.delete(OutboxRow).where(OutboxRow.kind == "assignment"))


def assert_one_digest_per_send_moment_and_nothing_lost(db: Database) -> None:
    rows = digests(db)
    moments = Counter((r.recipient, r.next_attempt_at) for r in rows)
    assert max(moments.values(), default=1) == 1, moments.most_common(3)
    pending_days = Counter((r.recipient, r.slot) for r in rows if r.status == "pending")
    assert max(pending_days.values(), default=1) == 1
    by_id = {r.id: r for r in rows}
    with db.read() as s:
        reminders = s.execute(sa.select(ReminderRow.task_id, ReminderRow.outbox_id)).all()
    for task_id, outbox_id in reminders:  # every reminder is in a digest that shows its task
        assert outbox_id in by_id, f"reminder of task {task_id} in no digest"
        message = by_id[outbox_id].message
        assert message is not None and f"/tasks/{task_id}\n" in plain(message)


def test_evening_catch_up_then_morning_sweep_gives_one_digest_each(
    db: Database, cli_env: MailSink
) -> None:
    register_seed(db)
    evening = json.loads(cli("sweep", "--at", "2027-01-07T20:00:00+07:00", "--json"))
    morning = json.loads(cli("sweep", "--at", "2027-01-08T06:00:00+07:00", "--json"))
    assert evening["send_at"] == morning["send_at"] == "2027-01-08T07:30:00+07:00"
    assert morning["reminders"] > 0  # the morning sweep did plan new reminders
    rows = digests(db)
    recipients = [r.recipient for r in rows]
    assert len(recipients) == len(set(recipients)) == evening["digests"]
    assert {r.slot for r in rows} == {date(2027, 1, 8)}
    assert_one_digest_per_send_moment_and_nothing_lost(db)
    with db.read() as s:  # the merged mail counts every task once
        per_digest = Counter(
            outbox_id
            for outbox_id, _ in s.execute(
                sa.select(ReminderRow.outbox_id, ReminderRow.task_id).distinct()
            )
        )
    for row in rows:
        counted = re.findall(r"(\d+) (?:quá hạn|sắp đến hạn|thường xuyên)", row.subject)
        assert sum(map(int, counted)) == per_digest[row.id] and "(08/01/2027)" in row.subject

    with time_machine.travel(at(date(2027, 1, 8), time(6, 30)), tick=False):
        assert json.loads(cli("deliver", "--json"))["sent"] == 0  # held back until 07:30
    with time_machine.travel(at(date(2027, 1, 8), time(7, 31)), tick=False):
        assert json.loads(cli("deliver", "--json"))["sent"] == len(rows)
        arrived = Counter(rcpt for _, rcpts, _ in cli_env.messages for rcpt in rcpts)
        assert set(arrived.values()) == {1} and set(arrived) == set(recipients)
        assert json.loads(cli("deliver", "--json"))["sent"] == 0
    assert len(cli_env.messages) == len(rows)


# Random sweeps (and deliveries) at random moments of a real calendar: January to mid-February
# 2027, Tết inside. Moments in order, as a scheduler lives them; clocks biased to the moments
# that matter (before, at and after the 07:30 send time, evening catch-ups).
START = datetime(2027, 1, 4, tzinfo=at(date(2027, 1, 4)).tzinfo)
CLOCKS = [time(6, 0), time(7, 30), time(7, 45), time(9, 0), time(14, 0), time(17, 30), time(20, 0)]
step = st.tuples(
    st.sampled_from(["sweep", "sweep", "sweep", "deliver"]),
    st.integers(min_value=0, max_value=44),  # day after START (Tết 2027 is days 33-41)
    st.one_of(st.sampled_from(CLOCKS), st.times()),
)
CATCH_UP = [("sweep", 3, time(20, 0)), ("sweep", 4, time(6, 0))]


def _reset(db: Database, registered: date) -> None:
    with db.write() as s:
        s.execute(sa.update(ReminderRow).values(outbox_id=None))
        s.execute(sa.delete(ReminderRow))
        s.execute(sa.delete(OutboxMessageRow))
        s.execute(sa.delete(OutboxRow))
        s.execute(sa.update(TaskRow).values(next_reminder_on=registered))


@pytest.mark.parametrize("dummy", [None])
def test_random_sweeps_never_give_two_digests_at_one_send_moment(
    db: Database, cli_env: MailSink, dummy: None
) -> None:
    register_seed(db)
    with db.read() as s:
        registered = s.scalar(sa.select(sa.func.min(TaskRow.next_reminder_on)))
    cfg = Settings()  # from the environment: this db and the sink

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
    @given(st.lists(step, min_size=1, max_size=7))
    @example(CATCH_UP)
    @example([*CATCH_UP, ("deliver", 4, time(7, 45)), ("sweep", 4, time(9, 0))])
    def run(steps: list[tuple[str, int, time]]) -> None:
        _reset(db, registered)
        for action, day, clock in sorted(steps, key=lambda s: (s[1], s[2])):
            moment = datetime.combine(START.date() + timedelta(days=day), clock, START.tzinfo)
            if action == "sweep":
                sweep(db, cfg, moment)
            else:
                deliver(db, smtp_config(cfg), moment)
        assert_one_digest_per_send_moment_and_nothing_lost(db)

    run()


def test_send_time_is_kept_on_a_merge(db: Database, cli_env: MailSink) -> None:
    """A merged digest keeps its send moment and Message-ID; only its text grows."""
    register_seed(db)
    cfg = Settings()
    sweep(db, cfg, datetime.combine(date(2027, 1, 7), time(20, 0), START.tzinfo))
    before = {r.recipient: (r.id, r.message_id, r.next_attempt_at) for r in digests(db)}
    sweep(db, cfg, datetime.combine(date(2027, 1, 8), time(6, 0), START.tzinfo))
    after = {r.recipient: (r.id, r.message_id, r.next_attempt_at) for r in digests(db)}
    assert after == before


def test_concurrent_sweeps_still_give_one_digest_per_send_moment(
    db: Database, cli_env: MailSink
) -> None:
    """The evening catch-up and the morning sweep run at once (two schedulers): whichever
    inserts the digest first, the other waits on its key and merges into it."""
    import threading

    register_seed(db)
    with db.read() as s:
        registered = s.scalar(sa.select(sa.func.min(TaskRow.next_reminder_on)))
    cfg = Settings()
    moments = [datetime.combine(date(2027, 1, 7), time(20, 0), START.tzinfo),
               datetime.combine(date(2027, 1, 8), time(6, 0), START.tzinfo)]  # fmt: skip
    for _ in range(3):
        _reset(db, registered)
        barrier = threading.Barrier(len(moments))
        errors: list[BaseException] = []

        def run(moment: datetime, barrier: threading.Barrier, errors: list) -> None:
            try:
                barrier.wait(timeout=30)
                sweep(db, cfg, moment)
            except BaseException as exc:  # reported below, in the test's thread
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(m, barrier, errors)) for m in moments]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        assert_one_digest_per_send_moment_and_nothing_lost(db)
        with db.read() as s:
            assert s.scalar(sa.select(sa.func.count()).where(ReminderRow.outbox_id.is_(None))) == 0
