"""The foundation commands as a person runs them: init, agencies, tasks, synth, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures"


def run(args: list[str], url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DONDOC_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "dondoc", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'dondoc.db'}"


def test_init_load_list_and_synth(tmp_path: Path, sqlite_url: str) -> None:
    first = run(["init"], sqlite_url, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "created" in first.stdout
    again = run(["init"], sqlite_url, tmp_path)
    assert again.returncode == 0 and "current" in again.stdout
    loaded = run(["agencies", "load", str(FIXTURES / "agencies_small.yaml")], sqlite_url, tmp_path)
    assert "8 agencies created" in loaded.stdout
    listed = json.loads(run(["agencies", "list", "--json"], sqlite_url, tmp_path).stdout)
    assert "Sở Văn hóa, Thể thao và Du lịch" in {a["name"] for a in listed}
    synth = run(["synth", "--tasks", "500"], sqlite_url, tmp_path)
    assert synth.returncode == 0, synth.stderr
    tasks = json.loads(
        run(
            ["tasks", "--json", "--as-of", "2025-01-01", "--limit", "1000"], sqlite_url, tmp_path
        ).stdout
    )
    assert len(tasks) == 500
    overdue = json.loads(
        run(
            [
                "tasks",
                "--json",
                "--bucket",
                "open_overdue",
                "--as-of",
                "2025-01-01",
                "--limit",
                "1000",
            ],
            sqlite_url,
            tmp_path,
        ).stdout
    )
    assert overdue and all(t["bucket"] == "open_overdue" for t in overdue)
    assert all(t["deadline"] < "2025-01-01" for t in overdue)


BAD_YAML = "agencies:\n  - {code: a, name: Sở A}\n  - {code: b}\n"


@pytest.mark.parametrize(
    ("content", "suffix", "expected"),
    [
        (BAD_YAML, ".yaml", "line 3: name: Field required"),
        (
            "agencies:\n  - {code: a, name: Sở A}\n  - {code: a, name: Sở B}\n",
            ".yaml",
            "line 3: duplicate code 'a'",
        ),
        ("agencies: [\n", ".yaml", "not valid YAML"),
        ("code,name\na,Sở A\nb,\n", ".csv", "line 3: name"),
        ("id,title\n1,x\n", ".csv", "line 1: CSV header must include"),
    ],
)
def test_malformed_agency_file_says_where_and_writes_nothing(
    tmp_path: Path, sqlite_url: str, content: str, suffix: str, expected: str
) -> None:
    run(["init"], sqlite_url, tmp_path)
    bad = tmp_path / f"bad{suffix}"
    bad.write_text(content, encoding="utf-8")
    result = run(["agencies", "load", str(bad)], sqlite_url, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and str(bad) in lines[0]
    assert json.loads(run(["agencies", "list", "--json"], sqlite_url, tmp_path).stdout) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@127.0.0.1/x", "unsupported database URL scheme"),
        ("not a url", "cannot parse database URL"),
        ("postgresql://nobody@127.0.0.1:1/none", "database unreachable"),
    ],
)
def test_bad_database_url_is_one_clear_line(tmp_path: Path, url: str, expected: str) -> None:
    result = run(["init"], url, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]


def test_bad_as_of_date(tmp_path: Path, sqlite_url: str) -> None:
    run(["init"], sqlite_url, tmp_path)
    result = run(["tasks", "--as-of", "31/12/2024"], sqlite_url, tmp_path)
    assert result.returncode == 2 and "expected a date as YYYY-MM-DD" in result.stderr
