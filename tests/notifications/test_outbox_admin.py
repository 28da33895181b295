"""The outbox page and `dondoc outbox retry|cancel`, on SQLite and PostgreSQL, against a real
SMTP server (aiosmtpd): a refused recipient shows up failed with the server's reason; a retry
after the address is fixed sends it exactly once; a cancelled mail is never sent."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from directives.roles import Role
from dondoc.cli import app as cli_app
from dondoc.errors import UserError
from dondoc.settings import Settings
from notifications.delivery import deliver
from notifications.mail_sink import MailSink, running_sink
from notifications.mime import Mail, build
from notifications.outbox import enqueue
from notifications.smtp import SmtpConfig
from storage.agencies import agency_ids_by_code, load_agencies
from storage.db import Database
from storage.models import HistoryRow, OutboxRow
from tests.factories import PASSWORD, add_user
from tests.web_testing import csrf_of, login
from web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)
FROM = "Văn phòng UBND tỉnh <dondoc@langson.example.org>"
BAD = "nouser@langson.example.org"
ROLES = {  # username → role; only the first two are the office
    "vanphong": Role.SECRETARIAT,
    "quantri": Role.ADMIN,
    "ngoaivu": Role.AGENCY_OFFICER,
    "gd.ngoaivu": Role.AGENCY_HEAD,
    "lanhdao": Role.LEADER,
}


@pytest.fixture
def sink() -> Iterator[MailSink]:
    with running_sink() as s:
        yield s


@pytest.fixture
def users(db: Database, small_agencies) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        load_agencies(s, small_agencies)
    with db.write() as s:
        ngv = agency_ids_by_code(s)["so-ngoai-vu"]
        for name, role in ROLES.items():
            agency = ngv if role in (Role.AGENCY_OFFICER, Role.AGENCY_HEAD) else None
            leader = "Dương Xuân Huyền" if role == Role.LEADER else None
            add_user(s, name, role, PASSWORD, agency_id=agency, leader_name=leader)


@pytest.fixture
def web(db: Database, users: None, tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(upload_dir=tmp_path / "up"), db))


def smtp(port: int) -> SmtpConfig:
    return SmtpConfig("127.0.0.1", port, FROM, connections=1, timeout=10)


def put(db: Database, recipient: str, slot: date = date(2026, 1, 12)) -> int:
    key = f"digest:{recipient}:{slot}"
    message, message_id = build(
        Mail(sender=FROM, to=recipient, subject="Nhắc việc", text="Nội dung", html="<p>x</p>",
             date=NOW, id_key=key, domain="langson.example.org")
    )  # fmt: skip
    with db.write() as s:
        outbox_id = enqueue(
            s,
            key=key,
            kind="digest",
            recipient=recipient,
            slot=slot,
            subject="Nhắc việc",
            message=message,
            message_id=message_id,
            now=NOW,
        )
    assert outbox_id is not None
    return outbox_id


def failed_world(db: Database, sink: MailSink) -> dict[str, int]:
    """Three digests; the server refuses one recipient with 550: that one is failed."""
    ids = {r: put(db, r) for r in ("so1@langson.example.org", BAD, "so2@langson.example.org")}
    sink.refuse[BAD] = "550 5.1.1 No such user"
    stats = deliver(db, smtp(sink.port), NOW)
    assert (stats.sent, stats.failed) == (2, 1)
    return ids


def row(db: Database, outbox_id: int) -> OutboxRow:
    with db.read() as s:
        found = s.get(OutboxRow, outbox_id)
        assert found is not None
        return found


def office(web: TestClient, user: str = "vanphong") -> TestClient:
    assert login(web, user).status_code == 303
    return web


def post(web: TestClient, path: str, back: str = "") -> object:
    token = csrf_of(web.get("/secretariat/outbox").text)
    return web.post(path, data={"csrf_token": token, "back": back}, follow_redirects=False)


def test_refused_mail_is_shown_with_its_reason_and_a_retry_sends_it_once(
    db: Database, sink: MailSink, web: TestClient
) -> None:
    ids = failed_world(db, sink)
    client = office(web)
    page = client.get("/secretariat/outbox")
    assert page.status_code == 200
    failed = re.search(rf'<tr class="failed" id="mail-{ids[BAD]}">(.*?)</tr>', page.text, re.S)
    assert failed is not None
    assert BAD in failed.group(1) and "550 5.1.1 No such user" in failed.group(1)
    assert "Gửi lỗi" in failed.group(1) and "Gửi lại" in failed.group(1)
    assert "so1@langson.example.org" not in page.text  # sent mail is not shown by default
    shown = client.get("/secretariat/outbox", params={"status": "sent"}).text
    assert "so1@langson.example.org" in shown and BAD not in shown

    del sink.refuse[BAD]  # the address was fixed at the mail server
    r = post(client, f"/secretariat/outbox/{ids[BAD]}/retry", back="status=failed")
    assert (r.status_code, r.headers["location"]) == (303, "/secretariat/outbox?status=failed")
    again = row(db, ids[BAD])
    assert (again.status, again.attempts, again.key) == ("pending", 0, f"digest:{BAD}:2026-01-12")
    assert "đưa lại vào hàng chờ gửi" in client.get(r.headers["location"]).text
    with db.read() as s:
        (entry,) = s.scalars(sa.select(HistoryRow).where(HistoryRow.entity == "outbox"))
        assert (entry.entity_id, entry.action, entry.actor) == (
            ids[BAD],
            "outbox_retry",
            "vanphong",
        )

    assert deliver(db, smtp(sink.port)).sent == 1  # the real clock: the retry is due now
    assert deliver(db, smtp(sink.port), datetime.now(UTC) + timedelta(days=1)).claimed == 0
    to_bad = [m for m in sink.parsed() if m["To"] == BAD]
    assert len(to_bad) == 1 and to_bad[0]["Message-ID"].strip() == again.message_id
    assert row(db, ids[BAD]).status == "sent"
    r = post(client, f"/secretariat/outbox/{ids[BAD]}/retry")
    assert r.status_code == 409 and "không phải gửi lỗi" in r.text


def test_a_cancelled_mail_is_never_sent(db: Database, sink: MailSink, web: TestClient) -> None:
    ids = failed_world(db, sink)
    del sink.refuse[BAD]
    client = office(web, "quantri")
    assert post(client, f"/secretariat/outbox/{ids[BAD]}/cancel").status_code == 303
    assert row(db, ids[BAD]).status == "cancelled"
    assert post(client, f"/secretariat/outbox/{ids[BAD]}/retry").status_code == 409
    assert post(client, "/secretariat/outbox/999999/cancel").status_code == 404
    assert deliver(db, smtp(sink.port), datetime.now(UTC) + timedelta(days=30)).claimed == 0
    assert [m for m in sink.parsed() if m["To"] == BAD] == []
    page = client.get("/secretariat/outbox", params={"status": "cancelled"}).text
    assert f'id="mail-{ids[BAD]}"' in page and "Đã hủy" in page and "Gửi lại" not in page


def test_only_the_office_sees_or_acts(db: Database, sink: MailSink, web: TestClient) -> None:
    ids = failed_world(db, sink)
    anonymous = web.get("/secretariat/outbox", follow_redirects=False)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    for user in ("ngoaivu", "gd.ngoaivu", "lanhdao"):
        client = TestClient(web.app)
        assert login(client, user).status_code == 303
        assert client.get("/secretariat/outbox").status_code == 403, user
        token = csrf_of(client.get("/tasks").text)
        for action in ("retry", "cancel"):
            r = client.post(f"/secretariat/outbox/{ids[BAD]}/{action}",
                            data={"csrf_token": token}, follow_redirects=False)  # fmt: skip
            assert r.status_code == 403, (user, action)
    client = office(TestClient(web.app))
    forged = client.post(f"/secretariat/outbox/{ids[BAD]}/retry", data={"csrf_token": "x"})
    assert forged.status_code == 403
    assert row(db, ids[BAD]).status == "failed"


def test_paged_in_sql_and_filtered_in_the_url(db: Database, users: None, web: TestClient) -> None:
    for i in range(120):
        put(db, f"so{i:03d}@langson.example.org", date(2026, 1, 12) + timedelta(days=i % 3))
    client = office(web)
    first = client.get("/secretariat/outbox").text
    assert first.count('<tr class="pending"') == 50 and "120 thư · trang 1/3" in first
    last = client.get("/secretariat/outbox", params={"page": 3}).text
    assert last.count('<tr class="pending"') == 20 and "Trang sau" not in last
    day = client.get("/secretariat/outbox", params={"day": "2026-01-13"}).text
    assert "40 thư" in day and "so001@" in day and "so000@" not in day
    one = client.get("/secretariat/outbox", params={"recipient": "SO01"}).text
    assert "10 thư" in one  # so010 … so019, case folded
    for bad in ({"status": "lost"}, {"day": "13/01/2026"}, {"page": "0"}, {"agency": "x"}):
        r = client.get("/secretariat/outbox", params=bad)
        assert r.status_code == 422 and "không hợp lệ" in r.text, bad


@pytest.fixture
def cli_env(db: Database, sink: MailSink, monkeypatch: pytest.MonkeyPatch) -> MailSink:
    for name, value in (("DATABASE_URL", db.url), ("SMTP_HOST", "127.0.0.1"),
                        ("SMTP_PORT", str(sink.port)), ("SMTP_CONNECTIONS", "1")):  # fmt: skip
        monkeypatch.setenv(f"DONDOC_{name}", value)
    return sink


def cli(*args: str) -> str:
    result = CliRunner().invoke(cli_app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_retry_and_cancel(db: Database, cli_env: MailSink) -> None:
    ids = failed_world(db, cli_env)
    other = put(db, "so3@langson.example.org")
    cli_env.refuse["so3@langson.example.org"] = "550 5.1.1 Gone"
    assert deliver(db, smtp(cli_env.port), NOW).failed == 1
    assert "550" in cli("outbox")  # the listing is still `dondoc outbox`
    with pytest.raises(UserError, match="is sent, not failed"):
        CliRunner().invoke(cli_app, ["outbox", "retry", str(ids["so1@langson.example.org"])],
                           catch_exceptions=False)  # fmt: skip
    assert "mail" in cli("outbox", "cancel", str(other))
    del cli_env.refuse[BAD]
    assert "1 failed mail back in the queue" in cli("outbox", "retry", "--all-failed")
    assert row(db, ids[BAD]).status == "pending" and row(db, other).status == "cancelled"
    assert deliver(db, smtp(cli_env.port)).sent == 1
    assert sorted(m["To"] for m in cli_env.parsed()).count(BAD) == 1
    assert "so3@langson.example.org" not in [m["To"] for m in cli_env.parsed()]


def test_cli_unknown_id_is_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    env = {"PATH": "/usr/bin:/bin", "DONDOC_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "dondoc", "init"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    for args, message in (
        (["retry", "42"], "error: outbox mail 42: no such mail"),
        (["cancel", "42"], "error: outbox mail 42: no such mail"),
        (["retry"], "error: give either one mail ID or --all-failed"),
    ):
        proc = subprocess.run([sys.executable, "-m", "dondoc", "outbox", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert proc.returncode == 2 and proc.stderr.strip() == message, proc.stderr
