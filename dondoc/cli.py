"""The `dondoc` command line. Each capability adds its commands from its own module."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError
from sqlalchemy.exc import OperationalError

from directives.agencies import AgencyFileError
from dondoc import cli_tasks
from dondoc.errors import UserError
from dondoc.settings import settings_problem
from dondoc.wiring import database
from storage.agencies import read_agency_file, shipped_agency_file
from storage.db import DatabaseURLError

app = typer.Typer(
    help="dondoc: theo dõi, đôn đốc thực hiện nhiệm vụ — directive follow-up engine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
agencies_app = typer.Typer(help="The agency registry (danh mục cơ quan).", no_args_is_help=True)
app.add_typer(agencies_app, name="agencies")

CAPABILITY_MODULES = (
    "cli_parse",
    "cli_remind",
    "cli_outbox",
    "cli_report",
    "cli_web",
    "cli_deploy",
    "cli_registry",
    "cli_backup",
)


@app.command()
def init(
    secret_key: Annotated[
        bool,
        typer.Option(
            "--secret-key", help="Also write a strong DONDOC_SECRET_KEY into .env (kept if strong)"
        ),
    ] = False,
    env_file: Annotated[Path, typer.Option(help="The .env file for --secret-key")] = Path(".env"),
) -> None:
    """Create or upgrade the database schema and the working-day calendar."""
    from storage.calendar import sync_calendar

    if secret_key:
        from dondoc.envfile import ensure_secret_key

        written = ensure_secret_key(env_file)
        typer.echo(f"{env_file}: {'new secret key written' if written else 'secret key kept'}")
    from storage.migrate import current_revision, head_revision, upgrade

    db = database()
    before = current_revision(db)
    upgrade(db)
    with db.write() as session:
        days = sync_calendar(session)
    state = (
        "created" if before is None else ("upgraded" if before != head_revision() else "current")
    )
    typer.echo(
        f"database {state} at revision {head_revision()} ({db.dialect}); {days} calendar days"
    )


@agencies_app.command("load")
def agencies_load(
    file: Annotated[
        Path | None, typer.Argument(help="YAML, CSV or XLSX; default: shipped Lạng Sơn (2025)")
    ] = None,
) -> None:
    """Load (insert or update by code) agencies from a YAML, CSV or XLSX file."""
    from storage.agencies import load_agencies

    path = file or shipped_agency_file()
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        agencies = read_agency_file(path)
    except AgencyFileError as exc:
        raise UserError(f"{path}: {exc}") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None
    with database().write() as session:
        created, updated = load_agencies(session, agencies)
    typer.echo(f"{path.name}: {created} agencies created, {updated} updated")


@agencies_app.command("list")
def agencies_list(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """List the registry: code, name, kind, e-mail."""
    cli_tasks.print_agencies(database(), json_out)


app.command("tasks")(cli_tasks.tasks)
app.command("synth")(cli_tasks.synth)


def _register_capabilities() -> None:
    for name in CAPABILITY_MODULES:
        try:
            module = importlib.import_module(f"dondoc.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"dondoc.{name}":
                raise
            continue
        module.register_commands(app)


_register_capabilities()


def main() -> None:
    """Entry point: known errors become one line on stderr and a non-zero exit."""
    try:
        app()
    except UserError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except DatabaseURLError as exc:
        typer.echo(f"error: DONDOC_DATABASE_URL: {exc}", err=True)
        sys.exit(2)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        typer.echo(f"error: database unreachable or not initialised: {reason}", err=True)
        sys.exit(2)
    except (ValidationError, SettingsError) as exc:  # a bad DONDOC_* value, from any command
        if isinstance(exc, ValidationError) and exc.title != "Settings":
            raise
        typer.echo(f"error: {settings_problem(exc)}", err=True)
        sys.exit(2)
