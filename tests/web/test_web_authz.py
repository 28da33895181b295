"""Who may read and who may write, route by route, for every role, on its own and on a foreign
agency's task; unauthenticated visitors go to /login (pages) or get 401 (API)."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dondoc.settings import Settings
from storage.models import TaskCoordinator, TaskRow
from tests.factories import USERS, build_world
from tests.web_testing import csrf_of, login
from web.app import create_app

EVERYONE = [u for u, *_ in USERS]
OFFICE = {"vanphong", "quantri"}
NGV = {"ngoaivu", "gd.ngoaivu"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(db, small_agencies):  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies)


@pytest.fixture
def app(db, tmp_path):  # type: ignore[no-untyped-def]
    return create_app(Settings(upload_dir=tmp_path / "uploads"), db)


def _coordinated_by(db, world, code: str) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        stmt = sa.select(TaskCoordinator.task_id).where(
            TaskCoordinator.agency_id == world.agency_ids[code]
        )
        return s.scalars(stmt.order_by(TaskCoordinator.task_id)).first()


def _version(db, task_id: int) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.get(TaskRow, task_id).version


API_WRITES = {  # action → (method, path, body without version)
    "progress": ("POST", "progress", {"percent": 10}),
    "completion": ("POST", "completion", {}),
    "extension": ("POST", "extensions", {"proposed_deadline": "2099-01-05", "reason": "Lý do"}),
    "note": ("POST", "notes", {"note": "ghi chú"}),
    "confirm": ("POST", "confirm", {}),
    "return": ("POST", "return", {"reason": "Trả lại vì thiếu"}),
    "edit": ("PATCH", "", {"deadline_text": "sửa"}),
}
READERS_OWN = NGV | OFFICE | {"lanhdao"}


def may_write(user: str, action: str, coordinated: bool) -> bool:
    """The rule under test: the lead reports, coordinators add notes, the office decides."""
    if user in OFFICE:
        return action in {"note", "confirm", "return", "edit", "decision"}
    if user in NGV:  # both subject tasks are led by Sở Ngoại vụ
        return action in {"progress", "completion", "extension", "note"}
    return user == "noivu" and coordinated and action == "note"


def test_api_matrix(app, db, world) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    own = world.tasks["so-ngoai-vu"][0]
    coordinated = _coordinated_by(db, world, "so-noi-vu")
    for user in EVERYONE:
        headers = {"Authorization": f"Bearer {world.tokens[user]}"}
        for task_id, readers in ((own, READERS_OWN), (coordinated, READERS_OWN | {"noivu"})):
            status = client.get(f"/api/tasks/{task_id}", headers=headers).status_code
            assert status == (200 if user in readers else 403), (user, task_id)
        for name, (method, path, body) in API_WRITES.items():
            for task_id in (own, coordinated):
                url = f"/api/tasks/{task_id}/{path}".rstrip("/")
                payload = body if name == "note" else body | {"version": _version(db, task_id)}
                r = client.request(method, url, headers=headers, json=payload)
                allowed = may_write(user, name, task_id == coordinated)
                assert r.status_code in ((200, 422) if allowed else (403,)), (user, name, r.text)


def test_api_unauthenticated_everywhere(app, world) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    paths = app.openapi()["paths"]
    assert len(paths) >= 10
    for path, methods in paths.items():
        url = path.replace("{task_id}", str(world.tasks["so-ngoai-vu"][0])).replace(
            "{extension_id}", "1"
        )
        for method in methods:
            assert client.request(method.upper(), url, json={}).status_code == 401, (method, url)


PAGES = {  # path → who may open it (None: everyone logged in)
    "/secretariat": OFFICE,
    "/secretariat/notices/new": OFFICE,
    "/secretariat/agencies": OFFICE,
    "/agency": NGV | {"noivu", "vanhoa"},
    "/leader": OFFICE | {"lanhdao", "lanhdao.khac"},
    "/tasks": None,
}


def _client(app, user: str | None) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    if user:
        assert login(client, user).status_code == 303
    return client


def test_pages_matrix(app, db, world) -> None:  # type: ignore[no-untyped-def]
    own = world.tasks["so-ngoai-vu"][0]
    coordinated = _coordinated_by(db, world, "so-noi-vu")
    for user in EVERYONE:
        client = _client(app, user)
        for path, allowed in PAGES.items():
            expected = 200 if allowed is None or user in allowed else 403
            assert client.get(path).status_code == expected, (user, path)
        for task_id, readers in ((own, READERS_OWN), (coordinated, READERS_OWN | {"noivu"})):
            assert client.get(f"/tasks/{task_id}").status_code == (
                200 if user in readers else 403
            ), (user, task_id)
            assert client.get(f"/directives/{world.directive_id}").status_code == (
                200 if user in OFFICE | {"lanhdao"} else 403
            )
        token = csrf_of(client.get("/tasks").text)
        for name in ("progress", "note", "confirm", "edit", "decision", "extension"):
            data = {"csrf_token": token, "version": str(_version(db, coordinated)), "note": "x"}
            r = client.post(f"/tasks/{coordinated}/{name}", data=data, follow_redirects=False)
            allowed = may_write(user, name, coordinated=True)
            assert (r.status_code != 403) == allowed, (user, name, r.status_code)


def test_agency_sees_only_its_tasks(app, world) -> None:  # type: ignore[no-untyped-def]
    seen = {}
    for user in ("ngoaivu", "noivu", "lanhdao", "lanhdao.khac", "vanphong"):
        client = TestClient(app)
        headers = {"Authorization": f"Bearer {world.tokens[user]}"}
        seen[user] = {t["id"] for t in client.get("/api/tasks", headers=headers).json()["items"]}
    everything = {t for ids in world.tasks.values() for t in ids}
    assert seen["vanphong"] == seen["lanhdao"] == everything
    assert seen["lanhdao.khac"] == set()
    assert set(world.tasks["so-ngoai-vu"]) == seen["ngoaivu"]
    assert (
        set(world.tasks["so-noi-vu"])
        < seen["noivu"]
        < set(world.tasks["so-noi-vu"]) | set(world.tasks["so-ngoai-vu"])
    )


def test_unauthenticated_pages_go_to_login(app, world) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    task_id = world.tasks["so-ngoai-vu"][0]
    for path in [*PAGES, f"/tasks/{task_id}", f"/tasks/{task_id}/edit", "/", "/evidence/1"]:
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login?next=")
    token = csrf_of(client.get("/login").text)
    r = client.post(
        f"/tasks/{task_id}/progress", data={"csrf_token": token}, follow_redirects=False
    )
    assert (r.status_code, r.headers["location"]) == (303, f"/login?next=/tasks/{task_id}/progress")


def test_evidence_served_only_to_readers(app, world) -> None:  # type: ignore[no-untyped-def]
    task_id = world.tasks["so-ngoai-vu"][0]
    lead = _client(app, "ngoaivu")
    token = csrf_of(lead.get(f"/tasks/{task_id}").text)
    lead.post(
        f"/tasks/{task_id}/progress",
        data={"csrf_token": token, "version": "1", "percent": "20"},
        files={"evidence": ("Báo cáo\r\nX-Evil: 1.png", PNG, "image/png")},
    )
    page = lead.get(f"/tasks/{task_id}").text
    link = page.split('href="/evidence/')[1].split('"')[0]
    for user in EVERYONE:
        r = _client(app, user).get(f"/evidence/{link}")
        assert r.status_code == (200 if user in READERS_OWN else 403), user
        if r.status_code == 200:
            assert r.content == PNG
            disposition = r.headers["content-disposition"]
            assert disposition.startswith("attachment;")
            assert "\r" not in disposition and "\n" not in disposition
            assert "x-evil" not in {k.lower() for k in r.headers}


def test_ics_token_by_head_or_office(app, world) -> None:  # type: ignore[no-untyped-def]
    ngv, nv = world.agency_ids["so-ngoai-vu"], world.agency_ids["so-noi-vu"]
    for user, agency, allowed in [
        ("gd.ngoaivu", ngv, True),
        ("gd.ngoaivu", nv, False),
        ("ngoaivu", ngv, False),
        ("lanhdao", ngv, False),
        ("vanphong", nv, True),
    ]:
        client = _client(app, user)
        token = csrf_of(client.get("/tasks").text)
        r = client.post(f"/agencies/{agency}/ics-token", data={"csrf_token": token})
        assert (r.status_code == 200) == allowed, (user, agency)
        assert isinstance(r, httpx.Response)
