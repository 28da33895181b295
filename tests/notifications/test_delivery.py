"""Delivery to a real SMTP server (aiosmtpd) from SQLite and PostgreSQL outboxes."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parseaddr

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from notifications.delivery import LEASE, backoff, claim, deliver
from notifications.mail_sink import MailSink, free_port, running_sink
from notifications.mime import Attachment, Mail, build
from notifications.outbox import enqueue
from notifications.smtp import SmtpConfig
from storage.db import Database
from storage.models import OutboxRow

NOW = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam, a Monday
FROM = "Văn phòng UBND tỉnh <dondoc@langson.example.org>"


@pytest.fixture
def sink() -> Iterator[MailSink]:
    with running_sink() as s:
        yield s


def smtp(port: int, connections: int = 2) -> SmtpConfig:
    return SmtpConfig("127.0.0.1", port, FROM, connections=connections, timeout=10)


def put(db: Database, recipient: str, kind: str = "digest", **mail) -> int:  # noqa: ANN003
    key = f"{kind}:{recipient}:2026-01-12"
    message, message_id = build(
        Mail(sender=FROM, to=recipient, subject=f"Nhắc việc {recipient}", text="Nội dung",
             html="<p>Nội dung</p>", date=NOW, id_key=key, domain="langson.example.org", **mail)
    )  # fmt: skip
    with db.write() as s:
        return enqueue(s, key=key, kind=kind, recipient=recipient, slot=date(2026, 1, 12),
                       subject="Nhắc", message=message, message_id=message_id, now=NOW)  # fmt: skip


def rows(db: Database) -> dict[str, OutboxRow]:
    with db.read() as s:
        stmt = sa.select(OutboxRow).options(selectinload(OutboxRow.body))
        return {r.recipient: r for r in s.scalars(stmt)}


def test_each_row_is_sent_once_as_stored_including_other_kinds(
    db: Database, sink: MailSink
) -> None:
    for i in range(7):
        put(db, f"so{i}@langson.example.org")
    docx = Attachment("bao-cao-tuan.docx", b"PK\x03\x04 docx", "application",
                      "vnd.openxmlformats-officedocument.wordprocessingml.document")  # fmt: skip
    put(db, "lanhdao@langson.example.org", kind="leader_weekly", attachments=(docx,))
    stats = deliver(db, smtp(sink.port), NOW)
    assert (stats.claimed, stats.sent, stats.retried, stats.failed) == (8, 8, 0, 0)
    assert sorted(sink.message_ids()) == sorted(r.message_id for r in rows(db).values())
    stored = rows(db)
    for mail_from, rcpts, raw in sink.messages:
        assert mail_from == "dondoc@langson.example.org"
        assert raw.rstrip(b"\r\n") == stored[rcpts[0]].message.rstrip(b"\r\n")
    weekly = next(m for m in sink.parsed() if m["To"] == "lanhdao@langson.example.org")
    (attachment,) = list(weekly.iter_attachments())
    assert attachment.get_filename() == "bao-cao-tuan.docx"
    assert all(r.status == "sent" and r.sent_at == NOW and r.attempts == 1 for r in stored.values())
    assert deliver(db, smtp(sink.port), NOW + timedelta(hours=1)).claimed == 0
    assert len(sink.messages) == 8


def test_4xx_is_retried_with_backoff_then_delivered_once(db: Database, sink: MailSink) -> None:
    for i in range(3):
        put(db, f"so{i}@langson.example.org")
    sink.data_replies = ["451 4.3.0 Mailbox busy, try later"] * 3
    stats = deliver(db, smtp(sink.port, connections=1), NOW)
    assert (stats.sent, stats.retried, stats.failed) == (0, 3, 0)
    for r in rows(db).values():
        assert (r.status, r.attempts, r.next_attempt_at) == ("pending", 1, NOW + backoff(1))
        assert "451" in r.last_error
    assert deliver(db, smtp(sink.port), NOW + timedelta(seconds=30)).claimed == 0  # backing off
    stats = deliver(db, smtp(sink.port), NOW + backoff(1))
    assert (stats.sent, stats.retried) == (3, 0)
    assert len(sink.messages) == 3 == len(set(sink.message_ids()))
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 10)] == [60, 120, 240, 7200]


def test_5xx_for_one_recipient_fails_it_and_the_others_go(db: Database, sink: MailSink) -> None:
    for name in ("so1", "nouser", "so2"):
        put(db, f"{name}@langson.example.org")
    sink.refuse["nouser@langson.example.org"] = "550 5.1.1 No such user"
    stats = deliver(db, smtp(sink.port, connections=1), NOW)
    assert (stats.sent, stats.failed) == (2, 1)
    bad = rows(db)["nouser@langson.example.org"]
    assert bad.status == "failed" and "550 5.1.1 No such user" in bad.last_error
    assert sorted(r for _, (r,), _ in sink.messages) == [
        "so1@langson.example.org", "so2@langson.example.org"]  # fmt: skip
    assert deliver(db, smtp(sink.port), NOW + timedelta(days=1)).claimed == 0  # stays failed


def test_server_down_loses_nothing(db: Database, sink: MailSink) -> None:
    for i in range(4):
        put(db, f"so{i}@langson.example.org")
    stats = deliver(db, smtp(free_port()), NOW)  # nobody listening
    assert (stats.sent, stats.retried) == (0, 4)
    assert all("connect" in r.last_error for r in rows(db).values())
    assert deliver(db, smtp(sink.port), NOW + timedelta(minutes=5)).sent == 4
    assert len(sink.messages) == 4


def test_header_injection_in_an_address_fails_that_row_only(db: Database, sink: MailSink) -> None:
    put(db, "so1@langson.example.org")
    evil = "x@langson.example.org\r\nRCPT TO:<spy@evil.example>"
    put(db, evil)
    stats = deliver(db, smtp(sink.port, connections=1), NOW)
    assert (stats.sent, stats.failed) == (1, 1)
    assert [rcpts for _, rcpts, _ in sink.messages] == [["so1@langson.example.org"]]
    assert "invalid address" in rows(db)[evil].last_error


def test_lease_reaper_returns_rows_of_a_dead_worker(db: Database, sink: MailSink) -> None:
    for i in range(3):
        put(db, f"so{i}@langson.example.org")
    assert len(claim(db, NOW, 10, "dead-worker")) == 3  # claimed, then the worker died
    assert deliver(db, smtp(sink.port), NOW + timedelta(minutes=1)).claimed == 0
    stats = deliver(db, smtp(sink.port), NOW + LEASE + timedelta(seconds=1))
    assert (stats.reaped, stats.sent) == (3, 3)
    assert len(set(sink.message_ids())) == 3


def test_sweep_digests_reach_the_sink_as_vietnamese_multipart(
    db: Database, sink: MailSink, small_agencies
) -> None:
    from dondoc.settings import Settings
    from dondoc.wiring import smtp_config
    from flows.jobs import sweep
    from tests.factories import add_task, at, setup

    ids = setup(db, small_agencies)
    add_task(db, ids, date(2026, 1, 12), coordinators=("so-noi-vu", "so-vhttdl"))
    settings = Settings(database_url=db.url, smtp_port=sink.port)
    sweep(db, settings, at(date(2026, 1, 9)))
    assert deliver(db, smtp_config(settings), at(date(2026, 1, 9), time(8))).sent == 3
    by_rcpt = {rcpts[0]: email.message_from_bytes(raw, policy=email.policy.default)
               for _, rcpts, raw in sink.messages}  # fmt: skip
    vh = by_rcpt["svhttdl@langson.example.org"]
    assert vh["To"].addresses[0].display_name == "Sở Văn hóa, Thể thao và Du lịch"
    assert [p.get_content_type() for p in vh.iter_parts()] == ["text/plain", "text/html"]
    assert "PHỐI HỢP" in vh.get_body(("plain",)).get_content()


def test_the_fast_address_check_agrees_with_parseaddr() -> None:
    from notifications.smtp import _plain_address

    plain = ["so1@langson.example.org", "van-thu.ubnd+2026@lang-son.gov.vn", "a_b@x.io"]
    odd = ["a..b@x.org", ".a@x.org", "a@x", "a@x.org\n", "a@x.org\r\nRCPT TO:<b@y.org>",
           "Sở <a@x.org>", "a@x.org, b@y.org", "a b@x.org", "a@x..org", ""]  # fmt: skip
    assert all(_plain_address(a) for a in plain)
    for address in odd:
        assert _plain_address(address) == (
            address.isprintable() and " " not in address and parseaddr(address)[1] == address
        ), address
