"""Running `dondoc` commands in the test process, as a clerk types them, against the `db` fixture's
database and a mail sink on loopback (the `cli_mail` fixture of tests/conftest.py)."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from dondoc.cli import app


def run_json(*args: str) -> Any:
    """The command's JSON answer; the command must succeed."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
