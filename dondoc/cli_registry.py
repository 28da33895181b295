"""`dondoc agencies handover` and `dondoc agencies export`: the registry over the 2025 changes."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from dondoc.errors import UserError
from dondoc.wiring import database


def _day(value: str | None) -> date:
    if value is None:
        from directives.calendar import TIMEZONE

        return datetime.now(TIMEZONE).date()
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise UserError(f"--at {value!r}: expected a date, e.g. 2025-07-01") from None


def handover(
    at: Annotated[str | None, typer.Option("--at", help="ISO date; default today")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would move; change nothing")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Pass the open tasks of agencies ended by --at to their successors (default choices)."""
    from storage.handover import apply_handover, plan_handover

    day = _day(at)
    db = database()
    if dry_run:
        with db.read() as session:
            moves = [(m, m.default) for m in plan_handover(session, day)]
    else:
        with db.write() as session:
            moves = apply_handover(session, day, actor="cli")
    names = {c: n for m, _ in moves for c, n in m.options}
    if json_out:
        rows = [
            {"task_id": m.task_id, "ref": m.ref, "role": m.role, "from": m.from_code, "to": to,
             "on": m.on.isoformat(), "options": [c for c, _ in m.options]}
            for m, to in moves
        ]  # fmt: skip
        typer.echo(json.dumps({"dry_run": dry_run, "moves": rows}, ensure_ascii=False))
        return
    verb = "would move" if dry_run else "moved"
    for m, to in moves:
        more = f" (of {len(m.options)} successors)" if len(m.options) > 1 else ""
        role = "lead" if m.role == "lead" else "coordinator"
        typer.echo(f"task {m.task_id} [{m.ref}] {role}: {m.from_name} -> {names[to]}{more}")
    typer.echo(f"{len(moves)} task roles {verb} on {day.isoformat()}")


def export(
    file: Annotated[Path, typer.Argument(help="FILE.yaml, FILE.csv or FILE.xlsx")],
) -> None:
    """Write the registry as stored (agencies, groups, successions) to a YAML, CSV or XLSX file."""
    from storage.agencies import registry_from_db
    from storage.registry_files import write_registry

    with database().read() as session:
        registry = registry_from_db(session)
    try:
        count = write_registry(file, registry)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    typer.echo(f"{file.name}: {count} agencies written")


def register_commands(app: typer.Typer) -> None:
    from dondoc.cli import agencies_app

    agencies_app.command("handover")(handover)
    agencies_app.command("export")(export)
