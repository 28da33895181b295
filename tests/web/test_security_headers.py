"""Security headers on every answer of every route (pages, API, static, errors), for every
method the route takes, logged in or not; HSTS only behind an https base URL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dondoc.settings import Settings
from tests.factories import build_world
from tests.web_testing import every_route, login
from web.app import create_app
from web.headers import SCRIPT_BLOCK, sha256_source

FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@pytest.fixture
def world(db, small_agencies):  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies)


def _check(answer, https: bool) -> None:  # type: ignore[no-untyped-def]
    where = (answer.request.method, str(answer.request.url), answer.status_code)
    for name, value in FIXED.items():
        assert answer.headers.get(name) == value, where
    csp = answer.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, where
    if answer.request.url.path == "/api/redoc":  # ReDoc draws with inline <style> text
        csp = csp.replace("style-src 'self' 'unsafe-inline'", "style-src 'self'")
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    assert re.search(r"script-src 'self'( |;|$)", csp), where
    hsts = answer.headers.get("Strict-Transport-Security")
    assert (hsts == "max-age=31536000; includeSubDomains") if https else hsts is None, where


def _url(path: str, world) -> str:  # type: ignore[no-untyped-def]
    task = world.tasks["so-ngoai-vu"][0]
    values = {"task_id": task, "directive_id": world.directive_id, "token": "khong-co",
              "agency_id": world.agency_ids["so-ngoai-vu"], "update_id": 1,
              "extension_id": 1, "path": "style.css"}  # fmt: skip
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(values.get(m.group(1), 1)), path)


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8000", "https://dondoc.langson.gov.vn"])
def test_every_route_answers_with_the_headers(db, world, tmp_path: Path, base_url: str) -> None:  # type: ignore[no-untyped-def]
    https = base_url.startswith("https")
    app = create_app(Settings(upload_dir=tmp_path, base_url=base_url), db)
    routes = every_route(app)
    assert len(routes) > 40
    anonymous = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
    office = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
    if https:
        office.base_url = anonymous.base_url = "https://testserver"  # type: ignore[assignment]
    assert login(office, "vanphong").status_code == 303
    api = TestClient(app, raise_server_exceptions=False)
    api.headers["Authorization"] = f"Bearer {world.tokens['vanphong']}"
    for method, path in routes:
        url = _url(path, world)
        for client in (anonymous, office, api):
            _check(client.request(method, url), https)
    _check(anonymous.get("/static/style.css"), https)
    _check(anonymous.get("/khong-co-trang-nay"), https)
    _check(anonymous.post("/login", content=b"x" * (13 * 1024 * 1024)), https)  # 413


def test_the_api_docs_page_runs_only_its_own_script(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(Settings(upload_dir=tmp_path), db)
    answer = TestClient(app).get("/api/docs")
    csp = answer.headers["Content-Security-Policy"]
    scripts = SCRIPT_BLOCK.findall(answer.text)
    assert scripts and all(sha256_source(s) in csp for s in scripts)
    assert "'unsafe-inline'" not in csp


def test_the_leader_dashboard_allows_exactly_its_own_styles(db, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(Settings(upload_dir=tmp_path), db)
    client = TestClient(app, follow_redirects=False)
    assert login(client, "lanhdao").status_code == 303
    answer = client.get("/leader")
    csp = answer.headers["Content-Security-Policy"]
    blocks = re.findall(r"<style[^>]*>(.*?)</style>", answer.text, re.S)
    assert blocks and all(sha256_source(b) in csp for b in blocks)
    assert "style-src-attr 'unsafe-hashes'" in csp
    other = client.get("/tasks").headers["Content-Security-Policy"]
    assert "sha256" not in other
