"""The as-of and period pickers (SQLite and PostgreSQL): /leader?as_of=D&period=P shows the
dashboard `dondoc report --as-of D --period P` is built from; /tasks counts buckets at D; the
picker keeps the page's other parameters; a bad date or period is 422."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dondoc.settings import Settings
from reports.html import render_dashboard_html
from reports.model import Scope
from reports.periods import PeriodKind
from reports.rollup import build_rollup
from storage.db import Database
from tests.factories import World, build_world
from tests.web_testing import login
from web.app import create_app

AS_OF = date(2024, 6, 30)


@pytest.fixture
def world(db: Database, small_agencies) -> World:  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies, with_tokens=False)


@pytest.fixture
def office(db: Database, world: World, tmp_path: Path) -> TestClient:
    client = TestClient(create_app(Settings(upload_dir=tmp_path), db), follow_redirects=False)
    assert login(client, "vanphong").status_code == 303
    return client


def test_leader_dashboard_at_a_date_is_the_report_of_that_date(office, db: Database) -> None:  # type: ignore[no-untyped-def]
    page = office.get("/leader", params={"as_of": AS_OF.isoformat(), "period": "quarter"})
    assert page.status_code == 200
    with db.read() as s:
        rollup = build_rollup(s, AS_OF, Scope(), period_kind=PeriodKind.QUARTER)
    assert render_dashboard_html(rollup, standalone=False) in page.text
    today = office.get("/leader").text
    assert render_dashboard_html(rollup, standalone=False) not in today
    assert 'value="2024-06-30"' in page.text and 'value="quarter" selected' in page.text
    for bad in ({"as_of": "30/06/2024"}, {"period": "week"}):
        assert office.get("/leader", params=bad).status_code == 422


def test_task_list_buckets_at_a_date(office, world: World) -> None:  # type: ignore[no-untyped-def]
    page = office.get("/tasks", params={"as_of": "2024-01-01", "agency": "so-ngoai-vu"})
    assert page.status_code == 200
    tabs = dict(re.findall(r"b-(\w+)\">[^(]*\((\d+)\)", page.text))
    later = dict(re.findall(r"b-(\w+)\">[^(]*\((\d+)\)", office.get(
        "/tasks", params={"as_of": "2026-12-31", "agency": "so-ngoai-vu"}).text))  # fmt: skip
    assert tabs != later  # the seed's deadlines fall between the two dates
    picker = re.search(r'<form[^>]*id="asof-picker".*?</form>', page.text, re.S)
    assert picker and 'name="agency" value="so-ngoai-vu"' in unescape(picker.group(0))
