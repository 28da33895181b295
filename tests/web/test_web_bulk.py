"""Bulk actions of the secretariat (POST /secretariat/bulk, POST /api/tasks/bulk), SQLite and
PostgreSQL: confirm, decide extensions, reassign, set a deadline, export to XLSX; each change a
history row of its task; one task that cannot take the action → nothing changes and the page
names it and says why; only the office may act."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from dondoc.settings import Settings
from storage import task_ops
from storage.db import Database
from storage.models import HistoryRow, TaskRow
from storage.task_ops import Actor
from tests.factories import World, build_world
from tests.web_testing import csrf_of, login
from web.app import create_app
from web.deps import today


@pytest.fixture
def world(db: Database, small_agencies) -> World:  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies)


@pytest.fixture
def app(db: Database, world: World, tmp_path: Path):  # type: ignore[no-untyped-def]
    return create_app(Settings(upload_dir=tmp_path), db)


def logged_in(app, username: str = "vanphong") -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    assert login(client, username).status_code == 303
    return client


def bulk(client: TestClient, action: str, ids: list[int], **extra: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/account/password").text)
    data = {"csrf_token": token, "action": action, "ids": [str(i) for i in ids], **extra}
    return client.post("/secretariat/bulk", data=data)


def lead(world: World) -> Actor:
    return Actor("ngoaivu", world.agency_ids["so-ngoai-vu"])


def report_done(db: Database, world: World, ids: list[int]) -> None:
    with db.write() as s:
        for task_id in ids:
            task_ops.report_completion(s, task_id, version=None, actor=lead(world),
                                       done_on=today(), today=today())  # fmt: skip


def tasks(db: Database, ids: list[int]) -> dict[int, TaskRow]:
    with db.read() as s:
        return {t.id: t for t in s.scalars(sa.select(TaskRow).where(TaskRow.id.in_(ids)))}


def actions(db: Database, ids: list[int]) -> list[tuple[int, str, str]]:
    with db.read() as s:
        stmt = sa.select(HistoryRow.task_id, HistoryRow.action, HistoryRow.actor)
        stmt = stmt.where(HistoryRow.task_id.in_(ids), HistoryRow.action != "create")
        return list(s.execute(stmt.order_by(HistoryRow.id)).tuples())


def test_confirm_many(app, db: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    ids = world.tasks["so-ngoai-vu"][:3]
    report_done(db, world, ids)
    answer = bulk(logged_in(app), "confirm", ids)
    assert answer.status_code == 200
    assert "Đã xác nhận 3 nhiệm vụ hoàn thành." in answer.text
    assert {t.state for t in tasks(db, ids).values()} == {"done"}
    confirmed = [row for row in actions(db, ids) if row[1] == "confirm"]
    assert confirmed == [(i, "confirm", "vanphong") for i in ids]


def test_one_bad_task_changes_nothing(app, db: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    ready, not_ready = world.tasks["so-ngoai-vu"][:2], world.tasks["so-ngoai-vu"][2]
    report_done(db, world, ready)
    before = actions(db, [*ready, not_ready])
    answer = bulk(logged_in(app), "confirm", [*ready, not_ready])
    assert answer.status_code == 409
    assert "1 nhiệm vụ không phù hợp, nên không nhiệm vụ nào bị thay đổi" in answer.text
    assert f"Nhiệm vụ #{not_ready} (mục 3.2.a, Sở Ngoại vụ)</a>: Nhiệm vụ không chờ xác nhận" \
        in answer.text  # fmt: skip
    assert f"Nhiệm vụ #{ready[0]} " not in answer.text
    assert {t.state for t in tasks(db, ready).values()} == {"awaiting_confirmation"}
    assert actions(db, [*ready, not_ready]) == before


def test_unknown_task_named(app, db: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    ids = world.tasks["so-ngoai-vu"][:1]
    report_done(db, world, ids)
    answer = bulk(logged_in(app), "confirm", [*ids, 987654])
    assert answer.status_code == 409 and "Nhiệm vụ #987654: Không tìm thấy nhiệm vụ" in answer.text
    assert tasks(db, ids)[ids[0]].state == "awaiting_confirmation"


def test_decide_extensions(app, db: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    ids = world.tasks["so-ngoai-vu"][:3]
    proposed = date(2025, 3, 14)  # a Friday
    with db.write() as s:
        for task_id in ids[:2]:
            task_ops.request_extension(s, task_id, version=None, actor=lead(world),
                                       proposed=proposed, reason="Chờ ý kiến các bộ")  # fmt: skip
    office = logged_in(app)
    refused = bulk(office, "extend", ids, decision="approve")
    assert refused.status_code == 409
    assert f"#{ids[2]} (mục 3.2.a, Sở Ngoại vụ)</a>: Không có đề nghị gia hạn nào" in refused.text
    assert {t.deadline for t in tasks(db, ids).values()} == {date(2024, 12, 31)}
    answer = bulk(office, "extend", ids[:2], decision="approve", note="Đồng ý theo đề nghị")
    assert answer.status_code == 200 and "Đã đồng ý gia hạn 2 nhiệm vụ." in answer.text
    found = tasks(db, ids[:2])
    assert {t.deadline for t in found.values()} == {proposed}
    assert {t.original_deadline for t in found.values()} == {date(2024, 12, 31)}
    assert [a for _, a, _ in actions(db, ids[:2])].count("extension_decision") == 2
    assert bulk(office, "extend", ids[:2], decision="").status_code == 422


def test_reassign_lead(app, db: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    ids = world.tasks["so-ngoai-vu"][:2]
    office = logged_in(app)
    already = bulk(office, "reassign", [*ids, world.tasks["so-noi-vu"][0]], lead="so-noi-vu")
    assert already.status_code == 409 and "Nhiệm vụ đã do cơ quan này chủ trì" in already.text
    assert {t.lead_agency_id for t in tasks(db, ids).values()} == {world.agency_ids["so-ngoai-vu"]}
    answer = bulk(office, "reassign", ids, lead="so-noi-vu")
    assert answer.status_code == 200 and "Đã giao 2 nhiệm vụ cho Sở Nội vụ chủ trì." in answer.text
    assert {t.lead_agency_id for t in tasks(db, ids).values()} == {world.agency_ids["so-noi-vu"]}
    assert [a for _, a, _ in actions(db, ids)] == ["edit", "edit"]
    unknown = bulk(office, "reassign", ids, lead="so-khong-co")
    assert unknown.status_code == 422 and "Không có cơ quan đang hoạt động mã" in unknown.text


def test_set_deadline(app, db: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    ids = world.tasks["so-ngoai-vu"][:2]
    office = logged_in(app)
    day = today() + timedelta(days=30)
    past = bulk(office, "set_deadline", ids, deadline=(today() - timedelta(days=1)).isoformat())
    assert past.status_code == 422 and "không được trước hôm nay" in past.text
    assert bulk(office, "set_deadline", ids, deadline="31/12/2026").status_code == 422
    report_done(db, world, [ids[1]])
    with db.write() as s:
        task_ops.confirm_completion(s, ids[1], version=None, actor=Actor("vanphong"),
                                    today=today())  # fmt: skip
    closed = bulk(office, "set_deadline", ids, deadline=day.isoformat())
    assert closed.status_code == 409 and "Nhiệm vụ đã kết thúc" in closed.text
    assert tasks(db, ids)[ids[0]].deadline == date(2024, 12, 31)
    answer = bulk(office, "set_deadline", ids[:1], deadline=day.isoformat())
    assert f"Đã đặt hạn xử lý {day:%d/%m/%Y} cho 1 nhiệm vụ." in answer.text
    assert tasks(db, ids)[ids[0]].deadline == day
    with db.read() as s:
        row = s.scalars(sa.select(HistoryRow).where(HistoryRow.task_id == ids[0],
                                                    HistoryRow.action == "edit")).one()  # fmt: skip
    assert row.changes["deadline"] == ["2024-12-31", day.isoformat()]


def test_export_xlsx(app, db: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    ids = [world.tasks["so-noi-vu"][0], *world.tasks["so-ngoai-vu"][:2]]
    answer = bulk(logged_in(app), "export", ids)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet.title == "Nhiệm vụ"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:6] == ("STT", "Mã nhiệm vụ", "Văn bản", "Mục", "Nội dung nhiệm vụ", "Chủ trì")
    assert [r[1] for r in values[1:]] == ids  # the order of the selection
    found = tasks(db, ids)
    for row in values[1:]:
        task = found[row[1]]
        assert (row[3], row[4], row[9]) == (task.ref, task.content, "Mới giao")
    assert values[1][5] == "Sở Nội vụ" and values[2][5] == "Sở Ngoại vụ"
    assert values[2][7].date() == date(2024, 12, 31)  # a real date cell
    assert actions(db, ids) == []  # exporting changes nothing


@pytest.mark.parametrize("username", ["ngoaivu", "gd.ngoaivu", "lanhdao"])
def test_others_refused(app, db: Database, world: World, username: str) -> None:  # type: ignore[no-untyped-def]
    ids = world.tasks["so-ngoai-vu"][:1]
    report_done(db, world, ids)
    assert bulk(logged_in(app, username), "confirm", ids).status_code == 403
    assert tasks(db, ids)[ids[0]].state == "awaiting_confirmation"


def test_bad_requests(app, world: World) -> None:  # type: ignore[no-untyped-def]
    office = logged_in(app)
    ids = world.tasks["so-ngoai-vu"][:1]
    assert "Chưa chọn nhiệm vụ nào." in bulk(office, "confirm", []).text
    assert "Thao tác hàng loạt không hợp lệ." in bulk(office, "delete", ids).text
    assert bulk(office, "confirm", ["abc"]).status_code == 422  # type: ignore[list-item]
    by_filter = bulk(office, "confirm", [], filter="agensy=so-ngoai-vu")
    assert by_filter.status_code == 422 and "Bộ lọc không hợp lệ" in by_filter.text
    no_csrf = office.post("/secretariat/bulk", data={"action": "confirm", "ids": ["1"]})
    assert no_csrf.status_code == 403


def test_api_bulk(app, db: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    ids = world.tasks["so-ngoai-vu"][:2]
    report_done(db, world, ids[:1])
    api = TestClient(app)

    def call(username: str, body: dict) -> object:  # type: ignore[type-arg]
        headers = {"Authorization": f"Bearer {world.tokens[username]}"}
        return api.post("/api/tasks/bulk", json=body, headers=headers)

    refused = call("vanphong", {"action": "confirm", "ids": ids})
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert refused.json()["problems"][0]["task_id"] == ids[1]  # type: ignore[attr-defined]
    assert call("ngoaivu", {"action": "confirm", "ids": ids[:1]}).status_code == 403  # type: ignore[attr-defined]
    assert call("vanphong", {"action": "confirm", "ids": []}).status_code == 422  # type: ignore[attr-defined]
    done = call("vanphong", {"action": "confirm", "ids": ids[:1]})
    assert done.json() == {"action": "confirm", "count": 1, "task_ids": ids[:1],  # type: ignore[attr-defined]
                           "summary": "Đã xác nhận 1 nhiệm vụ hoàn thành."}  # fmt: skip
    schema = api.get("/api/openapi.json").json()
    assert "/api/tasks/bulk" in schema["paths"]
    assert "409" in schema["paths"]["/api/tasks/bulk"]["post"]["responses"]


def test_extensions_not_decided_in_bulk_when_the_leader_decides(
    db: Database, world: World, tmp_path: Path
) -> None:
    app = create_app(Settings(upload_dir=tmp_path, extension_decider="leader"), db)
    ids = world.tasks["so-ngoai-vu"][:1]
    with db.write() as s:
        task_ops.request_extension(
            s, ids[0], version=None, actor=lead(world), proposed=date(2025, 3, 14), reason="Chờ"
        )
    answer = bulk(logged_in(app), "extend", ids, decision="approve")
    assert answer.status_code == 422 and "Gia hạn do lãnh đạo UBND tỉnh quyết định" in answer.text
    assert tasks(db, ids)[ids[0]].deadline == date(2024, 12, 31)
