"""Every mail dondoc sends (reminder digests, the leader's weekly report) is marked as
machine-sent, and every link in it opens a page (200) for the person it is addressed to."""

from __future__ import annotations

import email
import re
from datetime import date
from email.policy import default
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from dondoc.settings import Settings
from flows.jobs import sweep
from reports.weekly import enqueue_weekly_reports
from storage.models import AgencyRow, OutboxMessageRow, OutboxRow, UserRow
from tests.factories import USERS, add_task, at, build_world
from tests.web_testing import login
from web.app import create_app

BASE = "https://dondoc.langson.example.org"
NOW = at(date(2026, 1, 9))  # Friday 07:30 in Vietnam
_LINK = re.compile(r"""https?://[^\s"'<>)]+""")


def _mails(db) -> list[tuple[str, email.message.EmailMessage]]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        rows = s.execute(
            sa.select(OutboxRow.kind, OutboxMessageRow.message).join(
                OutboxMessageRow, OutboxMessageRow.outbox_id == OutboxRow.id
            )
        ).all()
    return [(kind, email.message_from_bytes(raw, policy=default)) for kind, raw in rows]


def _reader(db, recipient: str) -> str:  # type: ignore[no-untyped-def]
    """The account that reads mail sent to `recipient`: the leader, the agency's officer (or
    head), else the secretariat (agencies without an account in the test world)."""
    with db.read() as s:
        leader = s.scalar(sa.select(UserRow.username).where(UserRow.email == recipient))
        code = s.scalar(
            sa.select(AgencyRow.code).where(
                sa.or_(AgencyRow.email == recipient, AgencyRow.head_email == recipient)
            )
        )
    if leader:
        return leader
    for username, _role, agency_code, _leader in USERS:
        if agency_code and agency_code == code:
            return username
    return "vanphong"


def test_every_mail_is_auto_submitted_and_every_link_opens(
    db, small_agencies, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    world = build_world(db, small_agencies, with_tokens=False)
    ids = world.agency_ids
    add_task(db, ids, date(2026, 1, 12), coordinators=("so-noi-vu",), number="99/TB-UBND")
    add_task(db, ids, date(2025, 12, 19), lead="so-vhttdl", number="98/TB-UBND")  # overdue
    settings = Settings(base_url=BASE, upload_dir=tmp_path)
    with db.write() as s:
        s.execute(
            sa.update(UserRow).where(UserRow.username == "lanhdao").values(email="huyen@ls.vn")
        )
    sweep(db, settings, NOW)
    with db.write() as s:
        assert enqueue_weekly_reports(s, NOW, settings) == 1
    mails = _mails(db)
    kinds = {kind for kind, _ in mails}
    assert "leader_weekly" in kinds and len(kinds) >= 2, kinds
    app = create_app(settings, db)
    clients: dict[str, TestClient] = {}
    opened = 0
    for kind, mail in mails:
        assert mail["Auto-Submitted"] == "auto-generated"
        assert mail["X-Auto-Response-Suppress"] == "All" and mail["Precedence"] == "bulk"
        text = mail.get_body(("plain",)).get_content() + mail.get_body(("html",)).get_content()
        links = set(_LINK.findall(text))
        assert links, kind
        reader = _reader(db, mail["To"].addresses[0].addr_spec)
        if reader not in clients:
            clients[reader] = TestClient(app, base_url=BASE, follow_redirects=False)
            assert login(clients[reader], reader).status_code == 303
        for link in links:
            assert link.startswith(BASE), link
            answer = clients[reader].get(link.removeprefix(BASE) or "/", follow_redirects=True)
            assert answer.status_code == 200, (kind, reader, link, answer.status_code)
            opened += 1
    assert opened >= len(mails)
