"""Registry files people use: YAML, CSV and XLSX in and out, every bad row named, nothing loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from directives.agencies import AgencyRegistry
from dondoc.cli import app
from dondoc.errors import UserError
from storage.agencies import read_agency_file, shipped_agency_file
from storage.db import Database


@pytest.fixture
def cli(db: Database, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DONDOC_DATABASE_URL", db.url)

    def run(*args: str, code: int = 0) -> str:
        result = CliRunner().invoke(app, list(args))
        if code:  # main() turns a UserError into one message on stderr and exit 2
            assert isinstance(result.exception, UserError), result.output
            return str(result.exception)
        assert result.exit_code == 0, result.output
        return result.output

    return run


def _count(cli) -> int:  # type: ignore[no-untyped-def]
    return len(json.loads(cli("agencies", "list", "--json")))


@pytest.mark.parametrize("suffix", [".yaml", ".csv", ".xlsx"])
def test_export_and_load_back_keep_agencies_and_successions(
    cli, tmp_path: Path, suffix: str
) -> None:  # type: ignore[no-untyped-def]
    cli("agencies", "load")
    out = tmp_path / f"registry{suffix}"
    assert "108 agencies written" in cli("agencies", "export", str(out))
    back = AgencyRegistry(read_agency_file(out))
    shipped = AgencyRegistry(read_agency_file(shipped_agency_file()))
    assert set(back.agencies) == set(shipped.agencies)
    assert back.successions == shipped.successions
    assert back.agencies["so-nn-mt"] == shipped.agencies["so-nn-mt"]
    assert back.agencies["cac-so-ban-nganh"].members == shipped.agencies["cac-so-ban-nganh"].members
    assert "0 agencies created, 108 updated" in cli("agencies", "load", str(out))


def test_bad_xlsx_rows_are_each_named_and_nothing_is_loaded(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "email", "valid_from", "valid_to", "ended_by", "successors"])
    sheet.append(["so-a", "Sở A", "a@langson.example.org", None, None, None, None])
    sheet.append(["so-b", "Sở B\nmới", "b@langson.example.org", None, None, None, None])
    sheet.append(["so-c", "Sở C", "c at langson", None, None, None, None])
    sheet.append(["so-d", "Sở D", None, "2025-07-01", "2025-03-01", None, None])
    sheet.append(["so-e", "Sở E", None, None, "2025-02-28", "merger", "so-khong-co"])
    sheet.append(["so-f", "Sở <script>F</script>", None, None, None, None, None])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    err = cli("agencies", "load", str(path), code=2)
    lines = [x for x in err.splitlines() if "line" in x]
    assert len(lines) == 5, err
    for line, words in zip(lines, ["line 3", "line 4", "line 5", "line 6", "line 7"], strict=True):
        assert words in line
    assert "line break" in lines[0] and "e-mail" in lines[1] and "before valid_from" in lines[2]
    assert "so-khong-co" in lines[3] and "markup" in lines[4]
    assert _count(cli) == 0


def test_good_xlsx_loads_with_its_successions(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["code", "name", "valid_from", "valid_to", "ended_by", "successors", "succession_source"]
    )
    sheet.append(
        ["so-cu", "Sở Cũ", None, "2025-02-28", "split", "so-moi; so-khac: văn hóa", "NQ 1"]
    )
    sheet.append(["so-moi", "Sở Mới", "2025-03-01", None, None, None, None])
    sheet.append(["so-khac", "Sở Khác", None, None, None, None, None])
    path = tmp_path / "ok.xlsx"
    book.save(path)
    assert "3 agencies created" in cli("agencies", "load", str(path))
    out = tmp_path / "out.xlsx"
    cli("agencies", "export", str(out))
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    head = rows[0]
    cu = next(dict(zip(head, r, strict=True)) for r in rows if r[0] == "so-cu")
    assert cu["successors"] == "so-moi; so-khac: văn hóa" and cu["ended_by"] == "split"
    assert cu["succession_on"] == "2025-03-01"


def test_not_a_workbook_is_one_message(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "fake.xlsx"
    path.write_bytes("code,name\nso-a,Sở A\n".encode())
    assert "not an XLSX workbook" in cli("agencies", "load", str(path), code=2)
    assert _count(cli) == 0
