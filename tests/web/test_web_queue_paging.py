"""The agency's page and the secretariat's queue are paged in SQL (SQLite and PostgreSQL): a page
shows at most its size, and its "next" link leads, page by page, to every task and no other."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dondoc.settings import Settings
from storage import task_ops
from storage.db import Database
from storage.models import TaskCoordinator, TaskRow
from storage.synth import synthesize
from storage.task_ops import Actor
from tests.factories import World, build_world
from tests.web_testing import login
from web.app import create_app
from web.deps import today
from web.routes.secretariat import QUEUE_SIZE

TASK_LINK = re.compile(r'href="/tasks/(\d+)"')
NEXT = re.compile(r'rel="next" href="([^"]+)"')


@pytest.fixture
def world(db: Database, small_agencies) -> World:  # type: ignore[no-untyped-def]
    built = build_world(db, small_agencies, with_tokens=False)
    synthesize(db, 240, seed=3)
    return built


def client_of(db: Database, tmp_path: Path, username: str) -> TestClient:
    client = TestClient(create_app(Settings(upload_dir=tmp_path), db), follow_redirects=False)
    assert login(client, username).status_code == 303
    return client


def shown(html: str) -> list[int]:
    return [int(i) for i in TASK_LINK.findall(html)]


def walk(client: TestClient, url: str) -> tuple[list[list[int]], list[str]]:
    """Every page from `url` by its "next" links: the task ids of each, and the urls."""
    pages, urls = [], []
    while url:
        page = client.get(url)
        assert page.status_code == 200, page.text
        pages.append(shown(page.text))
        urls.append(url)
        found = NEXT.findall(page.text)
        url = unescape(found[0]) if found else ""
    return pages, urls


def test_agency_page_is_paged(db: Database, world: World, tmp_path: Path) -> None:
    agency = world.agency_ids["so-ngoai-vu"]
    with db.read() as s:
        coordinated = sa.select(TaskCoordinator.task_id).where(TaskCoordinator.agency_id == agency)
        stmt = sa.select(TaskRow.id).where(
            sa.or_(TaskRow.lead_agency_id == agency, TaskRow.id.in_(coordinated))
        )
        mine = set(s.scalars(stmt))
    assert len(mine) > 50  # more than one page of the default size
    client = client_of(db, tmp_path, "ngoaivu")
    pages, _ = walk(client, "/agency")
    assert len(pages[0]) == 50 and all(len(p) <= 50 for p in pages)
    flat = [i for p in pages for i in p]
    assert len(flat) == len(set(flat)) and set(flat) == mine  # none lost, none repeated
    small, urls = walk(client, "/agency?bucket=open_overdue&limit=7")
    assert all(len(p) <= 7 for p in small) and len(small) > 1
    assert all("bucket=open_overdue" in u for u in urls)  # the tab stays while paging


def test_secretariat_queue_is_paged(db: Database, world: World, tmp_path: Path) -> None:
    with db.write() as s:
        stmt = sa.select(TaskRow.id, TaskRow.lead_agency_id).where(
            TaskRow.state.in_(("new", "in_progress")), TaskRow.recurrence.is_(None)
        )
        picked = s.execute(stmt.order_by(TaskRow.id).limit(QUEUE_SIZE + 5)).all()
        for task_id, lead in picked:
            task_ops.report_completion(s, task_id, version=None, actor=Actor("x", lead),
                                       done_on=today(), today=today())  # fmt: skip
    with db.read() as s:
        stmt = sa.select(TaskRow.id).where(TaskRow.state == "awaiting_confirmation")
        awaiting = set(s.scalars(stmt))
    assert len(awaiting) > QUEUE_SIZE
    client = client_of(db, tmp_path, "vanphong")
    home = client.get("/secretariat").text
    assert f"Chờ xác nhận hoàn thành ({len(awaiting)})" in home
    queue = home.split("Chờ xác nhận hoàn thành", 1)[1].split("</section>", 1)[0]
    first = shown(queue)
    assert len(first) == QUEUE_SIZE
    (nxt,) = [unescape(u) for u in NEXT.findall(queue)]
    pages, _ = walk(client, nxt)  # the rest, on /tasks with the same filter and page size
    flat = first + [i for p in pages for i in p]
    assert len(flat) == len(set(flat)) and set(flat) == awaiting
