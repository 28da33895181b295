"""Extension decisions by the right person (setting `extension_decider`), SQLite and PostgreSQL.

secretariat (default): the office decides, the leader may not. leader: only the leader who
concluded the directive decides, from his page or the API; the office proposes (kept in the
history) and may no longer decide; another leader, an agency, the office: 403.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dondoc.settings import ExtensionDecider, Settings
from storage.db import Database
from storage.models import ExtensionRow, HistoryRow, TaskRow
from tests.factories import build_world
from tests.web_testing import csrf_of, login
from web.app import create_app


def _client(db: Database, tmp_path, decider: ExtensionDecider) -> TestClient:  # type: ignore[no-untyped-def]
    settings = Settings(upload_dir=tmp_path / "u", extension_decider=decider)
    return TestClient(create_app(settings, db))


def _as(world, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {world.tokens[username]}"}


def _request_extension(client: TestClient, world) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    task_id = world.tasks["so-ngoai-vu"][0]
    body = {"version": 1, "proposed_deadline": "2099-03-02", "reason": "Chờ ý kiến của Bộ"}
    r = client.post(f"/api/tasks/{task_id}/extensions", headers=_as(world, "ngoaivu"), json=body)
    assert r.status_code == 200, r.text
    ext_id = client.get(f"/api/tasks/{task_id}", headers=_as(world, "ngoaivu")).json()
    return task_id, ext_id["extensions"][0]["id"]


def _decide(client: TestClient, world, who: str, ext_id: int, approve: bool = True) -> int:  # type: ignore[no-untyped-def]
    body = {"version": 2, "approve": approve}
    return client.post(
        f"/api/extensions/{ext_id}/decision", headers=_as(world, who), json=body
    ).status_code


def _decision(db: Database, ext_id: int) -> tuple[str, str | None]:
    with db.read() as s:
        ext = s.get(ExtensionRow, ext_id)
        assert ext is not None
        return ext.decision, ext.decided_by


def test_secretariat_decides_by_default_and_the_leader_may_not(
    db: Database, small_agencies, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    world = build_world(db, small_agencies)
    client = _client(db, tmp_path, ExtensionDecider.SECRETARIAT)
    _, ext_id = _request_extension(client, world)
    for who in ("lanhdao", "ngoaivu", "noivu"):
        assert _decide(client, world, who, ext_id) == 403
    assert _decision(db, ext_id) == ("pending", None)
    assert _decide(client, world, "vanphong", ext_id) == 200
    assert _decision(db, ext_id) == ("approved", "vanphong")


def test_when_the_leader_decides_only_he_can(db: Database, small_agencies, tmp_path) -> None:  # type: ignore[no-untyped-def]
    world = build_world(db, small_agencies)
    client = _client(db, tmp_path, ExtensionDecider.LEADER)
    task_id, ext_id = _request_extension(client, world)
    for who in ("vanphong", "quantri", "lanhdao.khac", "ngoaivu", "gd.ngoaivu", "noivu"):
        assert _decide(client, world, who, ext_id) == 403, who
    assert _decision(db, ext_id) == ("pending", None)
    assert _decide(client, world, "lanhdao", ext_id, approve=False) == 200
    assert _decision(db, ext_id) == ("refused", "lanhdao")
    with db.read() as s:
        mine = HistoryRow.task_id == task_id, HistoryRow.action == "extension_decision"
        entry = s.scalars(sa.select(HistoryRow).where(*mine)).one()
        assert (entry.actor, entry.changes["decision"]) == ("lanhdao", "refused")


def _page_post(client: TestClient, path: str, page: str, data: dict) -> int:
    token = csrf_of(client.get(page).text)
    return client.post(path, data=data | {"csrf_token": token}, follow_redirects=False).status_code


def test_office_proposes_the_leader_sees_it_and_decides_on_his_page(
    db: Database, small_agencies, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    world = build_world(db, small_agencies)
    client = _client(db, tmp_path, ExtensionDecider.LEADER)
    task_id, ext_id = _request_extension(client, world)
    page = f"/tasks/{task_id}"

    assert login(client, "vanphong").status_code == 303
    office_view = client.get(page).text
    assert 'id="form-proposal"' in office_view and 'id="form-decision"' not in office_view
    assert _page_post(client, f"{page}/decision", page, {"version": "2", "approve": "true"}) == 403
    data = {"approve": "true", "new_deadline": "2099-02-27", "note": "Đề nghị đồng ý"}
    assert _page_post(client, f"{page}/proposal", page, data) == 303
    assert _decision(db, ext_id) == ("pending", None)  # a proposal decides nothing

    client.cookies.clear()
    assert login(client, "ngoaivu").status_code == 303
    assert _page_post(client, f"{page}/proposal", page, data) == 403  # the agency cannot

    client.cookies.clear()
    assert login(client, "lanhdao.khac").status_code == 303
    assert f'id="decide-{ext_id}"' not in client.get("/leader").text  # not his directive

    client.cookies.clear()
    assert login(client, "lanhdao").status_code == 303
    leader_page = client.get("/leader").text
    assert f'id="decide-{ext_id}"' in leader_page
    assert "Văn phòng đề xuất: <b>đồng ý</b>, hạn mới 27/02/2099 — Đề nghị đồng ý" in leader_page
    assert 'value="2099-02-27"' in leader_page  # the office's date is offered
    form = {"version": "2", "approve": "true", "new_deadline": "2099-02-27", "note": "Đồng ý"}
    assert _page_post(client, f"{page}/decision", "/leader", form) == 303
    assert _decision(db, ext_id) == ("approved", "lanhdao")
    with db.read() as s:
        task = s.get(TaskRow, task_id)
        assert task is not None and task.deadline.isoformat() == "2099-02-27"
        stmt = sa.select(HistoryRow).where(HistoryRow.task_id == task_id).order_by(HistoryRow.id)
        actions = [(h.action, h.actor) for h in s.scalars(stmt)]
    assert actions[-3:] == [("extension_request", "ngoaivu"), ("extension_proposal", "vanphong"),
                            ("extension_decision", "lanhdao")]  # fmt: skip
    assert "Văn phòng đề xuất xử lý gia hạn" in client.get(page).text  # the history shows it
    assert f'id="decide-{ext_id}"' not in client.get("/leader").text


@pytest.mark.parametrize("value", ["leader", "secretariat"])
def test_the_setting_reads_from_the_environment(monkeypatch, value: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DONDOC_EXTENSION_DECIDER", value)
    assert Settings().extension_decider == value
    monkeypatch.setenv("DONDOC_EXTENSION_DECIDER", "chairman")
    with pytest.raises(ValueError):
        Settings()
