"""The Prefect flows under the Prefect test harness: same jobs, same single delivery."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import date

import pytest

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="dondoc-prefect-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect.testing.utilities import prefect_test_harness  # noqa: E402

from flows.prefect_flows import deliver_flow, sweep_flow  # noqa: E402
from notifications.mail_sink import MailSink, running_sink  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.factories import add_task, at, setup  # noqa: E402

pytestmark = pytest.mark.prefect


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[MailSink]:
    with running_sink() as s:
        monkeypatch.setenv("DONDOC_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("DONDOC_SMTP_PORT", str(s.port))
        yield s


def test_sweep_and_deliver_flows_send_each_digest_once(
    prefect_server: None, db: Database, sink: MailSink, small_agencies,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("DONDOC_DATABASE_URL", db.url)
    ids = setup(db, small_agencies)
    add_task(db, ids, date(2026, 1, 12), coordinators=("so-noi-vu", "so-vhttdl"))
    add_task(db, ids, date(2025, 12, 31), lead="so-noi-vu")
    planned = sweep_flow(at=at(date(2026, 1, 9)))
    assert (planned["reminders"], planned["digests"]) == (5, 4)  # with the head escalation
    assert sweep_flow(at=at(date(2026, 1, 9)))["reminders"] == 0
    sent = deliver_flow(at=at(date(2026, 1, 9)), lanes=2)
    assert (sent["claimed"], sent["sent"], sent["failed"]) == (4, 4, 0)
    assert deliver_flow(at=at(date(2026, 1, 9)))["claimed"] == 0
    assert len(sink.message_ids()) == len(set(sink.message_ids())) == 4
