"""The evaluation in the files a person gets from `dondoc report --evaluation`: the DOCX table
and the XLSX sheet, read back with python-docx and openpyxl; bad input refused in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from storage.db import Database
from tests.factories import NGV, NV, TD, VH, VP, seed_evaluation


def run(args: list[str], url: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DONDOC_EVALUATION"}
    environ |= {"DONDOC_DATABASE_URL": url, **env}
    return subprocess.run(
        [sys.executable, "-m", "dondoc", "report", "--as-of", "2025-04-07", *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=cwd,
        timeout=300,
    )


def _table_with(doc, heading: str):  # type: ignore[no-untyped-def]
    return next(t for t in doc.tables if t.rows[0].cells[0].text == heading)


def test_docx_and_xlsx_hold_the_ranked_table(db: Database, tmp_path: Path) -> None:
    seed_evaluation(db)
    for fmt in ("docx", "xlsx"):
        out = tmp_path / f"danh-gia.{fmt}"
        args = ["--format", fmt, "--out", str(out), "--evaluation", "2025-Q1"]
        done = run(args, db.url, tmp_path)
        assert done.returncode == 0, done.stderr
        assert "đánh giá Quý I/2025: 5 cơ quan" in done.stdout
    doc = Document(str(tmp_path / "danh-gia.docx"))
    table = _table_with(doc, "Xếp hạng")
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[1][:3] == ["(1)", "(2)", "(3)"]
    assert cells[2:] == [
        ["1", VH, "2", "2", "0", "0", "100,0%", "—", "100,0", "Hoàn thành xuất sắc nhiệm vụ"],
        ["2", NGV, "3", "2", "1", "0", "66,7%", "2,0", "81,3", "Hoàn thành tốt nhiệm vụ"],
        ["3", NV, "5", "3", "1", "1", "60,0%", "4,5", "65,5", "Hoàn thành nhiệm vụ"],
        ["4", VP, "1", "0", "0", "1", "0,0%", "21,0", "0,0", "Không hoàn thành nhiệm vụ"],
        ["", TD, "1", "0", "0", "0", "—", "—", "—", "Chưa đánh giá"],
    ]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "V. ĐÁNH GIÁ, XẾP LOẠI CƠ QUAN, ĐƠN VỊ" in text and "VI. KIẾN NGHỊ" in text
    assert "tình trạng tính đến ngày 31/03/2025" in text  # the window's end, not --as-of
    assert "1748/QĐ-UBND" in text
    run_font = table.rows[2].cells[1].paragraphs[0].runs[0].font.name
    assert run_font in (None, "Times New Roman")  # the document default, Times New Roman
    ws = load_workbook(tmp_path / "danh-gia.xlsx")["Đánh giá, xếp loại"]
    assert ws["A4"].value == "Xếp hạng"
    assert [c.value for c in ws[6]] == [2, NGV, 3, 0, 2, 1, 0, 0, pytest.approx(2 / 3), 2.0,
                                        81.3, "Hoàn thành tốt nhiệm vụ"]  # fmt: skip
    assert [c.value for c in ws[7]][:4] == [3, NV, 2, 3]  # two tasks and three periods


def test_state_at_as_of_and_a_province_formula(db: Database, tmp_path: Path) -> None:
    seed_evaluation(db)
    out = tmp_path / "q1.xlsx"
    formula = '{"late": 1, "per_day_late": 0, "good": 80}'
    args = ["--format", "xlsx", "--out", str(out), "--evaluation", "2025-Q1"]
    done = run([*args, "--evaluation-state", "as-of"], db.url, tmp_path, DONDOC_EVALUATION=formula)
    assert done.returncode == 0, done.stderr
    ws = load_workbook(out)["Đánh giá, xếp loại"]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=5, max_row=9)}
    assert rows[VP][5].value == 1 and rows[VP][6].value == 0  # done 2/4: late by 7/4
    assert (rows[NGV][0].value, rows[NGV][11].value) == (1, "Hoàn thành xuất sắc nhiệm vụ")
    assert rows[NV][11].value == "Hoàn thành tốt nhiệm vụ"
    assert "tình trạng tính đến ngày 07/04/2025" in ws["A2"].value


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--evaluation", "2025-13"], {}, "--evaluation '2025-13': give a month 2026-03"),
        (["--evaluation", "2025-Q3"], {}, "Quý III/2025 starts on 2025-07-01, after --as-of"),
        (["--evaluation", "2025-Q1", "--format", "html"], {}, "goes into --format docx or xlsx"),
        (["--evaluation", "2025-Q1"], {"DONDOC_EVALUATION": '{"good": 95}'},
         "DONDOC_EVALUATION: thresholds must fall: excellent (90.0) > good (95.0)"),
    ],
)  # fmt: skip
def test_bad_evaluation_input_is_one_line_and_no_file(
    db: Database, tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    out = tmp_path / "x.docx"
    fmt = [] if "--format" in args else ["--format", "docx"]
    done = run([*fmt, "--out", str(out), *args], db.url, tmp_path, **env)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_bad_formula_stops_any_command_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "DONDOC_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    env["DONDOC_EVALUATION"] = '{"late": 0.5, "overdue": 0.9}'
    done = subprocess.run(
        [sys.executable, "-m", "dondoc", "tasks"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: DONDOC_EVALUATION: weights must fall: on_time (1.0) ≥ late (0.5) ≥ overdue (0.9)"
    )
    assert not (tmp_path / "x.db").exists()
