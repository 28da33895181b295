"""Thông báo giao nhiệm vụ: registering a directive mails each lead and coordinator once, through
the outbox, with its role, deadline and link; a reassignment tells only the newly given agencies.
Real parts: SQLite and PostgreSQL, aiosmtpd on loopback, the CLI and the JSON API."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, time
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import selectinload
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.settings import Settings
from notifications.mail_sink import MailSink, running_sink
from storage.db import Database
from storage.models import AgencyMember, AgencyRow, OutboxRow, TaskRow
from tests.factories import at, build_world
from web.app import create_app

SEED = Path(__file__).parents[1] / "fixtures" / "notices" / "tb-ubnd-2024-03-27-so-ngoai-vu.txt"
WORKING_MORNING = at(date(2026, 1, 8), time(9, 0))  # a Thursday: mail may go at once


@pytest.fixture
def cli_env(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailSink]:
    with running_sink() as sink:
        for name, value in (("DATABASE_URL", db.url), ("SMTP_HOST", "127.0.0.1"),
                            ("SMTP_PORT", str(sink.port)),
                            ("BASE_URL", "https://dondoc.example.org")):  # fmt: skip
            monkeypatch.setenv(f"DONDOC_{name}", value)
        yield sink


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def _valid(agency: AgencyRow, on: date | None) -> bool:
    """A group's member counts when it is in being on the notice's date (the 2025 registry
    holds the agencies that replaced the old ones as members too)."""
    return on is None or (
        (agency.valid_from is None or agency.valid_from <= on)
        and (agency.valid_to is None or agency.valid_to >= on)
    )


def expected_lines(db: Database) -> dict[str, list[tuple[int, str, str]]]:
    """Per address: (task id, role, lead name) of every task it leads or coordinates."""
    out: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    with db.read() as s:
        tasks = s.scalars(sa.select(TaskRow).options(
            selectinload(TaskRow.lead), selectinload(TaskRow.coordinators),
            selectinload(TaskRow.directive)))  # fmt: skip
        members = s.execute(sa.select(AgencyMember.group_id, AgencyRow).join(
            AgencyRow, AgencyRow.id == AgencyMember.member_id)).all()  # fmt: skip
        for t in tasks:
            seen = set()
            coordinators = [m for c in t.coordinators for m in (
                [a for g, a in members if g == c.id and _valid(a, t.directive.issued_on)]
                if c.kind == "group" and not c.email else [c]
            )]  # fmt: skip
            for agency, role in [(t.lead, "lead"), *((c, "coordinator") for c in coordinators)]:
                address = (agency.email or "").strip().lower()
                if address and address not in seen:
                    seen.add(address)
                    out[address].append((t.id, role, t.lead.name))
    return out


def test_registering_the_seed_mails_each_lead_and_coordinator_once(
    db: Database, cli_env: MailSink
) -> None:
    cli("agencies", "load")
    with time_machine.travel(WORKING_MORNING, tick=False):
        out = cli("register", str(SEED), "--yes")
        expected = expected_lines(db)
        assert f"{len(expected)} assignment notices queued" in out
        assert json.loads(cli("deliver", "--json"))["sent"] == len(expected)
        assert json.loads(cli("deliver", "--json"))["sent"] == 0  # nothing more, ever
    messages = cli_env.parsed()
    arrived = Counter(rcpt for _, rcpts, _ in cli_env.messages for rcpt in rcpts)
    assert arrived == Counter({address: 1 for address in expected})
    roles_seen = set()
    for message in messages:
        (address,) = [rcpt for rcpt in message["To"].addresses]
        body = text_of(message)
        lines = expected[address.addr_spec]
        subject = f"Thông báo giao nhiệm vụ: {len(lines)} nhiệm vụ mới (TB chưa số ngày 27/03/2024)"
        assert str(message["Subject"]) == subject
        for task_id, role, lead in lines:
            assert f"https://dondoc.example.org/tasks/{task_id}\n" in body
            roles_seen.add(role)
            if role == "coordinator":
                assert f"Phối hợp với {lead} (cơ quan chủ trì)" in body
        assert body.count("Vai trò: Chủ trì") == sum(r == "lead" for _, r, _ in lines)
        assert "Hạn xử lý: 31/12/2024" in body or "Hạn xử lý:" in body
    assert roles_seen == {"lead", "coordinator"}  # the seed has both kinds
    with db.read() as s:
        kinds = Counter(s.scalars(sa.select(OutboxRow.kind)))
    assert kinds == Counter({"assignment": len(expected)})


def test_notices_are_held_to_sending_hours(db: Database, cli_env: MailSink) -> None:
    cli("agencies", "load")
    with time_machine.travel(at(date(2026, 1, 9), time(20, 0)), tick=False):  # Friday evening
        cli("register", str(SEED), "--yes")
        assert json.loads(cli("deliver", "--json"))["sent"] == 0
    with db.read() as s:
        moments = set(s.scalars(sa.select(OutboxRow.next_attempt_at)))
    # Saturday 10/01/2026 is worked (it makes up for Friday 2/1, the New Year swap): 07:30 then.
    assert moments == {at(date(2026, 1, 10))}


def test_a_failed_registration_queues_no_notice(db: Database, cli_env: MailSink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli("agencies", "load")
    bad = tmp_path / "bad.txt"
    bad.write_text(SEED.read_text(encoding="utf-8").replace("Sở Ngoại vụ", "Sở Không Có"), "utf-8")
    result = CliRunner().invoke(app, ["register", str(bad), "--yes"])
    assert result.exit_code != 0
    with db.read() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(OutboxRow)) == 0


def test_api_registration_and_reassignment_tell_the_new_agencies(
    db: Database, small_agencies, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    world = build_world(db, small_agencies)  # the seed registered directly: no notices
    client = TestClient(create_app(Settings(upload_dir=tmp_path / "u"), db))
    office = {"Authorization": f"Bearer {world.tokens['vanphong']}"}
    with time_machine.travel(WORKING_MORNING, tick=False):
        body = {"text": SEED.read_text(encoding="utf-8"), "allow_duplicate": True}
        r = client.post("/api/directives", headers=office, json=body)
        assert r.status_code == 201, r.text
        queued = r.json()["assignment_notices"]
        assert queued >= 2
        task_id = r.json()["tasks"][0]
        with db.read() as s:
            task = s.get(TaskRow, task_id)
            assert task is not None
            version, lead_id = task.version, task.lead_agency_id
            other = s.scalars(sa.select(AgencyRow).where(
                AgencyRow.id != lead_id, AgencyRow.email.is_not(None),
                AgencyRow.kind != "group")).first()  # fmt: skip
            assert other is not None
        r = client.patch(f"/api/tasks/{task_id}", headers=office,
                        json={"version": version, "coordinators": [other.code]})  # fmt: skip
        assert r.status_code == 200, r.text
    with db.read() as s:
        rows = s.scalars(sa.select(OutboxRow).order_by(OutboxRow.id)).all()
    assert len(rows) == queued + 1
    new = rows[-1]
    assert new.recipient == other.email.strip().lower() and new.kind == "assignment"
    assert new.key.startswith(f"assign:task-{task_id}-edit-")
