"""The orchestrated environment (fixture `env`), started once for the module: PostgreSQL
databases for dondoc and Prefect, a real `prefect server start`, the deployments of
`dondoc deploy`, two workers, and an SMTP server (aiosmtpd) that can go down and come back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bench.orchestra import REPO, Orchestra
from bench.pgdb import create_pg_database, drop_pg_database
from directives.parsing import parse_notice
from notifications.mail_sink import free_port
from storage.agencies import load_agencies, read_agency_file, registry_from_db, shipped_agency_file
from storage.calendar import sync_calendar
from storage.db import Database
from storage.migrate import upgrade
from storage.models import UserRow
from storage.registration import register_directive
from storage.synth import synthesize
from tests.e2e.harness import Env, SwitchableSmtp

PG_ENV = "DONDOC_TEST_POSTGRES_URL"
LEADER_EMAIL = "lanhdao@langson.example.org"
SEED = REPO / "tests" / "fixtures" / "notices" / "tb-ubnd-2024-03-27-so-ngoai-vu.txt"


def _fill(db: Database) -> None:
    upgrade(db)
    with db.write() as session:
        sync_calendar(session)
        load_agencies(session, read_agency_file(shipped_agency_file()))
    with db.write() as session:
        registry = registry_from_db(session)
        draft = parse_notice(SEED.read_text(encoding="utf-8"), registry)
        register_directive(session, draft, registry, "e2e", today=date(2024, 3, 28))
        session.add(UserRow(username="lanhdao", role="leader", leader_name=draft.leader,
                            email=LEADER_EMAIL, password_hash="!"))  # fmt: skip
    synthesize(db, 3000, seed=11, today=date(2025, 3, 1))


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    admin = os.environ.get(PG_ENV)
    if not admin:
        pytest.skip(f"{PG_ENV} not set: the orchestrated test needs PostgreSQL")
    app_url, prefect_url = create_pg_database(admin), create_pg_database(admin)
    tmp = tmp_path_factory.mktemp("orchestra")
    db = Database(app_url)
    _fill(db)
    smtp = SwitchableSmtp()
    smtp.up()
    prefect_db = make_url(prefect_url).set(drivername="postgresql+asyncpg")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DONDOC_"))}
    orchestra = Orchestra(
        {
            **base,
            "PREFECT_HOME": str(tmp / "prefect-home"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_db.render_as_string(False),
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            # The tests drive time through the flows' `at`; real cron runs would interleave.
            # The schedules themselves are checked through the API instead.
            "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "INFO",
            "DONDOC_DATABASE_URL": app_url,
            "DONDOC_SMTP_HOST": "127.0.0.1",
            "DONDOC_SMTP_PORT": str(smtp.port),
            "DONDOC_SMTP_CONNECTIONS": "2",
            "DONDOC_CODE_DIR": str(REPO),
        },
        logs=tmp,
        port=free_port(),
    )
    try:
        orchestra.start_server()
        orchestra.deploy()
        for name in ("worker-1", "worker-2"):
            orchestra.start_worker(name, "dondoc")
        yield Env(orchestra, db, smtp, app_url)
    finally:
        orchestra.close()
        smtp.down()
        db.dispose()
        drop_pg_database(admin, app_url)
        drop_pg_database(admin, prefect_url)


def logs_dir(env: Env) -> Path:
    return env.orchestra.logs
