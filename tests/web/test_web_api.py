"""The JSON API as a program uses it: bearer tokens, the lead's reports, the office's decisions,
422 with details for bad bodies, 409 for stale versions, nothing half-saved."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dondoc.settings import Settings
from storage.models import HistoryRow, StatusUpdateRow, TaskRow
from tests.factories import build_world
from web.app import create_app


@pytest.fixture
def world(db, small_agencies):  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies)


@pytest.fixture
def client(db, tmp_path) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(Settings(upload_dir=tmp_path / "uploads"), db))


def _as(world, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {world.tokens[username]}"}


def test_without_token_401(client, world) -> None:  # type: ignore[no-untyped-def]
    task_id = world.tasks["so-ngoai-vu"][0]
    for headers in ({}, {"Authorization": "Bearer dd_wrong"}, {"Authorization": "Basic eDp5"}):
        response = client.get(f"/api/tasks/{task_id}", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/docs").status_code == 200
    assert "/api/tasks/{task_id}/progress" in client.get("/api/openapi.json").json()["paths"]


def test_lead_reports_office_confirms(client, world) -> None:  # type: ignore[no-untyped-def]
    task_id = world.tasks["so-ngoai-vu"][0]
    lead, office = _as(world, "ngoaivu"), _as(world, "vanphong")
    r = client.post(
        f"/api/tasks/{task_id}/progress", headers=lead, json={"version": 1, "percent": 60}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["progress"], r.json()["version"]) == ("in_progress", 60, 2)
    r = client.post(f"/api/tasks/{task_id}/completion", headers=lead, json={"version": 2})
    assert r.json()["state"] == "awaiting_confirmation"
    r = client.post(f"/api/tasks/{task_id}/confirm", headers=office, json={"version": 3})
    assert r.json()["state"] == "done"
    assert r.json()["completed_on"] == r.json()["reported_done_on"]
    listed = client.get("/api/tasks", params={"bucket": "done_late"}, headers=lead).json()
    assert [t["id"] for t in listed["items"]] == [task_id]  # deadline 31/12/2024 is long past


def test_extension_round_trip(client, world) -> None:  # type: ignore[no-untyped-def]
    task_id = world.tasks["so-ngoai-vu"][0]
    lead, office = _as(world, "ngoaivu"), _as(world, "vanphong")
    body = {"version": 1, "proposed_deadline": "2099-03-01", "reason": "Chờ ý kiến của Bộ"}
    r = client.post(f"/api/tasks/{task_id}/extensions", headers=lead, json=body)
    assert r.status_code == 200
    ext_id = client.get(f"/api/tasks/{task_id}", headers=lead).json()["extensions"][0]["id"]
    r = client.post(
        f"/api/extensions/{ext_id}/decision", headers=office, json={"version": 2, "approve": True}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["deadline"], r.json()["original_deadline"]) == ("2099-03-02", "2024-12-31")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("progress", {"version": 1, "percent": 101}, "percent"),
        ("progress", {"version": 1, "percent": "nhiều"}, "percent"),
        ("progress", {"percent": 10}, "version"),
        ("progress", {"version": 1, "percent": 10, "extra": 1}, "extra"),
        ("completion", {"version": 1, "done_on": "31/12/2024"}, "done_on"),
        ("completion", {"version": 1, "done_on": "2999-01-01"}, "done_on"),
        ("extensions", {"version": 1, "proposed_deadline": "2099-01-01", "reason": ""}, "reason"),
        (
            "extensions",
            {"version": 1, "proposed_deadline": "2020-01-01", "reason": "Lý do dài"},
            "proposed_deadline",
        ),
        ("notes", {"note": "   "}, "note"),
    ],
)
def test_bad_bodies_422_nothing_saved(client, world, db, path, body, field) -> None:  # type: ignore[no-untyped-def]
    task_id = world.tasks["so-ngoai-vu"][0]
    r = client.post(f"/api/tasks/{task_id}/{path}", headers=_as(world, "ngoaivu"), json=body)
    assert r.status_code == 422
    assert field in [str(part) for error in r.json()["detail"] for part in error["loc"]]
    with db.read() as session:
        assert session.get(TaskRow, task_id).version == 1
        assert session.scalar(sa.select(sa.func.count()).select_from(StatusUpdateRow)) == 0
        assert (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(HistoryRow)
                .where(HistoryRow.action != "create", HistoryRow.entity == "task")
            )
            == 0
        )


def test_stale_version_409(client, world) -> None:  # type: ignore[no-untyped-def]
    task_id = world.tasks["so-ngoai-vu"][0]
    lead = _as(world, "ngoaivu")
    client.post(f"/api/tasks/{task_id}/progress", headers=lead, json={"version": 1, "percent": 5})
    r = client.post(
        f"/api/tasks/{task_id}/progress", headers=lead, json={"version": 1, "percent": 9}
    )
    assert r.status_code == 409
    assert r.json()["detail"] == "Nhiệm vụ đã được người khác cập nhật, vui lòng tải lại"


def test_register_notice_by_api(client, world) -> None:  # type: ignore[no-untyped-def]
    from dondoc.demo import seed_notice_text

    office = _as(world, "vanphong")
    draft = client.post("/api/notices/parse", headers=office, json={"text": seed_notice_text()})
    assert len(draft.json()["tasks"]) == 19
    choices = [{"index": 0, "include": True, "lead": "so-noi-vu", "deadline": "2024-09-30"}]
    choices += [{"index": i, "include": False} for i in range(1, 19)]
    body = {"text": seed_notice_text(), "number": "45/TB-UBND", "tasks": choices}
    body["allow_duplicate"] = True  # the world has registered the seed notice already
    r = client.post("/api/directives", headers=office, json=body)
    assert r.status_code == 201, r.text
    task = client.get(f"/api/tasks/{r.json()['tasks'][0]}", headers=office).json()
    assert (task["lead"]["code"], task["deadline"], task["directive"]["number"]) == (
        "so-noi-vu",
        "2024-09-30",
        "45/TB-UBND",
    )
    bad = client.post(
        "/api/directives", headers=office, json=body | {"tasks": [{"index": 0, "lead": "khong-co"}]}
    )
    assert bad.status_code == 422
    assert (
        client.post("/api/directives", headers=_as(world, "ngoaivu"), json=body).status_code == 403
    )
