"""The history page across all tasks (/admin/history), SQLite and PostgreSQL: filtered by who,
when (Vietnamese calendar days, both ends included), the task's lead agency and the kind of
change, newest first, 50 a page with the filters kept in the paging links; bad filters 422."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dondoc.settings import Settings
from storage import task_ops
from storage.db import Database
from storage.task_ops import Actor
from tests.factories import World, build_world
from tests.web_testing import login
from web.app import create_app

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)


@pytest.fixture
def world(db: Database, small_agencies) -> World:  # type: ignore[no-untyped-def]
    world = build_world(db, small_agencies, with_tokens=False)
    ngv = Actor("ngoaivu", world.agency_ids["so-ngoai-vu"])
    nv = Actor("noivu", world.agency_ids["so-noi-vu"])
    first = world.tasks["so-ngoai-vu"][0]
    with db.write() as s:
        for i in range(55):  # one progress report an hour from T0
            task_ops.report_progress(s, first, version=None, actor=ngv, percent=i,
                                     today=TODAY, at=T0 + timedelta(hours=i))  # fmt: skip
        # 00:30 on 10/3 and 23:30 on 10/3 in Vietnam, then 00:30 on 11/3
        for at in ("2026-03-09T17:30", "2026-03-10T16:30", "2026-03-10T17:30"):
            moment = datetime.fromisoformat(at).replace(tzinfo=UTC)
            task_ops.add_note(s, world.tasks["so-noi-vu"][0], actor=nv, note=at, at=moment)
    return world


@pytest.fixture
def office(db: Database, world: World, tmp_path: Path) -> TestClient:
    client = TestClient(create_app(Settings(upload_dir=tmp_path), db), follow_redirects=False)
    assert login(client, "vanphong").status_code == 303
    return client


def rows(html: str) -> list[tuple[str, str]]:
    """(task id, action) of each history row on the page, in order."""
    return re.findall(r'<tr data-task="(\d+)" data-action="([a-z_]+)">', html)


def total(html: str) -> int:
    return int(re.search(r'id="history-total">(\d+) thay đổi', html).group(1))  # type: ignore[union-attr]


def test_filter_by_who_and_paging(office: TestClient, world: World) -> None:
    first = office.get("/admin/history?actor=ngoaivu")
    assert first.status_code == 200
    assert total(first.text) == 55 and len(rows(first.text)) == 50
    assert "trang 1/2" in first.text
    assert 'href="/admin/history?actor=ngoaivu&amp;page=2"' in first.text
    assert "Tiến độ (%): 53 → 54" in first.text  # newest first
    second = office.get("/admin/history?actor=ngoaivu&page=2")
    assert len(rows(second.text)) == 5 and "Tiến độ (%): 0 → 0" in second.text
    assert 'href="/admin/history?actor=ngoaivu"' in second.text  # back to page 1
    everything = office.get("/admin/history")
    assert total(everything.text) == 20 + 55 + 3  # 20 tasks registered, reports, notes


def test_filter_by_agency_kind_and_days(office: TestClient, world: World) -> None:
    nv = str(world.tasks["so-noi-vu"][0])
    by_agency = office.get("/admin/history?agency=so-noi-vu").text
    assert rows(by_agency) == [(nv, "note")] * 3 + [(nv, "create")]
    assert total(office.get("/admin/history?action=note").text) == 3
    days = office.get("/admin/history?from=2026-03-10&to=2026-03-10").text
    assert [r[1] for r in rows(days)] == ["note", "note"]  # 00:30 and 23:30 on 10/3
    assert "2026-03-10T17:30" not in days and "2026-03-09T17:30" in days
    mixed = office.get("/admin/history?actor=ngoaivu&from=2026-03-04&action=progress").text
    assert total(mixed) == 55 - 40  # from 04/03 00:00 in Vietnam: 03/03 17:00 UTC, T0 + 40 h
    assert total(office.get("/admin/history?actor=noivu&action=progress").text) == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("agency=so-khong-co", "Không có cơ quan mã “so-khong-co”."),
        ("from=10/03/2026", "Ngày không hợp lệ: 10/03/2026"),
        ("from=2026-03-10&to=2026-03-01", "Ngày “đến” phải sau hoặc bằng ngày “từ”."),
        ("action=drop_table", "Loại thay đổi không hợp lệ: drop_table."),
        ("page=0", "Số trang không hợp lệ: 0."),
        ("who=ngoaivu", "Tham số không hợp lệ: who."),
    ],
)
def test_bad_filters_refused(office: TestClient, query: str, message: str) -> None:
    answer = office.get(f"/admin/history?{query}")
    assert answer.status_code == 422 and message in answer.text


def test_filter_form_keeps_the_choice(office: TestClient) -> None:
    page = office.get("/admin/history?agency=so-noi-vu&action=note").text
    assert '<option value="so-noi-vu" selected>' in page
    assert '<option value="note" selected>Ghi chú</option>' in page
