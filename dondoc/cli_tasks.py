"""`dondoc tasks`, `dondoc agencies list` and `dondoc synth`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from directives.labels import directive_label
from directives.models import BUCKET_LABELS_VI, Bucket
from directives.vn_format import vn_date
from dondoc.cli_common import agency_id_of, parse_as_of, print_json
from dondoc.wiring import database
from storage.agencies import agencies_sorted, agency_count, read_agency_file, shipped_agency_file
from storage.db import Database
from storage.models import TaskRow
from storage.queries import TaskFilter, list_tasks


def print_agencies(db: Database, json_out: bool) -> None:
    with db.read() as session:
        rows = agencies_sorted(session)
        data: list[dict[str, Any]] = [
            {
                "code": r.code,
                "name": r.name,
                "kind": r.kind,
                "email": r.email,
                "head_email": r.head_email,
                "valid_to": r.valid_to,
            }
            for r in rows
        ]
    if json_out:
        print_json(data)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Mã", "Tên cơ quan", "Loại", "E-mail", title=f"{len(data)} cơ quan, đơn vị")
    for d in data:
        table.add_row(d["code"], d["name"], d["kind"], d["email"] or "")
    Console().print(table)


def tasks(
    agency: Annotated[
        str | None, typer.Option(help="Agency code or name (lead or coordinator)")
    ] = None,
    bucket: Annotated[Bucket | None, typer.Option(help="Only tasks in this bucket")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default today")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    limit: Annotated[int, typer.Option(help="At most this many")] = 200,
) -> None:
    """List tasks with their bucket at a date (trong hạn, quá hạn, hoàn thành…)."""
    day = parse_as_of(as_of)
    with database().read() as session:
        agency_id = agency_id_of(session, agency)
        found = list_tasks(session, day, TaskFilter(agency_id=agency_id, bucket=bucket), limit)
        data = [_task_dict(t, b) for t, b in found]
    if json_out:
        print_json(data)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "#",
        "Số hiệu",
        "Mục",
        "Nhiệm vụ",
        "Chủ trì",
        "Hạn",
        "Tình trạng",
        title=f"Nhiệm vụ tại ngày {vn_date(day)}",
    )
    for d in data:
        label = BUCKET_LABELS_VI[Bucket(d["bucket"])] if d["bucket"] else "Đã hủy"
        table.add_row(
            str(d["id"]),
            d["directive"],
            d["ref"],
            d["content"][:60],
            d["lead"],
            d["deadline"] or "—",
            label,
        )
    Console().print(table)


def _task_dict(t: TaskRow, bucket: str | None) -> dict[str, Any]:
    return {
        "id": t.id,
        "directive": directive_label(
            t.directive.number, t.directive.issued_on, t.directive.subject, t.directive.kind
        ),
        "ref": t.ref,
        "content": t.content,
        "lead": t.lead.name,
        "coordinators": [c.name for c in t.coordinators],
        "deadline": t.deadline.isoformat() if t.deadline else None,
        "original_deadline": t.original_deadline.isoformat() if t.original_deadline else None,
        "state": t.state,
        "progress": t.progress,
        "bucket": bucket,
    }


def synth(
    tasks: Annotated[int, typer.Option("--tasks", min=1, help="How many tasks to create")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed")] = 1,
) -> None:
    """Fill the database with realistic synthetic directives and tasks (for benchmarks)."""
    from rich.progress import Progress

    from storage.agencies import load_agencies
    from storage.synth import synthesize

    db = database()
    with db.write() as session:
        if agency_count(session) == 0:
            load_agencies(session, read_agency_file(shipped_agency_file()))
    with Progress() as progress:
        bar = progress.add_task("synth", total=tasks)
        stats = synthesize(
            db, tasks, seed=seed, on_progress=lambda n: progress.update(bar, advance=n)
        )
    typer.echo(
        f"created {stats['directives']} directives, {stats['tasks']} tasks, "
        f"{stats['coordinators']} coordinator links in {stats['seconds']:.1f} s"
    )
