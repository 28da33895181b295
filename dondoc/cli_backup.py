"""`dondoc backup FILE` and `dondoc restore FILE`: one archive, either database kind."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dondoc.cli_common import print_json
from dondoc.errors import UserError
from dondoc.settings import get_settings
from dondoc.wiring import database

if TYPE_CHECKING:  # storage.backup loads alembic: only for these two commands
    from storage.backup import Summary


def backup(
    file: Annotated[Path, typer.Argument(help="Archive to write (.tar.gz)")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Back up the database (every dondoc table) and the evidence files into one archive."""
    from storage.backup import BackupError
    from storage.backup import backup as run

    settings = get_settings()
    try:
        summary = run(database(settings), settings.upload_dir, file)
    except BackupError as exc:
        raise UserError(str(exc)) from None
    _report(summary, f"backup written to {file}", json_out)


def restore(
    file: Annotated[Path, typer.Argument(help="Archive made by `dondoc backup`")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Restore an archive into an EMPTY database (SQLite or PostgreSQL) and the upload folder."""
    from storage.backup import BackupError
    from storage.backup import restore as run

    settings = get_settings()
    try:
        summary = run(database(settings), settings.upload_dir, file)
    except BackupError as exc:
        raise UserError(f"{exc}; nothing was changed") from None
    _report(summary, f"restored {file} into {database(settings).dialect}", json_out)


def _report(summary: Summary, headline: str, json_out: bool) -> None:
    if json_out:
        print_json({"revision": summary.revision, "tables": summary.tables,
                    "files": summary.files})  # fmt: skip
        return
    rows = sum(summary.tables.values())
    typer.echo(f"{headline}: revision {summary.revision}, {rows} rows in "
               f"{len(summary.tables)} tables, {summary.files} files")  # fmt: skip


def register_commands(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
