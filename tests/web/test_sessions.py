"""Sessions kept on the server: rotated at login, ended at logout, by an admin, by disabling the
user and by the idle and absolute timeouts; API tokens revoked. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dondoc.cli import app as cli
from dondoc.settings import Settings
from storage.models import SessionRow, UserRow
from tests.factories import build_world
from tests.web_testing import login
from web.app import create_app

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def shift(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(db, small_agencies):  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies)


@pytest.fixture
def app(db, world, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = Settings(
        upload_dir=tmp_path, session_idle_minutes=30, session_max_hours=8,
        trusted_proxies=["10.0.0.1"],
    )  # fmt: skip
    return create_app(settings, db, clock=clock)


def _logged_in(app, user: str = "ngoaivu", peer: str = "127.0.0.1") -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False, client=(peer, 40000))
    assert login(client, user).status_code == 303
    return client


def _opens(app, cookie: str) -> bool:  # type: ignore[no-untyped-def]
    """A browser holding only this copied cookie: does /tasks open?"""
    other = TestClient(app, follow_redirects=False, cookies={"dondoc_session": cookie})
    return other.get("/tasks").status_code == 200


def _sessions(db, username: str) -> list[SessionRow]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        uid = s.scalar(sa.select(UserRow.id).where(UserRow.username == username))
        return list(s.scalars(sa.select(SessionRow).where(SessionRow.user_id == uid)))


def test_logout_ends_a_copied_cookie(app, db) -> None:  # type: ignore[no-untyped-def]
    client = _logged_in(app)
    cookie = client.cookies["dondoc_session"]
    assert _opens(app, cookie)
    [row] = _sessions(db, "ngoaivu")
    assert row.created == T0 and row.last_seen == T0 and row.address == "127.0.0.1"
    page = client.get("/tasks")
    from tests.web_testing import csrf_of

    assert client.post("/logout", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    assert not _opens(app, cookie)
    assert _sessions(db, "ngoaivu") == []


def test_login_rotates_the_session(app, db) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    client.get("/login")
    before = client.cookies["dondoc_session"]
    assert login(client, "ngoaivu").status_code == 303
    first = client.cookies["dondoc_session"]
    assert first != before and not _opens(app, before)
    assert login(client, "ngoaivu").status_code == 303  # logging in again: a new id
    assert not _opens(app, first) and _opens(app, client.cookies["dondoc_session"])
    assert len(_sessions(db, "ngoaivu")) == 1


def test_idle_and_absolute_timeouts(app, clock) -> None:  # type: ignore[no-untyped-def]
    client = _logged_in(app)
    for _ in range(15):  # active every 29 minutes: alive until 8 hours after login
        clock.shift(minutes=29)
        assert client.get("/tasks").status_code == 200
    clock.shift(minutes=29)  # 7h44 after login
    assert client.get("/tasks").status_code == 200
    clock.shift(minutes=20)  # 8h04: past the absolute limit, though active
    assert client.get("/tasks").status_code == 303  # absolute timeout
    client = _logged_in(app)
    clock.shift(minutes=31)
    assert client.get("/tasks").headers["location"].startswith("/login")  # idle timeout


def test_admin_ends_sessions_and_disables_users(
    app, db, world, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DONDOC_DATABASE_URL", db.url)
    runner = CliRunner()
    a, b = _logged_in(app), _logged_in(app)
    result = runner.invoke(cli, ["users", "logout", "ngoaivu"])
    assert result.exit_code == 0 and "2 sessions ended" in result.output
    assert a.get("/tasks").status_code == 303 and b.get("/tasks").status_code == 303

    client = _logged_in(app)
    api = TestClient(app, headers={"Authorization": f"Bearer {world.tokens['ngoaivu']}"})
    assert api.get("/api/tasks").status_code == 200
    result = runner.invoke(cli, ["users", "disable", "ngoaivu"])
    assert result.exit_code == 0, result.output
    assert "1 sessions ended, 1 API tokens revoked" in result.output
    assert client.get("/tasks").status_code == 303
    assert api.get("/api/tasks").status_code == 401
    assert login(TestClient(app, follow_redirects=False), "ngoaivu").status_code == 401
    assert runner.invoke(cli, ["users", "enable", "ngoaivu"]).exit_code == 0
    assert _logged_in(app).get("/tasks").status_code == 200
    assert api.get("/api/tasks").status_code == 401  # a revoked token stays revoked
    missing = runner.invoke(cli, ["users", "disable", "khong-co"])
    assert missing.exit_code != 0 and "no user" in str(missing.exception) + missing.output


def test_revoke_token(app, db, world, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DONDOC_DATABASE_URL", db.url)
    runner = CliRunner()
    api = TestClient(app, headers={"Authorization": f"Bearer {world.tokens['vanphong']}"})
    other = TestClient(app, headers={"Authorization": f"Bearer {world.tokens['ngoaivu']}"})
    wrong = runner.invoke(cli, ["users", "revoke-token", "vanphong", "--name", "khac"])
    assert wrong.exit_code != 0 and api.get("/api/tasks").status_code == 200
    result = runner.invoke(cli, ["users", "revoke-token", "vanphong", "--name", "tests"])
    assert result.exit_code == 0 and "1 API tokens revoked" in result.output
    assert api.get("/api/tasks").status_code == 401
    assert other.get("/api/tasks").status_code == 200


def test_session_address_behind_a_trusted_proxy(app, db) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False, client=("10.0.0.1", 40000))
    client.headers["X-Forwarded-For"] = "203.0.113.7, 10.0.0.1"
    assert login(client, "ngoaivu").status_code == 303
    spoofed = TestClient(app, follow_redirects=False, client=("198.51.100.9", 40000))
    spoofed.headers["X-Forwarded-For"] = "203.0.113.99"
    assert login(spoofed, "ngoaivu").status_code == 303
    assert sorted(r.address for r in _sessions(db, "ngoaivu")) == ["198.51.100.9", "203.0.113.7"]
