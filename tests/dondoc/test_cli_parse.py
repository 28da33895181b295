"""`dondoc parse` and `dondoc register` as a person runs them, bad input included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from dondoc.cli_parse import register_commands
from storage.db import Database
from storage.models import DirectiveRow, HistoryRow, TaskRow

NOTICES = Path(__file__).parents[1] / "fixtures" / "notices"
SEED = NOTICES / "tb-ubnd-2024-03-27-so-ngoai-vu.txt"
DESIGN_KEYS = ["doc_type", "number", "issued", "issuer", "leader", "signer", "subject", "tasks"]
TASK_KEYS = ["ref", "text", "lead", "coordinators", "deadline", "deadline_text", "recurring"]


def _app() -> typer.Typer:
    app = typer.Typer()
    register_commands(app)
    return app


def run(args: list[str], cwd: Path, url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DONDOC_DATABASE_URL": url or f"sqlite:///{cwd / 'dondoc.db'}"}
    return subprocess.run(
        [sys.executable, "-m", "dondoc", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


def test_parse_json_is_one_object_with_the_design_keys() -> None:
    result = CliRunner().invoke(_app(), ["parse", str(SEED), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data)[: len(DESIGN_KEYS) + 1] == [*DESIGN_KEYS, "warnings"]
    assert len(data["tasks"]) == 19
    assert all(list(t)[: len(TASK_KEYS) + 1] == [*TASK_KEYS, "warnings"] for t in data["tasks"])
    assert data["tasks"][-1]["lead"] == "UBND các huyện biên giới"


def test_parse_without_json_prints_a_table() -> None:
    result = CliRunner().invoke(_app(), ["parse", str(SEED)])
    assert result.exit_code == 0
    assert "Sở Ngoại vụ" in result.stdout and "3.2.đ" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", b"", "empty"),
        ("junk.txt", bytes(range(256)) * 20, "binary junk"),
        ("notice.odt", b"whatever", "unsupported format"),
        ("news.txt", "Chiều 17/1, Sở Ngoại vụ tổng kết công tác năm.".encode(), "no task section"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    tmp_path: Path, name: str, content: bytes | None, expected: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run(["parse", str(path), "--json"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]


def _count(url: str, table: type) -> int:
    db = Database(url)
    try:
        with db.read() as session:
            return session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
    finally:
        db.dispose()


def test_register_fans_out_group_leads_and_records_history(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dondoc.db'}"
    assert run(["init"], tmp_path, url).returncode == 0
    assert run(["agencies", "load"], tmp_path, url).returncode == 0
    result = run(["register", str(SEED), "--yes", "--as", "chuyenvien"], tmp_path, url)
    assert result.returncode == 0, result.stderr
    assert "23 tasks" in result.stdout  # 18 single-lead tasks + 5 border districts
    assert _count(url, DirectiveRow) == 1 and _count(url, TaskRow) == 23
    db = Database(url)
    with db.read() as session:
        rows = session.scalars(sa.select(TaskRow)).all()
        assert {r.original_deadline for r in rows if r.deadline} == {
            r.deadline for r in rows if r.deadline
        }
        history = session.scalars(sa.select(HistoryRow)).all()
        assert {h.actor for h in history} == {"chuyenvien"} and len(history) == 24
    db.dispose()


def test_register_with_unknown_lead_stores_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dondoc.db'}"
    assert run(["init"], tmp_path, url).returncode == 0
    assert run(["agencies", "load"], tmp_path, url).returncode == 0
    other = NOTICES / "tb-quang-nam-2024-04-12-nong-nghiep.txt"  # Quảng Nam agencies
    result = run(["register", str(other), "--yes"], tmp_path, url)
    assert result.returncode == 2
    assert "not in the agency registry" in result.stderr
    assert _count(url, DirectiveRow) == 0 and _count(url, TaskRow) == 0
