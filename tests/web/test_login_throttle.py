"""Login throttling in the database and the password policy, as a user meets them.

Growing delays, never a lock: the right password works again once the delay has passed; the name
is normalised as the account lookup normalises it; counts are shared by every worker (two apps on
one database); X-Forwarded-For is believed from trusted proxies only. SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from directives.roles import Role
from dondoc.settings import Settings
from storage.models import UserRow
from tests.factories import PASSWORD, build_world
from tests.web_testing import login
from web.accounts import AccountError, create_user
from web.app import create_app
from web.passwords import password_problem

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
PROXY = "10.0.0.1"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def shift(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(db, small_agencies):  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies, with_tokens=False)


def _app(db, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    return create_app(Settings(upload_dir=tmp_path, trusted_proxies=[PROXY]), db, clock=clock)


@pytest.fixture
def app(db, world, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    return _app(db, clock, tmp_path)


def _browser(app, address: str) -> TestClient:  # type: ignore[no-untyped-def]
    """A browser at `address` behind the trusted reverse proxy."""
    client = TestClient(app, follow_redirects=False, client=(PROXY, 40000))
    client.headers["X-Forwarded-For"] = address
    return client


def test_delay_grows_and_the_right_password_works_after_it(app, clock) -> None:  # type: ignore[no-untyped-def]
    client = _browser(app, "203.0.113.5")
    for _ in range(5):
        assert login(client, "ngoaivu", "sai-mat-khau").status_code == 401
    refused = login(client, "ngoaivu", PASSWORD)  # the right one, during the delay
    assert refused.status_code == 429 and "1 giây" in refused.text
    assert refused.headers["Retry-After"] == "1"
    clock.shift(1)
    assert login(client, "ngoaivu", "sai-mat-khau").status_code == 401  # 6th: 2 s
    clock.shift(1.5)
    assert login(client, "ngoaivu", PASSWORD).status_code == 429
    clock.shift(0.5)
    assert login(client, "ngoaivu", "sai-mat-khau").status_code == 401  # 7th: 4 s
    clock.shift(3)
    assert login(client, "ngoaivu", PASSWORD).status_code == 429
    clock.shift(1)
    assert login(client, "ngoaivu", PASSWORD).status_code == 303


@pytest.mark.parametrize("spelling", [" ngoaivu", "ngoaivu\t", "NgoaiVu", "ngoaivu "])
def test_spellings_of_one_name_share_the_count(app, spelling: str) -> None:  # type: ignore[no-untyped-def]
    client = _browser(app, "203.0.113.5")
    for name in ["ngoaivu", " ngoaivu", "ngoaivu\t", "NGOAIVU", "ngoaivu  "]:
        assert login(client, name, "sai").status_code == 401
    assert login(client, spelling, PASSWORD).status_code == 429


def test_one_address_does_not_lock_the_account_out_elsewhere(app) -> None:  # type: ignore[no-untyped-def]
    attacker = _browser(app, "198.51.100.66")
    for _ in range(6):
        login(attacker, "ngoaivu", "sai")
    assert login(attacker, "ngoaivu", PASSWORD).status_code == 429
    assert login(_browser(app, "203.0.113.5"), "ngoaivu", PASSWORD).status_code == 303
    assert login(_browser(app, "198.51.100.66"), "noivu", PASSWORD).status_code == 303


def test_many_accounts_from_one_address_and_many_addresses_on_one_account(app, clock) -> None:  # type: ignore[no-untyped-def]
    sprayer = _browser(app, "198.51.100.7")
    names = [f"ten{i}" for i in range(30)]
    for name in names:  # one try per (unknown) name: only the address counter sees them all
        assert login(sprayer, name, "sai").status_code == 401
    assert login(sprayer, "noivu", PASSWORD).status_code == 429
    for i in range(20):  # one try from each of 20 addresses on one account
        clock.shift(1)
        assert login(_browser(app, f"192.0.2.{i}"), "vanhoa", "sai").status_code == 401
    assert login(_browser(app, "192.0.2.200"), "vanhoa", PASSWORD).status_code == 429
    clock.shift(1)
    assert login(_browser(app, "192.0.2.200"), "vanhoa", PASSWORD).status_code == 303


def test_counts_are_shared_by_every_worker(db, world, clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    workers = [_app(db, clock, tmp_path) for _ in range(3)]  # three processes' apps, one database
    for i in range(5):
        assert login(_browser(workers[i % 3], "203.0.113.5"), "ngoaivu", "sai").status_code == 401
    for worker in workers:
        assert login(_browser(worker, "203.0.113.5"), "ngoaivu", PASSWORD).status_code == 429


def test_forwarded_for_is_ignored_from_untrusted_peers(app) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):  # a client that writes a new X-Forwarded-For on each try
        client = TestClient(app, follow_redirects=False, client=("198.51.100.9", 40000))
        client.headers["X-Forwarded-For"] = f"192.0.2.{i}"
        login(client, "ngoaivu", "sai")
    client = TestClient(app, follow_redirects=False, client=("198.51.100.9", 40000))
    assert login(client, "ngoaivu", PASSWORD).status_code == 429


@pytest.mark.parametrize(
    "password", ["12345678", "aaaaaaaa", "aaaaaaaaaaaa", "abcabcabcabc", "password1234", "short"]
)
def test_weak_passwords_refused(db, password: str) -> None:  # type: ignore[no-untyped-def]
    assert password_problem(password) is not None
    with db.write() as session, pytest.raises(AccountError, match="Mật khẩu"):
        create_user(session, "vanphong2", password, Role.SECRETARIAT)


def test_a_good_password_and_the_name_normalised(db) -> None:  # type: ignore[no-untyped-def]
    assert password_problem("ngua-o-ai-bac-2026") is None
    with db.write() as session:
        create_user(session, "  VanPhong2 ", "ngua-o-ai-bac-2026", Role.SECRETARIAT)
    with db.write() as session, pytest.raises(AccountError, match="exists"):
        create_user(session, "vanphong2", "ngua-o-ai-bac-2026", Role.SECRETARIAT)


def test_old_argon2_parameters_rehashed_at_login(app, db) -> None:  # type: ignore[no-untyped-def]
    weak = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1),))
    with db.write() as session:
        user = session.scalars(sa.select(UserRow).where(UserRow.username == "noivu")).one()
        user.password_hash = weak.hash(PASSWORD)
        old = user.password_hash
    assert login(_browser(app, "203.0.113.5"), "noivu", PASSWORD).status_code == 303
    with db.read() as session:
        new = session.scalar(sa.select(UserRow.password_hash).where(UserRow.username == "noivu"))
    assert new != old and PasswordHash.recommended().verify(PASSWORD, new)
    assert "m=8192" in old and "m=8192" not in new
    assert login(_browser(app, "203.0.113.6"), "noivu", PASSWORD).status_code == 303
