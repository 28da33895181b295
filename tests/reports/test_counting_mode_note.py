"""The counting mode over the 2025 reorganisation is stated in the HTML dashboard and the XLSX."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from reports.html import render_dashboard_html
from reports.model import Scope
from reports.rollup import build_rollup
from reports.succession import NOTE_VI
from reports.xlsx_report import build_xlsx
from storage.db import Database
from tests.reports.test_reports_data import AS_OF, seed


def _rollup(db: Database, mode: str):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return build_rollup(s, AS_OF, Scope(agency_at=mode))


@pytest.mark.parametrize("mode", ["asof", "then"])
def test_html_dashboard_says_how_tasks_are_counted(db: Database, mode: str) -> None:
    seed(db)
    html = render_dashboard_html(_rollup(db, mode), standalone=False)
    assert f"(**) {NOTE_VI[mode]}" in html
    other = "then" if mode == "asof" else "asof"
    assert NOTE_VI[other] not in html


@pytest.mark.parametrize("mode", ["asof", "then"])
def test_xlsx_summary_sheet_says_how_tasks_are_counted(db: Database, mode: str) -> None:
    seed(db)
    wb = load_workbook(io.BytesIO(build_xlsx(_rollup(db, mode))))
    summary = wb.worksheets[0]
    assert summary.title == "Theo cơ quan"
    texts = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
    assert f"(**) {NOTE_VI[mode]}" in texts
    later = [c.value for ws in wb.worksheets[1:] for row in ws.iter_rows() for c in row]
    assert not any(isinstance(t, str) and NOTE_VI[mode] in t for t in later)
