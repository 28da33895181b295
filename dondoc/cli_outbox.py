"""`dondoc outbox` (list), `dondoc outbox retry ID|--all-failed` and `dondoc outbox cancel ID`."""

from __future__ import annotations

from typing import Annotated

import typer

from dondoc import cli_remind
from dondoc.errors import UserError
from dondoc.wiring import database
from storage import outbox_admin
from storage.db import utcnow
from storage.outbox_admin import OutboxNotFailed, OutboxNotFound

ACTOR = "cli"

outbox_app = typer.Typer(
    help="Hộp thư đi: pending and failed mail with reasons; retry or cancel a failed mail.",
    invoke_without_command=True,
)


@outbox_app.callback()
def outbox(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    all_rows: Annotated[bool, typer.Option("--all", help="Include mail already sent")] = False,
) -> None:
    """Mail not yet delivered and mail that failed, with the reason."""
    if ctx.invoked_subcommand is None:
        cli_remind.outbox(json_out=json_out, all_rows=all_rows)


def _one(outbox_id: int, what: str) -> None:
    act = outbox_admin.retry if what == "retry" else outbox_admin.cancel
    try:
        with database().write() as session:
            act(session, outbox_id, ACTOR, utcnow())
    except (OutboxNotFound, OutboxNotFailed) as exc:
        raise UserError(str(exc)) from None


@outbox_app.command("retry")
def retry(
    outbox_id: Annotated[int | None, typer.Argument(metavar="ID", help="The mail's #")] = None,
    all_failed: Annotated[bool, typer.Option("--all-failed", help="Every failed mail")] = False,
) -> None:
    """Put a failed mail back in the queue (attempts reset, next try now) for `dondoc deliver`."""
    if (outbox_id is None) == (not all_failed):
        raise UserError("give either one mail ID or --all-failed")
    if all_failed:
        with database().write() as session:
            ids = outbox_admin.retry_all_failed(session, ACTOR, utcnow())
        typer.echo(f"{len(ids)} failed mail back in the queue" + (f": {ids}" if ids else ""))
        return
    assert outbox_id is not None
    _one(outbox_id, "retry")
    typer.echo(f"mail {outbox_id} back in the queue")


@outbox_app.command("cancel")
def cancel(outbox_id: Annotated[int, typer.Argument(metavar="ID", help="The mail's #")]) -> None:
    """Cancel a failed mail: it is never sent."""
    _one(outbox_id, "cancel")
    typer.echo(f"mail {outbox_id} cancelled: it will not be sent")


def register_commands(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")
