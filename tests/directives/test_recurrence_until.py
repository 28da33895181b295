"""The end of a recurring task (ngày kết thúc định kỳ): read from the text, stored, edited.

A recurring task has a rule, a start and an optional end. The parser reads the end when the
sentence of the recurrence wording says it; no period is planned whose nominal deadline is after
it; the secretariat edits it next to the rule (a bad end is refused, nothing changed).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from fastapi.testclient import TestClient

from directives.agencies import fold
from directives.calendar import DEFAULT_CALENDAR
from directives.parsing.dates import Reader
from directives.parsing.recurrence_end import recurrence_until
from directives.parsing.recurring import find_recurring
from directives.recurrence import parse_rule
from directives.recurrence import periods as rule_periods
from dondoc.settings import Settings
from flows.jobs import sweep
from storage import periods
from storage.db import Database
from storage.models import HistoryRow, ReminderRow, TaskRow
from storage.task_ops import Actor, TaskOpError, confirm_completion, edit_task, report_completion
from tests.factories import World, at, build_world
from tests.web_testing import csrf_of, form_values, login
from web.app import create_app


def _until(text: str) -> date | None:
    folded = fold(text)
    found = find_recurring(folded, text, Reader(date(2027, 1, 4), DEFAULT_CALENDAR))
    assert found is not None and found.recurrence
    return found.until


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("Báo cáo định kỳ hằng tháng trước ngày 20, đến hết năm 2027.", date(2027, 12, 31)),
        ("Hằng tháng báo cáo trước ngày 5 đến ngày 31/12/2027.", date(2027, 12, 31)),
        ("Báo cáo hằng quý, thực hiện đến hết ngày 30/6/2028.", date(2028, 6, 30)),
        ("Báo cáo hằng tháng trước ngày 25 đến hết tháng 02/2028.", date(2028, 2, 29)),
        ("Báo cáo hằng tháng trước ngày 20 cho đến khi kết thúc dự án.", None),
        ("Báo cáo hằng tháng trước ngày 20.", None),
    ],
)
def test_the_end_written_with_the_recurrence_is_read(text: str, end: date | None) -> None:
    assert _until(text) == end


def test_an_end_in_another_sentence_is_not_the_recurrence_end() -> None:
    text = "Báo cáo hằng tháng trước ngày 20. Dự án triển khai đến hết năm 2027."
    assert _until(text) is None
    assert recurrence_until(fold(text), 0) is None


def test_an_impossible_date_gives_no_end() -> None:
    assert _until("Báo cáo hằng tháng trước ngày 20 đến ngày 31/02/2027.") is None


# --- stored, planned, reminded and edited (SQLite and PostgreSQL) -----------------------------

NOTICE = (Path(__file__).parents[1] / "fixtures" / "notices_recurring_tb.txt").read_text("utf-8")
ENDING = NOTICE.replace(
    "gửi trước ngày 05 hằng tháng.", "gửi trước ngày 05 hằng tháng đến ngày 30/6/2027."
)
OFFICE = Actor("vanphong")


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(at(date(2027, 1, 4), time(9)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, small_agencies, clock) -> World:  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies)


@pytest.fixture
def client(db, tmp_path, clock) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(Settings(upload_dir=tmp_path / "uploads"), db))


def _register(client: TestClient, world: World, text: str) -> tuple[dict[str, str], int]:
    office = {"Authorization": f"Bearer {world.tokens['vanphong']}"}
    parsed = client.post("/api/notices/parse", headers=office, json={"text": text})
    choice = {"index": 0, "lead": "so-noi-vu"}
    r = client.post("/api/directives", headers=office, json={"text": text, "tasks": [choice]})
    assert r.status_code == 201, r.text
    assert parsed.status_code == 200, parsed.text
    assert parsed.json()["tasks"][0]["recurrence_until"] == "2027-06-30"
    return office, r.json()["tasks"][0]


def _finish(db: Database, task_id: int, day: date) -> None:
    with db.write() as s:
        report_completion(s, task_id, version=None, actor=Actor("noivu"), done_on=day, today=day,
                          at=at(day, time(9)))  # fmt: skip
    with db.write() as s:
        confirm_completion(s, task_id, version=None, actor=OFFICE, today=day,
                           at=at(day, time(10)))  # fmt: skip


def test_a_monthly_task_ending_30_6_2027_has_six_periods_and_no_reminder_from_july(
    client, world, db, clock
) -> None:  # type: ignore[no-untyped-def]
    office, task_id = _register(client, world, ENDING)
    first = client.get(f"/api/tasks/{task_id}", headers=office).json()
    assert (first["recurrence"], first["recurrence_until"]) == ("monthly:5", "2027-06-30")
    cfg = Settings(database_url=db.url, smtp_reply_to="theodoi@langson.example.org",
                   base_url="https://dondoc.example.org")  # fmt: skip
    deadlines = [
        s.deadline
        for s in rule_periods(
            parse_rule("monthly:5"), date(2027, 1, 4), date(2027, 12, 31), date(2027, 6, 30)
        )
    ]
    assert len(deadlines) == 6
    for deadline in deadlines:
        sweep(db, cfg, at(deadline, time(6)))
        _finish(db, task_id, deadline)
    for month in range(7, 13):  # the 5th of each month after the end, and the working days on
        for day in (5, 6, 7, 8):
            sweep(db, cfg, at(date(2027, month, day), time(6)))
    clock.move_to(at(date(2027, 12, 31), time(9)))
    last = client.get(f"/api/tasks/{task_id}", headers=office).json()
    assert [p["deadline"] for p in last["periods"]] == [d.isoformat() for d in deadlines]
    assert last["periods"][-1]["deadline"] == "2027-06-07"  # 5/6/2027 is a Saturday
    with db.read() as s:
        assert len(periods.load(s, task_id)) == 6
        stmt = sa.select(ReminderRow.slot).where(ReminderRow.task_id == task_id)
        slots = list(s.scalars(stmt))
    assert slots and all(slot <= date(2027, 6, 30) for slot in slots)


def test_the_end_is_edited_next_to_the_rule_and_a_bad_end_is_refused(client, world, db) -> None:  # type: ignore[no-untyped-def]
    office, task_id = _register(client, world, ENDING)
    url = f"/api/tasks/{task_id}"
    before = client.get(url, headers=office).json()
    for bad in ("2026-12-31", "ngày 30/6"):
        r = client.patch(url, headers=office,
                         json={"version": before["version"], "recurrence_until": bad})  # fmt: skip
        assert r.status_code in (400, 422), r.text
        assert "Ngày kết thúc định kỳ" in r.json()["detail"][0]["msg"], r.text
    with db.read() as s:
        history = s.scalar(sa.select(sa.func.count()).select_from(HistoryRow)
                           .where(HistoryRow.task_id == task_id))  # fmt: skip
    assert client.get(url, headers=office).json() == before
    r = client.patch(
        url, headers=office, json={"version": before["version"], "recurrence_until": "2027-01-31"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["recurrence_until"] == "2027-01-31"
    with db.read() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(HistoryRow)
                        .where(HistoryRow.task_id == task_id)) == history + 1  # fmt: skip
    with db.write() as s:
        task = s.get(TaskRow, task_id)
        assert len(periods.materialise(s, task, date(2027, 6, 1))) == 1  # only January's


def test_the_review_page_and_the_edit_page_set_the_end_and_refuse_a_bad_one(
    client, world, db
) -> None:  # type: ignore[no-untyped-def]
    assert login(client, "vanphong").status_code == 303
    token = csrf_of(client.get("/secretariat/notices/new").text)
    page = client.post("/secretariat/notices/parse", data={"text": ENDING, "csrf_token": token})
    assert page.status_code == 200
    values = form_values(page.text, "form-register")
    assert values["recurrence_until_0"] == "2027-06-30"  # read from the text, shown by the rule
    values["lead_0"] = "so-noi-vu"
    with db.read() as s:
        before = s.scalar(sa.select(sa.func.count()).select_from(TaskRow))
    refused = client.post("/secretariat/notices/register",
                          data=values | {"recurrence_until_0": "2026-12-31"})  # fmt: skip
    assert refused.status_code == 422
    assert "Ngày kết thúc định kỳ không được trước ngày bắt đầu" in refused.text
    with db.read() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(TaskRow)) == before
    done = client.post(
        "/secretariat/notices/register",
        data=values | {"recurrence_until_0": "2027-03-31"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    with db.read() as s:
        task = s.scalars(sa.select(TaskRow).where(TaskRow.recurrence == "monthly:5")
                         .order_by(TaskRow.id.desc())).first()  # fmt: skip
        task_id, version = task.id, task.version
        assert task.recurrence_until == date(2027, 3, 31)

    edit = client.get(f"/tasks/{task_id}/edit")
    values = form_values(edit.text, "form-edit")
    assert values["recurrence_until"] == "2027-03-31"
    bad = client.post(f"/tasks/{task_id}/edit", data=values | {"recurrence_until": "2026-01-01"})
    assert "Ngày kết thúc định kỳ không được trước ngày bắt đầu" in bad.text
    with db.read() as s:
        assert (s.get(TaskRow, task_id).recurrence_until, s.get(TaskRow, task_id).version) == (
            date(2027, 3, 31), version)  # fmt: skip
    with db.write() as s:
        with pytest.raises(TaskOpError, match="không được trước ngày bắt đầu"):
            edit_task(
                s,
                task_id,
                version=None,
                actor=OFFICE,
                fields={"recurrence_until": date(2026, 1, 1)},
                today=date(2027, 1, 4),
            )
    ok = client.post(f"/tasks/{task_id}/edit", data=values | {"recurrence_until": "2027-12-31"},
                     follow_redirects=False)  # fmt: skip
    assert ok.status_code in (200, 303), ok.text
    with db.read() as s:
        assert s.get(TaskRow, task_id).recurrence_until == date(2027, 12, 31)


def test_an_earlier_end_drops_the_untouched_periods_past_it(client, world, db, clock) -> None:  # type: ignore[no-untyped-def]
    office, task_id = _register(client, world, ENDING)
    _finish(db, task_id, date(2027, 1, 5))
    clock.move_to(at(date(2027, 4, 10), time(9)))
    task = client.get(f"/api/tasks/{task_id}", headers=office).json()
    assert [p["deadline"] for p in task["periods"]] == [
        "2027-01-05", "2027-02-11", "2027-03-05", "2027-04-05", "2027-05-05"]  # fmt: skip
    r = client.patch(
        f"/api/tasks/{task_id}",
        headers=office,
        json={"version": task["version"], "recurrence_until": "2027-02-28"},
    )
    assert r.status_code == 200, r.text
    assert [(p["deadline"], p["state"]) for p in r.json()["periods"]] == [
        ("2027-01-05", "done"), ("2027-02-11", "new")]  # fmt: skip
    assert r.json()["deadline"] == "2027-02-11"
