"""Shared fixtures: a real database per dialect (SQLite file, PostgreSQL when configured).

Set DONDOC_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres) to run every
storage test on PostgreSQL too; each test session creates and drops its own database there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.pgdb import create_pg_database, drop_pg_database
from dondoc.settings import get_settings
from notifications.mail_sink import MailSink, running_sink
from storage.calendar import sync_calendar
from storage.db import Database
from storage.migrate import upgrade
from tests.db_reset import empty_tables as _empty
from tests.web_testing import TEST_SECRET_KEY

# Tests (and the processes they start) sign sessions with a strong key of their own.
os.environ.setdefault("DONDOC_SECRET_KEY", TEST_SECRET_KEY)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each test reads the environment it sets: the process's cached Settings are dropped."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


PG_ENV = "DONDOC_TEST_POSTGRES_URL"


def _dialects() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    params.append(
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} not set"),
        )
    )
    return params


@pytest.fixture(scope="session")
def pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV)


@pytest.fixture(scope="session")
def migrated_urls(
    tmp_path_factory: pytest.TempPathFactory, pg_admin_url: str | None
) -> Iterator[dict[str, str]]:
    """One migrated database per dialect for the whole session (calendar filled)."""
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"}
    if pg_admin_url:
        urls["postgresql"] = create_pg_database(pg_admin_url)
    for url in urls.values():
        db = Database(url)
        upgrade(db)
        with db.write() as session:
            sync_calendar(session)
        db.dispose()
    yield urls
    if pg_admin_url:
        drop_pg_database(pg_admin_url, urls["postgresql"])


@pytest.fixture(params=_dialects())
def db(request: pytest.FixtureRequest, migrated_urls: dict[str, str]) -> Iterator[Database]:
    """A migrated database (SQLite and PostgreSQL), emptied after each test."""
    database = Database(migrated_urls[request.param])
    yield database
    _empty(database)
    database.dispose()


@pytest.fixture(params=_dialects())
def blank_db(
    request: pytest.FixtureRequest, tmp_path: Path, pg_admin_url: str | None
) -> Iterator[Database]:
    """A database with no tables yet (SQLite and PostgreSQL), for migration tests; dropped
    after the test."""
    if request.param == "postgresql":
        assert pg_admin_url is not None
        url = create_pg_database(pg_admin_url)
    else:
        url = f"sqlite:///{tmp_path / 'blank.db'}"
    database = Database(url)
    yield database
    database.dispose()
    if request.param == "postgresql":
        drop_pg_database(pg_admin_url, url)


@pytest.fixture
def small_agencies():  # type: ignore[no-untyped-def]
    from directives.agencies import load_registry

    return load_registry((FIXTURES / "agencies_small.yaml").read_text(encoding="utf-8"), "yaml")


@pytest.fixture
def cli_mail(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailSink]:
    """The CLI's settings for `db`: its URL and a mail sink on loopback (two connections)."""
    with running_sink() as sink:
        for name, value in (("DATABASE_URL", db.url), ("SMTP_HOST", "127.0.0.1"),
                            ("SMTP_PORT", str(sink.port)), ("SMTP_CONNECTIONS", "2")):  # fmt: skip
            monkeypatch.setenv(f"DONDOC_{name}", value)
        yield sink
