"""`dondoc report` as a person runs it: good reports, and bad input with exit 2, one line on
stderr and no file left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from storage.db import Database
from tests.reports.test_reports_data import seed


def run(args: list[str], url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DONDOC_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "dondoc", "report", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


def test_report_in_each_format(db: Database, tmp_path: Path) -> None:
    seed(db)
    for fmt in ("html", "docx", "xlsx"):
        out = tmp_path / f"bao-cao.{fmt}"
        done = run(
            [
                "--as-of",
                "2025-03-10",
                "--format",
                fmt,
                "--out",
                str(out),
                "--leader",
                "Dương Xuân Huyên",
                "--period",
                "quarter",
                "--cutoff",
                "nd09",
            ],
            db.url,
            tmp_path,
        )
        assert done.returncode == 0, done.stderr
        assert "Quý I/2025, 7 nhiệm vụ, 2 quá hạn" in done.stdout
    assert "do đồng chí Dương Xuân Huyên chỉ đạo" in (tmp_path / "bao-cao.html").read_text()
    assert load_workbook(tmp_path / "bao-cao.xlsx")["Quá hạn"]["D5"].value.startswith("Kiểm tra")
    doc = Document(str(tmp_path / "bao-cao.docx"))
    assert any("Quý I/2025" in p.text for p in doc.paragraphs)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bao-cao.docx",
        "bao-cao.html",
        "bao-cao.xlsx",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "10/03/2025"], "--as-of '10/03/2025': expected a date as YYYY-MM-DD"),
        (["--leader", "Nguyễn Văn Không"], "--leader 'Nguyễn Văn Không': no directive"),
        (["--agency", "Sở Không Có"], "--agency 'Sở Không Có': no such agency"),
        (["--directive", "99/TB-UBND"], "--directive '99/TB-UBND': no directive"),
        (["--out", "missing/bao-cao.docx"], "folder missing does not exist"),
        (["--out", "."], "is a folder"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_file(
    db: Database, tmp_path: Path, args: list[str], message: str
) -> None:
    seed(db)
    base = {"--as-of": "2025-03-10", "--format": "docx", "--out": "bao-cao.docx"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    done = run([x for kv in base.items() for x in kv], db.url, tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert list(tmp_path.iterdir()) == []  # no report, no temporary file


def test_verify_recounts_from_the_tasks_and_fails_on_a_wrong_summary(
    db: Database, tmp_path: Path
) -> None:
    seed(db)
    args = ["--as-of", "2025-03-10", "--format", "html", "--out", str(tmp_path / "r.html")]
    done = run([*args, "--verify"], db.url, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "the summary equals the count from the tasks" in done.stdout
    with db.engine.begin() as conn:  # a summary gone wrong (e.g. edited by hand)
        conn.exec_driver_sql("UPDATE rollup_tally SET n = n + 1 WHERE kind = 'done_late'")
    wrong = run([*args, "--verify"], db.url, tmp_path)
    assert wrong.returncode == 2 and "differs from the tasks" in wrong.stderr


def test_verify_fails_on_a_wrong_deadline_tally(db: Database, tmp_path: Path) -> None:
    """The by-period figures come from their own summary: --verify recounts them too."""
    seed(db)
    args = ["--as-of", "2025-03-10", "--format", "html", "--out", str(tmp_path / "r.html")]
    with db.engine.begin() as conn:  # its rows lost (e.g. a partial restore by hand)
        assert conn.exec_driver_sql("DELETE FROM rollup_deadline_tally").rowcount
    wrong = run([*args, "--verify"], db.url, tmp_path)
    assert wrong.returncode == 2 and "differs from the tasks" in wrong.stderr
    assert "period (" in wrong.stderr
