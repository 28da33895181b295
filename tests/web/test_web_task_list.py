"""/tasks as a clerk uses it (SQLite and PostgreSQL): filters in the URL, 422 for an unknown
parameter or a bad value, links that keep the filters, an agency seeing only its tasks, the
office's bulk action on every task of a filter."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dondoc.settings import Settings
from storage import task_ops
from storage.db import Database
from storage.models import TaskRow
from storage.task_ops import Actor
from tests.factories import World, build_world
from tests.web_testing import csrf_of, login
from web.app import create_app
from web.deps import today

TASK_LINK = re.compile(r'href="/tasks/(\d+)"')
LINK = re.compile(r'href="(/tasks\?[^"]+)"')


@pytest.fixture
def world(db: Database, small_agencies) -> World:  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies, with_tokens=False)


@pytest.fixture
def app(db: Database, world: World, tmp_path: Path):  # type: ignore[no-untyped-def]
    return create_app(Settings(upload_dir=tmp_path), db)


def client_of(app, username: str) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    assert login(client, username).status_code == 303
    return client


def shown(html: str) -> list[int]:
    return [int(i) for i in TASK_LINK.findall(html)]


def test_unknown_and_bad_parameters_422(app, world: World) -> None:  # type: ignore[no-untyped-def]
    office = client_of(app, "vanphong")
    for query in ("agensy=so-noi-vu", "agency=khong-co", "bucket=late", "due_from=31/12/2025",
                  "sort=content", "order=up", "cursor=abc", "limit=0", "as_of=2025-13-01",
                  "period=week", "q=a&q=b"):  # fmt: skip
        r = office.get(f"/tasks?{query}")
        assert r.status_code == 422, query
        assert 'role="alert"' in r.text or "không" in r.text.lower(), query
    r = office.get("/tasks?agency=so-noi-vu&q=biên&x=1")
    assert r.status_code == 422 and "Tham số “x” không được hỗ trợ" in unescape(r.text)


def test_filters_and_links_keep_them(app, world: World) -> None:  # type: ignore[no-untyped-def]
    office = client_of(app, "vanphong")
    page = office.get("/tasks", params={"agency": "so-ngoai-vu", "lead_only": "1", "limit": "2",
                                        "sort": "id"})  # fmt: skip
    assert page.status_code == 200
    mine = world.tasks["so-ngoai-vu"]
    assert shown(page.text) == sorted(mine)[:2]
    links = [unescape(u) for u in LINK.findall(page.text)]
    assert links and all(parse_qs(urlsplit(u).query)["agency"] == ["so-ngoai-vu"] for u in links)
    (nxt,) = [unescape(u) for u in re.findall(r'rel="next" href="([^"]+)"', page.text)]
    seen = shown(page.text)
    while nxt:
        page = office.get(nxt)
        seen += shown(page.text)
        found = re.findall(r'rel="next" href="([^"]+)"', page.text)
        nxt = unescape(found[0]) if found else ""
    assert seen == sorted(mine)
    searched = office.get("/tasks", params={"q": "bien gioi"})
    with_border = [t for t in shown(searched.text)]
    assert with_border and all("biên giới" in _content(app, t).lower() for t in with_border)


def _content(app, task_id: int) -> str:  # type: ignore[no-untyped-def]
    db: Database = app.state.db
    with db.read() as s:
        return s.scalar(sa.select(TaskRow.content).where(TaskRow.id == task_id)) or ""


def test_agency_user_sees_only_its_tasks(app, world: World) -> None:  # type: ignore[no-untyped-def]
    lead = client_of(app, "ngoaivu")
    own = set(world.tasks["so-ngoai-vu"])
    assert set(shown(lead.get("/tasks?limit=200").text)) <= own | _coordinated(app, world)
    other = lead.get("/tasks", params={"agency": "so-noi-vu", "lead_only": "1"})
    assert shown(other.text) == []  # another agency's own tasks stay hidden, even by filter
    assert 'name="ids"' not in lead.get("/tasks").text  # no bulk form for agencies


def _coordinated(app, world: World) -> set[int]:  # type: ignore[no-untyped-def]
    from storage.models import TaskCoordinator

    db: Database = app.state.db
    with db.read() as s:
        agency = world.agency_ids["so-ngoai-vu"]
        stmt = sa.select(TaskCoordinator.task_id).where(TaskCoordinator.agency_id == agency)
        return set(s.scalars(stmt))


def test_bulk_by_filter(app, db: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    ids = world.tasks["so-ngoai-vu"]
    with db.write() as s:
        for task_id in ids:
            task_ops.report_completion(s, task_id, version=None,
                                       actor=Actor("ngoaivu", world.agency_ids["so-ngoai-vu"]),
                                       done_on=today(), today=today())  # fmt: skip
    office = client_of(app, "vanphong")
    page = office.get("/tasks", params={"state": "awaiting_confirmation", "limit": "1"})
    (value,) = re.findall(r'name="filter" value="([^"]+)"', page.text)
    data = {"csrf_token": csrf_of(page.text), "action": "confirm", "filter": unescape(value)}
    r = office.post("/secretariat/bulk", data=data)
    assert r.status_code == 200, r.text
    assert f"Đã xác nhận {len(ids)} nhiệm vụ hoàn thành." in r.text  # all, not the one shown
    with db.read() as s:
        states = set(s.scalars(sa.select(TaskRow.state).where(TaskRow.id.in_(ids))))
    assert states == {"done"}
