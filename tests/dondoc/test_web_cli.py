"""`dondoc users add|token` and `dondoc demo --no-serve`, run as a user runs them."""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.demo import DB_NAME
from dondoc.settings import Settings
from storage.db import Database
from tests.web_testing import login
from web.app import create_app


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'dondoc.db'}")
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["agencies", "load"]).exit_code == 0
    return tmp_path


def test_users_add_and_token(env: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        app,
        [
            "users",
            "add",
            "ngoaivu",
            "--role",
            "agency_officer",
            "--agency",
            "Sở Ngoại vụ",
            "--password",
            "mat-khau-dai-du-12",
        ],
    )
    assert ok.exit_code == 0, ok.output
    prompted = runner.invoke(
        app,
        ["users", "add", "vanphong", "--role", "secretariat"],
        input="bi-mat-van-phong\nbi-mat-van-phong\n",
    )
    assert prompted.exit_code == 0, prompted.output
    for args, message in [
        (["users", "add", "x", "--role", "boss", "--password", "mat-khau-du-dai"], "--role"),
        (
            ["users", "add", "y", "--role", "agency_head", "--password", "mat-khau-du-dai"],
            "--agency",
        ),
        (["users", "add", "z", "--role", "leader", "--password", "mat-khau-du-dai"], "--leader"),
        (["users", "add", "ngoaivu", "--role", "admin", "--password", "mat-khau-du-dai"], "exists"),
        (["users", "add", "w", "--role", "admin", "--password", "123"], "too short"),
        (["users", "token", "khong-co", "--name", "x"], "no user"),
    ]:
        result = runner.invoke(app, args)
        assert result.exit_code != 0 and message in str(result.output) + str(result.exception)
    token = runner.invoke(app, ["users", "token", "ngoaivu", "--name", "phan-mem"]).output.strip()
    db = Database(f"sqlite:///{env / 'dondoc.db'}")
    client = TestClient(create_app(Settings(upload_dir=env / "up"), db))
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me == {"username": "ngoaivu", "role": "agency_officer", "agency": "Sở Ngoại vụ"}
    assert login(client, "vanphong", "bi-mat-van-phong").headers["location"] == "/secretariat"


def test_demo_writes_everything(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--dir", str(folder), "--no-serve"])
    assert result.exit_code == 0, result.output
    for name in ("bao-cao-2025-01-15.html", "bao-cao-2025-01-15.docx", "bao-cao-2025-01-15.xlsx"):
        assert (folder / name).stat().st_size > 1000
    mails = sorted((folder / "mail").glob("*.eml"))
    assert mails and "lanhdao" in result.output and "vanphong-demo" in result.output
    subjects = [message_from_bytes(m.read_bytes())["subject"] for m in mails]
    assert all(subjects)
    db = Database(f"sqlite:///{folder / DB_NAME}")
    client = TestClient(create_app(Settings(upload_dir=folder / "uploads"), db))
    assert login(client, "lanhdao", "lanhdao-demo").headers["location"] == "/leader"
    leader_page = client.get("/leader").text
    assert "Dương Xuân Huyền" in leader_page and "Hoàn thành đúng hạn" in leader_page
    listed = client.get("/tasks").text.split("<table", 1)[1]  # the rows, not the filter form
    assert "Đã hoàn thành" in listed and "Chờ xác nhận" not in listed
    db.dispose()
