"""50 clients update one task at once against a live server: each update either succeeds or
gets 409, and what is stored is exactly the successful updates (nothing lost, nothing extra)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import sqlalchemy as sa

from dondoc.settings import Settings
from storage.models import HistoryRow, StatusUpdateRow, TaskRow
from tests.factories import build_world
from tests.web_testing import serve_in_thread
from web.app import create_app

CLIENTS = 50


@pytest.fixture
def world(db, small_agencies):  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies)


async def _one(client: httpx.AsyncClient, url: str, i: int) -> tuple[int, int, str]:
    version = (await client.get(url)).json()["version"]
    body = {"version": version, "percent": i * 2, "note": f"client-{i}"}
    response = await client.post(f"{url}/progress", json=body)
    return response.status_code, i * 2, f"client-{i}"


async def _storm(base_url: str, token: str, task_id: int) -> list[tuple[int, int, str]]:
    limits = httpx.Limits(max_connections=CLIENTS)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=60
    ) as client:
        url = f"/api/tasks/{task_id}"
        return await asyncio.gather(*(_one(client, url, i) for i in range(CLIENTS)))


def test_concurrent_updates_lose_nothing(db, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    task_id = world.tasks["so-ngoai-vu"][0]
    app = create_app(Settings(upload_dir=tmp_path), db)
    with serve_in_thread(app) as base_url:
        results = asyncio.run(_storm(base_url, world.tokens["ngoaivu"], task_id))
    statuses = {status for status, _, _ in results}
    assert statuses <= {200, 409}, statuses
    won = [(percent, note) for status, percent, note in results if status == 200]
    assert won
    with db.read() as s:
        task = s.get(TaskRow, task_id)
        updates = s.execute(
            sa.select(StatusUpdateRow.percent, StatusUpdateRow.note).order_by(StatusUpdateRow.id)
        ).all()
        history = s.scalar(
            sa.select(sa.func.count()).where(
                HistoryRow.task_id == task_id, HistoryRow.action == "progress"
            )
        )
    assert sorted(updates) == sorted(won)
    assert history == len(won)
    assert task.version == 1 + len(won)
    assert task.progress == updates[-1].percent  # the last successful update is what shows
