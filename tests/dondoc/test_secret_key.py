"""The secret key that signs sessions: no default, refused when weak, written by `dondoc init`."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.settings import Settings, WeakSecretKey, check_secret_key
from storage.db import Database
from web.app import create_app

WEAK = ["", "change-me-in-production", "short-key", "x" * 31]


@pytest.mark.parametrize("key", WEAK)
def test_app_factory_refuses_a_weak_key(key: str, tmp_path: Path) -> None:
    settings = Settings(secret_key=SecretStr(key), upload_dir=tmp_path)
    with pytest.raises(WeakSecretKey, match="dondoc init --secret-key"):
        create_app(settings, Database(f"sqlite:///{tmp_path / 'x.db'}"))


def test_no_default_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DONDOC_SECRET_KEY", raising=False)
    settings = Settings(_env_file=None)
    assert settings.secret_key.get_secret_value() == ""
    with pytest.raises(WeakSecretKey):
        check_secret_key(settings)


@pytest.mark.parametrize("command", [["serve"], ["scheduler"]])
def test_serve_and_scheduler_refuse_a_weak_key(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    monkeypatch.setenv("DONDOC_SECRET_KEY", "change-me-in-production")
    result = CliRunner().invoke(app, command)
    assert result.exit_code != 0
    assert "dondoc init --secret-key" in str(result.exception)


def test_init_writes_a_strong_key_into_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    monkeypatch.delenv("DONDOC_SECRET_KEY", raising=False)
    (tmp_path / ".env").write_text("DONDOC_SMTP_PORT=2525\nDONDOC_SECRET_KEY=change-me\n")
    result = CliRunner().invoke(app, ["init", "--secret-key"])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / ".env").read_text().splitlines()
    assert "DONDOC_SMTP_PORT=2525" in lines
    keys = [line.split("=", 1)[1] for line in lines if line.startswith("DONDOC_SECRET_KEY=")]
    assert len(keys) == 1 and len(keys[0]) >= 32
    settings = Settings()  # reads .env in the working directory
    check_secret_key(settings)
    assert settings.secret_key.get_secret_value() == keys[0]
    # A second run keeps the key (sessions stay valid).
    assert CliRunner().invoke(app, ["init", "--secret-key"]).exit_code == 0
    assert keys[0] in (tmp_path / ".env").read_text()


def test_demo_makes_its_own_key(tmp_path: Path) -> None:
    from dondoc.demo import demo_settings

    settings = demo_settings(tmp_path, "sqlite:///x.db", "http://127.0.0.1:8000", 2525)
    check_secret_key(settings)
