"""GET /api/tasks (SQLite and PostgreSQL): the same filters and paging as /tasks, a typed page
`TaskPageOut{items, total, next_cursor}` in the OpenAPI document, 422 for what it cannot take."""

from __future__ import annotations

from fastapi.testclient import TestClient

from dondoc.settings import Settings
from storage.db import Database
from tests.factories import World, build_world
from web.app import create_app


def _client(db: Database, small_agencies, tmp_path) -> tuple[TestClient, World]:  # type: ignore[no-untyped-def]
    world = build_world(db, small_agencies)
    return TestClient(create_app(Settings(upload_dir=tmp_path), db)), world


def test_api_pages_with_filters(db: Database, small_agencies, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client, world = _client(db, small_agencies, tmp_path)
    office = {"Authorization": f"Bearer {world.tokens['vanphong']}"}
    every = {t for ids in world.tasks.values() for t in ids}
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": "4", "sort": "id", "order": "desc"} | (
            {"cursor": cursor} if cursor else {}
        )
        page = client.get("/api/tasks", params=params, headers=office).json()
        assert page["total"] == len(every)
        seen += [t["id"] for t in page["items"]]
        pages, cursor = pages + 1, page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(every, reverse=True) and pages == -(-len(every) // 4)
    mine = client.get("/api/tasks", params={"agency": "so-ngoai-vu", "lead_only": "true"},
                      headers=office).json()  # fmt: skip
    assert {t["id"] for t in mine["items"]} == set(world.tasks["so-ngoai-vu"])
    found = client.get("/api/tasks", params={"q": "bien gioi"}, headers=office).json()
    assert found["total"] and all("biên giới" in t["content"].lower() for t in found["items"])


def test_api_refuses_unknown_and_bad(db: Database, small_agencies, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client, world = _client(db, small_agencies, tmp_path)
    office = {"Authorization": f"Bearer {world.tokens['vanphong']}"}
    for params in ({"agensy": "so-noi-vu"}, {"agency": "khong-co"}, {"bucket": "late"},
                   {"due_from": "31/12/2025"}, {"cursor": "xyz"}, {"sort": "content"}):  # fmt: skip
        r = client.get("/api/tasks", params=params, headers=office)
        assert r.status_code == 422, params
    r = client.get("/api/tasks", params={"agensy": "so-noi-vu"}, headers=office)
    assert "không được hỗ trợ" in r.json()["detail"][0]["msg"]
    schema = client.get("/api/openapi.json").json()
    get = schema["paths"]["/api/tasks"]["get"]
    assert {"agency", "q", "cursor", "sort", "as_of"} <= {p["name"] for p in get["parameters"]}
    assert "422" in get["responses"]
    ref = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/TaskPageOut")
    assert set(schema["components"]["schemas"]["TaskPageOut"]["properties"]) >= {
        "items",
        "total",
        "next_cursor",
    }
