"""The leader's dashboard kept between pages (web/dashboard_cache.py), SQLite and PostgreSQL: a
second page reuses the built dashboard and evaluation; the first page after any write to the
tasks is built again and equals a fresh report; a login (a session row) does not rebuild."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dondoc.settings import Settings
from reports.html import OVERDUE_SHOWN, render_dashboard_html
from reports.model import Scope
from reports.rollup import build_rollup
from storage.db import Database
from storage.models import TaskRow
from tests.factories import World, build_world
from tests.web_testing import login
from web.app import create_app
from web.dashboard_cache import DASHBOARDS, EVALUATIONS

AS_OF = date(2024, 6, 30)


@pytest.fixture
def world(db: Database, small_agencies) -> World:  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies, with_tokens=False)


def client_of(db: Database, tmp_path: Path) -> TestClient:
    client = TestClient(create_app(Settings(upload_dir=tmp_path), db), follow_redirects=False)
    assert login(client, "vanphong").status_code == 303
    return client


def fresh(db: Database) -> str:
    with db.read() as s:
        rollup = build_rollup(s, AS_OF, Scope(), overdue_limit=OVERDUE_SHOWN)
    return render_dashboard_html(rollup, standalone=False)


def test_dashboard_kept_until_the_tasks_change(db: Database, world: World, tmp_path: Path) -> None:
    office = client_of(db, tmp_path)
    page = lambda: office.get("/leader", params={"as_of": AS_OF.isoformat()})  # noqa: E731
    builds = DASHBOARDS.builds, EVALUATIONS.builds
    first = page()
    assert first.status_code == 200 and fresh(db) in first.text
    assert (DASHBOARDS.builds, EVALUATIONS.builds) == (builds[0] + 1, builds[1] + 1)
    client_of(db, tmp_path)  # another login: a session row, nothing a report reads
    assert page().text == first.text
    assert (DASHBOARDS.builds, EVALUATIONS.builds) == (builds[0] + 1, builds[1] + 1)
    with db.write() as s:  # every task of one agency overdue on the as-of date
        for task_id in world.tasks["so-ngoai-vu"]:
            task = s.get(TaskRow, task_id)
            assert task is not None
            task.deadline, task.state = date(2024, 5, 2), "in_progress"
    after = page()
    assert DASHBOARDS.builds == builds[0] + 2
    assert after.text != first.text and fresh(db) in after.text
