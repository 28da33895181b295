"""`dondoc parse` and `dondoc register`: propose tasks from a notice, then store them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # the parser and the readers load on use: other commands start quicker
    from rich.console import Console

    from directives.agencies import AgencyRegistry
    from directives.drafts import DirectiveDraft
    from directives.formats import Extracted

FORMATS = ".txt, .md, .docx, .html, .pdf, or a scan (.pdf, .png, .jpg, .tif)"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _read(file: Path) -> Extracted:
    from directives.parsing import NoticeError
    from dondoc.settings import get_settings
    from intake import limits_from, read_notice

    if not file.is_file():
        raise _fail(f"{file}: no such file")
    limits = limits_from(get_settings())
    if file.stat().st_size > limits.max_bytes:
        raise _fail(f"{file}: too large ({file.stat().st_size} bytes; limit {limits.max_bytes})")
    try:
        return read_notice(file.read_bytes(), file.name, limits)
    except NoticeError as exc:
        raise _fail(f"{file}: {str(exc).removeprefix(f'{file.name}: ')}") from None


def _file_registry(path: Path | None) -> AgencyRegistry:
    from directives.agencies import AgencyFileError, AgencyRegistry
    from dondoc.settings import get_settings
    from storage.agencies import read_agency_file, shipped_agency_file

    path = path or get_settings().agency_file or shipped_agency_file()
    try:
        return AgencyRegistry(read_agency_file(path))
    except (OSError, AgencyFileError, UnicodeDecodeError) as exc:
        raise _fail(f"{path}: {exc}") from None


def _parse(file: Path, registry: AgencyRegistry) -> DirectiveDraft:
    from directives.calendar import DEFAULT_CALENDAR
    from directives.parsing import NoticeError, parse_notice

    extracted = _read(file)
    try:
        return parse_notice(extracted.text, registry, DEFAULT_CALENDAR, extracted.source)
    except NoticeError as exc:
        raise _fail(f"{file}: {exc}") from None


def show_draft(draft: DirectiveDraft, console: Console) -> None:
    """A readable summary: the header, then one row per proposed task."""
    from rich.table import Table

    console.print(
        f"[bold]{draft.doc_type or '?'} {draft.number or ''}[/bold]  issued {draft.issued or '?'}"
        f"  by {draft.issuer or '?'}\nleader: {draft.leader or '-'}   signer: {draft.signer or '-'}"
        f"\n{draft.subject or ''}"
    )
    table = Table(show_lines=True)
    for column in ("ref", "task", "lead", "coordinators", "deadline", "warnings"):
        table.add_column(column, overflow="fold")
    for t in draft.tasks:
        deadline = f"{t.deadline or ''} ({t.deadline_text})" if t.deadline_text else "-"
        table.add_row(
            t.ref,
            t.text[:160],
            t.lead or "?",
            "; ".join(t.coordinators),
            deadline,
            "\n".join(t.warnings),
        )
    console.print(table)
    for warning in draft.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")


def parse(
    file: Annotated[Path, typer.Argument(help=f"The notice: {FORMATS}")],
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    agencies: Annotated[
        Path | None, typer.Option("--agencies", help="Registry file (default: shipped)")
    ] = None,
) -> None:
    """Propose tasks from a notice (TB, CT, KH, CV) without storing anything."""
    from rich.console import Console

    draft = _parse(file, _file_registry(agencies))
    if json_out:
        sys.stdout.write(json.dumps(draft.to_json_dict(), ensure_ascii=False) + "\n")
    else:
        show_draft(draft, Console())


def register(
    file: Annotated[Path, typer.Argument(help=f"The notice: {FORMATS}")],
    yes: Annotated[bool, typer.Option("--yes", help="Store without asking")] = False,
    actor: Annotated[str, typer.Option("--as", help="Who registers (history)")] = "secretariat",
    allow_duplicate: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate",
            help="Register although a directive with the same number and date, or the same"
            " text, is registered (it is a different document)",
        ),
    ] = False,
) -> None:
    """Parse a notice, confirm, and store the directive and its tasks (groups fanned out)."""
    from rich.console import Console

    from directives.calendar import DEFAULT_CALENDAR
    from dondoc.wiring import database
    from storage.agencies import registry_from_db
    from storage.registration import (
        DuplicateDirective,
        RegistrationError,
        check_draft,
        register_directive,
    )

    db = database()
    with db.read() as session:
        registry = registry_from_db(session)
    if not len(registry):
        raise _fail("no agencies in the database: run `dondoc agencies load` first")
    draft = _parse(file, registry)
    problems = check_draft(draft, registry)
    if problems:
        raise _fail("; ".join(problems))
    show_draft(draft, Console(stderr=True))
    if not yes and not typer.confirm(f"Register {len(draft.tasks)} tasks?", err=True):
        raise _fail("not registered")
    from directives.labels import directive_label
    from dondoc.settings import get_settings
    from notifications.assignment import notify_registration
    from storage.db import utcnow

    try:
        with db.write() as session:
            row = register_directive(
                session, draft, registry, actor, DEFAULT_CALENDAR, allow_duplicate=allow_duplicate
            )
            directive_id, count = row.id, len(row.tasks)
            session.flush()
            notices = notify_registration(session, directive_id, get_settings(), utcnow())
    except DuplicateDirective as exc:
        raise _fail(
            f"{exc.message_vi} (directive {exc.existing_id}). Nothing stored; if it is a different"
            " document, run again with --allow-duplicate"
        ) from None
    except RegistrationError as exc:
        raise _fail(str(exc)) from None
    label = directive_label(draft.number, draft.issued, draft.subject, draft.doc_type)
    typer.echo(
        f"registered directive {directive_id} ({label}): {count} tasks,"
        f" {len(notices)} assignment notices queued"
    )


def register_commands(app: typer.Typer) -> None:
    """Add `parse` and `register` to the main CLI."""
    app.command("parse")(parse)
    app.command("register")(register)
