"""Periods, event-bound deadlines and buckets through the JSON API (SQLite and PostgreSQL).

Time is moved with time-machine across Tết 2027: the rule monthly:5 gives 5/1, 11/2 (5/2 is in
Tết) and 5/3; each period is reported and confirmed on its own and has its own bucket.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from fastapi.testclient import TestClient

from directives.calendar import TIMEZONE
from dondoc.settings import Settings
from storage.models import HistoryRow, TaskRow
from tests.factories import World, build_world
from web.app import create_app


def moment(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00:00").replace(tzinfo=TIMEZONE)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(moment("2027-01-04"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, small_agencies, clock) -> World:  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies)


@pytest.fixture
def client(db, tmp_path, clock) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(Settings(upload_dir=tmp_path / "uploads"), db))


def _as(world: World, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[username]}"}


def test_a_monthly_task_through_the_api_each_period_reported_confirmed_and_bucketed(
    client, world, clock, db
) -> None:  # type: ignore[no-untyped-def]
    task_id = world.tasks["so-ngoai-vu"][0]
    lead, office = _as(world, "ngoaivu"), _as(world, "vanphong")
    before = client.get(f"/api/tasks/{task_id}", headers=office).json()
    bad = client.patch(f"/api/tasks/{task_id}", headers=office,
                       json={"version": before["version"], "recurrence": "monthly:40"})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["msg"].startswith("Ngày trong tháng phải từ 1 đến 31")
    assert client.get(f"/api/tasks/{task_id}", headers=office).json() == before  # unchanged

    r = client.patch(f"/api/tasks/{task_id}", headers=office,
                     json={"version": before["version"], "recurrence": "monthly:5"})  # fmt: skip
    assert r.status_code == 200, r.text
    edited = r.json()
    assert (edited["recurrence"], edited["deadline"], edited["bucket"]) == (
        "monthly:5", "2027-01-05", "open_on_time")  # fmt: skip
    assert [p["deadline"] for p in edited["periods"]] == ["2027-01-05"]

    clock.move_to(moment("2027-03-10"))
    task = client.get(f"/api/tasks/{task_id}", headers=lead).json()
    assert [p["deadline"] for p in task["periods"]] == [
        "2027-01-05", "2027-02-11", "2027-03-05", "2027-04-05"]  # fmt: skip
    assert [p["bucket"] for p in task["periods"]] == ["open_overdue"] * 3 + ["open_on_time"]
    current = (task["current_period"], task["bucket"], task["deadline"])
    assert current == (1, "open_overdue", "2027-01-05")
    r = client.post(f"/api/tasks/{task_id}/completion", headers=lead,
                    json={"version": task["version"]})  # fmt: skip
    assert (r.json()["state"], r.json()["bucket"]) == ("awaiting_confirmation", "open_overdue")
    r = client.post(f"/api/tasks/{task_id}/confirm", headers=office,
                    json={"version": r.json()["version"]})  # fmt: skip
    after = r.json()
    assert after["periods"][0]["state"] == "done" and after["periods"][0]["bucket"] == "done_late"
    assert after["periods"][0]["confirmed_by"] == "vanphong"
    assert (after["current_period"], after["deadline"], after["state"]) == (2, "2027-02-11", "new")
    shown = client.get(f"/api/tasks/{task_id}/periods", headers=lead).json()
    assert [p["bucket"] for p in shown] == ["done_late", "open_overdue", "open_overdue",
                                            "open_on_time"]  # fmt: skip
    listed = {t["id"]: t for t in client.get("/api/tasks", headers=lead).json()["items"]}
    assert listed[task_id]["bucket"] == "open_overdue"  # February's period, now the current one
    with db.read() as s:
        actions = s.scalars(sa.select(HistoryRow.changes).where(
            HistoryRow.task_id == task_id, HistoryRow.action == "confirm")).all()  # fmt: skip
    assert [c["period"] for c in actions] == [1]


def test_event_bound_task_waits_in_its_own_bucket_until_the_office_sets_a_date(
    client, world, db
) -> None:  # type: ignore[no-untyped-def]
    task_id = world.tasks["so-ngoai-vu"][0]
    office = _as(world, "vanphong")
    with db.write() as s:
        task = s.get(TaskRow, task_id)
        task.deadline, task.original_deadline, task.deadline_kind = None, None, "event"
    task = client.get(f"/api/tasks/{task_id}", headers=office).json()
    assert (task["bucket"], task["deadline_kind"]) == ("awaiting_deadline", "event")
    waiting = client.get("/api/tasks", params={"bucket": "awaiting_deadline"}, headers=office)
    assert [t["id"] for t in waiting.json()["items"]] == [task_id]
    r = client.patch(f"/api/tasks/{task_id}", headers=office,
                     json={"version": task["version"], "deadline": "2027-02-26"})  # fmt: skip
    assert r.json()["bucket"] == "open_on_time"
    with db.read() as s:
        changes = s.scalars(sa.select(HistoryRow.changes).where(
            HistoryRow.task_id == task_id, HistoryRow.action == "edit")).all()  # fmt: skip
    assert changes == [{"deadline": [None, "2027-02-26"]}]  # setting the date is in the history


def test_openapi_names_every_bucket_kind_and_period(client) -> None:  # type: ignore[no-untyped-def]
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert set(schemas["Bucket"]["enum"]) == {
        "open_on_time", "open_overdue", "done_on_time", "done_late", "ongoing",
        "awaiting_deadline"}  # fmt: skip
    assert (
        "event" in schemas["DeadlineKind"]["enum"]
        and "recurring" in schemas["DeadlineKind"]["enum"]
    )
    assert {"seq", "deadline", "bucket", "confirmed_by"} <= set(schemas["PeriodOut"]["properties"])
    assert {"bucket", "periods", "current_period"} <= set(schemas["TaskOut"]["properties"])


def test_the_office_sets_the_rule_when_registering_and_a_bad_rule_is_refused(
    client, world, db
) -> None:  # type: ignore[no-untyped-def]
    office = _as(world, "vanphong")
    text = (Path(__file__).parents[1] / "fixtures" / "notices_recurring_tb.txt").read_text("utf-8")
    choice = {"index": 0, "lead": "so-noi-vu", "recurrence": "weekly:xyz"}
    bad = client.post("/api/directives", headers=office, json={"text": text, "tasks": [choice]})
    assert bad.status_code == 422
    assert "Ngày trong tuần phải là" in bad.json()["detail"][0]["msg"]
    with db.read() as s:
        before = s.scalar(sa.select(sa.func.count()).select_from(TaskRow))
    choice["recurrence"] = "quarterly:end"
    r = client.post("/api/directives", headers=office, json={"text": text, "tasks": [choice]})
    assert r.status_code == 201, r.text
    first = client.get(f"/api/tasks/{r.json()['tasks'][0]}", headers=office).json()
    assert (first["recurrence"], first["deadline_kind"], first["deadline"]) == (
        "quarterly:end", "recurring", "2027-03-31")  # fmt: skip
    assert [p["deadline"] for p in first["periods"]] == ["2027-03-31"]
    with db.read() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(TaskRow)) == before + 3
