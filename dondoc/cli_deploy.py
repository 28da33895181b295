"""`dondoc deploy`: register the Prefect deployments of prefect.yaml (orchestrated mode)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from dondoc.errors import UserError
from dondoc.settings import get_settings

POOL = "dondoc"


def _prefect(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    prefect = Path(sys.executable).parent / "prefect"
    return subprocess.run(
        [str(prefect), "--no-prompt", *args], cwd=cwd, text=True, capture_output=True, timeout=300
    )


def deploy(
    code_dir: Annotated[Path | None, typer.Option(help="Folder with prefect.yaml")] = None,
    pool: Annotated[str, typer.Option(help="Process work pool name")] = POOL,
) -> None:
    """Create the process work pool if needed and deploy the flows of prefect.yaml."""
    if not os.environ.get("PREFECT_API_URL"):
        raise UserError("PREFECT_API_URL is not set: point it at your Prefect server's /api")
    folder = (code_dir or get_settings().code_dir).resolve()
    if not (folder / "prefect.yaml").is_file():
        raise UserError(f"{folder}: no prefect.yaml here (use --code-dir or DONDOC_CODE_DIR)")
    if _prefect("work-pool", "inspect", pool, cwd=folder).returncode != 0:
        created = _prefect("work-pool", "create", pool, "--type", "process", cwd=folder)
        if created.returncode != 0:
            raise UserError(f"cannot create work pool {pool!r}: {created.stderr.strip()[-300:]}")
    done = _prefect("deploy", "--all", cwd=folder)
    if done.returncode != 0:
        raise UserError(f"prefect deploy failed: {(done.stderr or done.stdout).strip()[-500:]}")
    names = [
        line.split("'")[1]
        for line in done.stdout.splitlines()
        if "prefect deployment run '" in line
    ]
    typer.echo(f"work pool {pool!r}; deployed: {', '.join(names) or 'see prefect deployment ls'}")


def register_commands(app: typer.Typer) -> None:
    app.command("deploy")(deploy)
