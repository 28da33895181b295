"""The leader dashboard's block "Đánh giá, xếp loại cơ quan" in the page HTML (SQLite and
PostgreSQL): the ranked rows a leader and the office see, a province formula, a bad window."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from directives.roles import Role
from dondoc.settings import EvaluationFormula, Settings
from storage.db import Database
from tests.factories import NGV, NV, PASSWORD, SON, TD, VH, VP, add_user, seed_evaluation
from tests.web_testing import login
from web.app import create_app

ROW = re.compile(r'<tr data-agency="\d+">(.*?)</tr>', re.S)
CELL = re.compile(r"<td>(.*?)</td>", re.S)


def _client(db: Database, tmp_path, formula: EvaluationFormula | None = None) -> TestClient:  # type: ignore[no-untyped-def]
    settings = Settings(upload_dir=tmp_path / "u", evaluation=formula or EvaluationFormula())
    return TestClient(create_app(settings, db))


def _users(db: Database) -> None:
    with db.write() as s:
        add_user(s, "huyen", Role.LEADER, PASSWORD, leader_name="Dương Xuân Huyên")
        add_user(s, "son", Role.LEADER, PASSWORD, leader_name=SON)
        add_user(s, "vanphong", Role.SECRETARIAT, PASSWORD)


def _rows(html: str) -> list[list[str]]:
    block = html.split('<section id="evaluation">', 1)[1].split("</section>", 1)[0]
    return [[unescape(c) for c in CELL.findall(row)] for row in ROW.findall(block)]


def test_the_office_sees_every_agency_ranked(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed_evaluation(db)
    _users(db)
    client = _client(db, tmp_path)
    assert login(client, "vanphong").status_code == 303
    page = client.get("/leader", params={"evaluation": "2025-Q1"})
    assert page.status_code == 200
    assert "Đánh giá, xếp loại cơ quan" in page.text
    assert '<option value="2025-Q1" selected>Quý I/2025</option>' in page.text
    assert "tình trạng tính đến ngày 31/03/2025" in page.text
    assert _rows(page.text) == [
        ["1", VH, "2", "2", "0", "0", "100,0%", "—", "100,0", "Hoàn thành xuất sắc nhiệm vụ"],
        ["2", NGV, "3", "2", "1", "0", "66,7%", "2,0", "81,3", "Hoàn thành tốt nhiệm vụ"],
        ["3", NV, "5", "3", "1", "1", "60,0%", "4,5", "65,5", "Hoàn thành nhiệm vụ"],
        ["4", VP, "1", "0", "0", "1", "0,0%", "21,0", "0,0", "Không hoàn thành nhiệm vụ"],
        ["", TD, "1", "0", "0", "0", "—", "—", "—", "Chưa đánh giá"],
    ]
    assert "1748/QĐ-UBND" in page.text


def test_a_leader_sees_his_directives_and_the_province_formula(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed_evaluation(db)
    _users(db)
    client = _client(db, tmp_path, EvaluationFormula(late=1, per_day_late=0, good=80))
    assert login(client, "huyen").status_code == 303
    rows = _rows(client.get("/leader", params={"evaluation": "2025-Q1"}).text)
    assert [(r[0], r[1], r[9]) for r in rows] == [
        ("1", VH, "Hoàn thành xuất sắc nhiệm vụ"),
        ("1", NGV, "Hoàn thành xuất sắc nhiệm vụ"),
        ("3", NV, "Hoàn thành tốt nhiệm vụ"),
        ("", TD, "Chưa đánh giá"),
    ]  # Văn phòng's task is Sơn's directive
    client.cookies.clear()
    assert login(client, "son").status_code == 303
    assert [r[1] for r in _rows(client.get("/leader?evaluation=2025-Q1").text)] == [VP]


def test_a_bad_window_is_refused_in_vietnamese(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed_evaluation(db)
    _users(db)
    client = _client(db, tmp_path)
    assert login(client, "vanphong").status_code == 303
    for bad in ("2025-13", "quý 1", "2099"):
        page = client.get("/leader", params={"evaluation": bad})
        assert page.status_code == 400, bad
        assert "Kỳ đánh giá không hợp lệ" in page.text
    default = client.get("/leader")
    assert default.status_code == 200 and 'id="evaluation"' in default.text
