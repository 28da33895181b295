"""`dondoc sweep`, `dondoc deliver`, `dondoc outbox` and `dondoc scheduler`."""

from __future__ import annotations

import signal
import threading
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from dondoc.cli_common import print_json
from dondoc.errors import UserError
from dondoc.settings import get_settings
from dondoc.wiring import database


def parse_at(value: str | None, tz: ZoneInfo) -> datetime | None:
    """An ISO date-time; without an offset it is local time (Asia/Ho_Chi_Minh)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        example = "e.g. 2026-01-12T07:30"
        raise UserError(f"--at {value!r}: expected an ISO date-time, {example}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def sweep(
    at: Annotated[str | None, typer.Option("--at", help="ISO date-time; default now")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Plan due reminders into the outbox: one digest per recipient (idempotent)."""
    from flows.jobs import sweep_job

    result = sweep_job(parse_at(at, ZoneInfo(get_settings().timezone)))
    if json_out:
        print_json(result)
    elif not result["working_day"]:
        typer.echo(f"{result['slot']} is not a working day: nothing planned")
    else:
        typer.echo(
            f"{result['slot']}: {result['tasks_read']} tasks due for a look, "
            f"{result['reminders']} reminders planned in {result['digests']} digests"
            + (f", sent from {result['send_at']}" if result["send_at"] else "")
        )


def deliver(
    at: Annotated[str | None, typer.Option("--at", help="ISO date-time; default now")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Send what the outbox holds; transient failures are retried later with backoff."""
    from flows.jobs import deliver_job

    result = deliver_job(parse_at(at, ZoneInfo(get_settings().timezone)))
    if json_out:
        print_json(result)
        return
    typer.echo(
        f"sent {result['sent']}, retried later {result['retried']}, failed {result['failed']}"
        f" (claimed {result['claimed']}, stale claims returned {result['reaped']})"
    )
    for error in result["errors"]:
        typer.echo(f"  {error}", err=True)


def outbox(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    all_rows: Annotated[bool, typer.Option("--all", help="Include mail already sent")] = False,
) -> None:
    """Mail not yet delivered and mail that failed, with the reason."""
    from notifications.outbox import problems, status_counts

    with database().read() as session:
        counts = status_counts(session)
        rows = [_row(r) for r in problems(session, include_sent=all_rows)]
    if json_out:
        print_json({"counts": counts, "rows": rows})
        return
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "empty"
    from rich.console import Console
    from rich.table import Table

    table = Table("#", "Trạng thái", "Người nhận", "Loại", "Ngày", "Lần gửi", "Lỗi",
                  title=f"Hộp thư đi: {summary}")  # fmt: skip
    for r in rows:
        table.add_row(str(r["id"]), r["status"], r["recipient"], r["kind"], str(r["slot"]),
                      str(r["attempts"]), r["last_error"] or "")  # fmt: skip
    Console().print(table)


def _row(r: Any) -> dict[str, Any]:
    return {
        "id": r.id, "status": r.status, "kind": r.kind, "recipient": r.recipient,
        "slot": r.slot, "subject": r.subject, "attempts": r.attempts,
        "next_attempt_at": r.next_attempt_at, "last_error": r.last_error, "sent_at": r.sent_at,
        "message_id": r.message_id,
    }  # fmt: skip


def scheduler() -> None:
    """Run the embedded scheduler (sweep, delivery) in the foreground until Ctrl-C."""
    from dondoc.settings import WeakSecretKey, check_secret_key
    from flows.scheduler import build_scheduler, run_foreground

    settings = get_settings()
    try:  # the scheduler mails links into the app: one installation, one strong key
        check_secret_key(settings)
    except WeakSecretKey as exc:
        raise UserError(str(exc)) from None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    for job in build_scheduler(settings).get_jobs():
        typer.echo(f"{job.id}: {job.trigger}")
    run_foreground(settings, stop)


def register_commands(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
    app.command("deliver")(deliver)
    app.command("scheduler")(scheduler)
