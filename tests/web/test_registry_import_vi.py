"""The agency page's import speaks Vietnamese: one message per bad row, nothing loaded.

Every message a registry file can earn (directives.agencies, storage.registry_files) has a
Vietnamese wording in web.messages_vi; the page shows only those.
"""

from __future__ import annotations

import html
import io
import re

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from openpyxl import Workbook

from directives.agencies import AgencyFileError, load_registry
from dondoc.settings import Settings
from storage.models import AgencyRow
from storage.registry_files import read_xlsx
from tests.factories import build_world
from tests.web_testing import csrf_of, login
from web.app import create_app
from web.messages_vi import registry_vietnamese

# English words the messages are written with: none may reach the page.
ENGLISH = re.compile(
    r"\b(?:line|is not|contains|succession|successor|registry|duplicate|unknown|Field required"
    r"|Input should|expected|refused|must|mapping|before|after)\b"
)
BAD_CSV = (
    "code,name,email,valid_from,valid_to,ended_by,successors\n"
    "ok-a,Sở A,a@x.example.org,,,,\n"
    "ok-b,<b>Sở B</b>,b@,,,,\n"  # 3: markup, bad e-mail
    ",Sở C,,,,,\n"  # 4: no code
    "ok-d,Sở D,,2025-07-01,2025-01-01,,\n"  # 5: dates out of order
    "ok-e,Sở E,,,2025-06-30,merger,khong-co\n"  # 6: successor not in the registry
    "ok-a,Sở A lần hai,,,,,\n"  # 7: duplicate code
    "Sai Mã,Sở F,,,,,\n"  # 8: bad code
    "ok-g,Sở G,,ngày mai,,,\n"  # 9: not a date
)
BAD_ROWS = [3, 4, 5, 6, 7, 8, 9]
BAD_YAML = """
agencies:
  - {code: ok-a, name: Sở A}
  - {code: ok-b, name: Sở B, email: "b at x"}
  - {code: ok-c, name: Sở C, kind: district, valid_to: 2025-06-30}
  - {name: Sở D}
groups:
  - {code: nhom, name: Nhóm, members: [ok-a, khong-co]}
successions:
  - {from: ok-c, "on": 2025-07-01, kind: swallow, to: [ok-c]}
  - {from: ok-x, "on": 2025-07-01, kind: merger, to: [ok-a]}
  - {from: ok-a, "on": "ngày mai", kind: merger, to: [ok-b]}
"""


def _xlsx(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


BAD_XLSX = _xlsx([
    ["code", "name", "email", "head_email"],
    ["ok-a", "Sở A", "a@x.example.org", ""],
    ["ok-b", "Sở\nB", "", "gd@"],
    ["ok-c", "", "", ""],
])  # fmt: skip


def _problems(name: str, data: bytes) -> list[tuple[int | None, str]]:
    try:
        if name.endswith(".xlsx"):
            read_xlsx(data)
        else:
            load_registry(data.decode(), "csv" if name.endswith(".csv") else "yaml")
    except AgencyFileError as exc:
        return exc.problems
    raise AssertionError("the file was accepted")


@pytest.mark.parametrize(
    ("name", "data"),
    [("bad.csv", BAD_CSV.encode()), ("bad.yaml", BAD_YAML.encode()), ("bad.xlsx", BAD_XLSX)],
)
def test_every_registry_message_has_a_vietnamese_wording(name: str, data: bytes) -> None:
    for _, message in _problems(name, data):
        wording = registry_vietnamese(message)
        assert wording is not None, message
        assert not ENGLISH.search(wording.replace("ok-", "")), wording


@pytest.mark.parametrize(
    "message",
    [
        "not valid YAML: mapping values are not allowed here",
        "expected a mapping with 'agencies' (and optionally 'groups')",
        "'groups' must be a list",
        "no agencies found (expected a list under 'agencies')",
        "each entry must be a mapping with code and name",
        "each succession must be a mapping with from, on, kind and to",
        "succession 'a': needs 'from' and a date 'on' (YYYY-MM-DD)",
        "succession 'a': each successor is a code or {code, work}",
        "CSV header must include the columns code and name",
        "no agencies found in the CSV file",
        "not an XLSX workbook",
        "the workbook unpacks to more than 50 MB: refused",
        "the first row must name the columns, including code and name",
        "more than 20000 rows: refused",
        "no agencies found in the workbook",
        "a: a second succession (an agency ends once)",
        "a: no successor given",
        "a: valid_to 2025-06-29 does not match the succession on 2025-07-01 (expected 2025-06-30)",
        "a: succession on 2024-01-01 is not after valid_from",
        "a: an agency cannot succeed itself",
        "a: successor 'b' does not exist on 2025-07-01",
        "a: work 'x\\ty' contains a control character",
        "a: alias is empty",
    ],
)
def test_each_file_level_message_reads_in_vietnamese(message: str) -> None:
    wording = registry_vietnamese(message)
    assert wording is not None and not ENGLISH.search(wording), (message, wording)


@pytest.fixture
def office(db, small_agencies, tmp_path):  # type: ignore[no-untyped-def]
    build_world(db, small_agencies, with_tokens=False)
    client = TestClient(create_app(Settings(upload_dir=tmp_path / "uploads"), db))
    assert login(client, "vanphong").status_code == 303
    return client


def _error_items(page: str) -> list[str]:
    block = re.search(r'<ul class="error" role="alert" id="import-errors">(.*?)</ul>', page, re.S)
    assert block, "no list of bad rows"
    return [html.unescape(li) for li in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)]


@pytest.mark.parametrize(
    ("name", "data"),
    [("bad.csv", BAD_CSV.encode()), ("bad.yaml", BAD_YAML.encode()), ("bad.xlsx", BAD_XLSX)],
)
def test_bad_file_on_the_page_shows_vietnamese_rows_and_loads_nothing(
    db, office: TestClient, name: str, data: bytes
) -> None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        before = s.scalar(sa.select(sa.func.count()).select_from(AgencyRow))
    token = csrf_of(office.get("/secretariat/agencies").text)
    response = office.post(
        "/secretariat/agencies/import",
        data={"csrf_token": token},
        files={"file": (name, data, "application/octet-stream")},
    )
    assert response.status_code == 400
    items = _error_items(response.text)
    expected = _problems(name, data)
    rows = list(dict.fromkeys(line for line, _ in expected))
    assert len(items) == len(rows)  # one line per bad row, in file order
    for item, line in zip(items, rows, strict=True):
        assert item.startswith(f"dòng {line}: ") if line else True, item
        assert not ENGLISH.search(item.replace("ok-", "")), item
        assert "dữ liệu không hợp lệ" not in item, item  # every message has its own wording
    if name == "bad.csv":
        assert rows == BAD_ROWS
        assert "thư điện tử «b@» không phải địa chỉ thư điện tử" in items[0]
        assert "ký tự đánh dấu" in items[0]  # both problems of row 3 on its one line
        assert "Trùng mã «ok-a» (đã có ở dòng 2)" in items[4]
    with db.read() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AgencyRow)) == before
        assert s.scalar(sa.select(AgencyRow.id).where(AgencyRow.code == "ok-a")) is None
