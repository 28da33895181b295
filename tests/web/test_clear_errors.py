"""Clear answers instead of 500s: ids no database can hold, a read-only or full database, task
indexes the draft does not have. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import event

from dondoc.demo import seed_notice_text
from dondoc.settings import Settings
from storage.db import Database, utcnow
from storage.models import DirectiveRow, StatusUpdateRow, TaskRow
from tests.factories import build_world
from tests.web_testing import every_route, login
from web.app import create_app
from web.db_errors import UNAVAILABLE_MESSAGE

HUGE = ["99999999999999999999", str(2**63), "-99999999999999999999"]


@pytest.fixture
def world(db, small_agencies):  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies)


def _app(db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    return create_app(Settings(upload_dir=tmp_path), db)


def _id_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(m, p) for m, p in every_route(app) if m != "HEAD" and re.search(r"\{\w+_id\}", p)]


def test_ids_outside_int64_are_404_on_every_route(db, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = _app(db, tmp_path)
    routes = _id_routes(app)
    assert len(routes) >= 14  # API and pages
    page = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
    assert login(page, "vanphong").status_code == 303
    api = TestClient(app, raise_server_exceptions=False)
    api.headers["Authorization"] = f"Bearer {world.tokens['vanphong']}"
    for method, path in routes:
        for huge in HUGE:
            url = re.sub(r"\{\w+_id\}", huge, path)
            client = api if path.startswith("/api") else page
            answer = client.request(method, url, json={} if method != "GET" else None)
            assert answer.status_code in (404, 422), (method, url, answer.status_code)


def _read_only(db: Database) -> Database:
    """The same database opened read-only: SQLite mode=ro, PostgreSQL's
    default_transaction_read_only for every connection (as `ALTER DATABASE … SET` would)."""
    if db.dialect == "sqlite":
        path = db.engine.url.database
        return Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    return Database(db.url, connect_args={"options": "-c default_transaction_read_only=on"})


def _full(db: Database) -> Database:
    """The same SQLite file with no room to grow: compacted, then capped at its size
    (`max_page_count`), as a full disk leaves it."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = db.engine.raw_connection()
    try:
        raw.execute("VACUUM")  # type: ignore[attr-defined]
    finally:
        raw.close()
    full = Database(db.url)

    @event.listens_for(full.engine, "connect")
    def _cap(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    return full


def test_full_database_answers_503(db, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if db.dialect != "sqlite":
        pytest.skip("a full disk is made on SQLite (max_page_count)")
    full = _full(db)
    api = TestClient(_app(full, tmp_path), raise_server_exceptions=False)
    api.headers["Authorization"] = f"Bearer {world.tokens['ngoaivu']}"
    task_id = world.tasks["so-ngoai-vu"][0]
    version = api.get(f"/api/tasks/{task_id}").json()["version"]
    body = {"percent": 40, "note": "Đã triển khai " * 350, "version": version}
    answer = api.post(f"/api/tasks/{task_id}/progress", json=body)
    assert answer.status_code == 503 and answer.json()["detail"] == UNAVAILABLE_MESSAGE
    assert api.get(f"/api/tasks/{task_id}").json()["version"] == version
    full.dispose()


def _counts(db: Database) -> tuple[int, int, int]:
    with db.read() as s:
        return tuple(
            s.scalar(sa.select(sa.func.count()).select_from(t))
            for t in (DirectiveRow, TaskRow, StatusUpdateRow)
        )  # type: ignore[return-value]


def test_read_only_database_answers_503_and_still_serves_reads(db, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    writable = _app(db, tmp_path)
    browser = TestClient(writable, follow_redirects=False)
    assert login(browser, "ngoaivu").status_code == 303  # logged in before the disk went bad
    before = _counts(db)
    task_id = world.tasks["so-ngoai-vu"][0]
    broken = _read_only(db)
    app = _app(broken, tmp_path)
    app.state.clock = lambda: utcnow() + timedelta(minutes=5)  # last_seen due for an update
    api = TestClient(app, raise_server_exceptions=False)
    api.headers["Authorization"] = f"Bearer {world.tokens['ngoaivu']}"
    assert api.get("/api/tasks").status_code == 200
    assert api.get(f"/api/tasks/{task_id}").status_code == 200
    page = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
    page.cookies = browser.cookies
    assert page.get("/tasks").status_code == 200
    assert page.get(f"/tasks/{task_id}").status_code == 200

    version = api.get(f"/api/tasks/{task_id}").json()["version"]
    body = {"percent": 40, "note": "Đang làm", "version": version}
    answer = api.post(f"/api/tasks/{task_id}/progress", json=body)
    assert answer.status_code == 503 and answer.json()["detail"] == UNAVAILABLE_MESSAGE
    refused = login(TestClient(app, follow_redirects=False, raise_server_exceptions=False), "noivu")
    assert refused.status_code == 503 and "chỉ đọc" in refused.text
    assert _counts(db) == before
    broken.dispose()


def test_register_refuses_task_indexes_the_draft_has_not(db, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    api = TestClient(_app(db, tmp_path))
    api.headers["Authorization"] = f"Bearer {world.tokens['vanphong']}"
    text = seed_notice_text().replace("45/TB-UBND", "46/TB-UBND")
    count = len(api.post("/api/notices/parse", json={"text": text}).json()["tasks"])
    before = _counts(db)
    for tasks in (
        [{"index": count, "include": False}],
        [{"index": 10**9}],
        [{"index": 0, "include": False}, {"index": 0}],
    ):
        answer = api.post("/api/directives", json={"text": text, "tasks": tasks})
        assert answer.status_code == 422, answer.text
        assert "nhiệm vụ số" in answer.text.lower()
        assert _counts(db) == before
    # the world holds the seed already: the same text is a double registration unless confirmed
    body = {"text": text, "tasks": [{"index": 0, "include": False}], "allow_duplicate": True}
    ok = api.post("/api/directives", json=body)
    assert ok.status_code == 201 and len(ok.json()["tasks"]) >= count - 1
